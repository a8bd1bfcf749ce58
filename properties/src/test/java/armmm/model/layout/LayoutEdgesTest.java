package armmm.model.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edges of the ARM32 layout and its conversions, each worked from the kernel:
 * {@code __phys_to_virt}/{@code __virt_to_phys}, {@code VMALLOC_START}, {@code PKMAP_BASE},
 * {@code MODULES_VADDR}/{@code MODULES_END} (arch/arm/include/asm/memory.h, pgtable.h, highmem.h),
 * {@code pfn_valid} at pageblock granularity (arch/arm/mm/init.c), {@code virt_addr_valid},
 * FLATMEM {@code pfn_to_page}/{@code page_to_pfn} (include/asm-generic/memory_model.h) and
 * {@code page_address} of an unmapped page (mm/highmem.c): the first and last byte or pfn of every
 * range, and one past it.
 */
class LayoutEdgesTest {
    private static final long PAGE_OFFSET = 0xc000_0000L;
    private static final long PHYS_OFFSET = 0x4000_0000L;
    private static final long LOWMEM_LIMIT = 0x6f80_0000L;
    private static final long MEM_MAP = 0xef00_0000L;
    private static final int STRUCT_PAGE = 32;
    /** pageblock_order = MAX_ORDER - 1 = 11 in this build: 8 MiB blocks. */
    private static final long PAGEBLOCK_PAGES = 2048;

