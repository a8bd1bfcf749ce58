package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.ReservedMemory;
import armmm.model.core.Bugs;
import armmm.model.layout.LayoutBug;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How banks become memblock.memory and lowmem: {@code early_init_dt_add_memory_arch}
 * (drivers/of/fdt.c: page trim, MAX_MEMBLOCK_ADDR 0xffffffff), {@code arm_add_memory} and
 * {@code early_mem} (arch/arm/kernel/setup.c: {@code mem=SIZE[@START]}, the first one wiping the
 * device tree's memory), {@code adjust_lowmem_bounds} (arch/arm/mm/mmu.c: {@code arm_lowmem_limit}
 * and the memblock limit at the first non-PMD-aligned bank edge, rounded down to 2 MiB), and the
 * PTE tables {@code map_lowmem} and {@code dma_contiguous_remap} take from {@code early_alloc}.
 * With the default 240 MiB vmalloc area the vmalloc limit is PHYS_OFFSET + 0x30000000.
 */
class BootBanksAndLowmemTest {
    private static final long M = 1L << 20;
    private static final long PAGE = 4096;

    private static Board banks(Bank... banks) {
        return Board.of(List.of(banks), List.of(), "", 1);
    }

    /** PTE tables: {@code early_alloc} of one page (the vectors take two pages in one call). */
    private static long ptePages(BootedSystem b) {
        return b.allocations().stream().filter(a -> a.caller().equals("early_alloc") && a.size() == PAGE).count();
    }

    // ---- early_init_dt_add_memory_arch ---------------------------------------------------------

