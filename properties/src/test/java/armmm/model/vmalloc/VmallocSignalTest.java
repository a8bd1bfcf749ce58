package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-VMALLOC-01 and 03 run at a step check only when the areas or their vm_structs changed
 * ({@code Vmalloc.changeCount}), INV-VMALLOC-02 also when a PTE of the vmalloc space was written,
 * in vmalloc's record or in swapper_pg_dir ({@code KernelPageTables.writesIn}). A page fault of a
 * process changes none of that; a guard page mapped through either mutator is reported at the
 * next step check, and a vm_struct rewritten behind every counter is found by the complete
 * check, and by the step check once a vmalloc call moved the signal.
 */
class VmallocSignalTest {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private static List<String> ids(List<Violation> vs) {
        return vs.stream().map(Violation::id).toList();
    }

    /** A booted kernel with one vmalloc'ed area of 4 pages (and its guard page): {the area's address}. */
    private static long oneArea(Kernel k) {
        long addr = k.apply(new VmallocOp.VmallocCall(0x4000)).value();
        assertThat(addr).isNotZero();
        assertThat(k.check()).isEmpty();
        return addr;
    }

    @Test
    void aPageFaultOfAProcessLeavesTheSignalsWhereTheyWere() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        oneArea(k);
        Vmalloc v = k.state(Vmalloc.class);
        Processes p = k.state(Processes.class);
        long mm = k.apply(new MmOp.MmCreate(8L << 20)).value();
        long area = k.apply(new MmOp.Mmap(mm, 0, 0x4000, RW, ANON, 0)).value();
        long areas = v.changeCount();
        long guards = VmallocChecks.areasAndGuardPtes(v);
        k.apply(new MmOp.Touch(mm, area, Access.WRITE, 0)); // a HighMem page zeroed through kmap_atomic
        k.apply(new MmOp.Munmap(mm, area, 0x4000, 0));
        assertThat(v.changeCount()).isEqualTo(areas);
        assertThat(VmallocChecks.areasAndGuardPtes(v)).isEqualTo(guards);
        assertThat(p.mms()).hasSize(1);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aGuardPageMappedThroughVmallocsRecordIsReportedAtTheNextStep() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        long addr = oneArea(k);
        Vmalloc v = k.state(Vmalloc.class);
        long before = VmallocChecks.areasAndGuardPtes(v);
        // a stray map of the guard page, as a vmalloc bug would make it
        v.ptes().map(addr + 0x4000, k.pages().basePfn() + 100, KernelPtes.Prot.KERNEL);
        assertThat(VmallocChecks.areasAndGuardPtes(v)).isNotEqualTo(before);
        assertThat(ids(k.check())).contains("INV-VMALLOC-02");
    }

    @Test
    void aGuardPageMappedInSwapperBehindVmallocsRecordIsReportedAtTheNextStep() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        long addr = oneArea(k);
        Vmalloc v = k.state(Vmalloc.class);
        long areas = v.changeCount();
        long before = VmallocChecks.areasAndGuardPtes(v);
        // another subsystem's stray set_pte_ext into the vmalloc space: vmalloc's record does not see it
        KernelPageTables swapper = k.state(KernelPageTables.class);
        swapper.setPteExt(addr + 0x4000, k.pages().basePfn() + 100, MemType.MT_MEMORY_RW.protPte(), 0);
        assertThat(v.changeCount()).isEqualTo(areas);
        assertThat(VmallocChecks.areasAndGuardPtes(v)).isNotEqualTo(before);
        assertThat(ids(k.check())).contains("INV-VMALLOC-02");
    }

    @Test
    void aVmStructRewrittenBehindTheCountersIsFoundByTheCompleteCheckAndAfterTheNextVmallocCall() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        long addr = oneArea(k);
        Vmalloc v = k.state(Vmalloc.class);
        VmapArea va = v.areas().find(addr);
        long areas = v.changeCount();
        // a stray store: the area's vm_struct one page short of its area (INV-VMALLOC-02), no counter
        VmStruct vm = va.vm();
        va.setVm(new VmStruct(vm.addr(), vm.size() - 0x1000, vm.flags(), vm.caller()));
        assertThat(v.changeCount()).isEqualTo(areas);

        Processes p = k.state(Processes.class);
        long mm = k.apply(new MmOp.MmCreate(8L << 20)).value();
        k.apply(new MmOp.Mmap(mm, 0, 0x4000, RW, ANON, 0)); // a call elsewhere: the signal stands
        assertThat(p.mms()).hasSize(1);
        assertThat(ids(k.check())).doesNotContain("INV-VMALLOC-02");
        assertThat(ids(k.checkComplete())).contains("INV-VMALLOC-02");

        k.apply(new VmallocOp.VmallocCall(0x2000)); // vmalloc's own mutators move it
        assertThat(v.changeCount()).isGreaterThan(areas);
        assertThat(ids(k.check())).contains("INV-VMALLOC-02");
    }

    @Test
    void writesInCountsTheWritesOfTheWholePmdsOfAWindowAndNothingOutside() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        KernelPageTables swapper = k.state(KernelPageTables.class);
        Vmalloc v = k.state(Vmalloc.class);
        long start = v.vmallocStart();
        long end = v.vmallocEnd();
        long inside = swapper.writesIn(start, end);
        long below = swapper.writesIn(0xc0000000L, start);
        oneArea(k);
        assertThat(swapper.writesIn(start, end)).isGreaterThan(inside);
        assertThat(swapper.writesIn(0xc0000000L, start)).isEqualTo(below);
        assertThat(swapper.writesIn(start, start)).isZero();
        // the window is widened to whole 2 MiB pmds: a write one megabyte away, in the same pmd, counts
        long pmd = (start + (4L << 20)) & -(2L << 20);
        long twoMb = swapper.writesIn(pmd, pmd + (1L << 20));
        swapper.pteAllocKernel(pmd + (1L << 20), () -> k.pages().allocPagesPfn(armmm.model.core.Gfp.GFP_KERNEL, 0, 0));
        swapper.setPteExt(pmd + (1L << 20), k.pages().basePfn() + 7, MemType.MT_MEMORY_RW.protPte(), 0);
        assertThat(swapper.writesIn(pmd, pmd + (1L << 20))).isGreaterThan(twoMb);
    }
}
