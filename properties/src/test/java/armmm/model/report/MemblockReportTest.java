package armmm.model.report;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.memblock.Memblock;
import org.junit.jupiter.api.Test;

/**
 * {@link MemblockReport}'s two formats, each expected line written from mm/memblock.c (6.1):
 * {@code memblock_debug_show} prints {@code "%4d: %pa..%pa\n"} for every one of {@code type->cnt}
 * regions, the dummy region of an empty array (base 0, size 0, so {@code end = base + size - 1}
 * wraps to 0xffffffff in a 32-bit {@code phys_addr_t}) included; {@code memblock_dump} prints
 * {@code " %s.cnt  = 0x%lx"} then {@code " %s[%#x]\t[%pa-%pa], %pa bytes flags: %#x"} per region
 * (no node id without CONFIG_NUMA).
 */
class MemblockReportTest {
    private static final long BASE = 0x4000_0000L;

    @Test
    void anEmptyArrayShowsItsDummyRegionInDebugfsAndTheDumpButNotInTheHeadedText() {
        Memblock mb = new Memblock();
        assertThat(MemblockReport.debugfsMemory(mb)).containsExactly("   0: 0x00000000..0xffffffff");
        assertThat(MemblockReport.debugfsReserved(mb)).containsExactly("   0: 0x00000000..0xffffffff");
        assertThat(MemblockReport.dumpAll(mb)).containsExactly(
                "MEMBLOCK configuration:",
                " memory size = 0x00000000 reserved size = 0x00000000",
                " memory.cnt  = 0x1",
                " memory[0x0]\t[0x00000000-0xffffffff], 0x00000000 bytes flags: 0x0",
                " reserved.cnt  = 0x1",
                " reserved[0x0]\t[0x00000000-0xffffffff], 0x00000000 bytes flags: 0x0");
        // the headed text (armmm's own "print memblock") leaves the dummy regions out
        assertThat(MemblockReport.debugfs(mb)).isEqualTo("memory:\nreserved:\n");
    }

    /**
     * Three memory regions after {@code memblock_mark_nomap} split the middle one out with
     * MEMBLOCK_NOMAP (0x4), two reserved regions; the index counts up, the end is the last byte.
     */
    @Test
    void regionsAreNumberedFromZeroWithTheirLastByteAndTheirFlags() {
        Memblock mb = new Memblock();
        mb.add(BASE, 0x4000_0000L);
        mb.markNomap(0x5000_0000L, 0x0580_0000L);
        mb.reserve(0x4020_4000L, 0x4000);
        mb.reserve(0x4030_0000L, 0x0130_7588L);
        assertThat(MemblockReport.debugfsMemory(mb)).containsExactly(
                "   0: 0x40000000..0x4fffffff",
                "   1: 0x50000000..0x557fffff",
                "   2: 0x55800000..0x7fffffff");
        assertThat(MemblockReport.debugfsReserved(mb)).containsExactly(
                "   0: 0x40204000..0x40207fff",
                "   1: 0x40300000..0x41607587");
        assertThat(MemblockReport.dumpAll(mb)).containsExactly(
                "MEMBLOCK configuration:",
                " memory size = 0x40000000 reserved size = 0x0130b588",
                " memory.cnt  = 0x3",
                " memory[0x0]\t[0x40000000-0x4fffffff], 0x10000000 bytes flags: 0x0",
                " memory[0x1]\t[0x50000000-0x557fffff], 0x05800000 bytes flags: 0x4",
                " memory[0x2]\t[0x55800000-0x7fffffff], 0x2a800000 bytes flags: 0x0",
                " reserved.cnt  = 0x2",
                " reserved[0x0]\t[0x40204000-0x40207fff], 0x00004000 bytes flags: 0x0",
                " reserved[0x1]\t[0x40300000-0x41607587], 0x01307588 bytes flags: 0x0");
        assertThat(MemblockReport.debugfs(mb)).isEqualTo("""
                memory:
                   0: 0x40000000..0x4fffffff
                   1: 0x50000000..0x557fffff
                   2: 0x55800000..0x7fffffff
                reserved:
                   0: 0x40204000..0x40207fff
                   1: 0x40300000..0x41607587
                """);
    }

    /**
     * A region at the top of the 32-bit space: {@code memblock_add_range} first caps the size with
     * {@code memblock_cap_size} to {@code PHYS_ADDR_MAX - base}, so a page at 0xfffff000 is kept as
     * 0xfff bytes and its last byte is 0xfffffffe; {@code %pa} prints the low 32 bits of a value.
     */
    @Test
    void aRegionAtTheTopOfThePhysicalSpaceIsCappedOneByteShort() {
        Memblock mb = new Memblock();
        mb.add(0xffff_f000L, 0x1000);
        assertThat(MemblockReport.debugfsMemory(mb)).containsExactly("   0: 0xfffff000..0xfffffffe");
        assertThat(MemblockReport.debugfs(mb)).isEqualTo("memory:\n   0: 0xfffff000..0xfffffffe\nreserved:\n");
        assertThat(MemblockReport.pa(-1L)).isEqualTo("0xffffffff");
        assertThat(MemblockReport.pa(0x1_0000_0000L)).isEqualTo("0x00000000");
        assertThat(MemblockReport.pa(0x1_4000_0000L)).isEqualTo("0x40000000");
    }
}
