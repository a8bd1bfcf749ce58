package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.kernel.Kernel;
import armmm.model.core.Result;
import org.junit.jupiter.api.Test;

/**
 * Calls that 6.1 accepts and carries out in a way it was not meant to: the model does what 6.1
 * does, says so in the result (the model's finding, or the kernel's own error with what it left
 * behind), and its invariants are stated as 6.1 guarantees them.
 */
class MemblockFindingsTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long SZ_1M = 0x10_0000;

    private final Kernel kernel = Kernel.bare();
    private final Memblock mb = kernel.memblock();

    @Test
    void anAlignmentThatIsNotAPowerOfTwoGivesWhat61GivesWithTheModelsFinding() {
        mb.add(BASE, 4 * SZ_1M);
        Result topDown = mb.allocTryNid(8, 0x30, BASE, Memblock.ALLOC_ACCESSIBLE);
        // round_down(end - 8, 0x30) is (end - 8) & ~0x2f
        assertThat(topDown.value()).isEqualTo((BASE + 4 * SZ_1M - 8) & ~0x2fL);
        assertThat(topDown).isInstanceOf(Result.Warned.class);
        assertThat(((Result.Warned) topDown).origin()).isEqualTo(Result.Origin.MODEL);
        mb.setBottomUp(true);
        Result bottomUp = mb.allocTryNid(8, 0x30, BASE + 5, Memblock.ALLOC_ACCESSIBLE);
        // round_up(x, 0x30) is ((x - 1) | 0x2f) + 1: 0x40000030, neither a multiple of 0x30 nor clear of the mask
        assertThat(bottomUp.value()).isEqualTo(BASE + 0x30);
        assertThat(((Result.Warned) bottomUp).warning()).contains("align 0x30 is not a power of two", "not a multiple of it");
        assertThat(kernel.check()).isEmpty();
        assertThat(mb.allocTryNid(8, 0x40, BASE, Memblock.ALLOC_ACCESSIBLE)).isInstanceOf(Result.Value.class);
    }

    @Test
    void trimmingPast4GiBWrapsAs61DoesAndSaysSo() {
        mb.add(0x1000_0000L, 4 * SZ_1M);
        mb.add(0xfff9_0000L, 0x1_0000);
        Result r = mb.trimMemory(0x8_0000);
        assertThat(r).isEqualTo(Result.finding(0, "round_up(0xfff90000, 0x80000) wraps at 4 GiB: 6.1 moves region "
                + "[0xfff90000-0xfff9ffff] to [0x0-0xfff7ffff]"));
        assertThat(mb.memory()).containsExactly(new Region(0x1000_0000L, 4 * SZ_1M, 0), new Region(0, 0xfff8_0000L, 0));
        assertThat(mb.trimMemory(0x1000)).isEqualTo(Result.VOID);
    }

    @Test
    void cappingInsideNomapMemoryLeavesTheUnmergedPieces61LeavesWithoutAViolation() {
        mb.add(BASE, 16 * SZ_1M);
        mb.markNomap(BASE, 16 * SZ_1M);
        assertThat(mb.capMemoryRange(BASE + 4 * SZ_1M, 4 * SZ_1M).isRefused()).isFalse();
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, Memblock.NOMAP),
                new Region(BASE + 4 * SZ_1M, 4 * SZ_1M, Memblock.NOMAP), new Region(BASE + 8 * SZ_1M, 8 * SZ_1M, Memblock.NOMAP));
        assertThat(kernel.check()).isEmpty();
    }

    @Test
    void aCapThatCannotTruncateReservedSaysMemoryIsAlreadyCapped() {
        mb.add(BASE, 256 * SZ_1M);
        for (int i = 0; i < 127; i++) {
            mb.reserve(BASE + 2L * i * SZ_4K, SZ_4K);
        }
        Result r = mb.capMemoryRange(BASE + SZ_4K, 128 * SZ_1M);
        assertThat(r).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) r).report()).isEqualTo("memblock: Failed to double reserved array from 128 to 256 entries !"
                + " (memblock_cap_memory_range goes on: memory capped, neither reserved regions below 0x40001000"
                + " nor reserved regions above 0x48001000 removed)");
        // as 6.1 leaves it: memory capped, reserved untouched
        assertThat(mb.memory()).containsExactly(new Region(BASE + SZ_4K, 128 * SZ_1M, 0));
        assertThat(mb.reservedCnt()).isEqualTo(127);
        assertThat(kernel.check()).isEmpty();
    }
}
