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
import armmm.model.page.PageOp;
import armmm.model.subsystem.Invariant;
import armmm.properties.InvariantRuns;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which pages and frames the vmalloc checks ({@link VmallocChecks}) look at: the per-call pass
 * reads what the last call mapped, cleared or freed (a frame vmap maps a second time, a frame a
 * vunmap leaves mapped twice, the areas a vfree takes off the busy tree), the complete pass every
 * page MiB by MiB, each MiB through the hardware walk of its first-level entry; and their edges:
 * the first and last page of a MiB, pfn 0, VM_NO_GUARD, IOREMAP_MAX_ORDER, {@code lazy_max_pages}
 * reached exactly, page tables kept by vmalloc alone or not at all.
 *
 * <p>Board: 64 MiB at PHYS_OFFSET 0x40000000, 1 CPU: VMALLOC_START 0xc4800000, boot's IRQ stack at
 * [0xc4800000, 0xc4803000) with its guard page, {@code lazy_max_pages} = fls(1) x 32 MiB = 8192
 * pages (mm/vmalloc.c); see {@link VmallocChecksStatesTest}.
 */
class VmallocChecksPassesTest {
    private static final long K = 1024;
    private static final long START = 0xc480_0000L;

    private Kernel kernel = Kernel.boot(Board.virt(64L << 20));
    private Vmalloc v = kernel.state(Vmalloc.class);
    private KernelPageTables tables = kernel.state(KernelPageTables.class);

    private void boot(Board board, Bugs bugs) {
        kernel = Kernel.boot(board, bugs);
        v = kernel.state(Vmalloc.class);
        tables = kernel.state(KernelPageTables.class);
    }

    private long call(armmm.model.subsystem.Op op) {
        Result r = kernel.apply(op);
        assertThat(r.isRefused()).as(op.toString()).isFalse();
        return r.value();
    }

    private long pfnAt(long va) {
        return Integer.toUnsignedLong(tables.linuxPte(va)) >>> 12;
    }

