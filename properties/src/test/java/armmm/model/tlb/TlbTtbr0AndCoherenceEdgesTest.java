package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.page.PageAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-TLB-04 and INV-TLB-01 at their edges. TTBR0 (bits [31:14] with TTBCR.N = 0) of a CPU that
 * never switched is {@code swapper_pg_dir}, of a CPU running an mm that mm's pgd, a 16 KiB block
 * the buddy allocator holds; without the lazy {@code mmgrab} ({@link TlbBug#LAZY_MM_NOT_GRABBED},
 * kernel/exit.c, kernel/sched/core.c) {@code exit_mm}'s {@code mmdrop} frees the pgd
 * ({@code __mmdrop}, arch/arm/mm/pgd.c {@code pgd_free}) while the CPU's TTBR0 still points at it.
 * A global entry at TASK_SIZE (0xbf000000, the module area, which swapper_pg_dir does not map at
 * boot) is a kernel entry INV-TLB-01 compares with the kernel walk: no translation.
 */
class TlbTtbr0AndCoherenceEdgesTest {
    private static final long PAGE = 4096;

    private static long value(Result r) {
        return ((Result.Value) r).value();
    }

    @Test
    void aLiveTtbr0AndSwapperAreFineAFreedPgdIsNot() {
        Kernel good = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        long m = value(good.apply(new TlbOp.Exec(1)));
        Tlbs t = good.state(Tlbs.class);
        assertThat(t.asid().cpu(0).ttbr0() & ~0x3fffL).isEqualTo(t.asid().config().swapperPgd());
        assertThat(t.asid().cpu(1).ttbr0() & ~0x3fffL).isEqualTo(good.state(Processes.class).pgdPhys(m));
        assertThat(TlbChecks.ttbr0Live(t)).isEmpty();
        good.apply(new MmOp.ExitMm(m, 0));
        assertThat(TlbChecks.ttbr0Live(t)).as("cpu 1's lazy reference keeps the pgd").isEmpty();

        Kernel bad = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.of(TlbBug.LAZY_MM_NOT_GRABBED));
        long n = value(bad.apply(new TlbOp.Exec(1)));
        Tlbs u = bad.state(Tlbs.class);
        long pgd = bad.state(Processes.class).pgdPhys(n);
        long ttbr0 = u.asid().cpu(1).ttbr0();
        bad.apply(new MmOp.ExitMm(n, 0));
        assertThat(bad.state(PageAllocator.class).isAllocated(pgd >>> 12)).isFalse();
        List<Violation> v = TlbChecks.ttbr0Live(u);
        assertThat(v).hasSize(1);
        assertThat(v.get(0).id()).isEqualTo(TlbChecks.TTBR0_LIVE);
        assertThat(v.get(0).details()).isEqualTo(
                String.format("cpu 1: TTBR0 %#x, pfn %#x is free in the buddy allocator", ttbr0, pgd >>> 12));
    }

    @Test
    void aGlobalEntryAtTaskSizeIsCheckedAgainstTheKernelTables() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        assertThat(t.tables().walkKernel(ProcessTables.TASK_SIZE)).isNull();
        TlbEntry e = new TlbEntry(new Walk(ProcessTables.TASK_SIZE, PAGE, 0x4000_0000L, true, 1, true), 0, -1);
        t.tlb(0).fill(e);
        List<Violation> v = TlbChecks.coherent(t);
        assertThat(v).hasSize(1);
        assertThat(v.get(0).details()).isEqualTo("cpu 0 holds " + e + " but the tables give no translation");

        // a section mapped elsewhere: the message names the walk the tables give now
        Walk real = t.tables().walkKernel(0xc0100000L);
        TlbEntry moved = new TlbEntry(new Walk(0xc0100000L, 0x100000, real.pa() + 0x100000, true, real.ap(), real.xn()), 0, -1);
        t.tlb(1).fill(moved);
        assertThat(TlbChecks.coherent(t).get(1).details()).isEqualTo("cpu 1 holds " + moved + " but the tables give " + real);
    }

    /**
     * The {@code tlb} report renders the state of a booted kernel; every TLB bug names the
     * invariant its catalogue entry gives (spec/invariants.md: INV-TLB-01 for the missing flushes,
     * INV-TLB-02 for a global user PTE, INV-TLB-03 for the missing reserved TTBR0, INV-TLB-04 for
     * the missing lazy mmgrab, INV-CALL-06 for a local kernel-page flush).
     */
    @Test
    void theReportAndTheBugsFacts() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        assertThat(TlbSubsystem.INSTANCE.reports()).hasSize(1);
        assertThat(TlbSubsystem.INSTANCE.reports().get(0).name()).isEqualTo("tlb");
        assertThat(TlbSubsystem.INSTANCE.reports().get(0).render().apply(k)).hasValueSatisfying(
                text -> assertThat(text).startsWith("asid_generation 0x100, asid_map weight ").contains("cpu 1: CONTEXTIDR 0x0 "));
        assertThat(TlbBug.MUNMAP_NO_FLUSH.invariant()).isEqualTo("INV-TLB-01");
        assertThat(TlbBug.USER_PTE_GLOBAL.invariant()).isEqualTo("INV-TLB-02");
        assertThat(TlbBug.NO_RESERVED_TTBR0.invariant()).isEqualTo("INV-TLB-03");
        assertThat(TlbBug.LAZY_MM_NOT_GRABBED.invariant()).isEqualTo("INV-TLB-04");
        assertThat(TlbBug.FLUSH_KERNEL_PAGE_LOCAL.invariant()).isEqualTo("INV-CALL-06");
    }
}
