package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The edges of mm/vmalloc.c (6.1) and ARM's ioremap (arch/arm/mm/ioremap.c) on a small vmalloc
 * range: the argument checks of {@code __vmalloc_node_range} and {@code alloc_vmap_area}, the
 * {@code totalram_pages} bound, {@code __get_vm_area_node}'s rounding, guard page and ioremap
 * alignment ({@code IOREMAP_MAX_ORDER}), the gfp masks of {@code __vmalloc_area_node}, the
 * failure paths that give everything back, {@code vmap}'s flags and {@code __vunmap}'s warnings.
 * Every expected value is worked from those functions.
 */
class VmallocEdgesTest {
    private static final long START = 0xf080_0000L;
    private static final long END = 0xff80_0000L;
    private static final long K = 1024;

    /** Frames from 0x40000 up, a bounded totalram, and the gfp of every page asked for. */
    static final class Pages implements PageSource {
        final List<Long> gfps = new ArrayList<>();
        final List<Long> freed = new ArrayList<>();
        final long total;
        long next = 0x40000;

        Pages(long total) {
            this.total = total;
        }

        @Override public long allocPage(long gfp) {
            gfps.add(gfp);
            return next - 0x40000 < total ? next++ : -1;
        }
        @Override public void freePage(long pfn) { freed.add(pfn); }
        @Override public long totalramPages() { return total; }
        @Override public boolean isMapMemory(long phys) { return phys >= 0x4000_0000L && phys < 0x4000_0000L + total * 4 * K; }
        @Override public long pfnToPage(long pfn) { return 0xef00_0000L + pfn * 36; }
        @Override public long pageToPfn(long page) { return (page - 0xef00_0000L) / 36; }
    }

    /** Page tables that refuse the {@code failAt}-th map (counting from 1), as a failed {@code pte_alloc_kernel} would. */
    static final class FailingPtes implements KernelPtes {
        final ShadowPtes shadow = new ShadowPtes(START, END, 0x40000, 0x80000);
        int maps;
        int failAt = Integer.MAX_VALUE;

        @Override public boolean map(long va, long pfn, Prot prot) {
            return ++maps != failAt && shadow.map(va, pfn, prot);
        }
        @Override public void unmap(long start, long end) { shadow.unmap(start, end); }
        @Override public void flushTlbKernelRange(long start, long end) { shadow.flushTlbKernelRange(start, end); }
        @Override public long pfnAt(long va) { return shadow.pfnAt(va); }
        @Override public Prot protAt(long va) { return shadow.protAt(va); }
    }

    private final Pages pages = new Pages(4096);
    private final FailingPtes ptes = new FailingPtes();
    private final Vmalloc v = new Vmalloc(START, END, pages, ptes, 1, Set.of());

    {
        v.init(List.of());
    }

    private static String range(long s, long e) {
        return String.format("[%#x, %#x) is not a page-aligned range of [VMALLOC_START, VMALLOC_END) [%#x, %#x)", s, e, START, END);
    }