    @Test
    void aBankSmallerThanTheRestOfItsFirstPageIsIgnored() {
        BootedSystem b = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x8000_0800L, 0x7ff)));
        assertThat(b.log()).contains("Ignoring memory block 0x80000800 - 0x80000fff");
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        // exactly the rest of its page: trimmed to nothing, with no message
        BootedSystem exact = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x8000_0800L, 0x800)));
        assertThat(exact.log()).noneMatch(l -> l.startsWith("Ignoring"));
        assertThat(exact.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
    }

    @Test
    void anUnalignedBankLosesItsPartialPagesAtBothEnds() {
        BootedSystem b = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x8000_0800L, 0x10_0000)));
        // base rounded up to 0x80001000, size 0x100000 - 0x800 = 0xff800, page-trimmed to 0xff000
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0x8000_1000L, 0xff000, 0));
        BootedSystem tail = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x8000_0000L, 0x1fff)));
        assertThat(tail.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0x8000_0000L, PAGE, 0));
    }

    @Test
    void aBankAboveFourGigabytesIsIgnoredAndOneEndingThereIsKeptWithoutAMessage() {
        BootedSystem b = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x1_0000_0000L, 16 * M)));
        assertThat(b.log()).contains("Ignoring memory block 0x100000000 - 0x101000000");
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        // base + size - 1 == MAX_MEMBLOCK_ADDR: no cut here (memblock_add caps it to PHYS_ADDR_MAX - base)
        BootedSystem top = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0xf000_0000L, 256 * M)));
        assertThat(top.log()).noneMatch(l -> l.startsWith("Ignoring"));
        assertThat(top.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0xf000_0000L, 0x0fff_ffffL, 0));
    }

    // ---- early_mem / arm_add_memory -----------------------------------------------------------

    @Test
    void memWithoutAStartIsAtPhysOffsetAndReplacesTheDeviceTreesMemory() {
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withArgs("mem=512M"));
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 512 * M, 0));
        BootedSystem two = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=16M@0x60000000"));
        assertThat(two.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0x6000_0000L, 16 * M, 0));
    }

    @Test
    void memBelowPhysOffsetIsIgnoredOrCutAtPhysOffset() {
        BootedSystem below = Boot.boot(Board.virt(1024 * M).withArgs("mem=128M@0x30000000 mem=256M"));
        assertThat(below.log()).contains("Ignoring memory below PHYS_OFFSET: 0x30000000-0x38000000");
        assertThat(below.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        // ending exactly at PHYS_OFFSET: all of it is below
        BootedSystem ending = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M@0x30000000 mem=256M"));
        assertThat(ending.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        BootedSystem across = Boot.boot(Board.virt(1024 * M).withArgs("mem=512M@0x30000000"));
        assertThat(across.log()).contains("Ignoring memory below PHYS_OFFSET: 0x30000000-0x40000000");
        assertThat(across.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        assertThatThrownBy(() -> Boot.boot(Board.virt(1024 * M).withArgs("mem=256M@0x30000000")))
                .isInstanceOf(BootException.class).hasMessage("mem=: no RAM left to boot with");
        // without mem=, the RAM option is to blame: 2 bytes are less than the rest of their page
        assertThatThrownBy(() -> Boot.boot(Board.virt(2))).isInstanceOf(BootException.class)
                .hasMessage("--ram: no RAM left to boot with");
    }

    @Test
    void memIsPageTrimmedAndMemOfNothingAddsNothing() {
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=0x1800@0x60000800"));
        // start rounded up to 0x60001000, size 0x1800 - 0x800 = 0x1000
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0x6000_1000L, PAGE, 0));
        BootedSystem none = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=0x100@0x60000800"));
        assertThat(none.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        BootedSystem trimmed = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=0x1fff@0x60000000"));
        assertThat(trimmed.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0x6000_0000L, PAGE, 0));
    }

    @Test
    void memAboveFourGigabytesIsIgnoredAndMemAcrossItTruncatedToUlongMax() {
        BootedSystem above = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=16M@0x100000000"));
        assertThat(above.log()).contains("Ignoring memory at 0x100000000 outside 32-bit physical address space");
        assertThat(above.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        BootedSystem across = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=512M@0xf0000000"));
        assertThat(across.log()).contains("Truncating memory at 0xf0000000 to fit in 32-bit physical address space");
        // size = ULONG_MAX - start = 0x0fffffff, page-trimmed: the last page is lost
        assertThat(across.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0xf000_0000L, 0x0fff_f000L, 0));
        // start + size == ULONG_MAX exactly: no truncation message
        BootedSystem fits = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=0x0fffffff@0xf0000000"));
        assertThat(fits.log()).noneMatch(l -> l.startsWith("Truncating"));
        assertThat(fits.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0xf000_0000L, 0x0fff_f000L, 0));
    }

    // ---- adjust_lowmem_bounds -----------------------------------------------------------------

    @Test
    void anUnalignedFirstBankHasItsFirstPmdMarkedNomap() {
        BootedSystem b = Boot.boot(banks(new Bank(0x4010_0000L, 512 * M)));
        assertThat(b.memory()).containsExactly(new Region(0x4010_0000L, M, Memblock.NOMAP),
                new Region(0x4020_0000L, 511 * M, 0));
        // the mapped part ends at 0x60100000: lowmem ends there, the memblock limit one PMD down
        assertThat(b.lowmemLimit()).isEqualTo(0x6010_0000L);
        assertThat(b.memblockLimit()).isEqualTo(0x6000_0000L);
    }

    @Test
    void theMemblockLimitStopsAtTheFirstUnalignedBankEdge() {
        // the second bank's end 0x61100000 is the first unaligned edge
        BootedSystem end = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x6000_0000L, 17 * M)));
        assertThat(end.lowmemLimit()).isEqualTo(0x6110_0000L);
        assertThat(end.memblockLimit()).isEqualTo(0x6100_0000L);
        // the second bank's start 0x60100000 is
        BootedSystem start = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x6010_0000L, 16 * M)));
        assertThat(start.lowmemLimit()).isEqualTo(0x6110_0000L);
        assertThat(start.memblockLimit()).isEqualTo(0x6000_0000L);
        // the first bank's end 0x50100000 comes first and is kept
        BootedSystem first = Boot.boot(banks(new Bank(0x4000_0000L, 257 * M), new Bank(0x6010_0000L, 16 * M)));
        assertThat(first.lowmemLimit()).isEqualTo(0x6110_0000L);
        assertThat(first.memblockLimit()).isEqualTo(0x5000_0000L);
    }

    @Test
    void aBankAtOrAboveTheVmallocLimitIsHighmemOnly() {
        BootedSystem b = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x7000_0000L, 256 * M)));
        assertThat(b.lowmemLimit()).isEqualTo(0x5000_0000L);
        assertThat(b.memblockLimit()).isEqualTo(0x5000_0000L);
        // one spanning the limit is cut at it
        BootedSystem across = Boot.boot(banks(new Bank(0x4000_0000L, 256 * M), new Bank(0x6000_0000L, 512 * M)));
        assertThat(across.lowmemLimit()).isEqualTo(0x7000_0000L);
        assertThat(across.memblockLimit()).isEqualTo(0x7000_0000L);
    }

    @Test
    void theSeededBugLeavingOutVmallocOffsetRaisesTheLimitBy8MiB() {
        Board board = Board.virt(1024 * M);
        assertThat(Boot.boot(board).lowmemLimit()).isEqualTo(0x7000_0000L);
        assertThat(Boot.boot(board, Bugs.of(LayoutBug.LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT)).lowmemLimit()).isEqualTo(0x7080_0000L);
    }

    // ---- map_lowmem and dma_contiguous_remap PTE tables ------------------------------------------

    @Test
    void onlyTheDevicemapsKmapAndZeroPageTablesOnAnAlignedBoard() {
        // lowmem [0x41700000, 0x70000000) past the kernel's sections is all whole megabytes; the CMA
        // area is in highmem: the vectors' pte, pkmap's, the fixmap's and the zero page
        BootedSystem b = Boot.boot(Board.virt(1024 * M));
        assertThat(ptePages(b)).isEqualTo(4);
        assertThat(b.allocations()).filteredOn(a -> a.caller().equals("early_alloc") && a.size() == 2 * PAGE).hasSize(1);
        assertThat(b.allocationBy("iotable_init")).isNull();
    }

    @Test
    void aBankEndingInsideAMegabyteNeedsOnePteTable() {
        // lowmem ends at 0x50080000: the chunk [0x50000000, 0x50080000) is not section aligned. All
        // RAM is lowmem, so the default CMA area is too: [0, 0x50080000) top-down, 8 MiB aligned,
        // 0x4f000000, remapped with 8 more tables
        BootedSystem b = Boot.boot(banks(new Bank(0x4000_0000L, 0x1008_0000L)));
        assertThat(b.lowmemLimit()).isEqualTo(0x5008_0000L);
        assertThat(b.cmaAreas()).extracting(CmaArea::base).containsExactly(0x4f00_0000L);
        assertThat(ptePages(b)).isEqualTo(4 + 1 + 8);
    }

    @Test
    void twoBanksSharingAPmdShareItsPteTable() {
        // [0x40000000, 0x41880000) ends inside the pmd 0x41800000, [0x41890000, 0x42000000) starts
        // inside it and ends on a section; 16 MiB of CMA fits nowhere in this RAM (no remap)
        BootedSystem b = Boot.boot(banks(new Bank(0x4000_0000L, 0x0188_0000L), new Bank(0x4189_0000L, 0x0077_0000L)));
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(ptePages(b)).isEqualTo(4 + 1);
        // ending inside a megabyte too, the second bank needs its own table for [0x42800000, 0x42890000)
        BootedSystem tail = Boot.boot(banks(new Bank(0x4000_0000L, 0x0188_0000L), new Bank(0x4189_0000L, 16 * M)));
        assertThat(ptePages(tail)).isEqualTo(4 + 2);
    }

    @Test
    void aSectionMappedPmdThatALaterBankNeedsAsPteTableIsAKernelBug() {
        // [0x40000000, 0x41900000) maps 0x41800000 as a section; [0x41901000, ...) needs a pte table there
        Board board = banks(new Bank(0x4000_0000L, 0x0190_0001L), new Bank(0x4190_0001L, 16 * M));
        assertThatThrownBy(() -> Boot.boot(board)).isInstanceOf(BootException.class).hasMessage(
                "--memory: kernel BUG at arch/arm/mm/mmu.c (arm_pte_alloc): the pmd of 0x41800000 holds a section,"
                        + " the bank at 0x41901000 needs a pte table there");
    }

    @Test
    void aLowmemCmaAreaIsRemappedWithOnePteTablePerPmd() {
        BootedSystem fixed = Boot.boot(Board.virt(1024 * M).withArgs("cma=16M@0x60000000"));
        assertThat(fixed.allocationBy("iotable_init").size()).isEqualTo(40);
        assertThat(ptePages(fixed)).isEqualTo(4 + 8);
        // a reusable node across the lowmem limit: only [0x6f800000, 0x70000000) is remapped, 4 pmds
        Board across = Board.of(List.of(new Bank(0x4000_0000L, 1024 * M)),
                List.of(new ReservedMemory(0x6f80_0000L, 16 * M, ReservedMemory.Kind.REUSABLE)), "", 1);
        BootedSystem b = Boot.boot(across);
        assertThat(b.allocations()).filteredOn(a -> a.caller().equals("iotable_init")).hasSize(1);
        assertThat(ptePages(b)).isEqualTo(4 + 4);
        // a node wholly in highmem is not remapped
        Board high = Board.of(List.of(new Bank(0x4000_0000L, 1024 * M)),
                List.of(new ReservedMemory(0x7400_0000L, 8 * M, ReservedMemory.Kind.REUSABLE)), "", 1);
        BootedSystem h = Boot.boot(high);
        assertThat(h.allocationBy("iotable_init")).isNull();
        assertThat(ptePages(h)).isEqualTo(4);
    }

    @Test
    void memAtPhysOffsetIsNotBelowIt() {
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withArgs("mem=512M"));
        assertThat(b.log()).noneMatch(l -> l.startsWith("Ignoring memory below"));
    }

    @Test
    void aNoMapNodeAtTheTopOfLowmemLowersItInTheSecondPass() {
        // arm_memblock_init marks [0x6f000000, 0x70000000) no-map; adjust_lowmem_bounds runs again
        // and the mapped memory now ends at 0x6f000000 (PMD aligned: the memblock limit too)
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 1024 * M)),
                List.of(new ReservedMemory(0x6f00_0000L, 16 * M, ReservedMemory.Kind.NO_MAP)), "", 1));
        assertThat(b.lowmemLimit()).isEqualTo(0x6f00_0000L);
        assertThat(b.memblockLimit()).isEqualTo(0x6f00_0000L);
        assertThat(b.layout().highMemory()).isEqualTo(0xef00_0000L);
    }
}
