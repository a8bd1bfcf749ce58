package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.properties.InvariantRuns;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each condition of the vmalloc invariants ({@link VmallocChecks}) on a booted kernel, after a
 * call, on a state that breaks it (a planted {@link VmallocBug}, a stray write into
 * {@code swapper_pg_dir} over the vmalloc space, a page freed while {@code vmap} still maps it)
 * and on its allowed neighbour, both as the per-call check sees the last call and as the complete
 * check sees every page.
 *
 * <p>The board: 64 MiB at PHYS_OFFSET 0x40000000, 1 CPU. Worked by hand: {@code high_memory} is
 * 0xc4000000, so {@code VMALLOC_START} = (high_memory + VMALLOC_OFFSET) rounded to 8 MiB =
 * 0xc4800000 (arch/arm/include/asm/pgtable.h), {@code VMALLOC_END} 0xff800000; boot's one IRQ
 * stack ({@code init_irq_stacks}, THREAD_SIZE 8 KiB at THREAD_ALIGN 16 KiB, plus the guard page)
 * holds [0xc4800000, 0xc4803000), so the first vmalloc of a page is 0xc4803000 and the next area
 * starts after its guard page ({@code __get_vm_area_node}, {@code alloc_vmap_area} lowest fit);
 * ioremap aligns by the size's power of two ({@code IOREMAP_MAX_ORDER} 24); a vfree'd area waits
 * on the purge list ({@code free_vmap_area_noflush}) with its PTEs cleared at once
 * ({@code vunmap_range_noflush}) and its TLB flush owed until {@code __purge_vmap_area_lazy}.
 */
class VmallocChecksStatesTest {
    private static final long K = 1024;
    private static final long START = 0xc480_0000L;

    private Kernel kernel;
    private Vmalloc v;
    private KernelPageTables tables;
    private PageAllocator pa;

    @BeforeEach
    void bootWithoutBugs() {
        boot(Bugs.NONE);
    }

    private void boot(Bugs bugs) {
        kernel = Kernel.boot(Board.virt(64L << 20), bugs);
        v = kernel.state(Vmalloc.class);
        tables = kernel.state(KernelPageTables.class);
        pa = kernel.state(PageAllocator.class);
    }

    private long call(armmm.model.subsystem.Op op) {
        Result r = kernel.apply(op);
        assertThat(r.isRefused()).as(op.toString()).isFalse();
        return r.value();
    }

    /**
     * The frame the Linux PTE at {@code va} maps, read off swapper_pg_dir as {@code vmalloc_to_page}
     * walks it (without a call, which would start a new step).
     */
    private long pfnAt(long va) {
        int pte = tables.linuxPte(va);
        assertThat(pte).isNotZero();
        return Integer.toUnsignedLong(pte) >>> 12;
    }

    private List<Violation> check(String id) {
        return InvariantRuns.check(VmallocChecks.ALL, kernel, id);
    }

    private List<Violation> all() {
        return InvariantRuns.checkAll(VmallocChecks.ALL, kernel);
    }

    private static Violation v(String id, String reason, String details) {
        return new Violation(id, reason, details);
    }

    @Test
    void aFreshKernelAndOrdinaryCallsKeepEveryInvariant() {
        assertThat(v.vmallocStart()).isEqualTo(START);
        assertThat(v.vmallocEnd()).isEqualTo(0xff80_0000L);
        long a = call(new VmallocOp.VmallocCall(4 * K));
        assertThat(a).isEqualTo(START + 0x3000);
        long io = call(new VmallocOp.Ioremap(0x0800_0000L, 64 * K));
        assertThat(io).isEqualTo(START + 64 * K);
        // the same device frames twice: I/O memory, which drivers may map as often as they like
        assertThat(call(new VmallocOp.Ioremap(0x0800_0000L, 4 * K))).isEqualTo(START + 0x5000);
        assertThat(all()).isEmpty();
        call(new VmallocOp.Vfree(a));
        assertThat(all()).isEmpty();
        call(new VmallocOp.PurgeVmapAreaLazy());
        assertThat(all()).isEmpty();
        assertThat(VmallocChecks.fullScan(v)).isEmpty();
        assertThat(VmallocSubsystem.INSTANCE.completeCheck(v, kernel)).isEmpty();
    }

    @Test
    void aPurgeThatLeaksTheFreedRangeLosesVmapSpace() {
        boot(Bugs.of(VmallocBug.VMALLOC_PURGE_LEAKS_SPACE));
        long a = call(new VmallocOp.VmallocCall(4 * K));
        call(new VmallocOp.Vfree(a));
        assertThat(check("INV-VMALLOC-01")).isEmpty();
        call(new VmallocOp.PurgeVmapAreaLazy());
        assertThat(check("INV-VMALLOC-01")).containsExactly(v("INV-VMALLOC-01", "vmap space lost",
                "[0xc4803000, 0xc4805000) is neither busy, lazily freed nor free"));
        assertThat(VmallocChecks.fullScan(v)).containsExactly(check("INV-VMALLOC-01").get(0));
    }