    @Test
    void theRangeAndAlignmentAreCheckedBeforeAnythingIsAllocated() {
        assertThat(v.vmallocNodeRange(4 * K, 3, START, END, Gfp.GFP_KERNEL, 0, "t")).isEqualTo(new Result.Refused(
                "BUG_ON(!is_power_of_2(align))", "kernel BUG at mm/vmalloc.c: alloc_vmap_area: align 3"));
        assertThat(v.vmallocNodeRange(4 * K, 0, START, END, Gfp.GFP_KERNEL, 0, "t").isRefused()).isTrue();
        assertThat(v.vmallocNodeRange(4 * K, 1, START - 4 * K, END, Gfp.GFP_KERNEL, 0, "t"))
                .isEqualTo(Result.refused(range(START - 4 * K, END)));
        assertThat(v.vmallocNodeRange(4 * K, 1, START, END + 4 * K, Gfp.GFP_KERNEL, 0, "t"))
                .isEqualTo(Result.refused(range(START, END + 4 * K)));
        assertThat(v.vmallocNodeRange(4 * K, 1, START + 8 * K, START + 8 * K, Gfp.GFP_KERNEL, 0, "t"))
                .isEqualTo(Result.refused(range(START + 8 * K, START + 8 * K)));
        assertThat(v.vmallocNodeRange(4 * K, 1, START + 1, END, Gfp.GFP_KERNEL, 0, "t"))
                .isEqualTo(Result.refused(range(START + 1, END)));
        assertThat(v.getVmAreaCaller(4 * K, VmFlags.VM_ALLOC, START, END + 1, "t")).isEqualTo(Result.refused(range(START, END + 1)));
        assertThat(v.vmallocNodeRange(0, 1, START, END, Gfp.GFP_KERNEL, 0, "t")).isEqualTo(new Result.Refused(
                "WARN_ON_ONCE(!size)", "WARNING: mm/vmalloc.c: __vmalloc_node_range: WARN_ON_ONCE(!size)"));
        assertThat(pages.gfps).isEmpty();
        assertThat(v.areas().busyAreas()).isEmpty();
        // the whole range, exactly, is a valid one; the last page before END is inside it
        assertThat(v.vmallocNodeRange(4 * K, 1, START, END, Gfp.GFP_KERNEL, 0, "t")).isEqualTo(Result.of(START));
        assertThat(v.isVmallocAddr(START).value()).isEqualTo(1);
        assertThat(v.isVmallocAddr(END - 1).value()).isEqualTo(1);
        assertThat(v.isVmallocAddr(START - 1).value()).isZero();
    }

    @Test
    void moreThanTotalramPagesIsNullWithoutAnAreaButTotalramItselfIsTried() {
        Pages few = new Pages(8);
        Vmalloc small = new Vmalloc(START, END, few, ptes, 1, Set.of());
        small.init(List.of());
        assertThat(small.vmalloc(9 * 4 * K)).isEqualTo(Result.of(0));
        assertThat(few.gfps).isEmpty();
        assertThat(small.vmalloc(8 * 4 * K)).isEqualTo(Result.of(START));
        assertThat(few.gfps).hasSize(8);
    }

    @Test
    void sizesAreRoundedToPagesAndGetAGuardPageUnlessVmNoGuard() {
        assertThat(v.getVmAreaCaller(1, VmFlags.VM_ALLOC, START, END, "t").value()).isEqualTo(START);
        assertThat(v.areas().find(START).vm().size()).isEqualTo(8 * K);
        assertThat(v.areas().find(START).vm().caller()).isEqualTo("t");
        assertThat(v.getVmAreaCaller(0, VmFlags.VM_ALLOC, START, END, "t").value()).isZero();
        assertThat(v.getVmAreaCaller(4 * K, VmFlags.VM_ALLOC | VmFlags.VM_NO_GUARD, START, END, "t").value())
                .isEqualTo(START + 8 * K);
        assertThat(v.areas().find(START + 8 * K).vm().size()).isEqualTo(4 * K);
        assertThat(v.getVmAreaCaller(4 * K, VmFlags.VM_ALLOC, START, END, "t").value()).isEqualTo(START + 12 * K);
        assertThat(Vmalloc.countOrder(1)).isZero();
        assertThat(Vmalloc.countOrder(4 * K)).isEqualTo(12);
        assertThat(Vmalloc.countOrder(4 * K + 1)).isEqualTo(13);
        assertThat(Vmalloc.countOrder(12 * K)).isEqualTo(14);
    }

