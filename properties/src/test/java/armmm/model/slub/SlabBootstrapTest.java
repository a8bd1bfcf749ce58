package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.Reports;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The boot caches' own objects on a whole-kernel boot: {@code kmem_cache_init} allocates every
 * cache's {@code struct kmem_cache} from {@code kmem_cache} and its {@code kmem_cache_node} from
 * {@code kmem_cache_node} ({@code early_kmem_cache_node_alloc}, {@code bootstrap},
 * {@code create_kmalloc_cache}), and so does every later {@code kmem_cache_create}. Replaying the
 * creation of the 85 caches the rest of the real kernel made (slub-smp1's probe_caches.txt,
 * oldest first, each with its size, align, flags, usercopy region and constructor) gives the real
 * kernel's {@code /proc/slabinfo} lines for those two caches, objects and slabs included.
 */
class SlabBootstrapTest {
    private static final Pattern BOOT_CACHE = Pattern.compile("^(kmem_cache|kmem_cache_node|(dma-)?kmalloc-(cg-|rcl-)?\\d+k?)$");

    @Test
    void aBootedKernelHoldsTheBootCachesOwnStructsInTheirOwnSlabs() {
        Kernel k = Kernel.boot(Board.fromOptions("1024M", List.of(), List.of(), "", 1));
        String slabinfo = Reports.render("slabinfo", k).orElseThrow();
        // 38 caches: 38 kmem_cache objects in 2 slabs of 21, 38 kmem_cache_node objects in 1 slab of 64;
        // SLUB's slabinfo counts the CPU slab's free objects as active
        assertThat(line(slabinfo, "kmem_cache")).isEqualTo("kmem_cache 42 42 192 21 1 : tunables 0 0 0 : slabdata 2 2 0");
        assertThat(line(slabinfo, "kmem_cache_node"))
                .isEqualTo("kmem_cache_node 64 64 64 64 1 : tunables 0 0 0 : slabdata 1 1 0");
    }

    @Test
    void replayingTheRealKernelsCacheCreationsGivesItsSlabinfoForTheBootstrapCaches() {
        Kernel k = Kernel.boot(Board.fromOptions("1024M", List.of(), List.of(), "", 1));
        SlubAllocator a = k.state(SlubAllocator.class);
        List<Map<String, String>> caches = new ArrayList<>(ProbeCaches.read("slub-smp1").caches());
        Collections.reverse(caches);
        int made = 0;
        for (Map<String, String> c : caches) {
            if (BOOT_CACHE.matcher(c.get("name")).matches()) {
                continue;
            }
            int before = a.caches().newestFirst().size();
            var r = a.kmemCacheCreateUsercopy(c.get("name"), ProbeCaches.num(c, "object_size"), ProbeCaches.num(c, "align"),
                    ProbeCaches.hex(c, "flags") & ~SlabFlags.OBJECT_POISON, ProbeCaches.num(c, "usersize"),
                    !c.get("ctor").equals("0x0"));
            assertThat(r.isRefused()).as("kmem_cache_create(%s)", c.get("name")).isFalse();
            assertThat(a.caches().newestFirst()).as("%s is a cache of its own, as in the kernel", c.get("name"))
                    .hasSize(before + 1);
            made++;
        }
        assertThat(made).isEqualTo(85);
        String slabinfo = Reports.render("slabinfo", k).orElseThrow();
        String oracle = OracleFiles.read("slub-smp1", "slabinfo.txt");
        assertThat(line(slabinfo, "kmem_cache")).isEqualTo(line(oracle, "kmem_cache"));
        assertThat(line(slabinfo, "kmem_cache_node")).isEqualTo(line(oracle, "kmem_cache_node"));
    }

    /** The slabinfo line of {@code cache}, its words joined by one space. */
    private static String line(String slabinfo, String cache) {
        for (String l : slabinfo.split("\n")) {
            String[] w = l.trim().split("\\s+");
            if (w[0].equals(cache)) {
                return String.join(" ", w);
            }
        }
        return cache + " missing";
    }
}
