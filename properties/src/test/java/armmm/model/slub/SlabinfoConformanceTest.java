package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On each of the eleven oracle boards, the boot caches the model knows ({@code kmem_cache},
 * {@code kmem_cache_node} and every kmalloc cache of the four types) exist in the real
 * {@code /proc/slabinfo} exactly, no more and no fewer, with the kernel's {@code objsize},
 * {@code objperslab} and {@code pagesperslab}. The CPU count comes from QEMU's {@code -smp}.
 */
class SlabinfoConformanceTest {
    private static final Pattern SMP = Pattern.compile("-smp (\\d+)");
    private static final Pattern BOOT_CACHE = Pattern.compile("^(kmem_cache|kmem_cache_node|(dma-)?kmalloc-(cg-|rcl-)?\\d+k?)$");

    @ParameterizedTest
    @ValueSource(strings = {"armmp-256M", "armmp-512M", "armmp-1024M", "armmp-2048M", "armmp-3072M",
            "armmp-1024M-vmalloc128M", "armmp-2048M-mem700M", "armmp-1024M-resv88M", "armmp-1024M-smp2",
            "armmp-1024M-cma64M", "armmp-1024M-memblockdebug"})
    void bootCachesHaveTheKernelsSlabGeometry(String board) throws Exception {
        Matcher smp = SMP.matcher(OracleFiles.read(board, "qemu-args.txt"));
        int cpus = smp.find() ? Integer.parseInt(smp.group(1)) : 1;
        SlabCaches caches = SlabCaches.boot(SlubParams.parse(OracleFiles.read(board, "cmdline.txt"), cpus));
        List<String> kernel = new ArrayList<>();
        List<String> model = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (String line : OracleFiles.read(board, "slabinfo.txt").split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (line.startsWith("#") || line.startsWith("slabinfo") || !BOOT_CACHE.matcher(w[0]).matches()) {
                continue;
            }
            names.add(w[0]);
            kernel.add(w[0] + " " + w[3] + " " + w[4] + " " + w[5]);
            KmemCache c = caches.byName(w[0]);
            model.add(c == null ? w[0] + " missing" : w[0] + " " + c.size() + " " + c.layout().objects() + " "
                    + c.layout().pagesPerSlab());
        }
        assertThat(model).isEqualTo(kernel);
        TreeSet<String> modelNames = new TreeSet<>();
        caches.newestFirst().forEach(c -> modelNames.add(c.name()));
        assertThat(modelNames).isEqualTo(names);
        assertThat(names).hasSize(2 + 4 * 9);
    }
}
