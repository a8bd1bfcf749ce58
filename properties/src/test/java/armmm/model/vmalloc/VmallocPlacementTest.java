package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Result;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Placement as 6.1's {@code alloc_vmap_area} does it, on a small vmalloc range with its own page
 * source: lowest match, alignment, the guard page, ioremap's alignment by size, the lazy purge and
 * its threshold, fixed placement, and lookups.
 */
class VmallocPlacementTest {
    private static final long START = 0xf080_0000L;
    private static final long END = 0xff80_0000L;
    private static final long K = 1024;

    /** Frames 0x40000.. as a LIFO free list, like a per-CPU list. */
    static final class Frames implements PageSource {
        final Deque<Long> free = new ArrayDeque<>();
        final List<Long> freed = new ArrayList<>();

        Frames(int n) {
            for (int i = n - 1; i >= 0; i--) {
                free.push(0x40000L + i);
            }
        }

        @Override public long allocPage(long gfp) { return free.isEmpty() ? -1 : free.pop(); }
        @Override public void freePage(long pfn) { freed.add(pfn); free.push(pfn); }
        @Override public long totalramPages() { return 1 << 18; }
        @Override public boolean isMapMemory(long phys) { return phys >= 0x4000_0000L && phys < 0x8000_0000L; }
        @Override public long pfnToPage(long pfn) { return 0xef00_0000L + pfn * 36; }
        @Override public long pageToPfn(long page) { return (page - 0xef00_0000L) / 36; }
    }

    private final Frames frames = new Frames(4096);
    private final ShadowPtes ptes = new ShadowPtes(START, END, 0x40000, 0x80000);

    private Vmalloc vmalloc(int cpus, Set<VmallocBug> bugs) {
        Vmalloc v = new Vmalloc(START, END, frames, ptes, cpus, bugs);
        v.init(List.of(new VmStruct(VmallocBoot.PCI_IO_VIRT_BASE, VmallocBoot.PCI_IO_SIZE, VmFlags.VM_IOREMAP, "pci")));
        return v;
    }

