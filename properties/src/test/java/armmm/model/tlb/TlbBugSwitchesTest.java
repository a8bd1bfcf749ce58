package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.asid.SwitchStep;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.tlb.TlbOp.Helper;
import armmm.model.tlb.TlbOp.Helper.Kind;
import org.junit.jupiter.api.Test;

/**
 * Each planted {@link TlbBug} that the subsystem hands to the page tables, the ASID allocator or a
 * flush helper, against the same calls without it; every expected value is 6.1's rule or the
 * bug's one change to it:
 *
 * <ul>
 *   <li>{@code USER_PTE_GLOBAL}: ARM's user PTEs carry nG ({@code L_PTE_NONE}/{@code PTE_EXT_NG} in
 *       {@code set_pte_ext}, arch/arm/mm/proc-v7-2level.S), so a TLB entry of a user page is
 *       tagged with the ASID; the bug writes them global.
 *   <li>{@code NO_RESERVED_TTBR0}: {@code check_and_switch_context} (arch/arm/mm/context.c) runs
 *       {@code cpu_set_reserved_ttbr0} before it writes the new ASID, so TTBR0 holds
 *       {@code swapper_pg_dir} for a while; the bug skips it.
 *   <li>{@code TLBIMVA_WRONG_ASID}: {@code v7wbi_flush_user_tlb_range} (arch/arm/mm/tlb-v7.S) with
 *       ARM_ERRATA_720789 zeroes the ASID and uses TLBIMVAAIS, which removes the page's entries
 *       whatever their ASID; the bug issues TLBIMVAIS with the calling CPU's ASID.
 *   <li>{@code FLUSH_KERNEL_PAGE_LOCAL}: {@code __flush_tlb_kernel_page} issues TLBIMVAIS (every
 *       CPU); the bug the local TLBIMVA.
 *   <li>{@code COW_NO_FLUSH}: {@code wp_page_copy}'s {@code ptep_clear_flush} (mm/memory.c) flushes
 *       the page from every CPU before the new PTE is set; the bug drops that flush, and the
 *       faulting CPU, having taken a real fault, makes no spurious-fault flush either.
 *   <li>{@code MUNMAP_NO_FLUSH} on a shrinking {@code brk}: {@code do_brk_munmap} unmaps through
 *       {@code unmap_region}, whose {@code tlb_finish_mmu} flushes the range (mm/mmap.c).
 * </ul>
 */
class TlbBugSwitchesTest {
    private static final long PAGE = 0x1000;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private static long value(Result r) {
        assertThat(r).isInstanceOf(Result.Value.class);
        return ((Result.Value) r).value();
    }

    private static Kernel boot(Bugs bugs) {
        return Kernel.boot(Board.virt(64L << 20).withCpus(2), bugs);
    }

