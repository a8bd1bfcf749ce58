package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.mmu.KernelPageTables;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pkmap area's read side (mm/highmem.c {@code __kmap_to_page}'s pkmap branch and its
 * {@code virt_to_page} fall-through, {@code page_address_htable}, the area's bounds
 * {@code PKMAP_ADDR(0)}..{@code PKMAP_ADDR(LAST_PKMAP)}) and the {@code print kmaps} listing, on
 * the 1 GiB armmp board of the probe capture: PKMAP_BASE 0xbfe00000, PAGE_OFFSET 0xc0000000,
 * PHYS_OFFSET 0x40000000, max_low_pfn 0x6f800. Expected values are the kernel's formulas
 * worked by hand.
 */
class PkmapLookupTest {
    private static final long PKMAP_BASE = 0xbfe00000L;
    private static final long PAGE_OFFSET = 0xc0000000L;
    private static final long PHYS_OFFSET = 0x40000000L;
    private static final long MAX_LOW_PFN = 0x6f800L;

    private static Pkmap pkmap() {
        KernelPageTables t = new KernelPageTables(0x40004000L, MAX_LOW_PFN << 12, Set.of());
        t.pteAllocKernel(PKMAP_BASE, () -> 0x41000L);
        return new Pkmap(t, PKMAP_BASE, PAGE_OFFSET, PHYS_OFFSET, MAX_LOW_PFN);
    }

    @Test
    void thePkmapAreaIsPkmapAddr0UpToPkmapAddrLastPkmapExclusive() {
        Pkmap p = pkmap();
        assertThat(p.isPkmapAddr(PKMAP_BASE)).isTrue();
        assertThat(p.isPkmapAddr(PKMAP_BASE - 1)).isFalse();
        // PKMAP_ADDR(LAST_PKMAP) = PKMAP_BASE + 512 pages = PAGE_OFFSET: the linear map, not the pkmap area
        assertThat(p.pkmapAddr(Pkmap.LAST_PKMAP)).isEqualTo(PAGE_OFFSET);
        assertThat(p.isPkmapAddr(PAGE_OFFSET - 1)).isTrue();
        assertThat(p.isPkmapAddr(PAGE_OFFSET)).isFalse();
        assertThat(p.pkmapNr(PAGE_OFFSET - 1)).isEqualTo(Pkmap.LAST_PKMAP - 1);
    }

    @Test
    void kmapToPfnReadsTheSlotsPteInsideTheAreaAndDoesLinearArithmeticOutsideIt() {
        Pkmap p = pkmap();
        // an unused slot: pte_page of a clear PTE is pfn 0
        assertThat(p.kmapToPfn(PKMAP_BASE)).isZero();
        long va = ((KmapResult.Mapped) p.kmap(0x7e905L)).vaddr();
        // first kmap_high on a fresh area: the scan starts at last_pkmap_nr + 1 = slot 1
        assertThat(va).isEqualTo(PKMAP_BASE + 0x1000L);
        assertThat(p.kmapToPfn(va)).isEqualTo(0x7e905L);
        assertThat(p.kmapToPfn(va + 0xfff)).isEqualTo(0x7e905L);
        assertThat(p.kmapToPfn(va + 0x1000)).as("slot 2, never mapped").isZero();
        // virt_to_pfn: (va - PAGE_OFFSET + PHYS_OFFSET) >> PAGE_SHIFT
        assertThat(p.kmapToPfn(PAGE_OFFSET)).isEqualTo(0x40000L);
        assertThat(p.kmapToPfn(0xc1d60123L)).isEqualTo(0x41d60L);
        assertThat(p.kmapToPfn(PKMAP_BASE - 1)).isEqualTo(0x3fdffL);
        assertThat(p.virtToPfn(0xef7ff000L)).isEqualTo(0x6f7ffL);
        assertThat(p.virtToPfn(0xfffff000L)).isEqualTo(0x7ffffL);
        // below PAGE_OFFSET the 32-bit unsigned arithmetic wraps: 0x10000000 - 0xc0000000 + 0x40000000 = 0x90000000
        assertThat(p.virtToPfn(0x10000000L)).isEqualTo(0x90000L);
    }

    @Test
    void pageAddressHtableHoldsExactlyTheHighmemPagesWithASlot() {
        Pkmap p = pkmap();
        assertThat(p.hashedPages()).isZero();
        assertThat(p.hashedAddress(0x7e905L)).isNull();
        long a = ((KmapResult.Mapped) p.kmap(0x7e905L)).vaddr();
        long b = ((KmapResult.Mapped) p.kmap(0x7e904L)).vaddr();
        p.kmap(0x41000L);
        // a second kmap of a mapped page reuses its slot and adds no hash entry
        assertThat(((KmapResult.Mapped) p.kmap(0x7e905L)).vaddr()).isEqualTo(a);
        assertThat(p.hashedPages()).isEqualTo(2);
        assertThat(p.hashedAddress(0x7e905L)).isEqualTo(a);
        assertThat(p.hashedAddress(0x7e904L)).isEqualTo(b);
        assertThat(p.pageAddressTable()).containsOnlyKeys(0x7e905L, 0x7e904L);
        assertThat(p.pageHighMem(MAX_LOW_PFN)).isTrue();
        assertThat(p.pageHighMem(MAX_LOW_PFN - 1)).isFalse();
        assertThat(p.pageAddress(MAX_LOW_PFN - 1)).hasValue(0xef7ff000L);
        // after the last user goes, the slot is at count 1 and keeps its hash entry until a flush
        assertThat(p.kunmap(0x7e904L)).isNull();
        assertThat(p.hashedPages()).isEqualTo(2);
        p.flushAllZeroPkmaps();
        assertThat(p.hashedPages()).isEqualTo(1);
        assertThat(p.hashedAddress(0x7e904L)).isNull();
        assertThat(p.pkmapCount(p.pkmapNr(b))).isZero();
        assertThat(p.pkmapCount(p.pkmapNr(a))).isEqualTo(3);
        assertThat(p.flushes()).isEqualTo(1);
        // a flush with no slot at count 1 owes no TLB flush
        p.flushAllZeroPkmaps();
        assertThat(p.flushes()).isEqualTo(1);
    }

    @Test
    void printKmapsListsEachSlotInUseWithItsVaddrPfnAndCount() {
        Pkmap p = pkmap();
        assertThat(p.report()).isEqualTo(String.format("last_pkmap_nr 0%n"));
        p.kmap(0x7e905L);
        p.kmap(0x7e905L);
        p.kmap(0x7e8ffL);
        p.kunmap(0x7e8ffL);
        // slot 1: two users (count 3); slot 2: no user, PTE still set (count 1)
        assertThat(p.report()).isEqualTo(String.format(
                "last_pkmap_nr 2%n  1 bfe01000 pfn 7e905 count 3%n  2 bfe02000 pfn 7e8ff count 1%n"));
    }
}
