package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code print slabinfo}: the header and every line of a cache the real 1 GiB boot had not used
 * (the dma-kmalloc caches) are the kernel's to the byte; a used cache counts objects as
 * {@code get_slabinfo} does.
 */
class SlabinfoReportTest {

    @Test
    void unusedBootCachesPrintAsTheKernelPrintsThem() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        String model = SlabinfoReport.render(a);
        String[] kernel = OracleFiles.read("armmp-1024M", "slabinfo.txt").split("\n");
        assertThat(model.split("\n")[0]).isEqualTo(kernel[0]);
        assertThat(model.split("\n")[1]).isEqualTo(kernel[1]);
        List<String> expected = new ArrayList<>();
        for (String line : kernel) {
            if (line.startsWith("dma-kmalloc-")) {
                expected.add(line);
            }
        }
        assertThat(expected).hasSize(9);
        assertThat(List.of(model.split("\n"))).containsAll(expected);
    }

    @Test
    void everyBootCacheIsAnObjectOfKmemCacheAndHasAKmemCacheNode() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        // 38 boot caches: 38 struct kmem_cache of 192 bytes (21 a slab: 2 slabs, the second the CPU's)
        SlabinfoRow cache = a.slabinfo().stream().filter(r -> r.name().equals("kmem_cache")).findFirst().orElseThrow();
        assertThat(cache).isEqualTo(new SlabinfoRow("kmem_cache", 42, 42, 192, 21, 1, 2));
        SlabinfoRow node = a.slabinfo().stream().filter(r -> r.name().equals("kmem_cache_node")).findFirst().orElseThrow();
        assertThat(node).isEqualTo(new SlabinfoRow("kmem_cache_node", 64, 64, 64, 64, 1, 1));
        int id = (int) a.kmemCacheCreate("foo", 100, 0, 0, true).value();
        assertThat(a.kmemCacheDestroy(a.cache(id)).isRefused()).isFalse();
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void objectsOnTheCpuSlabCountAsActive() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        SlabinfoRow row = a.slabinfo().stream().filter(r -> r.name().equals("kmalloc-64")).findFirst().orElseThrow();
        assertThat(row).isEqualTo(new SlabinfoRow("kmalloc-64", 64, 64, 64, 64, 1, 1));
        a.kfree(p, 0);
        a.kmemCacheShrink(a.caches().byName("kmalloc-64"));
        row = a.slabinfo().stream().filter(r -> r.name().equals("kmalloc-64")).findFirst().orElseThrow();
        // shrink flushed the CPU slab to the node's partial list and freed it there: empty, below min_partial all the same
        assertThat(row.numSlabs()).isZero();
    }
}