    /** Whether CPU 0's entry of a written anonymous page is global. */
    private static boolean userEntryGlobal(Bugs bugs) {
        Kernel k = boot(bugs);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, RW, ANON, 0)));
        value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 0)));
        TlbEntry e = t.tlb(0).lookup(a, t.currentAsid(0));
        assertThat(e).isNotNull();
        assertThat(e.owner()).isEqualTo(m);
        return e.walk().global();
    }

    @Test
    void userPtesAreNotGlobalUnlessThePlantedBugWritesThemSo() {
        assertThat(userEntryGlobal(Bugs.NONE)).isFalse();
        assertThat(userEntryGlobal(Bugs.of(TlbBug.USER_PTE_GLOBAL))).isTrue();
    }

    /** Whether TTBR0 held swapper_pg_dir at some step of a switch from one mm to another on CPU 1. */
    private static boolean reservedTtbr0Seen(Bugs bugs) {
        Kernel k = boot(bugs);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(1)));
        long n = value(k.apply(new MmOp.MmCreate(8L << 20)));
        assertThat(t.ttbr0Mm(1)).isEqualTo(m);
        assertThat(k.apply(new TlbOp.SwitchMmBegin(n, 1))).isEqualTo(Result.of(0));
        boolean seen = false;
        for (int i = 0; i < 32 && t.asid().cpu(1).step() != SwitchStep.IDLE; i++) {
            value(k.apply(new TlbOp.Step(1)));
            seen |= (t.asid().cpu(1).ttbr0() & ~0x3fffL) == t.asid().config().swapperPgd();
        }
        assertThat(t.asid().cpu(1).step()).isEqualTo(SwitchStep.IDLE);
        assertThat(t.ttbr0Mm(1)).isEqualTo(n);
        return seen;
    }

    @Test
    void theReservedTtbr0IsSkippedOnlyWithThePlantedBug() {
        assertThat(reservedTtbr0Seen(Bugs.NONE)).isTrue();
        assertThat(reservedTtbr0Seen(Bugs.of(TlbBug.NO_RESERVED_TTBR0))).isFalse();
    }

    /**
     * mm {@code m} (ASID 1) ran on CPU 1 and left an entry of its page there; CPU 0 runs mm
     * {@code n} (ASID 2) and calls {@code flush_tlb_range} for {@code m}'s page. Whether CPU 1 keeps it.
     */
    private static boolean rangeFlushFromAnotherAsidLeavesTheEntry(Bugs bugs) {
        Kernel k = boot(bugs);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(1)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, RW, ANON, 1)));
        value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 1)));
        long n = value(k.apply(new TlbOp.Exec(0)));
        assertThat(t.currentAsid(1)).isEqualTo(1);
        assertThat(t.currentAsid(0)).isEqualTo(2);
        assertThat(t.context(n).contextId()).isEqualTo(0x102);
        assertThat(k.apply(new Helper(Kind.RANGE.spelling(), Kind.RANGE, m, a, a + PAGE, 0))).isEqualTo(Result.VOID);
        assertThat(t.issued(0)).isEmpty();
        return t.tlb(1).lookup(a, 1) != null;
    }

    @Test
    void aRangeFlushRemovesThePageWhateverTheCallingCpusAsid() {
        assertThat(rangeFlushFromAnotherAsidLeavesTheEntry(Bugs.NONE)).isFalse();
        assertThat(rangeFlushFromAnotherAsidLeavesTheEntry(Bugs.of(TlbBug.TLBIMVA_WRONG_ASID))).isTrue();
    }

    /** CPU 1 has the linear map's first section cached; CPU 0 calls flush_tlb_kernel_page in it. Whether CPU 1 keeps it. */
    private static boolean kernelPageFlushLeavesTheOtherCpu(Bugs bugs) {
        Kernel k = boot(bugs);
        Tlbs t = k.state(Tlbs.class);
        value(k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 1)));
        value(k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 0)));
        assertThat(k.apply(new Helper(Kind.KERNEL_PAGE.spelling(), Kind.KERNEL_PAGE, 0xc0000123L, 0, 0, 0)))
                .isEqualTo(Result.VOID);
        assertThat(t.tlb(0).entries()).as("the calling CPU's entry goes either way").isEmpty();
        return !t.tlb(1).entries().isEmpty();
    }

    @Test
    void flushTlbKernelPageReachesEveryCpuUnlessThePlantedBugKeepsItLocal() {
        assertThat(kernelPageFlushLeavesTheOtherCpu(Bugs.NONE)).isFalse();
        assertThat(kernelPageFlushLeavesTheOtherCpu(Bugs.of(TlbBug.FLUSH_KERNEL_PAGE_LOCAL))).isTrue();
    }

    /**
     * A private page written, then shared with a child by fork (whose {@code dup_mmap} ends with
     * {@code flush_tlb_mm} of the parent) and read on both CPUs, read-only now; CPU 0 writes it:
     * the TLB's entry denies the write, so does the PTE, the fault copies the page.
     */
    private static void copyOnWrite(Bugs bugs, boolean flushed) {
        Kernel k = boot(bugs);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        assertThat(k.apply(new TlbOp.SwitchMm(m, 1))).isEqualTo(Result.of(0x101));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, RW, ANON, 0)));
        long old = value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 0)));
        value(k.apply(new MmOp.Fork(m, 0)));
        assertThat(t.tlb(0).lookup(a, 1)).as("dup_mmap's flush_tlb_mm").isNull();
        assertThat(value(k.apply(new TlbOp.AccessVa(a, Access.READ, 0)))).isEqualTo(old);
        assertThat(value(k.apply(new TlbOp.AccessVa(a, Access.READ, 1)))).isEqualTo(old);
        assertThat(Tlbs.permits(t.tlb(0).lookup(a, 1).walk(), Access.WRITE, true)).isFalse();
        long inv0 = t.tlb(0).invalidated();
        long inv1 = t.tlb(1).invalidated();

        long copy = value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 0)));
        assertThat(copy).as("wp_page_copy's new page").isNotEqualTo(old);
        TlbEntry mine = t.tlb(0).lookup(a, 1);
        assertThat(mine.walk().pa()).isEqualTo(copy);
        assertThat(Tlbs.permits(mine.walk(), Access.WRITE, true)).isTrue();
        assertThat(t.tlb(0).entries()).hasSize(1);
        TlbEntry other = t.tlb(1).lookup(a, 1);
        if (flushed) {
            assertThat(t.tlb(0).invalidated()).as("ptep_clear_flush on the faulting CPU").isEqualTo(inv0 + 1);
            assertThat(t.tlb(1).invalidated()).as("and on the other").isEqualTo(inv1 + 1);
            assertThat(other).isNull();
        } else {
            assertThat(t.tlb(0).invalidated()).as("no flush: the fill replaced the entry").isEqualTo(inv0);
            assertThat(t.tlb(1).invalidated()).isEqualTo(inv1);
            assertThat(other.walk().pa()).as("the old page, stale").isEqualTo(old);
            assertThat(value(k.apply(new TlbOp.AccessVa(a, Access.READ, 1)))).isEqualTo(old);
            assertThat(t.staleHits()).isEqualTo(1);
        }
        assertThat(t.replayedFlushes().get(armmm.model.mm.TlbFlush.Site.WP_PAGE_COPY)).isEqualTo(flushed ? 1L : null);
    }

    @Test
    void copyOnWriteFlushesTheOldPageFromEveryCpu() {
        copyOnWrite(Bugs.NONE, true);
    }

    @Test
    void withoutWpPageCopysFlushTheOtherCpuKeepsTheOldPage() {
        copyOnWrite(Bugs.of(TlbBug.COW_NO_FLUSH), false);
    }

    /** brk grown by two pages, both written on CPU 0, then shrunk by one: which of the two CPU 0 still caches. */
    private static boolean[] brkShrink(Bugs bugs) {
        Kernel k = boot(bugs);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        long b0 = value(k.apply(new MmOp.Brk(m, 0, 0)));
        assertThat(b0 & (PAGE - 1)).isZero();
        assertThat(value(k.apply(new MmOp.Brk(m, b0 + 2 * PAGE, 0)))).isEqualTo(b0 + 2 * PAGE);
        value(k.apply(new TlbOp.AccessVa(b0, Access.WRITE, 0)));
        value(k.apply(new TlbOp.AccessVa(b0 + PAGE, Access.WRITE, 0)));
        assertThat(value(k.apply(new MmOp.Brk(m, b0 + PAGE, 0)))).isEqualTo(b0 + PAGE);
        return new boolean[] {t.tlb(0).lookup(b0, 1) != null, t.tlb(0).lookup(b0 + PAGE, 1) != null};
    }

    @Test
    void aShrinkingBrkFlushesWhatItUnmappedUnlessThePlantedBugDropsIt() {
        assertThat(brkShrink(Bugs.NONE)).containsExactly(true, false);
        assertThat(brkShrink(Bugs.of(TlbBug.MUNMAP_NO_FLUSH))).containsExactly(true, true);
    }
}
