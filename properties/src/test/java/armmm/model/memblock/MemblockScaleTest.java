package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.bench.MemblockBenchmark;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * Arrays far beyond what boot makes (3 x 10^4 regions): the kernel's semantics are kept (order,
 * doubling), the per-step checks look at what each call changed, and the complete check at the
 * end looks at everything. Speed is measured by {@code MemblockBenchmark}, not here.
 */
class MemblockScaleTest {
    private static final int N = 30_000;

    @Test
    void thirtyThousandShuffledReservesKeepTheKernelsOrderAndDoubling() {
        Kernel k = Kernel.bare();
        Memblock mb = k.memblock();
        k.apply(new MemblockOp.Add(0, 0xFFFF_FFFFL));
        k.apply(new MemblockOp.AllowResize());
        for (long i : MemblockBenchmark.order(N, true)) {
            assertThat(k.apply(new MemblockOp.Reserve(0x1000_0000L + 2 * i * 0x1000, 0x1000)).isRefused()).isFalse();
            assertThat(k.check()).isEmpty();
        }
        assertThat(k.checkComplete()).isEmpty();
        // memblock_double_array: 128 -> 256 -> ... -> 32768, each new array reserved in memblock
        assertThat(mb.reservedMax()).isEqualTo(32_768);
        long previousEnd = -1;
        int small = 0;
        for (int i = 0; i < mb.reservedCnt(); i++) {
            Region r = mb.region(true, i);
            assertThat(r.base()).isGreaterThan(previousEnd);
            previousEnd = r.end() - 1;
            small += r.size() == 0x1000 && r.base() >= 0x1000_0000L && r.base() < 0x1000_0000L + 2L * N * 0x1000 ? 1 : 0;
        }
        assertThat(small).isEqualTo(N);
    }

    @Test
    void aLargeArrayIsCheckedWhereTheCallChangedIt() {
        Kernel k = Kernel.bare(Bugs.of(MemblockBug.MEMBLOCK_NO_MERGE));
        Memblock mb = k.memblock();
        mb.add(0, 0xFFFF_FFFFL);
        mb.allowResize();
        for (int i = 0; i < 3 * Memblock.CHECK_WHOLE_UP_TO; i++) {
            mb.reserve(0x1000_0000L + 2L * i * 0x1000, 0x1000);
        }
        k.checkComplete();
        k.check();
        // fills the hole after region 2000 exactly: the three must merge into one, which the bug stops
        mb.reserve(0x1000_0000L + (2L * 2000 + 1) * 0x1000, 0x1000);
        assertThat(k.check()).extracting(v -> v.id()).contains("INV-MEMBLOCK-02");
        // nothing changed since: memblock's change signal did not move, so the per-step check
        // repeats its last verdict without rescanning (Kernel's result cache), and the complete
        // check, which ignores the signal, still sees it
        assertThat(k.check()).extracting(v -> v.id()).contains("INV-MEMBLOCK-02");
        assertThat(k.checkComplete()).extracting(v -> v.id()).contains("INV-MEMBLOCK-02");
    }
}
