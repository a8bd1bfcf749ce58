package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * Which calls' flushes {@link TlbBug#MUNMAP_NO_FLUSH} drops, and the edges of an access.
 *
 * <p>{@code unmap_region}'s {@code tlb_finish_mmu} flushes the range it unmapped (mm/mmap.c) for
 * munmap, for a MAP_FIXED mmap over a mapping and for a shrinking brk; mprotect's flush is
 * {@code change_protection}'s (mm/mprotect.c). The planted bug drops the first kind only, so a
 * CPU keeps the translation of a page munmap or MAP_FIXED took away and loses the one mprotect
 * changed. Without the bug each of the three leaves no entry of its page.
 *
 * <p>An access (ARMv7-A ARM B3; arch/arm/mm/fault.c): TASK_SIZE (0xbf000000) is the first kernel
 * address, walked through swapper_pg_dir, and nothing is mapped at the start of the module area,
 * so it is a kernel paging request the kernel cannot handle; one byte below is a user address,
 * a fault in the mm that ends in SIGSEGV; a user fault the mm code answers with a signal is that
 * signal. A walk that finds no TLB entry flushes nothing (only a spurious fault does).
 */
class TlbUnmapFlushAndAccessEdgesTest {
    private static final long PAGE = 0x1000;

    private static long value(Result r) {
        assertThat(r).isInstanceOf(Result.Value.class);
        return ((Result.Value) r).value();
    }

    private static boolean cached(Tlbs t, long va) {
        return t.tlb(0).lookup(va, t.currentAsid(0)) != null;
    }

    /** Three touched pages of an mm running on CPU 0; then munmap, MAP_FIXED and mprotect, one page each. */
    private static boolean[] unmapMapFixedMprotect(Bugs bugs) {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), bugs);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        int rw = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
        int flags = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
        long a = value(k.apply(new MmOp.Mmap(m, 0, 3 * PAGE, rw, flags, 0)));
        for (int i = 0; i < 3; i++) {
            long pa = value(k.apply(new TlbOp.AccessVa(a + i * PAGE, Access.WRITE, 0)));
            assertThat(pa & (PAGE - 1)).isZero();
            assertThat(cached(t, a + i * PAGE)).isTrue();
        }
        assertThat(k.apply(new MmOp.Munmap(m, a, PAGE, 0))).isEqualTo(Result.VOID);
        assertThat(value(k.apply(new MmOp.Mmap(m, a + PAGE, PAGE, rw, flags | VmFlags.MAP_FIXED, 0)))).isEqualTo(a + PAGE);
        assertThat(k.apply(new MmOp.Mprotect(m, a + 2 * PAGE, PAGE, VmFlags.PROT_READ, 0))).isEqualTo(Result.VOID);
        return new boolean[] {cached(t, a), cached(t, a + PAGE), cached(t, a + 2 * PAGE)};
    }

    @Test
    void munmapAndMapFixedFlushTheirPagesAndMprotectItsOwn() {
        assertThat(unmapMapFixedMprotect(Bugs.NONE)).containsExactly(false, false, false);
    }

    @Test
    void theBugDropsOnlyTheFlushesOfUnmapRegion() {
        assertThat(unmapMapFixedMprotect(Bugs.of(TlbBug.MUNMAP_NO_FLUSH))).containsExactly(true, true, false);
    }

    @Test
    void taskSizeIsTheFirstKernelAddress() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        value(k.apply(new TlbOp.Exec(0)));
        long taskSize = ProcessTables.TASK_SIZE;
        assertThat(taskSize).isEqualTo(0xbf000000L);
        assertThat(k.apply(new TlbOp.AccessVa(taskSize, Access.READ, 0))).isEqualTo(Result.refused(
                "access: unable to handle kernel paging request at virtual address 0xbf000000"));
        Result below = k.apply(new TlbOp.AccessVa(taskSize - 1, Access.READ, 0));
        assertThat(below.toString()).contains("access: 0xbeffffff: ").contains("SIGSEGV").doesNotContain("unable to handle");
        // address 0: a user address (no mapping there), not one beyond 32 bits
        Result zero = k.apply(new TlbOp.AccessVa(0, Access.READ, 0));
        assertThat(zero.toString()).contains("access: 0x0: ").contains("SIGSEGV").doesNotContain("32-bit");
        assertThat(k.state(Tlbs.class).accesses()).isEqualTo(3);
        assertThat(k.apply(new TlbOp.Speculate(taskSize, 0))).isEqualTo(Result.of(0));
        assertThat(k.state(Tlbs.class).tlb(0).entries()).isEmpty();
    }

    @Test
    void aMissWalksWithoutFlushingAnyCpu() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long pa1 = value(k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 1)));
        long pa0 = value(k.apply(new TlbOp.AccessVa(0xc0000010L, Access.READ, 0)));
        assertThat(pa0).isEqualTo(pa1 + 0x10);
        assertThat(t.tlb(1).entries()).hasSize(1);
        assertThat(t.tlb(0).entries()).hasSize(1);
        assertThat(t.tlb(0).invalidated() + t.tlb(1).invalidated()).isZero();
        // switch_mm_begin answers 0 (the switch has started)
        long n = value(k.apply(new MmOp.MmCreate(8L << 20)));
        assertThat(k.apply(new TlbOp.SwitchMmBegin(n, 1))).isEqualTo(Result.of(0));
    }
}
