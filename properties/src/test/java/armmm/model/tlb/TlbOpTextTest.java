package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * How each TLB call prints as a scenario line (the call's name, its arguments in the scenario
 * language, handles and addresses in hex, {@code cpu=N} unless 0), the register checks of the
 * CP15 c8 operations by name (an ASID is 8 bits of CONTEXTIDR, an MVA 32 bits: ARMv7-A ARM
 * B4.1.137 and B4.2.1), and the empty range of {@code flush_tlb_range} and
 * {@code flush_tlb_kernel_range} (arch/arm/include/asm/tlbflush.h: a range of no page issues
 * nothing, so an operation issued before it stays issued until a {@code dsb}).
 */
class TlbOpTextTest {

    @Test
    void eachCallPrintsAsItsScenarioLine() {
        assertThat(new TlbOp.SwitchMm(0x5, 1)).hasToString("switch_mm 0x5 cpu=1");
        assertThat(new TlbOp.Exec(2)).hasToString("exec cpu=2");
        assertThat(new TlbOp.Exec(0)).hasToString("exec");
        assertThat(new TlbOp.Exec(0).resultStem()).isEqualTo("m");
        assertThat(new TlbOp.SwitchMmBegin(0x7, 0)).hasToString("switch_mm_begin 0x7");
        assertThat(new TlbOp.Step(1)).hasToString("step cpu=1");
        assertThat(new TlbOp.SwitchMmFinish(3)).hasToString("switch_mm_finish cpu=3");
        assertThat(new TlbOp.AccessVa(0xc0000000L, Access.WRITE, 1)).hasToString("access 0xc0000000 write cpu=1");
        assertThat(new TlbOp.AccessVa(0x8000, Access.EXEC, 0)).hasToString("access 0x8000 exec");
        assertThat(new TlbOp.Speculate(0x1000, 0)).hasToString("speculate 0x1000");
        assertThat(new TlbOp.Speculate(0x1000, 2)).hasToString("speculate 0x1000 cpu=2");
        assertThat(new TlbOp.Evict(0x2000, 3)).hasToString("evict 0x2000 cpu=3");
        assertThat(new TlbOp.Dsb(1)).hasToString("dsb cpu=1");
        assertThat(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false), 0)).hasToString("tlbiall");
        assertThat(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, true), 1)).hasToString("tlbiallis cpu=1");
        assertThat(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIASID, 0, 7, false), 0)).hasToString("tlbiasid 7");
        assertThat(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVA, 0x3000, 5, true), 1))
                .hasToString("tlbimvais 0x3000 5 cpu=1");
        assertThat(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVAA, 0x4000, 0, false), 0)).hasToString("tlbimvaa 0x4000");
        assertThat(new TlbOp.Helper("local_flush_tlb_all", TlbOp.Helper.Kind.LOCAL_ALL, 0, 0, 0, 1))
                .hasToString("local_flush_tlb_all cpu=1");
        assertThat(new TlbOp.Helper("flush_tlb_all", TlbOp.Helper.Kind.ALL, 0, 0, 0, 0)).hasToString("flush_tlb_all");
        assertThat(new TlbOp.Helper("flush_tlb_mm", TlbOp.Helper.Kind.MM, 0x5, 0, 0, 0)).hasToString("flush_tlb_mm 0x5");
        assertThat(new TlbOp.Helper("flush_tlb_page", TlbOp.Helper.Kind.PAGE, 0x5, 0x1000, 0, 0))
                .hasToString("flush_tlb_page 0x5 0x1000");
        assertThat(new TlbOp.Helper("flush_tlb_range", TlbOp.Helper.Kind.RANGE, 0x5, 0x1000, 0x3000, 1))
                .hasToString("flush_tlb_range 0x5 0x1000 0x3000 cpu=1");
        assertThat(new TlbOp.Helper("flush_tlb_kernel_page", TlbOp.Helper.Kind.KERNEL_PAGE, 0xc0001000L, 0, 0, 0))
                .hasToString("flush_tlb_kernel_page 0xc0001000");
        assertThat(new TlbOp.Helper("flush_tlb_kernel_range", TlbOp.Helper.Kind.KERNEL_RANGE, 0xc0000000L, 0xc0002000L, 0, 0))
                .hasToString("flush_tlb_kernel_range 0xc0000000 0xc0002000");
    }

    @Test
    void anOperationByNameTakesAnEightBitAsidAndAThirtyTwoBitAddress() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        assertThat(k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIASID, 0, 255, false), 1))).isEqualTo(Result.VOID);
        assertThat(t.issued(1)).hasSize(1);
        assertThat(k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIASID, 0, 256, false), 1)))
                .isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIASID, 0, -1, false), 1)))
                .isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVAA, 0xfffff000L, 0, false), 1)))
                .isEqualTo(Result.VOID);
        assertThat(k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVAA, 0x100000000L, 0, false), 1)))
                .isInstanceOf(Result.Refused.class);
        assertThat(t.issued(1)).as("only the two that fit").hasSize(2);
        assertThat(t.issued(0)).isEmpty();
        assertThat(k.apply(new TlbOp.Dsb(1))).isEqualTo(Result.VOID);
        assertThat(t.issued(1)).isEmpty();
    }

    @Test
    void aRangeWithStartAtItsEndStillFlushesItsStartPageAndCompletesAnEarlierOperation() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long m = ((Result.Value) k.apply(new TlbOp.Exec(0))).value();
        k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVAA, 0x8000, 0, false), 0));
        assertThat(t.issued(0)).hasSize(1);
        // v7wbi_flush_user_tlb_range's loop is a do-while: dsb ish, TLBIMVAAIS of the start page, dsb ish
        assertThat(k.apply(new TlbOp.Helper("flush_tlb_range", TlbOp.Helper.Kind.RANGE, m, 0x10000, 0x10000, 0)))
                .isEqualTo(Result.VOID);
        assertThat(t.issued(0)).as("the helper's dsb completed the waiting tlbimvaa").isEmpty();
        k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIMVAA, 0x8000, 0, false), 0));
        assertThat(k.apply(new TlbOp.Helper("flush_tlb_kernel_range", TlbOp.Helper.Kind.KERNEL_RANGE,
                0xc0001000L, 0xc0001000L, 0, 0))).isEqualTo(Result.VOID);
        assertThat(t.issued(0)).isEmpty();
        assertThat(TlbFlush.loopPages(0x10000, 0x10000)).isEqualTo(1);
        assertThat(TlbFlush.loopPages(0x10000, 0x10001)).isEqualTo(1);
        assertThat(TlbFlush.loopPages(0x10000, 0x11fff)).isEqualTo(1);
        assertThat(TlbFlush.loopPages(0x10fff, 0x12000)).isEqualTo(2);
        assertThat(TlbFlush.loopPages(0x12000, 0x10000)).isEqualTo(1);
    }
}
