package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Bugs;
import armmm.model.core.KernelAddr;
import armmm.model.core.Pfn;
import armmm.model.core.PhysAddr;
import armmm.model.layout.LayoutBug;
import org.junit.jupiter.api.Test;

/**
 * FLATMEM's conversions (include/asm-generic/memory_model.h {@code __pfn_to_page},
 * {@code __page_to_pfn}; arch/arm/include/asm/memory.h {@code __virt_to_phys}, {@code page_address}
 * of lowmem) on the virt board's layout: PHYS_OFFSET 0x40000000 (ARCH_PFN_OFFSET 0x40000),
 * PAGE_OFFSET 0xc0000000, mem_map at 0xef000000, sizeof(struct page) 36 (armmp), max_low_pfn
 * 0x44000; and the two layout bugs the running kernel plants in them.
 */
class MemMapLayoutConversionsTest {
    private final MemMapLayout l = MemMapLayout.virt(0xef000000L, 0x44000);

    @Test
    void pfnToPageAndBackStepBySizeofStructPage() {
        assertThat(l.archPfnOffset()).isEqualTo(0x40000);
        assertThat(l.structPageSize()).isEqualTo(36);
        assertThat(l.pfnToPage(0x40000)).isEqualTo(0xef000000L);
        assertThat(l.pfnToPage(0x40001)).isEqualTo(0xef000024L);
        assertThat(l.pfnToPage(new Pfn(0x40002))).isEqualTo(new KernelAddr(0xef000048L));
        assertThat(l.pageToPfn(0xef000000L)).isEqualTo(0x40000);
        assertThat(l.pageToPfn(0xef000024L)).isEqualTo(0x40001);
        assertThat(l.pageToPfn(new KernelAddr(0xef000048L))).isEqualTo(new Pfn(0x40002));
        // not the start of a struct page, or below mem_map: no pfn
        assertThat(l.pageToPfn(0xef000023L)).isEqualTo(-1);
        assertThat(l.pageToPfn(0xef000025L)).isEqualTo(-1);
        assertThat(l.pageToPfn(0xef000000L - 36)).isEqualTo(-1);
        assertThat(l.pageToPfn(new KernelAddr(0xef000001L))).isNull();
    }

    @Test
    void theLinearMapCoversLowmemOnly() {
        assertThat(l.pageAddress(0x40000)).isEqualTo(0xc0000000L);
        assertThat(l.pageAddress(0x43fff)).isEqualTo(0xc3fff000L);
        assertThat(l.pageAddress(0x44000)).isZero();
        assertThat(l.pageAddress(new Pfn(0x40001))).isEqualTo(new KernelAddr(0xc0001000L));
        assertThat(l.pageAddress(new Pfn(0x44000))).isNull();
        assertThat(l.virtToPfn(0xc0000000L)).isEqualTo(0x40000);
        assertThat(l.virtToPfn(0xc0000fffL)).isEqualTo(0x40000);
        assertThat(l.virtToPfn(0xc3ffffffL)).isEqualTo(0x43fff);
        assertThat(l.virtToPfn(0xc4000000L)).isEqualTo(-1);
        assertThat(l.virtToPfn(0xbfffffffL)).isEqualTo(-1);
        assertThat(l.virtToPfn(new KernelAddr(0xc0002000L))).isEqualTo(new Pfn(0x40002));
        assertThat(l.virtToPfn(new KernelAddr(0xbffff000L))).isNull();
        assertThat(l.pfnToPhys(new Pfn(0x40001))).isEqualTo(new PhysAddr(0x40001000L));
        // PHYS_OFFSET 2 GiB: ARCH_PFN_OFFSET 0x80000, an unsigned shift
        assertThat(new MemMapLayout(0xef000000L, 0x80000000L, 0xc0000000L, 0x84000, 36).archPfnOffset()).isEqualTo(0x80000);
    }

    @Test
    void theRunningKernelsLayoutBugsBendTheConversions() {
        MemMapLayout stride = l.running(Bugs.of(LayoutBug.LAYOUT_PAGE_TO_PFN_WRONG_STRIDE));
        // 32 struct pages of 36 bytes past mem_map, divided by 32: 36 pages
        assertThat(l.pageToPfn(0xef000000L + 32 * 36)).isEqualTo(0x40020);
        assertThat(stride.pageToPfn(0xef000000L + 32 * 36)).isEqualTo(0x40024);
        assertThat(stride.pfnToPage(0x40001)).isEqualTo(0xef000024L);
        MemMapLayout pa = l.running(Bugs.of(LayoutBug.LAYOUT_PA_OFF_BY_PAGE));
        assertThat(pa.virtToPfn(0xc0000000L)).isEqualTo(0x40001);
        // one page off at the top of lowmem: past max_low_pfn, so no pfn
        assertThat(pa.virtToPfn(0xc3fff000L)).isEqualTo(-1);
        assertThat(l.running(Bugs.NONE)).isEqualTo(l);
    }

    @Test
    void phys_offsetMustBePageAligned() {
        assertThatThrownBy(() -> new MemMapLayout(0xef000000L, 0x40000800L, 0xc0000000L, 0x44000, 36))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x40000800");
        assertThatThrownBy(() -> new MemMapLayout(0xef000000L, 0x40000000L, 0xc0000000L, 0x44000, 36, null))
                .isInstanceOf(NullPointerException.class);
        assertThat(new MemMapLayout(0xef000000L, 0x40001000L, 0xc0000000L, 0x44000, 36).archPfnOffset()).isEqualTo(0x40001);
    }

    @Test
    void pfnZeroIsAPfnWhereRamStartsAtZero() {
        MemMapLayout zero = new MemMapLayout(0xef000000L, 0, 0xc0000000L, 8192, 32);
        assertThat(zero.pageToPfn(new KernelAddr(0xef000000L))).isEqualTo(new Pfn(0));
        assertThat(zero.virtToPfn(new KernelAddr(0xc0000000L))).isEqualTo(new Pfn(0));
    }
}
