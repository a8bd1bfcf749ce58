package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.properties.OracleFiles;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The four misuses the probe module made the real kernel report, replayed on the model: the
 * same call sequence gives the same report lines (the taint flags aside, which only a loaded
 * module sets), and leaves every invariant intact.
 */
class SlubMisuseTest {

    private static String oracleLine(String board, String contains) {
        for (String line : OracleFiles.read(board, "crash_dmesg.txt").split("\n")) {
            if (line.contains(contains)) {
                return line.replaceFirst("^\\[[ 0-9.]+\\] ", "").replaceAll("\\(Tainted: [^)]*\\)", "(Not tainted)");
            }
        }
        throw new AssertionError(contains + " not in " + board);
    }

    private static SlubAllocator slub(String cmdline) throws Exception {
        return SlubBoards.slub(cmdline, 8192, 1, 1, Set.of());
    }

    @Test
    void doubleFreeUnderSlubDebugIsObjectAlreadyFree() throws Exception {
        SlubAllocator a = slub("slub_debug=FZPU");
        long p = a.kmalloc(128, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.kfree(p, 0)).isEqualTo(Result.VOID);
        Result r = a.kfree(p, 0);
        assertThat(r).isInstanceOf(Result.Refused.class);
        String report = ((Result.Refused) r).report();
        assertThat(report).contains(oracleLine("probe-crash-FZPU-double_free", "BUG kmalloc-128"));
        assertThat(report).contains("FIX kmalloc-128: Object at 0x" + Long.toHexString(p) + " not freed");
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void writePastTheObjectIsRightRedzoneOverwrittenAtFree() throws Exception {
        SlubAllocator a = slub("slub_debug=FZPU");
        long p = a.kmalloc(128, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.ksize(p).value()).isEqualTo(128);
        a.poke(p + 128, 0x78, 1);
        String report = ((Result.Refused) a.kfree(p, 0)).report();
        assertThat(report).contains(oracleLine("probe-crash-FZPU-oob_write", "BUG kmalloc-128"));
        // the detail line: this object's address, offset in its slab, the byte written and the pattern
        long slabOffset = p + 128 - (p & ~0xfffL);
        assertThat(report).contains(String.format("0x%x-0x%x @offset=%d. First byte 0x78 instead of 0xcc",
                p + 128, p + 128, slabOffset));
        assertThat(oracleLine("probe-crash-FZPU-oob_write", "First byte")).endsWith("First byte 0x78 instead of 0xcc");
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void writeToAFreedObjectIsPoisonOverwrittenWhenItIsAllocatedAgain() throws Exception {
        SlubAllocator a = slub("slub_debug=FZPU");
        long p = a.kmalloc(128, Gfp.GFP_KERNEL, 0).value();
        a.kfree(p, 0);
        a.poke(p + 8, 0x42, 1);
        String report = null;
        for (int i = 0; i < 8 && report == null; i++) {
            Result r = a.kmalloc(128, Gfp.GFP_KERNEL, 0);
            if (r instanceof Result.Refused ref) {
                report = ref.report();
            }
        }
        assertThat(report).contains(oracleLine("probe-crash-FZPU-uaf_write", "BUG kmalloc-128"));
        assertThat(report).contains(String.format("0x%x-0x%x @offset=%d. First byte 0x42 instead of 0x6b",
                p + 8, p + 8, p + 8 - (p & ~0xfffL)));
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void immediateDoubleFreeWithoutDebuggingHitsTheHardenedBug() throws Exception {
        SlubAllocator a = slub("");
        long p = a.kmalloc(128, Gfp.GFP_KERNEL, 0).value();
        a.kfree(p, 0);
        Result r = a.kfree(p, 0);
        assertThat(((Result.Refused) r).report())
                .startsWith(oracleLine("probe-crash-default-double_free", "kernel BUG at"));
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void aDoubleFreeTheKernelMissesIsTheModelsOwnFinding() throws Exception {
        SlubAllocator a = slub("");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        long q = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        a.kfree(p, 0);
        a.kfree(q, 0);
        Result r = a.kfree(p, 0);
        assertThat(((Result.Refused) r).report()).startsWith("armmm model: double free");
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void freeingToTheWrongCacheWarnsAndFreesToTheRightOne() throws Exception {
        SlubAllocator a = slub("");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        KmemCache k128 = a.caches().byName("kmalloc-128");
        Result r = a.kmemCacheFree(k128, p, 0);
        assertThat(((Result.Refused) r).report())
                .isEqualTo("kmem_cache_free: Wrong slab cache. kmalloc-128 but object is from kmalloc-64");
        assertThat(a.ksize(p).isRefused()).isTrue();
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void aMiddlePointerUnderDebugIsAnInvalidObjectPointer() throws Exception {
        SlubAllocator a = slub("slub_debug=F");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        Result r = a.kfree(p + 8, 0);
        assertThat(((Result.Refused) r).report()).contains("BUG kmalloc-64 (Not tainted): Invalid object pointer 0x"
                + Long.toHexString(p + 8));
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void destroyingACacheWithLiveObjectsIsRefusedAsSixOneReportsIt() throws Exception {
        SlubAllocator a = slub("");
        int id = (int) a.kmemCacheCreate("foo", 100, 0, 0, true).value();
        KmemCache foo = a.cache(id);
        long p = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        Result r = a.kmemCacheDestroy(foo);
        assertThat(((Result.Refused) r).report()).startsWith(
                "BUG foo (Not tainted): Objects remaining in foo on __kmem_cache_shutdown()");
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        a.kmemCacheFree(foo, p, 0);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }
}
