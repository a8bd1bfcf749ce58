package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.asid.AsidAllocator;
import armmm.model.asid.AsidConfig;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MmuOp;
import armmm.model.mmu.Privilege;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.model.subsystem.KernelState;
import armmm.model.tlb.TlbOp.Helper;
import armmm.model.tlb.TlbOp.Helper.Kind;
import armmm.model.vmalloc.Vmalloc;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The TLB work other subsystems' calls end with, and the edges of the subsystem's own paths:
 *
 * <ul>
 *   <li>Only {@code __set_fixmap} (arch/arm/mm/mmu.c) ends with a local
 *       {@code local_flush_tlb_kernel_range}, whose {@code dsb nsh} completes what the CPU issued;
 *       a walk ({@code translate}) or a refused fixmap call issues and completes nothing.
 *   <li>ARM's {@code arch_kmap_local_post_unmap} (arch/arm/include/asm/highmem.h) flushes the slot
 *       with {@code local_flush_tlb_kernel_page} on the CPU that unmaps it, CPU 0 included (the
 *       slot is that CPU's own: {@code kmap_local_idx} plus {@code KM_MAX_IDX} times the CPU).
 *   <li>A kernel address the kernel's tables deny is a permission fault the kernel cannot handle
 *       (arch/arm/mm/fault.c {@code __do_kernel_fault}: an Oops), whatever mm TTBR0 points at;
 *       kernel text is read-only after {@code mark_rodata_ro} and a fixmap slot is XN
 *       ({@code FIXMAP_PAGE_NORMAL}).
 *   <li>A walk that misses the TLB and finds a valid PTE takes no fault and flushes nothing.
 *   <li>{@code flush_tlb_mm} owes the removal of the mm's non-global entries only
 *       (INV-CALL-06): a global entry is nobody's, whatever ASID it was filled under.
 *   <li>{@code exec}'s {@code mm_alloc_pgd} ({@code pgd_alloc}: order 2, GFP_KERNEL) failing is
 *       execve's -ENOMEM; nothing switches.
 *   <li>A vmalloc address ({@code is_vmalloc_addr}, include/linux/mm.h) is in
 *       [VMALLOC_START, VMALLOC_END); the TLB state without a vmalloc subsystem owes no purge flush.
 * </ul>
 */
class TlbStepHooksEdgesTest {
    private static final long PAGE = 0x1000;

    private static long value(Result r) {
        assertThat(r).isInstanceOf(Result.Value.class);
        return ((Result.Value) r).value();
    }

    private static Kernel boot() {
        return Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
    }

    private static Result tlbiAll(Kernel k, int cpu) {
        return k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false), cpu));
    }

    @Test
    void onlyAFixmapWriteCompletesTheCallingCpusMaintenance() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        value(k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 0)));
        value(k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 1)));
        assertThat(tlbiAll(k, 0)).isEqualTo(Result.VOID);
        assertThat(tlbiAll(k, 1)).isEqualTo(Result.VOID);
        // a walk on CPU 1 and a fixmap call the kernel BUGs on: nothing completes
        assertThat(k.apply(new MmuOp.Translate(0xc0000000L, Access.READ, Privilege.KERNEL, 1))).isInstanceOf(Result.Value.class);
        assertThat(k.apply(new MmuOp.SetFixmap(131, 0x40000000L))).isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new MmuOp.ClearFixmap(131))).isInstanceOf(Result.Refused.class);
        assertThat(t.issued(0)).hasSize(1);
        assertThat(t.issued(1)).hasSize(1);
        assertThat(t.tlb(0).entries()).hasSize(1);
        assertThat(t.tlb(1).entries()).hasSize(1);
        // set_fixmap (CPU 0): its dsb completes CPU 0's TLBIALL too, not CPU 1's
        value(k.apply(new MmuOp.SetFixmap(0, 0x40001000L)));
        assertThat(t.issued(0)).isEmpty();
        assertThat(t.tlb(0).entries()).isEmpty();
        assertThat(t.issued(1)).hasSize(1);
        assertThat(t.tlb(1).entries()).hasSize(1);
        assertThat(k.apply(new TlbOp.Dsb(1))).isEqualTo(Result.VOID);
        assertThat(t.tlb(1).entries()).isEmpty();
    }

    @Test
    void kunmapAtomicOnCpu0FlushesCpu0Only() {
        RunReport r = Runner.run(Parser.parse("kmap-cpu0.scn", """
                board ram=1024M cpus=2
                alloc_pages GFP_HIGHUSER 0 -> $p
                kmap_atomic $p -> $a
                access $a -> $pa
                access 0xc0000000 cpu=1
                expect tlb[0].entries == 1
                expect tlb[1].entries == 1
                kunmap_atomic $a
                expect tlb[0].entries == 0
                expect tlb[1].entries == 1
                expect tlb[0].issued == 0
                """), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
    }

    @Test
    void aKernelAddressTheTablesDenyIsAnOopsWhateverTtbr0Holds() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        long stext = k.booted().orElseThrow().layout().kernelStart();
        long pa = stext - 0xc0000000L + 0x40000000L;
        long m = value(k.apply(new TlbOp.Exec(0)));
        assertThat(t.ttbr0Mm(0)).isEqualTo(m);
        assertThat(t.ttbr0Mm(1)).isEqualTo(-1);
        String oops = "access: 0x" + Long.toHexString(stext) + ": permission fault (Oops)";
        for (int cpu = 0; cpu < 2; cpu++) {
            assertThat(k.apply(new TlbOp.AccessVa(stext, Access.WRITE, cpu))).isEqualTo(Result.refused(oops));
            assertThat(k.apply(new TlbOp.AccessVa(stext, Access.READ, cpu))).isEqualTo(Result.of(pa));
            assertThat(k.apply(new TlbOp.AccessVa(stext, Access.WRITE, cpu))).as("through the read's entry")
                    .isEqualTo(Result.refused(oops));
        }
        long f = value(k.apply(new MmuOp.SetFixmap(0, 0x40001234L)));
        assertThat(k.apply(new TlbOp.AccessVa(f, Access.EXEC, 0)))
                .isEqualTo(Result.refused("access: 0x" + Long.toHexString(f) + ": permission fault (Oops)"));
        assertThat(k.apply(new TlbOp.AccessVa(f, Access.WRITE, 0))).isEqualTo(Result.of(0x40001234L));
        assertThat(k.state(Processes.class).mmCount(m)).isEqualTo(2);
        assertThat(t.accesses()).isEqualTo(8);
    }

    @Test
    void aMissOnAValidUserPteFlushesNoCpu() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(1)));
        assertThat(k.apply(new TlbOp.SwitchMm(m, 0))).isEqualTo(Result.of(0x101));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, VmFlags.PROT_READ | VmFlags.PROT_WRITE,
                VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS, 1)));
        long pa = value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 1)));
        assertThat(t.tlb(0).lookup(a, 1)).isNull();
        long inv = t.tlb(0).invalidated() + t.tlb(1).invalidated();
        assertThat(value(k.apply(new TlbOp.AccessVa(a + 8, Access.READ, 0)))).isEqualTo(pa + 8);
        assertThat(t.tlb(1).lookup(a, 1)).isNotNull();
        assertThat(t.tlb(0).lookup(a, 1)).isNotNull();
        assertThat(t.tlb(0).invalidated() + t.tlb(1).invalidated()).isEqualTo(inv);
    }

    @Test
    void flushTlbMmOwesNothingOfAGlobalEntryFilledUnderItsAsid() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        assertThat(k.apply(new Helper(Kind.MM.spelling(), Kind.MM, m, 0, 0, 1))).isEqualTo(Result.VOID);
        t.tlb(0).fill(new TlbEntry(new Walk(0xc0000000L, 0x100000, 0x40000000L, true, 1, false), 1, -1));
        assertThat(TlbCallChecks.flushDone(t)).isEmpty();
        t.tlb(0).fill(new TlbEntry(new Walk(0x10000, PAGE, 0x41000000L, false, 3, false), 1, m));
        assertThat(TlbCallChecks.flushDone(t)).hasSize(1);
    }

    @Test
    void execWithoutMemoryForAPgdIsEnomemAndSwitchesNothing() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        // take every block of order 2 and above, as alloc_pages GFP_KERNEL would hand them out
        PageAllocator pages = k.state(PageAllocator.class);
        for (int order = 10; order >= 2; order--) {
            for (int i = 0; i < 100_000 && pages.allocPagesPfn(Gfp.GFP_KERNEL, order, 0) >= 0; i++) {
                // the next block
            }
        }
        // then the call itself, whose slow path drains the per-CPU lists, until it returns NULL
        for (int i = 0; i < 1000 && !k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).equals(Result.of(0)); i++) {
            // the next block
        }
        int known = t.contexts().size();
        Result r = k.apply(new TlbOp.Exec(0));
        assertThat(r).isInstanceOf(Result.Refused.class);
        assertThat(r.toString()).contains("-ENOMEM");
        assertThat(t.contexts()).hasSize(known);
        assertThat(t.ttbr0Mm(0)).isEqualTo(m);
        assertThat(t.activeMm(0)).isEqualTo(m);
    }

    /** A view of {@code k} in which {@code hidden}'s state does not exist. */
    private static KernelState without(Kernel k, Class<?> hidden) {
        return new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type == hidden ? null : k.state(type);
            }

            @Override
            public Bugs bugs() {
                return k.bugs();
            }
        };
    }

    @Test
    void theSubsystemNeedsABoardKernelTablesAndProcessesButNotVmalloc() {
        Kernel k = boot();
        Board board = k.booted().orElseThrow().board();
        TlbSubsystem s = TlbSubsystem.INSTANCE;
        assertThat(s.create(k, null, Bugs.NONE)).isNull();
        assertThat(s.create(without(k, KernelPageTables.class), board, Bugs.NONE)).isNull();
        assertThat(s.create(without(k, Processes.class), board, Bugs.NONE)).isNull();
        Vmalloc v = k.state(Vmalloc.class);
        Tlbs t = s.create(without(k, Vmalloc.class), board, Bugs.NONE);
        assertThat(t).isNotNull();
        assertThat(t.vmallocFlushOwed(v.vmallocStart())).isFalse();
        t.replayKernelFlushes(0);
        assertThat(t.purgeFlushesReplayed()).isZero();
        assertThat(t.nrCpus()).isEqualTo(2);
    }

    @Test
    void aVmallocAddressIsInsideTheAreaAndAnySetOfBugsIsTaken() {
        Kernel k = boot();
        KernelPageTables kpt = k.state(KernelPageTables.class);
        ProcessTables tables = new ProcessTables(kpt, k.state(Processes.class));
        long start = 0xe0800000L;
        long end = 0xff800000L;
        Tlbs t = new Tlbs(new AsidAllocator(new AsidConfig(2, 8, kpt.pgdPhys())), tables, Set.of(), start, end, va -> true);
        assertThat(t.bugs()).isEmpty();
        assertThat(t.vmallocFlushOwed(start - 1)).isFalse();
        assertThat(t.vmallocFlushOwed(start)).isTrue();
        assertThat(t.vmallocFlushOwed(end - 1)).isTrue();
        assertThat(t.vmallocFlushOwed(end)).isFalse();
        Tlbs none = new Tlbs(new AsidAllocator(new AsidConfig(2, 8, kpt.pgdPhys())), tables,
                Set.of(TlbBug.FLUSH_LOCAL_ONLY), start, end, va -> false);
        assertThat(none.bugs()).containsExactly(TlbBug.FLUSH_LOCAL_ONLY);
        assertThat(none.vmallocFlushOwed(start)).as("nothing owed by the purge").isFalse();
    }
}