    @Test
    void consecutiveVmallocsSitSideBySideEachFollowedByItsGuardPage() {
        Vmalloc v = vmalloc(1, Set.of());
        assertThat(v.vmalloc(4 * K).value()).isEqualTo(START);
        assertThat(v.vmalloc(16 * K).value()).isEqualTo(START + 8 * K);
        assertThat(v.vmalloc(12289).value()).isEqualTo(START + 28 * K);
        VmStruct vm = v.areas().find(START + 28 * K).vm();
        assertThat(vm.size()).isEqualTo(20 * K);
        assertThat(vm.nrPages()).isEqualTo(4);
        assertThat(ptes.pfnAt(START + 28 * K + 16 * K)).as("guard page").isEqualTo(-1);
        assertThat(ptes.pfnAt(START + 28 * K + 12 * K)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aFreedAreaIsNotReusedUntilThePurgeThenTheLowestHoleIs() {
        Vmalloc v = vmalloc(1, Set.of());
        long a = v.vmalloc(8 * K).value();
        long b = v.vmalloc(8 * K).value();
        v.vfree(a);
        assertThat(v.areas().vmapLazyNr()).isEqualTo(3);
        assertThat(v.vmalloc(8 * K).value()).as("lazily freed: not handed out").isEqualTo(b + 12 * K);
        assertThat(ptes.pfnAt(a)).as("PTEs cleared at vfree").isEqualTo(-1);
        assertThat(ptes.staleAt(a)).as("TLB flush owed").isTrue();
        v.purgeVmapAreaLazy();
        assertThat(ptes.staleAt(a)).isFalse();
        assertThat(v.areas().vmapLazyNr()).isZero();
        assertThat(v.vmalloc(8 * K).value()).isEqualTo(a);
    }

    @Test
    void lazyMaxPagesGrowsWithTheLogOfTheCpuCount() {
        assertThat(vmalloc(1, Set.of()).areas().lazyMaxPages()).isEqualTo(8192);
        assertThat(new VmapAreas(ptes, 2, Set.of()).lazyMaxPages()).isEqualTo(16384);
        assertThat(new VmapAreas(ptes, 3, Set.of()).lazyMaxPages()).isEqualTo(16384);
        assertThat(new VmapAreas(ptes, 4, Set.of()).lazyMaxPages()).isEqualTo(24576);
    }

    @Test
    void passingLazyMaxPagesPurgesEverythingAtOnce() {
        Vmalloc v = vmalloc(1, Set.of());
        long big = v.getVmAreaCaller(8191 * 4 * K, VmFlags.VM_ALLOC, START, END, "t").value();
        long small = v.getVmAreaCaller(4 * K, VmFlags.VM_ALLOC, START, END, "t").value();
        v.vfree(big);
        assertThat(v.areas().vmapLazyNr()).isEqualTo(8192);
        assertThat(v.areas().purges()).isZero();
        v.vfree(small);
        assertThat(v.areas().purges()).isEqualTo(1);
        assertThat(v.areas().vmapLazyNr()).isZero();
    }

    @Test
    void ioremapIsAlignedByItsSizeAndKeepsTheOffset() {
        Vmalloc v = vmalloc(1, Set.of());
        v.vmalloc(4 * K);
        assertThat(v.ioremap(0x0900_0100L, 0x10).value()).isEqualTo(START + 8 * K + 0x100);
        // 64 KiB: page-aligned size 64K, VM_IOREMAP aligns to 64K
        assertThat(v.ioremap(0x0800_0000L, 64 * K).value()).isEqualTo(START + 64 * K);
        assertThat(v.areas().find(START + 64 * K).vm().physAddr()).isEqualTo(0x0800_0000L);
        assertThat(ptes.protAt(START + 64 * K)).isEqualTo(KernelPtes.Prot.DEVICE);
        assertThat(v.ioremap(0x4000_0000L, 4 * K).isRefused()).as("RAM").isTrue();
    }

    @Test
    void vmallocUserIsShmlbaAligned() {
        Vmalloc v = vmalloc(1, Set.of());
        v.vmalloc(4 * K);
        assertThat(v.vmallocUser(4 * K).value()).isEqualTo(START + 16 * K);
        assertThat(v.areas().find(START + 16 * K).vm().flags() & VmFlags.VM_USERMAP).isNotZero();
    }

    @Test
    void anAreaCanBePlacedAtAFixedAddressAndOnlyIfThatRangeIsFree() {
        Vmalloc v = vmalloc(1, Set.of());
        long at = START + 0x10_0000L;
        assertThat(v.vmallocNodeRange(8 * K, VmapAreas.PAGE_SIZE, at, at + 12 * K, 0, 0, "t").value()).isEqualTo(at);
        assertThat(v.getVmAreaCaller(4 * K, VmFlags.VM_IOREMAP, at, at + 8 * K, "t").value()).isZero();
        assertThat(v.vmalloc(4 * K).value()).isEqualTo(START);
    }

    @Test
    void vfreeOfAnInteriorPageFreesTheWholeAreaAndItsPages() {
        Vmalloc v = vmalloc(1, Set.of());
        long a = v.vmalloc(16 * K).value();
        assertThat(v.vfree(a + 4 * K).isRefused()).isFalse();
        assertThat(frames.freed).hasSize(4);
        assertThat(v.findVmArea(a).value()).isZero();
        assertThat(v.vfree(a).isRefused()).as("no area any more").isTrue();
        assertThat(v.vfree(a + 1).isRefused()).as("unaligned").isTrue();
        assertThat(v.vfree(0)).isEqualTo(Result.VOID);
    }

    @Test
    void aLargeVmallocTakesItsPageArrayFromVmallocToo() {
        Vmalloc v = vmalloc(1, Set.of());
        long a = v.vmalloc(8 * 1024 * K).value(); // 2048 pages: an 8 KiB array, itself vmalloc'ed after the area
        VmStruct vm = v.areas().find(a).vm();
        assertThat(vm.pagesArea()).isEqualTo(a + 8 * 1024 * K + 4 * K);
        v.vfree(a);
        assertThat(v.findVmArea(vm.pagesArea()).value()).isZero();
        assertThat(v.areas().vmapLazyNr()).isEqualTo(2049 + 3);
    }

    @Test
    void lookupsAnswerAsTheKernelDoes() {
        Vmalloc v = vmalloc(1, Set.of());
        long a = v.vmalloc(8 * K).value();
        assertThat(v.findVmArea(a + 5000).value()).isEqualTo(a);
        assertThat(v.isVmallocAddr(a).value()).isEqualTo(1);
        assertThat(v.isVmallocAddr(END).value()).isZero();
        assertThat(v.vmallocToPage(a + 4 * K).value()).isEqualTo(frames.pfnToPage(ptes.pfnAt(a + 4 * K)));
        assertThat(v.vmallocToPage(a + 8 * K).value()).as("guard").isZero();
    }

    @Test
    void runningOutOfPagesGivesNullAndLeavesNothingMapped() {
        Frames few = new Frames(2);
        Vmalloc v = new Vmalloc(START, END, few, ptes, 1, Set.of());
        v.init(List.of());
        assertThat(v.vmalloc(16 * K).value()).isZero();
        assertThat(few.free).hasSize(2);
        assertThat(ptes.mappedCount()).isZero();
        assertThat(v.areas().busyAreas()).isEmpty();
    }

    @Test
    void exhaustingTheRangePurgesOnceThenFails() {
        Vmalloc v = vmalloc(1, Set.of());
        long all = VmallocBoot.PCI_IO_VIRT_BASE - START; // the PCI window sits below VMALLOC_END
        long a = v.getVmAreaCaller(all - 4 * K, VmFlags.VM_ALLOC, START, END, "t").value();
        assertThat(a).isEqualTo(START);
        v.vfree(a);
        assertThat(v.getVmAreaCaller(all - 4 * K, VmFlags.VM_ALLOC, START, END, "t").value()).as("purged, retried").isEqualTo(START);
        assertThat(v.getVmAreaCaller(4 * K, VmFlags.VM_ALLOC, START, VmallocBoot.PCI_IO_VIRT_BASE, "t").value()).isZero();
    }
}
