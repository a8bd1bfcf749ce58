package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import armmm.model.mmu.MmuOp;
import armmm.model.page.PageOp;
import armmm.model.subsystem.Op;
import armmm.model.vmalloc.VmallocBug;
import armmm.model.vmalloc.VmallocOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-MMU-06 on states that break it and on their allowed neighbours, each judged after a call by
 * the per-call (incremental) check and by the complete one ({@link NoDoubleMappingOwners#fullScan}).
 * A wrong frame is written behind the model's back ({@code set_pte_ext} on swapper_pg_dir between
 * two calls, as a stray kernel write would) where no writer of the model would put it; the call
 * after it starts a new step, whose check finds it (the tables' write count moved past every
 * call's record, so the copy is read again).
 *
 * <p>Hand-worked values: fixmap slot 0 is FIXADDR_TOP 0xffeff000, kmap_local level 0 of CPU 0 is
 * fixmap slot FIX_KMAP_BEGIN 1 at 0xffefe000; a page's frame is its struct page's index in mem_map
 * from PHYS_OFFSET 0x40000000.
 */
class NoDoubleMappingOwnersStatesTest {
    private static final long FIX0 = 0xffeff000L;
    private static final long KMAP_LOCAL_CPU0_LEVEL0 = 0xffefe000L;

    private Kernel kernel;

    private void boot(long mib, Bugs bugs) {
        kernel = Kernel.boot(Board.virt(mib << 20).withCpus(2), bugs);
    }

    private Result call(Op op) {
        Result r = kernel.apply(op);
        assertThat(r.isRefused()).as("%s: %s", op, r).isFalse();
        return r;
    }

    private long alloc(long gfp, int order) {
        return call(new PageOp.AllocPages(gfp, order, 0)).value();
    }

    private long pfn(long page) {
        return kernel.pages().layout().pageToPfn(page);
    }

    private NoDoubleMappingShadow shadow() {
        return kernel.state(Highmem.class).noDoubleShadow();
    }

    private void holds() {
        assertThat(kernel.check(NoDoubleMappingOwners.INVARIANT)).isEmpty();
        assertThat(NoDoubleMappingOwners.fullScan(kernel)).isEmpty();
    }

    private void broken(long va, String owner) {
        List<Violation> v = kernel.check(NoDoubleMappingOwners.INVARIANT);
        assertThat(v).as("per call").isNotEmpty().allSatisfy(x -> {
            assertThat(x.id()).isEqualTo(NoDoubleMappingOwners.ID);
            assertThat(x.reason()).isEqualTo(NoDoubleMappingOwners.REASON);
        });
        assertThat(v.get(0).details()).contains(String.format("%#x", va)).contains(owner);
        assertThat(NoDoubleMappingOwners.fullScan(kernel)).as("complete").isNotEmpty()
                .allSatisfy(x -> assertThat(x.details()).contains(owner));
    }

    /** Writes {@code frame} at {@code va} between two calls, then makes a call that writes nothing. */
    private void strayWrite(long va, long frame) {
        KernelPageTables t = kernel.state(KernelPageTables.class);
        assertThat(t.setPteExt(va, frame, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        t.beginStep();
        kernel.apply(new MmuOp.Translate(0xc0000000L, armmm.model.mmu.Access.READ, armmm.model.mmu.Privilege.KERNEL, 0));
    }

    @Test
    void everyWriterMapsTheFrameItWasGivenAndTheCheckJudgesThem() {
        boot(1024, Bugs.NONE);
        long v = call(new VmallocOp.VmallocCall(3 * 4096)).value();
        holds();
        assertThat(shadow().judgedAllocated(kernel.pages())).contains(NoDoubleMappingOwners.Kind.VMALLOC);
        long p = alloc(Gfp.GFP_KERNEL, 1);
        long w = call(new VmallocOp.Vmap(p, 2)).value();
        holds();
        assertThat(shadow().judgedAllocated(kernel.pages())).contains(NoDoubleMappingOwners.Kind.VMAP);
        // a caller may vmap its own pages again (kernel/bpf/ringbuf.c maps its data pages twice)
        call(new VmallocOp.Vmap(p, 1));
        holds();
        long h = alloc(Gfp.GFP_HIGHUSER, 0);
        call(new HighmemOp.Kmap(h, false, 0));
        holds();
        assertThat(shadow().judgedAllocated(kernel.pages())).contains(NoDoubleMappingOwners.Kind.PKMAP);
        call(new HighmemOp.KmapLocalPage(h, false, 0));
        holds();
        assertThat(shadow().judgedAllocated(kernel.pages())).contains(NoDoubleMappingOwners.Kind.KMAP_LOCAL);
        call(new MmuOp.SetFixmap(0, pfn(p) << 12));
        holds();
        assertThat(shadow().judgedAllocated(kernel.pages())).contains(NoDoubleMappingOwners.Kind.FIXMAP);
        assertThat(v).isNotZero();
        assertThat(w).isNotZero();
        assertThat(kernel.checkComplete()).isEmpty();
    }

    @Test
    void aVmapThatMapsEachPagesNextFrameIsCaughtByThisInvariantAlone() {
        boot(64, Bugs.of(VmallocBug.VMALLOC_VMAP_PAGE_OFF_BY_ONE));
        long p = alloc(Gfp.GFP_KERNEL, 1);
        long v = call(new VmallocOp.Vmap(p, 1)).value();
        // the frame after the page is the block's second page: allocated, so INV-MMU-05 and
        // INV-VMALLOC-06 have nothing to say
        assertThat(kernel.check()).as("every invariant after the vmap").isNotEmpty()
                .allSatisfy(x -> assertThat(x.id()).isEqualTo(NoDoubleMappingOwners.ID));
        broken(v, String.format("vmap's pages[0]) is pfn %#x", pfn(p)));
        assertThat(kernel.check(NoDoubleMappingOwners.INVARIANT).get(0).details())
                .contains(String.format("maps pfn %#x", pfn(p) + 1));
        // the violation stands at the next call, and goes with the area
        call(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        broken(v, "vmap's pages[0]");
        call(new VmallocOp.Vunmap(v));
        holds();
    }

    @Test
    void aVmallocPageOverwrittenWithAnotherPagesFrameIsCaught() {
        boot(64, Bugs.NONE);
        long v = call(new VmallocOp.VmallocCall(2 * 4096)).value();
        long other = alloc(Gfp.GFP_KERNEL, 0);
        holds();
        strayWrite(v + 4096, pfn(other));
        broken(v + 4096, "area->pages[1]");
    }

    @Test
    void aPkmapSlotMapsOnlyThePageWhoseAddressItIs() {
        boot(1024, Bugs.NONE);
        long h = alloc(Gfp.GFP_HIGHUSER, 0);
        long other = alloc(Gfp.GFP_HIGHUSER, 0);
        long k = call(new HighmemOp.Kmap(h, false, 0)).value();
        call(new HighmemOp.Kunmap(h, false, 0));
        call(new PageOp.FreePages(h, 0, 0));
        // pkmap_count 1: the slot keeps its page (freed, then anyone's) until flush_all_zero_pkmaps
        holds();
        strayWrite(k, pfn(other));
        broken(k, "whose page_address is NULL");
    }

    @Test
    void aKmapSkippingItsLookupMapsOnePageAtTwoSlots() {
        boot(1024, Bugs.of(HighmemBug.HIGHMEM_KMAP_SKIPS_LOOKUP));
        long h = alloc(Gfp.GFP_HIGHUSER, 0);
        long first = call(new HighmemOp.Kmap(h, false, 0)).value();
        holds();
        long second = call(new HighmemOp.Kmap(h, false, 0)).value();
        assertThat(second).isNotEqualTo(first);
        // the page's address is the second slot now: the first still maps it without being its address
        broken(first, String.format("whose page_address is %#x", second));
    }

    @Test
    void aKmapLocalSlotMapsItsLevelsPteval() {
        boot(1024, Bugs.NONE);
        long h = alloc(Gfp.GFP_HIGHUSER, 0);
        long other = alloc(Gfp.GFP_HIGHUSER, 0);
        long va = call(new HighmemOp.KmapLocalPage(h, false, 0)).value();
        assertThat(va).isEqualTo(KMAP_LOCAL_CPU0_LEVEL0);
        holds();
        strayWrite(va, pfn(other));
        broken(va, "kmap_ctrl.pteval[0]");
    }

    @Test
    void aContextSwitchHandsTheKmapLocalSlotsToTheNextTasksLevels() {
        boot(1024, Bugs.NONE);
        long first = alloc(Gfp.GFP_HIGHUSER, 0);
        long second = alloc(Gfp.GFP_HIGHUSER, 0);
        long va = call(new HighmemOp.KmapLocalPage(first, false, 0)).value();
        call(new HighmemOp.SchedOut(0));
        holds();
        call(new HighmemOp.SchedIn(2, 0));
        assertThat(call(new HighmemOp.KmapLocalPage(second, false, 0)).value()).isEqualTo(va);
        holds();
        call(new HighmemOp.SchedOut(0));
        call(new HighmemOp.SchedIn(0, 0));
        // task 0's level is back at the slot, which now is task 0's again
        assertThat(kernel.state(KernelPageTables.class).linuxPte(va) >>> 12).isEqualTo(pfn(first));
        holds();
        assertThat(shadow().judgedAllocated(kernel.pages())).contains(NoDoubleMappingOwners.Kind.KMAP_LOCAL);
        // the slot holding task 2's frame while task 0 runs is a wrong frame
        strayWrite(va, pfn(second));
        broken(va, "kmap_local level 0 of task 0 on CPU 0");
    }

    @Test
    void aFixmapSlotMapsTheFrameItsCallNamedAndAClearedSlotIsNotJudged() {
        boot(64, Bugs.NONE);
        long p = alloc(Gfp.GFP_KERNEL, 0);
        long other = alloc(Gfp.GFP_KERNEL, 0);
        call(new MmuOp.SetFixmap(0, pfn(p) << 12));
        holds();
        strayWrite(FIX0, pfn(other));
        broken(FIX0, "fixmap slot 0 (the frame __set_fixmap named)");
        call(new MmuOp.ClearFixmap(0));
        holds();
        // a slot no call set: nothing names its frame (a stray entry there is not this invariant's)
        strayWrite(FIX0, pfn(other));
        holds();
    }

    @Test
    void theVectorsMapVectorsPage() {
        boot(64, Bugs.NONE);
        holds();
        long vectors = kernel.state(Highmem.class).vectorsPfn();
        assertThat(vectors).isPositive();
        strayWrite(0xffff1000L, vectors);
        broken(0xffff1000L, "stubs page");
    }

    /** The expected frame is what boot allocated for vectors_page, not what the judged entry maps. */
    @Test
    void theVectorsEntryIsJudgedAgainstBootsAllocation() {
        boot(64, Bugs.NONE);
        long vectors = kernel.state(Highmem.class).vectorsPfn();
        assertThat(vectors).isEqualTo(armmm.model.mmu.SwapperPgDir.vectorsPhys(kernel.state(armmm.model.boot.BootedSystem.class)) >>> 12);
        strayWrite(0xffff0000L, vectors + 1);
        broken(0xffff0000L, "vectors page");
    }
}