    @Test
    void vmallocPagesAreHighmemNowarnUnlessDmaAndTheFlagsLoseVmUninitialized() {
        long a = v.vzalloc(8 * K).value();
        assertThat(pages.gfps).containsOnly(Gfp.GFP_KERNEL | Gfp.ZERO | Gfp.NOWARN | Gfp.HIGHMEM);
        assertThat(v.areas().find(a).vm().flags()).isEqualTo(VmFlags.VM_ALLOC);
        pages.gfps.clear();
        v.vmallocNodeRange(4 * K, 1, START, END, Gfp.GFP_KERNEL | Gfp.DMA, 0, "t");
        assertThat(pages.gfps).containsExactly(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.NOWARN);
        pages.gfps.clear();
        long u = v.vmallocUser(4 * K).value();
        assertThat(u % Vmalloc.SHMLBA).isZero();
        assertThat(v.areas().find(u).vm().flags()).isEqualTo(VmFlags.VM_ALLOC | VmFlags.VM_USERMAP);
    }

    @Test
    void aLargeAreasPageArrayIsVmallocedWithTheNestedMask() {
        // 2048 pages: a 8 KiB array (4-byte pointers), more than a page, so vmalloc'ed itself with
        // (gfp & GFP_RECLAIM_MASK) | __GFP_ZERO: GFP_KERNEL's bits and __GFP_ZERO, then NOWARN and HIGHMEM
        long a = v.vmallocNodeRange(8 * 1024 * K, 1, START, END, Gfp.GFP_KERNEL | Gfp.DMA32, 0, "t").value();
        assertThat(a).isEqualTo(START);
        assertThat(pages.gfps.subList(0, 2)).containsOnly(Gfp.GFP_KERNEL | Gfp.ZERO | Gfp.NOWARN | Gfp.HIGHMEM);
        assertThat(pages.gfps.subList(2, pages.gfps.size())).hasSize(2048).containsOnly(Gfp.GFP_KERNEL | Gfp.DMA32 | Gfp.NOWARN);
        // exactly a page of pointers (1024 pages) stays inside the area's own allocation
        Vmalloc w = new Vmalloc(START, END, new Pages(4096), new FailingPtes(), 1, Set.of());
        w.init(List.of());
        long b = w.vmalloc(4 * 1024 * K).value();
        assertThat(w.areas().find(b).vm().pagesArea()).isZero();
    }

    @Test
    void aFailedPteMapGivesThePagesAndTheAreaBack() {
        ptes.failAt = 3;
        assertThat(v.vmalloc(16 * K)).isEqualTo(Result.of(0));
        assertThat(pages.freed).hasSize(4);
        assertThat(ptes.pfnAt(START)).isEqualTo(-1);
        assertThat(v.areas().busyAreas()).isEmpty();
        ptes.maps = 0;
        ptes.failAt = 2;
        assertThat(v.ioremap(0x1c00_0000L, 8 * K)).isEqualTo(Result.of(0));
        assertThat(v.areas().busyAreas()).isEmpty();
        ptes.maps = 0;
        assertThat(v.vmap(new long[] {0x40100, 0x40101}, VmFlags.VM_MAP)).isEqualTo(Result.of(0));
        assertThat(v.areas().busyAreas()).isEmpty();
        assertThat(pages.freed).as("vmap's pages stay the caller's").hasSize(4);
    }

    @Test
    void ioremapIsCappedAtIoremapMaxOrderAndKeepsTheOffsetAcrossPages() {
        // 32 MiB: get_count_order 25, capped at IOREMAP_MAX_ORDER 24: 16 MiB alignment above START
        assertThat(v.ioremap(0x1000_0000L, 32 * 1024 * K).value()).isEqualTo(0xf100_0000L);
        // offset 0xff0 + 0x20 bytes spans two pages: an 8 KiB (order 13) area, 8 KiB aligned
        long io = v.ioremap(0x1c00_0ff0L, 0x20).value();
        assertThat(io).isEqualTo(START + 0xff0);
        assertThat(ptes.pfnAt(START)).isEqualTo(0x1c000);
        assertThat(ptes.pfnAt(START + 4 * K)).isEqualTo(0x1c001);
        assertThat(ptes.protAt(START + 4 * K)).isEqualTo(KernelPtes.Prot.DEVICE);
        assertThat(v.areas().find(START).vm().physAddr()).isEqualTo(0x1c00_0000L);
        assertThat(v.areas().find(START).vm().flags()).isEqualTo(VmFlags.VM_IOREMAP);
        assertThat(v.iounmap(io)).isEqualTo(Result.VOID);
        assertThat(ptes.pfnAt(START)).isEqualTo(-1);
        assertThat(v.findVmArea(START).value()).isZero();
    }

