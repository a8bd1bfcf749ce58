package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every {@code struct kmem_cache} of the two probe boots (one CPU; plain and
 * {@code slub_debug=FZPU}), recreated by the model from its object size, alignment, flags and
 * constructor, has the kernel's size, offset, inuse, red_left_pad, order, objects, min_partial
 * and cpu_partial.
 *
 * <p>A merged cache (refcount above 1) shows the largest caller's {@code object_size}, not the
 * creator's, and the probe cannot see the creator's: its free pointer offset was placed from the
 * creator's size ({@code ALIGN_DOWN(object_size / 2, 4)}). For those the test replays the
 * creation from each of the eight creator sizes that offset allows and then the merge of the
 * recorded size ({@code __kmem_cache_alias}); one of them must reproduce every field.
 */
class SlubGeometryTest {

    private static List<String> mismatches(String board) throws Exception {
        ProbeCaches probe = ProbeCaches.read(board);
        SlubParams params = SlubParams.parse(probe.cmdline(), 1);
        List<String> bad = new ArrayList<>();
        for (Map<String, String> k : probe.caches()) {
            String kernel = String.format("object_size=%s size=%s offset=%s inuse=%s red_left_pad=%s order=%s"
                            + " objects=%s min_partial=%s cpu_partial=%s cpu_partial_slabs=%s min_order=%s",
                    k.get("object_size"), k.get("size"), k.get("offset"), k.get("inuse"), k.get("red_left_pad"),
                    k.get("order"), k.get("objects"), k.get("min_partial"), k.get("cpu_partial"),
                    k.get("cpu_partial_slabs"), k.get("min_order"));
            int objectSize = ProbeCaches.num(k, "object_size");
            List<Integer> creators = new ArrayList<>(List.of(objectSize));
            if (ProbeCaches.num(k, "refcount") > 1) {
                int offset = ProbeCaches.num(k, "offset");
                for (int s0 = 2 * offset; s0 < 2 * offset + 8 && s0 < objectSize; s0++) {
                    creators.add(s0);
                }
            }
            String model = null;
            for (int s0 : creators) {
                model = model(params, k, s0, objectSize);
                if (model.equals(kernel)) {
                    break;
                }
            }
            if (!model.equals(kernel)) {
                bad.add(k.get("name") + " refcount=" + k.get("refcount") + "\n  kernel " + kernel + "\n  model  " + model);
            }
        }
        assertThat(probe.caches()).hasSizeGreaterThan(100);
        return bad;
    }

    /** The cache created with {@code creatorSize}, then merged into by a caller of {@code objectSize}. */
    private static String model(SlubParams params, Map<String, String> k, int creatorSize, int objectSize)
            throws Exception {
        SlabCaches caches = SlabCaches.boot(params);
        SlabCaches.Created made = caches.createCache(k.get("name"), creatorSize, ProbeCaches.num(k, "align"),
                ProbeCaches.hex(k, "flags"), !k.get("ctor").equals("0x0"), ProbeCaches.num(k, "usersize"));
        assertThat(made.ok()).as(k.get("name")).isTrue();
        KmemCache c = made.cache();
        if (creatorSize != objectSize) {
            c.alias("merged", objectSize);
        }
        CacheLayout l = c.layout();
        return String.format("object_size=%d size=%d offset=%d inuse=%d red_left_pad=%d order=%d objects=%d"
                        + " min_partial=%d cpu_partial=%d cpu_partial_slabs=%d min_order=%d",
                c.objectSize(), l.size(), l.offset(), c.inuse(), l.redLeftPad(), l.order(), l.objects(),
                l.minPartial(), l.cpuPartial(), l.cpuPartialSlabs(), l.minOrder());
    }

    @Test
    void everyCacheOfTheOneCpuBootHasTheKernelsGeometry() throws Exception {
        assertThat(mismatches("slub-smp1")).isEmpty();
    }

    @Test
    void everyCacheUnderSlubDebugFZPUHasTheKernelsGeometry() throws Exception {
        assertThat(mismatches("slub-debug-FZPU")).isEmpty();
    }
}
