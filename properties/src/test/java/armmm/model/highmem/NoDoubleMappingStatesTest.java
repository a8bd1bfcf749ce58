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
import armmm.model.mmu.MmuBug;
import armmm.model.mmu.MmuOp;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.subsystem.Op;
import armmm.model.vmalloc.VmallocOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-MMU-05 on states that break it and on their allowed neighbours, each judged after a call by
 * the per-call (incremental) check and by the complete one ({@link NoDoubleMapping#fullScan}).
 *
 * <p>Hand-worked values: fixmap slot 0 ({@code FIX_EARLYCON_MEM_BASE}) is FIXADDR_TOP 0xffeff000;
 * {@code FDT_FIXED_BASE} 0xff800000 maps the 2 MiB around the DTB read-only (APX, bit 15 of the
 * section word); {@code PKMAP_BASE} 0xbfe00000 on a 1 GiB board; a page's frame is its struct
 * page's index in mem_map from PHYS_OFFSET 0x40000000.
 */
class NoDoubleMappingStatesTest {
    private static final long FIX0 = 0xffeff000L;

    private Kernel kernel;

    private void boot(long mib, Bugs bugs) {
        kernel = Kernel.boot(Board.virt(mib << 20).withCpus(2), bugs);
    }

    private Result call(Op op) {
        Result r = kernel.apply(op);
        assertThat(r.isRefused()).as("%s: %s", op, r).isFalse();
        return r;
    }

    private long alloc(long gfp) {
        return call(new PageOp.AllocPages(gfp, 0, 0)).value();
    }

    private long pfn(long page) {
        return kernel.pages().layout().pageToPfn(page);
    }

    private List<Violation> step() {
        return kernel.check(NoDoubleMapping.INVARIANT);
    }

    private void holds() {
        assertThat(step()).isEmpty();
        assertThat(NoDoubleMapping.fullScan(kernel)).isEmpty();
    }

    private void broken(String reason, long va) {
        List<Violation> v = step();
        assertThat(v).as("per call").isNotEmpty().allSatisfy(x -> {
            assertThat(x.id()).isEqualTo("INV-MMU-05");
            assertThat(x.reason()).isEqualTo(reason);
        });
        assertThat(v.get(0).details()).contains(String.format("%#x", va));
        assertThat(NoDoubleMapping.fullScan(kernel)).as("complete").isNotEmpty()
                .allSatisfy(x -> assertThat(x.id()).isEqualTo("INV-MMU-05"));
    }

    @Test
    void bootHoldsTheDeviceTreeSectionsMapFreeFramesReadOnly() {
        boot(64, Bugs.NONE);
        call(new MmuOp.Translate(0xff800000L, armmm.model.mmu.Access.READ, armmm.model.mmu.Privilege.KERNEL, 0));
        holds();
        // the same section made writable is no longer the read-only FDT mapping 6.1 keeps
        KernelPageTables t = kernel.state(KernelPageTables.class);
        assertThat(t.l1(0xff8) & 3).isEqualTo(2);
        t.updateSection(0xff800000L, 1 << 15, 0);
        alloc(Gfp.GFP_KERNEL);
        broken("free frame mapped", 0xff800000L);
    }

    @Test
    void aFixmapSlotMayMapAHeldPageButNotAFreedOne() {
        boot(64, Bugs.NONE);
        long p = alloc(Gfp.GFP_KERNEL);
        call(new MmuOp.SetFixmap(0, pfn(p) << 12));
        holds();
        call(new MmuOp.ClearFixmap(0));
        call(new PageOp.FreePages(p, 0, 0));
        holds();
        // mapping a frame after it was freed, and freeing a frame still mapped
        call(new MmuOp.SetFixmap(0, pfn(p) << 12));
        broken("free frame mapped", FIX0);
        long q = alloc(Gfp.GFP_KERNEL);
        call(new MmuOp.SetFixmap(0, pfn(q) << 12));
        holds();
        call(new PageOp.FreePages(q, 0, 0));
        broken("free frame mapped", FIX0);
    }

    /**
     * A free marks only its block's head frame in the allocator's record, yet every frame of the
     * block becomes free: the per-call check must judge them all, not only the head.
     */
    @Test
    void freeingABlockFreesItsTailFramesToo() {
        boot(64, Bugs.NONE);
        long block = call(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value();
        long third = pfn(block) + 2;
        call(new MmuOp.SetFixmap(0, third << 12));
        holds();
        call(new PageOp.FreePages(block, 2, 0));
        broken("free frame mapped", FIX0);
    }

    @Test
    void aClearFixmapThatKeepsThePteIsCaughtWhenTheFrameIsFreed() {
        boot(64, Bugs.of(MmuBug.MMU_CLEAR_FIXMAP_KEEPS_PTE));
        long p = alloc(Gfp.GFP_KERNEL);
        call(new MmuOp.SetFixmap(0, pfn(p) << 12));
        call(new MmuOp.ClearFixmap(0));
        holds(); // the page is still held: a stale PTE to a held page is not this invariant's
        assertThat(kernel.check()).as("every invariant after the clear").isEmpty();
        call(new PageOp.FreePages(p, 0, 0));
        // no other invariant sees the slot left mapped: INV-MMU-05 is the first and only one to fail
        assertThat(kernel.check()).as("every invariant after the free").isNotEmpty()
                .allSatisfy(v -> assertThat(v.id()).isEqualTo("INV-MMU-05"));
        broken("free frame mapped", FIX0);
    }

    @Test
    void aPkmapSlotLeftWithCountOneMayMapAFreedPageButAnUsedOneMayNot() {
        boot(1024, Bugs.NONE);
        long p = alloc(Gfp.GFP_HIGHUSER);
        long va = call(new HighmemOp.Kmap(p, false, 0)).value();
        call(new HighmemOp.Kunmap(p, false, 0));
        call(new PageOp.FreePages(p, 0, 0));
        assertThat(kernel.state(Highmem.class).pkmap().pkmapCount((int) ((va - 0xbfe00000L) >>> 12))).isEqualTo(1);
        holds();
        long q = alloc(Gfp.GFP_HIGHUSER);
        long vq = call(new HighmemOp.Kmap(q, false, 0)).value();
        call(new PageOp.FreePages(q, 0, 0));
        broken("free frame mapped", vq);
    }

    @Test
    void aVmappedPageFreedBeforeVunmapIsCaughtAfterVunmapItIsNot() {
        boot(64, Bugs.NONE);
        long p = alloc(Gfp.GFP_KERNEL);
        long v = call(new VmallocOp.Vmap(p, 1)).value();
        call(new VmallocOp.Vunmap(v));
        call(new PageOp.FreePages(p, 0, 0));
        holds();
        long q = alloc(Gfp.GFP_KERNEL);
        long w = call(new VmallocOp.Vmap(q, 1)).value();
        call(new PageOp.FreePages(q, 0, 0));
        broken("free frame mapped", w);
    }

    @Test
    void aWriteBehindEveryRecordIsFoundAtTheNextCall() {
        boot(64, Bugs.NONE);
        long p = alloc(Gfp.GFP_KERNEL);
        long frame = pfn(p);
        call(new PageOp.FreePages(p, 0, 0));
        holds();
        // a stray set_pte_at between two calls: the call after it starts a new step, so the
        // write is in no step's record; the tables' write count tells, and the copy is read again
        KernelPageTables t = kernel.state(KernelPageTables.class);
        assertThat(t.setPteExt(FIX0, frame, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        t.beginStep();
        assertThat(kernel.pages().isBuddy(frame) || kernel.pages().isOnPcp(frame)
                || NoDoubleMapping.free(kernel.pages(), frame)).isTrue();
        kernel.apply(new MmuOp.Translate(0xc0000000L, armmm.model.mmu.Access.READ, armmm.model.mmu.Privilege.KERNEL, 0));
        broken("free frame mapped", FIX0);
    }

    @Test
    void aFreeOfAnUnmappedNeighbourDoesNotReportTheMappedOne() {
        boot(64, Bugs.NONE);
        PageAllocator pa = kernel.pages();
        long p = call(new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0)).value();
        call(new PageOp.SplitPage(p, 1));
        long second = pa.layout().pfnToPage(pfn(p) + 1);
        call(new MmuOp.SetFixmap(0, pfn(p) << 12));
        call(new PageOp.FreePages(second, 0, 0));
        holds();
    }
}