    private static Layout layout(List<Region> memory, Bugs bugs) {
        return new Layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, 240L << 20, MEM_MAP, STRUCT_PAGE, PAGEBLOCK_PAGES,
                0xc010_0000L, 0xc080_0000L, 0xc0a0_0000L, 0xc0b0_0000L, 0xc0c0_0000L, 0xc0d0_0000L, 0xc0e0_0000L,
                memory, bugs);
    }

    /** 512 MiB at PHYS_OFFSET, a hole, then 1 MiB at 0x61000000 (not a whole pageblock). */
    private final Layout l = layout(List.of(new Region(PHYS_OFFSET, 0x2000_0000L, 0), new Region(0x6100_0000L, 0x10_0000L, 0)),
            Bugs.NONE);

    @Test
    void theAreasAroundLowmem() {
        assertThat(l.highMemory()).isEqualTo(0xef80_0000L);
        assertThat(l.vmallocStart()).isEqualTo(0xf000_0000L);
        assertThat(l.vmallocEnd()).isEqualTo(0xff80_0000L);
        assertThat(l.vmallocTotal()).isEqualTo(0x0f80_0000L);
        assertThat(l.pkmapBase()).isEqualTo(0xbfe0_0000L);
        assertThat(l.pkmapEnd()).isEqualTo(0xc000_0000L);
        assertThat(l.modulesVaddr()).isEqualTo(0xbf00_0000L);
        assertThat(l.modulesEnd()).isEqualTo(0xbfe0_0000L);
        assertThat(l.archPfnOffset()).isEqualTo(0x40000);
        assertThat(l.maxLowPfn()).isEqualTo(0x6f800);
        // high_memory one byte past an 8 MiB boundary: (high_memory + 8M) & ~(8M - 1) leaves a hole one byte short of 8 MiB
        Layout odd = new Layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT + 1, 0, MEM_MAP, STRUCT_PAGE, PAGEBLOCK_PAGES,
                0, 0, 0, 0, 0, 0, 0, List.of(), Bugs.NONE);
        assertThat(odd.highMemory()).isEqualTo(0xef80_0001L);
        assertThat(odd.vmallocStart()).isEqualTo(0xf000_0000L);
    }

    @Test
    void theSeededLayoutBugsMoveOnlyTheirOwnArea() {
        Layout noGap = layout(List.of(), Bugs.of(LayoutBug.LAYOUT_NO_VMALLOC_GAP));
        assertThat(noGap.vmallocStart()).isEqualTo(0xef80_0000L);
        assertThat(noGap.pkmapBase()).isEqualTo(0xbfe0_0000L);
        Layout pkmap = layout(List.of(), Bugs.of(LayoutBug.LAYOUT_PKMAP_OVER_LOWMEM));
        assertThat(pkmap.pkmapBase()).isEqualTo(PAGE_OFFSET);
        assertThat(pkmap.pkmapEnd()).isEqualTo(PAGE_OFFSET + 512 * 4096);
        assertThat(pkmap.vmallocStart()).isEqualTo(0xf000_0000L);
    }

    @Test
    void theLinearOffsetIsAppliedToAnyValueModulo2To32() {
        assertThat(l.linearVirt(PHYS_OFFSET)).isEqualTo(PAGE_OFFSET);
        assertThat(l.linearVirt(0x3000_0000L)).isEqualTo(0xb000_0000L);
        assertThat(l.linearVirt(0x8000_0000L)).as("wraps").isEqualTo(0x0L);
        assertThat(l.linearPhys(0x1000_0000L)).as("wraps").isEqualTo(0x9000_0000L);
        assertThat(l.linearPhys(0xffff_ffffL)).isEqualTo(0x7fff_ffffL);
    }

    @Test
    void lowmemEndsExactlyAtArmLowmemLimitAndHighMemory() {
        assertThat(l.isLowmemPhys(PHYS_OFFSET)).isTrue();
        assertThat(l.isLowmemPhys(PHYS_OFFSET - 1)).isFalse();
        assertThat(l.isLowmemPhys(LOWMEM_LIMIT - 1)).isTrue();
        assertThat(l.isLowmemPhys(LOWMEM_LIMIT)).isFalse();
        assertThat(l.isLowmemVirt(PAGE_OFFSET)).isTrue();
        assertThat(l.isLowmemVirt(PAGE_OFFSET - 1)).isFalse();
        assertThat(l.isLowmemVirt(0xef7f_ffffL)).isTrue();
        assertThat(l.isLowmemVirt(0xef80_0000L)).isFalse();
        assertThat(l.pa(0xef7f_ffffL)).isEqualTo(Result.of(0x6f7f_ffffL));
        assertThat(l.pa(0xef80_0000L)).isEqualTo(Result.refused("__pa(0xef800000): not a lowmem address"));
        assertThat(l.pa(PAGE_OFFSET - 1)).isEqualTo(Result.refused("__pa(0xbfffffff): not a lowmem address"));
        assertThat(l.va(PHYS_OFFSET)).isEqualTo(Result.of(PAGE_OFFSET));
        assertThat(l.va(LOWMEM_LIMIT)).isEqualTo(Result.refused("__va(0x6f800000): not lowmem"));
        assertThat(l.va(PHYS_OFFSET - 1)).isEqualTo(Result.refused("__va(0x3fffffff): not lowmem"));
        assertThat(l.pageAddress(0x40000)).isEqualTo(PAGE_OFFSET);
        assertThat(l.pageAddress(0x6f7ff)).isEqualTo(0xef7f_f000L);
        assertThat(l.pageAddress(0x6f800)).as("highmem: NULL").isZero();
        assertThat(l.pageAddress(0x3ffff)).isZero();
    }

    @Test
    void pfnValidAsksWhetherThePfnsPageblockMeetsMemory() {
        assertThat(l.pfnValid(0x40000)).isTrue();
        assertThat(l.pfnValid(0x3ffff)).as("the pageblock before ends where memory begins").isFalse();
        assertThat(l.pfnValid(0x5ffff)).isTrue();
        assertThat(l.pfnValid(0x60000)).isFalse();
        assertThat(l.pfnValid(0x60fff)).as("the pageblock [0x60800000, 0x61000000) ends where the bank begins").isFalse();
        assertThat(l.pfnValid(0x61000)).isTrue();
        assertThat(l.pfnValid(0x617ff)).as("past the bank's end, inside its pageblock").isTrue();
        assertThat(l.pfnValid(0x61800)).isFalse();
        assertThat(l.pfnValid(-1)).isFalse();
        Layout top = layout(List.of(new Region(0xff00_0000L, 0xffff_ffffL - 0xff00_0000L, 0)), Bugs.NONE);
        assertThat(top.pfnValid(0xfffff)).as("the last 32-bit pfn").isTrue();
        assertThat(top.pfnValid(0x100000)).as("beyond 32 bits").isFalse();
        assertThat(top.pfnValid(0xfefff)).isFalse();
        assertThat(top.pfnValid(0xff000)).isTrue();
        // memory at physical 0: pfn 0 is valid, a negative pfn never is
        Layout zero = layout(List.of(new Region(0, 16L << 20, 0)), Bugs.NONE);
        assertThat(zero.pfnValid(0)).isTrue();
        assertThat(zero.pfnValid(-1)).isFalse();
    }

    @Test
    void virtAddrValidNeedsLowmemAndAValidPfn() {
        assertThat(l.virtAddrValid(PAGE_OFFSET)).isTrue();
        assertThat(l.virtAddrValid(0xdfff_ffffL)).isTrue();
        assertThat(l.virtAddrValid(0xe000_0000L)).as("lowmem, in the hole").isFalse();
        assertThat(l.virtAddrValid(0xe100_0000L)).isTrue();
        assertThat(l.virtAddrValid(0xef80_0000L)).isFalse();
        assertThat(l.virtAddrValid(PAGE_OFFSET - 1)).isFalse();
    }

    @Test
    void structPagesAreMemMapPlusTheirIndexTimesTheirSize() {
        assertThat(l.pfnToPage(0x40000)).isEqualTo(Result.of(MEM_MAP));
        assertThat(l.pfnToPage(0x40001)).isEqualTo(Result.of(MEM_MAP + STRUCT_PAGE));
        assertThat(l.pfnToPage(0x61000)).isEqualTo(Result.of(MEM_MAP + 0x21000L * STRUCT_PAGE));
        assertThat(l.pfnToPage(0x60000)).isEqualTo(Result.refused("pfn_to_page(0x60000): pfn not valid"));
        assertThat(l.pageToPfn(MEM_MAP)).isEqualTo(Result.of(0x40000));
        assertThat(l.pageToPfn(MEM_MAP + STRUCT_PAGE)).isEqualTo(Result.of(0x40001));
        assertThat(l.pageToPfn(MEM_MAP + 1)).isEqualTo(Result.refused("page_to_pfn(0xef000001): not a struct page in mem_map"));
        assertThat(l.pageToPfn(MEM_MAP - STRUCT_PAGE))
                .isEqualTo(Result.refused("page_to_pfn(0xeeffffe0): not a struct page in mem_map"));
        long hole = MEM_MAP + 0x20000L * STRUCT_PAGE;
        assertThat(l.pageToPfn(hole)).isEqualTo(Result.refused(String.format("page_to_pfn(%#x): pfn 0x60000 not valid", hole)));
        // memory below PHYS_OFFSET has valid pfns but no struct page in this mem_map
        Layout below = layout(List.of(new Region(0x3f00_0000L, 0x200_0000L, 0)), Bugs.NONE);
        assertThat(below.pfnValid(0x3f000)).isTrue();
        assertThat(below.pfnToPage(0x3f000)).isEqualTo(Result.refused("pfn_to_page(0x3f000): pfn not valid"));
        assertThat(below.pfnToPage(0x40000)).isEqualTo(Result.of(MEM_MAP));
    }

    @Test
    void aLowmemLimitBelowPhysOffsetIsRefused() {
        assertThatThrownBy(() -> new Layout(PAGE_OFFSET, PHYS_OFFSET, PHYS_OFFSET - 1, 0, MEM_MAP, STRUCT_PAGE,
                PAGEBLOCK_PAGES, 0, 0, 0, 0, 0, 0, 0, List.of(), Bugs.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("lowmem limit 0x3fffffff below PHYS_OFFSET 0x40000000");
        assertThat(new Layout(PAGE_OFFSET, PHYS_OFFSET, PHYS_OFFSET, 0, MEM_MAP, STRUCT_PAGE, PAGEBLOCK_PAGES, 0, 0, 0, 0,
                0, 0, 0, List.of(), Bugs.NONE).highMemory()).isEqualTo(PAGE_OFFSET);
    }
}