    @Test
    void ioremapRefusesRamNothingAndWrappingRanges() {
        assertThat(v.ioremap(0x1c00_0000L, 0)).isEqualTo(Result.of(0));
        assertThat(v.ioremap(0xffff_f000L, 0x2000)).as("phys + size - 1 past ULONG_MAX").isEqualTo(Result.of(0));
        assertThat(v.ioremap(0xffff_f000L, 0x1000).value()).as("the last page").isEqualTo(START);
        assertThat(v.ioremap(0x4000_0800L, 0x10)).isEqualTo(new Result.Refused("ioremap on RAM",
                "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(memblock_is_map_memory(PFN_PHYS(pfn)) && mtype != MT_MEMORY_RW)"));
        assertThat(v.areas().busyAreas()).hasSize(1);
    }

    @Test
    void vmapMapsTheCallersPagesDropsVmNoGuardAndPutsPagesOnlyWhenAsked() {
        assertThat(v.vmap(new long[0], VmFlags.VM_MAP)).isEqualTo(Result.of(0));
        Pages two = new Pages(2);
        Vmalloc small = new Vmalloc(START, END, two, new FailingPtes(), 1, Set.of());
        small.init(List.of());
        assertThat(small.vmap(new long[] {0x40000, 0x40001, 0x40002}, VmFlags.VM_MAP)).as("more than totalram").isEqualTo(Result.of(0));
        long a = v.vmap(new long[] {0x40100, 0x40200}, VmFlags.VM_MAP | VmFlags.VM_NO_GUARD).value();
        assertThat(a).isEqualTo(START);
        assertThat(ptes.pfnAt(START + 4 * K)).isEqualTo(0x40200);
        assertThat(v.areas().find(a).vm().flags()).isEqualTo(VmFlags.VM_MAP);
        assertThat(v.areas().find(a).vm().size()).as("VM_NO_GUARD dropped: the guard page is there").isEqualTo(12 * K);
        assertThat(v.areas().find(a).vm().nrPages()).isZero();
        long b = v.vmap(new long[] {0x40300}, VmFlags.VM_MAP | VmFlags.VM_MAP_PUT_PAGES).value();
        assertThat(b).isEqualTo(START + 12 * K);
        assertThat(v.areas().find(b).vm().pagePfns()).containsExactly(0x40300L);
        assertThat(v.vunmap(a)).isEqualTo(Result.VOID);
        assertThat(pages.freed).isEmpty();
        assertThat(v.vfree(b)).isEqualTo(Result.VOID);
        assertThat(pages.freed).containsExactly(0x40300L);
    }

    @Test
    void vunmapWarnsAboutBadAndUnknownAddressesAndIgnoresNull() {
        long a = v.vmalloc(4 * K).value();
        assertThat(v.vunmap(0)).isEqualTo(Result.VOID);
        assertThat(v.vunmap(a + 0x10)).isEqualTo(new Result.Refused("Trying to vfree() bad address",
                "WARNING: mm/vmalloc.c: Trying to vfree() bad address (f0800010)"));
        assertThat(v.vunmap(a + 4 * K)).as("the guard page belongs to the area").isEqualTo(Result.VOID);
        assertThat(v.vunmap(a)).isEqualTo(new Result.Refused("Trying to vfree() nonexistent vm area",
                "WARNING: mm/vmalloc.c: Trying to vfree() nonexistent vm area (f0800000)"));
        assertThat(v.vfree(START + 64 * K).isRefused()).isTrue();
        assertThat(pages.freed).as("vunmap leaves the pages").isEmpty();
        assertThat(v.vmallocToPage(a).value()).isZero();
        assertThat(v.mappedPtes()).isEqualTo(-1);
    }
}