    private void stray(long va, long pfn) {
        assertThat(tables.setPteExt(va, pfn, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
    }

    private List<Violation> check(String id) {
        return InvariantRuns.check(VmallocChecks.ALL, kernel, id);
    }

    private List<Violation> full(String id) {
        return VmallocChecks.fullScan(v).stream().filter(x -> x.id().equals(id)).toList();
    }

    @Test
    void aFrameVmappedTwiceIsTheCallersChoiceAVmallocPageMappedTwiceIsNot() {
        long page = call(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        long a = call(new VmallocOp.Vmap(page, 1));
        long b = call(new VmallocOp.Vmap(page, 1));
        // 6.1 lets a caller vmap its pages as often as it likes (kernel/bpf/ringbuf.c maps its data pages twice)
        assertThat(check("INV-VMALLOC-06")).isEmpty();
        assertThat(full("INV-VMALLOC-06")).isEmpty();
        call(new VmallocOp.Vunmap(a));
        call(new VmallocOp.Vunmap(b));
        // a page vmalloc allocated itself, mapped again in the vmalloc space by a stray write:
        // seen through the page the write touched, in the call after it
        long v1 = call(new VmallocOp.VmallocCall(4 * K));
        long pfn = pfnAt(v1);
        long spare = call(new VmallocOp.VmallocCall(8 * K));
        stray(spare + 4 * K, pfn);
        String twice = String.format("pfn %#x of the vmalloc area at %#x is mapped at %#x, %#x", pfn, v1, v1, spare + 4 * K);
        assertThat(check("INV-VMALLOC-06")).extracting(Violation::details).contains(twice);
        assertThat(full("INV-VMALLOC-06")).extracting(Violation::details).contains(twice);
    }

    @Test
    void theProtectionOfEachPteIsTheOneVmallocMeantAsTheProbeReadIt() {
        // probe_mmu.txt @l2 f08: 7e80045f/7e80065f (hardware/Linux) for a vmalloc page,
        // 08020453/08020653 for an ioremap: the low twelve bits of each word
        long v1 = call(new VmallocOp.VmallocCall(4 * K));
        assertThat(tables.linuxPte(v1) & 0xfff).isEqualTo(0x65f);
        assertThat(tables.hwPte(v1) & 0xfff).isEqualTo(0x45f);
        long io = call(new VmallocOp.Ioremap(0x0802_0000L, 4 * K));
        assertThat(tables.linuxPte(io & -4096L) & 0xfff).isEqualTo(0x653);
        assertThat(tables.hwPte(io & -4096L) & 0xfff).isEqualTo(0x453);
        assertThat(check("INV-VMALLOC-06")).isEmpty();
        // the vmalloc page rewritten with MT_DEVICE's protection: not what vmalloc meant
        assertThat(tables.setPteExt(v1, pfnAt(v1), MemType.MT_DEVICE.protPte(), 0)).isTrue();
        assertThat(check("INV-VMALLOC-06")).extracting(Violation::reason)
                .containsExactly("PTE protection is not the one vmalloc meant");
        assertThat(full("INV-VMALLOC-06")).extracting(Violation::details).containsExactly(String.format(
                "%#x: Linux 0x653, hardware 0x453; KERNEL is Linux 0x65f, hardware 0x45f", v1));
    }

    @Test
    void theAreasAVfreeTakesAwayAreLookedAtOnceAndOnlyInThatCall() {
        boot(Board.virt(64L << 20), Bugs.of(VmallocBug.VMALLOC_VFREE_KEEPS_PTES));
        long a = call(new VmallocOp.VmallocCall(4 * K));
        call(new VmallocOp.Vfree(a));
        assertThat(check("INV-VMALLOC-04")).hasSize(1);
        call(new VmallocOp.VmallocCall(4 * K));
        assertThat(check("INV-VMALLOC-04")).isEmpty();
        assertThat(full("INV-VMALLOC-04")).extracting(Violation::details)
                .containsExactly(String.format("0xc4803000 maps pfn %#x but belongs to no live area", pfnAt(a)));
    }

    @Test
    void aStrayPteAtTheFirstPageOfAMibIsReportedOnceAndPfnZeroCounts() {
        // 0xc4900000: the second MiB of the pmd pair boot's IRQ stack populated; outside every area
        stray(0xc490_0000L, 0);
        assertThat(full("INV-VMALLOC-04")).extracting(Violation::details).containsExactly(
                String.format("0xc4900000: the Linux PTE maps pfn 0x0, vmalloc mapped %#x", -1L),
                "0xc4900000 maps pfn 0x0 but belongs to no live area");
    }

    @Test
    void aMibWhoseFirstPageIsUnmappedIsStillWalkedPageByPage() {
        // [0xc4803000, 0xc4901000): its guard page is the first page of the next MiB; then a page at 0xc4901000
        long a = call(new VmallocOp.VmallocCall(0xfd000));
        assertThat(a).isEqualTo(START + 0x3000);
        assertThat(call(new VmallocOp.VmallocCall(4 * K))).isEqualTo(0xc490_1000L);
        assertThat(VmallocChecks.fullScan(v)).isEmpty();
        // the second MiB's first-level word cleared (the even word, which pmd_offset reads, keeps the PTE table)
        tables.updateSection(0xc490_0000L, -1, 0);
        stray(0xc490_0000L, 0);
        assertThat(full("INV-VMALLOC-04")).extracting(Violation::details).containsExactly(
                String.format("0xc4900000 maps pfn 0x0 (vmalloc mapped %#x), the hardware walk finds no first-level entry", -1L),
                String.format("0xc4901000 maps pfn %#x (vmalloc mapped %#x), the hardware walk finds no first-level entry",
                        pfnAt(0xc490_1000L), pfnAt(0xc490_1000L)));
    }

    @Test
    void aClearedPmdPairHidesEachPageOnceAcrossItsTwoMib() {
        // 0x100000 bytes: [0xc4803000, 0xc4904000), pages up to 0xc4903000, across the MiB boundary
        call(new VmallocOp.VmallocCall(1L << 20));
        tables.pmdClear(START);
        // boot's IRQ stack (2 pages) and the 256 pages of the area
        assertThat(full("INV-VMALLOC-04")).hasSize(258).allMatch(x -> x.details().endsWith("finds no first-level entry"));
    }

    @Test
    void aGuardPageMappedToPfnZeroAndTheLastPageOfAnAreaWithoutGuard() {
        long a = call(new VmallocOp.VmallocCall(4 * K));
        stray(a + 4 * K, 0);
        assertThat(check("INV-VMALLOC-02")).containsExactly(new Violation("INV-VMALLOC-02", "guard page mapped",
                "area [0xc4803000, 0xc4805000): its last page 0xc4804000 maps pfn 0x0"));
        boot(Board.virt(64L << 20), Bugs.NONE);
        long ng = call(new VmallocOp.GetVmAreaCaller(4 * K, VmFlags.VM_NO_GUARD, START, v.vmallocEnd()));
        assertThat(ng).isEqualTo(START + 0x3000);
        // its last page is its own: mapped, it is no guard page
        stray(ng, 0x40123);
        assertThat(check("INV-VMALLOC-02")).isEmpty();
        // an area that ends at VMALLOC_END is in range
        long top = call(new VmallocOp.GetVmAreaCaller(4 * K, 0, v.vmallocEnd() - 8 * K, v.vmallocEnd()));
        assertThat(top).isEqualTo(0xff7f_e000L);
        assertThat(check("INV-VMALLOC-02")).isEmpty();
    }

    @Test
    void ioremapAlignmentStopsAtIoremapMaxOrderAndCountsAnAreaWithoutGuardWhole() {
        // 32 MiB of device memory: aligned to 2^24 only; the first 16 MiB boundary is 0xc5000000
        long io = call(new VmallocOp.Ioremap(0x1000_0000L, 32L << 20));
        assertThat(io).isEqualTo(0xc500_0000L);
        assertThat(check("INV-VMALLOC-03")).isEmpty();
        boot(Board.virt(64L << 20), Bugs.of(VmallocBug.VMALLOC_IOREMAP_UNALIGNED));
        call(new VmallocOp.VmallocCall(4 * K));
        // 8 KiB without a guard page, at 0xc4805000: 8 KiB is its size, its alignment
        long ng = call(new VmallocOp.GetVmAreaCaller(8 * K, VmFlags.VM_IOREMAP | VmFlags.VM_NO_GUARD, START, v.vmallocEnd()));
        assertThat(ng).isEqualTo(START + 0x5000);
        assertThat(check("INV-VMALLOC-03")).containsExactly(new Violation("INV-VMALLOC-03", "ioremap area not aligned to its size",
                "area 0xc4805000 of 0x2000 bytes, expected alignment 0x2000"));
    }

    @Test
    void twoRangesLostInOnePurgeAreTwoViolations() {
        boot(Board.virt(64L << 20), Bugs.of(VmallocBug.VMALLOC_PURGE_LEAKS_SPACE));
        long a = call(new VmallocOp.VmallocCall(4 * K));
        call(new VmallocOp.VmallocCall(4 * K));
        long c = call(new VmallocOp.VmallocCall(4 * K));
        call(new VmallocOp.Vfree(a));
        call(new VmallocOp.Vfree(c));
        call(new VmallocOp.PurgeVmapAreaLazy());
        assertThat(check("INV-VMALLOC-01")).extracting(Violation::details).containsExactly(
                "[0xc4803000, 0xc4805000) is neither busy, lazily freed nor free",
                "[0xc4807000, 0xc4809000) is neither busy, lazily freed nor free");
    }

    @Test
    void exactlyLazyMaxPagesWaitsForMore() {
        boot(Board.virt(256L << 20), Bugs.NONE);
        // 8182 pages + guard, and the page array (8182 pointers: 8 pages + guard): 8192 pages when vfree'd
        long a = call(new VmallocOp.VmallocCall(8182 * 4 * K));
        call(new VmallocOp.Vfree(a));
        assertThat(v.areas().vmapLazyNr()).isEqualTo(8192);
        assertThat(v.areas().purges()).isZero();
        assertThat(check("INV-VMALLOC-05")).isEmpty();
        long b = call(new VmallocOp.VmallocCall(4 * K));
        call(new VmallocOp.Vfree(b));
        assertThat(v.areas().purges()).isEqualTo(1);
        assertThat(v.areas().vmapLazyNr()).isZero();
    }

    @Test
    void aCmaRemapOutsideTheVmallocRangeIsBootsOwn() {
        boot(Board.virt(256L << 20).withArgs("cma=32M"), Bugs.NONE);
        assertThat(v.areas().busyAreas()).anyMatch(x -> x.early() && x.vaEnd() <= v.vmallocStart());
        assertThat(VmallocChecks.fullScan(v)).isEmpty();
    }

    @Test
    void withoutThePageTablesOrTheShadowTheChecksReadWhatThereIs() {
        long s = 0xf080_0000L;
        long e = 0xff80_0000L;
        Vmalloc alone = new Vmalloc(s, e, new VmallocEdgesTest.Pages(4096), new ShadowPtes(s, e, 0x40000, 0x80000), 1, Set.of());
        alone.init(List.of());
        assertThat(VmallocChecks.fullScan(alone)).isEmpty();
        long a = alone.vmalloc(8 * K).value();
        assertThat(VmallocChecks.fullScan(alone)).isEmpty();
        // as the per-call checks see it: no buddy allocator behind the pages
        Kernel bare = Kernel.bare();
        bare.install(VmallocSubsystem.INSTANCE, alone);
        for (Invariant inv : VmallocChecks.ALL) {
            assertThat(inv.check(bare)).as(inv.id()).isEmpty();
        }
        alone.vfree(a);
        assertThat(VmallocChecks.fullScan(alone)).isEmpty();
        VmallocEdgesTest.FailingPtes other = new VmallocEdgesTest.FailingPtes();
        Vmalloc noShadow = new Vmalloc(s, e, new VmallocEdgesTest.Pages(4096), other, 1, Set.of());
        noShadow.init(List.of());
        long b = noShadow.vmalloc(8 * K).value();
        assertThat(b).isEqualTo(s);
        assertThat(VmallocChecks.fullScan(noShadow)).isEmpty();
        noShadow.vfree(b);
        assertThat(VmallocChecks.fullScan(noShadow)).isEmpty();
    }
}
