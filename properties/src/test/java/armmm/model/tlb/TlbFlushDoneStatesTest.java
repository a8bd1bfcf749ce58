package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.tlb.TlbOp.Helper;
import armmm.model.tlb.TlbOp.Helper.Kind;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * INV-CALL-06 ({@link TlbCallChecks#flushDone}) on states a helper call leaves and then a planted
 * entry breaks, one per helper, each next to the entries the helper need not have removed. What
 * each helper must remove (arch/arm/include/asm/tlbflush.h, arch/arm/mm/tlb-v7.S,
 * arch/arm/kernel/smp_tlb.c): {@code flush_tlb_mm} every non-global entry of the mm's ASID
 * (CONTEXTIDR's low 8 bits of {@code context.id}), on every CPU; {@code flush_tlb_page} those of
 * its ASID covering the page of the address; {@code flush_tlb_range} those covering a page the
 * loop of arch/arm/mm/tlb-v7.S visits (start and end rounded down to a page; the start page always,
 * then each page below the end); {@code flush_tlb_kernel_page} and
 * {@code flush_tlb_kernel_range} the global entries covering their page or range;
 * {@code local_flush_tlb_all} every entry of the calling CPU; {@code flush_tlb_all} every entry.
 * An entry that only touches a range at one end is outside it. At a raw {@code dsb} call, the CP15
 * operations its CPU issued: none of the entries each invalidates is left on a TLB it reaches.
 */
class TlbFlushDoneStatesTest {
    private Kernel k;
    private Tlbs t;
    private long m;
    private int asid;

    @BeforeEach
    void boot() {
        k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        t = k.state(Tlbs.class);
        m = ((Result.Value) k.apply(new TlbOp.Exec(0))).value();
        // the first context of generation 1: context.id 0x101, ASID 1
        assertThat(t.context(m).contextId()).isEqualTo(0x101);
        asid = 1;
    }

    private void call(Kind kind, long a, long b, long c, int cpu) {
        // clear every TLB first (flush_tlb_all), then the helper under test is the step's call
        assertThat(k.apply(new Helper(Kind.ALL.spelling(), Kind.ALL, 0, 0, 0, 0))).isEqualTo(Result.VOID);
        assertThat(k.apply(new Helper(kind.spelling(), kind, a, b, c, cpu))).isEqualTo(Result.VOID);
        assertThat(t.lastFlush()).isEqualTo(new Helper(kind.spelling(), kind, a, b, c, cpu));
    }

    private void user(int cpu, long va, long size, int tag) {
        t.tlb(cpu).fill(new TlbEntry(new Walk(va, size, 0x4100_0000L + (va & 0xfffff), false, 3, false), tag, m));
    }

    private void global(int cpu, long va, long size) {
        t.tlb(cpu).fill(new TlbEntry(new Walk(va, size, 0x4000_0000L + (va & 0xfffff), true, 1, false), 0, -1));
    }

    private List<String> left() {
        return TlbCallChecks.flushDone(t).stream().peek(v -> assertThat(v.id()).isEqualTo("INV-CALL-06"))
                .map(Violation::details).toList();
    }

    @Test
    void flushTlbMmMustRemoveItsAsidEverywhere() {
        call(Kind.MM, m, 0, 0, 1);
        user(0, 0x400000, 0x1000, asid);
        user(0, 0x400000, 0x1000, 2);
        global(1, 0xc0000000L, 0x100000);
        user(1, 0x500000, 0x10000, asid);
        assertThat(left()).containsExactly("flush_tlb_mm cpu=1 left on CPU 0: va 0x400000 size 0x1000 asid 1",
                "flush_tlb_mm cpu=1 left on CPU 1: va 0x500000 size 0x10000 asid 1");
        assertThat(t.flushCalls()).isEqualTo(2);
    }

    @Test
    void flushTlbPageMustRemoveItsAsidsEntriesCoveringThePage() {
        call(Kind.PAGE, m, 0x12345, 0, 0);
        user(0, 0x11000, 0x1000, asid);
        user(0, 0x12000, 0x1000, 2);
        user(0, 0x10000, 0x10000, asid);
        user(1, 0x12000, 0x1000, asid);
        user(1, 0x13000, 0x1000, asid);
        global(1, 0x12000, 0x1000);
        assertThat(left()).containsExactly("flush_tlb_page cpu=0 left on CPU 0: va 0x10000 size 0x10000 asid 1",
                "flush_tlb_page cpu=0 left on CPU 1: va 0x12000 size 0x1000 asid 1");
    }

    @Test
    void flushTlbRangeMustRemoveWhatCoversTheRange() {
        call(Kind.RANGE, m, 0x20800, 0x22000, 1);
        user(0, 0x1f000, 0x1000, asid);
        user(0, 0x21000, 0x1000, asid);
        user(0, 0x22000, 0x1000, asid);
        user(0, 0x20000, 0x1000, 2);
        user(1, 0x20000, 0x1000, asid);
        assertThat(left()).containsExactly("flush_tlb_range cpu=1 left on CPU 0: va 0x21000 size 0x1000 asid 1",
                "flush_tlb_range cpu=1 left on CPU 1: va 0x20000 size 0x1000 asid 1");
    }

    @Test
    void flushTlbKernelPageMustRemoveTheGlobalEntriesCoveringThePage() {
        call(Kind.KERNEL_PAGE, 0xc0212345L, 0, 0, 0);
        global(1, 0xc0200000L, 0x100000);
        global(1, 0xc0213000L, 0x1000);
        global(1, 0xc0211000L, 0x1000);
        user(0, 0xc0212000L, 0x1000, asid);
        assertThat(left()).containsExactly("flush_tlb_kernel_page cpu=0 left on CPU 1: va 0xc0200000 size 0x100000 global");
    }

    @Test
    void flushTlbKernelRangeMustRemoveTheGlobalEntriesInsideAndNoneForAReversedRange() {
        call(Kind.KERNEL_RANGE, 0xc0100000L, 0xc0200000L, 0, 1);
        global(0, 0xc0000000L, 0x100000);
        global(0, 0xc0100000L, 0x100000);
        global(0, 0xc0200000L, 0x100000);
        user(0, 0xc0180000L, 0x1000, asid);
        assertThat(left()).containsExactly("flush_tlb_kernel_range cpu=1 left on CPU 0: va 0xc0100000 size 0x100000 global");

        // end below start: the do-while loop flushes the start page only, which that section does not cover
        call(Kind.KERNEL_RANGE, 0xc0200000L, 0xc0100000L, 0, 1);
        global(0, 0xc0100000L, 0x100000);
        global(1, 0xc0100000L, 0x100000);
        assertThat(left()).isEmpty();
    }

    @Test
    void localFlushTlbAllOwesOnlyTheCallingCpuAndFlushTlbAllEveryCpu() {
        call(Kind.LOCAL_ALL, 0, 0, 0, 1);
        global(0, 0xc0000000L, 0x100000);
        user(1, 0x400000, 0x1000, 2);
        assertThat(left()).containsExactly("local_flush_tlb_all cpu=1 left on CPU 1: va 0x400000 size 0x1000 asid 2");

        call(Kind.ALL, 0, 0, 0, 1);
        global(0, 0xc0000000L, 0x100000);
        user(1, 0x400000, 0x1000, 2);
        assertThat(left()).containsExactly("flush_tlb_all cpu=1 left on CPU 0: va 0xc0000000 size 0x100000 global",
                "flush_tlb_all cpu=1 left on CPU 1: va 0x400000 size 0x1000 asid 2");
    }

    @Test
    void noHelperCallOrAnMmWithoutContextOwesNothing() {
        global(0, 0xc0000000L, 0x100000);
        user(1, 0x400000, 0x1000, asid);
        t.beginCall();
        assertThat(t.lastFlush()).isNull();
        assertThat(left()).isEmpty();
        // the mm's context went in the same step (its last CPU switched away): no ASID to ask about
        t.recordFlush(new Helper(Kind.MM.spelling(), Kind.MM, 0x7777, 0, 0, 0));
        assertThat(left()).isEmpty();
        assertThat(t.flushCalls()).isEqualTo(1);
    }

    @Test
    void aRangeCoversExactlyThePagesTheTlbV7LoopVisits() {
        // an unaligned end is rounded down: [0xc0101000, 0xc0102800) is the page 0xc0101000 alone
        call(Kind.KERNEL_RANGE, 0xc0101000L, 0xc0102800L, 0, 0);
        global(0, 0xc0101000L, 0x1000);
        global(0, 0xc0102000L, 0x1000);
        assertThat(left()).containsExactly("flush_tlb_kernel_range cpu=0 left on CPU 0: va 0xc0101000 size 0x1000 global");
        // start above end: the loop still flushes its start page
        call(Kind.RANGE, m, 0x403000, 0x401000, 1);
        user(1, 0x403000, 0x1000, asid);
        user(1, 0x402000, 0x1000, asid);
        assertThat(left()).containsExactly("flush_tlb_range cpu=1 left on CPU 1: va 0x403000 size 0x1000 asid 1");
    }

    @Test
    void aDsbCallLeavesNothingTheOperationsItCompletedInvalidateOnTheTlbsTheyReach() {
        Tlbi asidIs = new Tlbi(Tlbi.Kind.TLBIASID, 0, asid, true);
        k.apply(new TlbOp.Maintenance(asidIs, 0));
        long before = t.flushCalls();
        assertThat(k.apply(new TlbOp.Dsb(0))).isEqualTo(Result.VOID);
        assertThat(t.lastDsbOps()).containsExactly(asidIs);
        assertThat(t.flushCalls()).as("the change signal moved").isEqualTo(before + 1);
        user(1, 0x400000, 0x1000, asid);
        user(1, 0x401000, 0x1000, 2);
        global(1, 0xc0000000L, 0x100000);
        assertThat(left()).containsExactly("tlbiasidis 1 dsb cpu=0 left on CPU 1: va 0x400000 size 0x1000 asid 1");

        // the local forms reach the issuing CPU only; TLBIMVA the global entries and its ASID's
        k.apply(new Helper(Kind.ALL.spelling(), Kind.ALL, 0, 0, 0, 0));
        k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVA, 0x400123, asid, false), 1));
        k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVAA, 0xc0080000L, 0, false), 1));
        k.apply(new TlbOp.Dsb(1));
        user(0, 0x400000, 0x1000, asid);
        user(1, 0x400000, 0x1000, asid);
        user(1, 0x400000, 0x1000, 2);
        global(1, 0xc0000000L, 0x100000);
        assertThat(left()).containsExactly("tlbimva 0x400123 1 dsb cpu=1 left on CPU 1: va 0x400000 size 0x1000 asid 1",
                "tlbimvaa 0xc0080000 dsb cpu=1 left on CPU 1: va 0xc0000000 size 0x100000 global");

        // a dsb with nothing issued checks nothing and moves no signal; TLBIALL leaves nothing
        before = t.flushCalls();
        k.apply(new TlbOp.Dsb(1));
        assertThat(t.lastDsbOps()).isEmpty();
        assertThat(t.flushCalls()).isEqualTo(before);
        k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false), 0));
        k.apply(new TlbOp.Dsb(0));
        global(0, 0xc0000000L, 0x100000);
        global(1, 0xc0000000L, 0x100000);
        assertThat(left()).containsExactly("tlbiall dsb cpu=0 left on CPU 0: va 0xc0000000 size 0x100000 global");
    }
}