    @Test
    void anAreaWithoutItsGuardPageAndAGuardPageMapped() {
        boot(Bugs.of(VmallocBug.VMALLOC_NO_GUARD_PAGE));
        long a = call(new VmallocOp.VmallocCall(4 * K));
        assertThat(a).isEqualTo(START + 0x3000);
        // the vmap area is one page, which is mapped; the vm_struct still counts a guard page
        assertThat(check("INV-VMALLOC-02")).containsExactly(v("INV-VMALLOC-02", "guard page not reserved",
                "vm 0xc4803000+0x2000 ends past its vmap area [0xc4803000, 0xc4804000): its guard page 0xc4804000 is not the area's"),
                v("INV-VMALLOC-02", "guard page mapped", String.format("area [0xc4803000, 0xc4804000): its last page 0xc4803000 maps pfn %#x",
                        pfnAt(a))));
        bootWithoutBugs();
        long b = call(new VmallocOp.VmallocCall(8 * K));
        assertThat(b).isEqualTo(START + 0x3000);
        long pfn = pfnAt(b);
        // a stray kernel write maps the guard page (b + 8 KiB)
        assertThat(tables.setPteExt(b + 8 * K, pfn, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        assertThat(check("INV-VMALLOC-02")).containsExactly(v("INV-VMALLOC-02", "guard page mapped",
                String.format("area [0xc4803000, 0xc4806000): its last page 0xc4805000 maps pfn %#x", pfn)));
    }

    @Test
    void anIoremapAreaNotAlignedToItsSize() {
        boot(Bugs.of(VmallocBug.VMALLOC_IOREMAP_UNALIGNED));
        call(new VmallocOp.VmallocCall(4 * K));
        long io = call(new VmallocOp.Ioremap(0x0800_0000L, 64 * K));
        assertThat(io).isEqualTo(START + 0x5000);
        assertThat(check("INV-VMALLOC-03")).containsExactly(v("INV-VMALLOC-03", "ioremap area not aligned to its size",
                "area 0xc4805000 of 0x10000 bytes, expected alignment 0x10000"));
        // a 12 KiB ioremap is aligned to 16 KiB, its power of two; a 4 KiB one to a page
        bootWithoutBugs();
        call(new VmallocOp.VmallocCall(4 * K));
        assertThat(call(new VmallocOp.Ioremap(0x0800_0000L, 12 * K))).isEqualTo(START + 0x8000);
        assertThat(call(new VmallocOp.Ioremap(0x0900_0000L, 4 * K))).isEqualTo(START + 0x5000);
        assertThat(check("INV-VMALLOC-03")).isEmpty();
    }

    @Test
    void aVfreeThatKeepsThePtesLeavesFreedFramesMappedOutsideAnyArea() {
        boot(Bugs.of(VmallocBug.VMALLOC_VFREE_KEEPS_PTES));
        long a = call(new VmallocOp.VmallocCall(8 * K));
        long p0 = pfnAt(a);
        long p1 = pfnAt(a + 4 * K);
        call(new VmallocOp.Vfree(a));
        assertThat(check("INV-VMALLOC-04")).containsExactly(
                v("INV-VMALLOC-04", "mapped outside a live vmap area", String.format("0xc4803000 maps pfn %#x but belongs to no live area", p0)),
                v("INV-VMALLOC-04", "mapped outside a live vmap area", String.format("0xc4804000 maps pfn %#x but belongs to no live area", p1)));
        assertThat(check("INV-VMALLOC-06")).containsExactlyInAnyOrder(
                v("INV-VMALLOC-06", "free frame mapped", String.format("pfn %#x is free but mapped in the vmalloc space at 0xc4803000", p0)),
                v("INV-VMALLOC-06", "free frame mapped", String.format("pfn %#x is free but mapped in the vmalloc space at 0xc4804000", p1)));
        // the complete check finds the same, page by page
        assertThat(VmallocChecks.fullScan(v)).hasSize(4);
    }

    @Test
    void aPageFreedWhileVmapStillMapsItIsAFreeFrameMapped() {
        long page = call(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        long mapped = call(new VmallocOp.Vmap(page, 1));
        assertThat(mapped).isEqualTo(START + 0x3000);
        assertThat(all()).isEmpty();
        long pfn = pa.layout().pageToPfn(page);
        call(new PageOp.FreePages(page, 0, 0));
        // the page allocator's call: vmalloc's check reads the frames it changed
        assertThat(check("INV-VMALLOC-06")).containsExactly(v("INV-VMALLOC-06", "free frame mapped",
                String.format("pfn %#x is free but mapped in the vmalloc space at %#x", pfn, mapped)));
        assertThat(VmallocChecks.fullScan(v)).containsExactly(check("INV-VMALLOC-06").get(0));
    }

    @Test
    void aReuseBeforeTheFlushAndAFrameMappedTwice() {
        boot(Bugs.of(VmallocBug.VMALLOC_LAZY_REUSE_BEFORE_FLUSH));
        long a = call(new VmallocOp.VmallocCall(4 * K));
        call(new VmallocOp.Vfree(a));
        assertThat(check("INV-VMALLOC-05")).containsExactly(v("INV-VMALLOC-05", "free before its TLB flush",
                "0xc4803000 is in the free block [0xc4803000, 0xfee00000) while its TLB flush is still owed"));
        boot(Bugs.of(VmallocBug.VMALLOC_MAPS_ONE_PAGE_TWICE));
        long b = call(new VmallocOp.VmallocCall(8 * K));
        long p0 = pfnAt(b);
        assertThat(pfnAt(b + 4 * K)).isEqualTo(p0);
        assertThat(check("INV-VMALLOC-06")).contains(v("INV-VMALLOC-06", "vmalloc page mapped twice",
                String.format("pfn %#x of the vmalloc area at %#x is mapped at %#x, %#x", p0, b, b, b + 4 * K)));
    }

    @Test
    void aStrayPteOverAnAreaIsNotTheMappingVmallocMade() {
        long a = call(new VmallocOp.VmallocCall(8 * K));
        long p0 = pfnAt(a);
        long p1 = pfnAt(a + 4 * K);
        long other = p0 ^ 1;
        assertThat(tables.setPteExt(a, other, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        assertThat(check("INV-VMALLOC-04")).containsExactly(v("INV-VMALLOC-04", "PTE is not the mapping vmalloc made",
                String.format("0xc4803000: the Linux PTE maps pfn %#x, vmalloc mapped %#x", other, p0)));
        // the complete check sees it too, on every page it walks
        assertThat(VmallocChecks.fullScan(v)).extracting(Violation::reason).contains("PTE is not the mapping vmalloc made");
        // cleared behind vmalloc's back, it is no mapping at all
        assertThat(tables.pteClear(a + 4 * K)).isTrue();
        assertThat(VmallocChecks.fullScan(v)).filteredOn(x -> x.id().equals("INV-VMALLOC-04")).extracting(Violation::details)
                .containsExactly(String.format("0xc4803000: the Linux PTE maps pfn %#x, vmalloc mapped %#x", other, p0),
                        String.format("0xc4804000: the Linux PTE maps pfn %#x, vmalloc mapped %#x", -1L, p1));
    }

    @Test
    void aClearedPmdOrAStraySectionIsSeenByTheHardwareWalk() {
        long a = call(new VmallocOp.VmallocCall(4 * K));
        long p0 = pfnAt(a);
        // the pmd of 0xc4800000..0xc4a00000 cleared: the walk finds no first-level entry for the
        // area, nor for the two pages of boot's IRQ stack at 0xc4800000
        tables.pmdClear(a);
        List<Violation> full = VmallocChecks.fullScan(v);
        assertThat(full).filteredOn(x -> x.id().equals("INV-VMALLOC-04")).hasSize(3)
                .allMatch(x -> x.reason().equals("the walk does not reach the mapped frame")
                        && x.details().endsWith("the hardware walk finds no first-level entry"))
                .anyMatch(x -> x.details().startsWith("0xc4803000 maps pfn ")
                        && x.details().contains(String.format("(vmalloc mapped %#x)", p0)));
        // a section mapped in a MiB vmalloc never used: every page of it translates although no PTE is set
        bootWithoutBugs();
        long mib = START + (16L << 20);
        tables.setSection(mib, 0x4000_0000L, MemType.MT_MEMORY_RW.protSect());
        List<Violation> walk = VmallocChecks.fullScan(v);
        assertThat(walk).hasSize(256).allMatch(x -> x.reason().equals("the walk reaches a cleared PTE"));
        assertThat(walk.get(0).details()).startsWith("0xc5800000 has no PTE, the hardware walk gives ");
    }

    @Test
    void theCheckRunsOverEveryPageWhenACallChangedMoreThanItsRecordHolds() {
        boot(Bugs.of(VmallocBug.VMALLOC_VFREE_KEEPS_PTES));
        // 16 MiB: 4096 pages mapped and 4096 frames, more than the 4096 changes one call records
        long big = call(new VmallocOp.VmallocCall(16L << 20));
        assertThat(((ShadowPtes) v.ptes()).dirtyOverflow()).isTrue();
        assertThat(all()).isEmpty();
        call(new VmallocOp.Vfree(big));
        // the area's 4096 pages and the 4 of its page array (4096 pointers, vmalloc'ed in turn) stay mapped
        assertThat(check("INV-VMALLOC-04")).hasSize(4100);
        assertThat(check("INV-VMALLOC-06")).hasSize(4100);
    }
}
