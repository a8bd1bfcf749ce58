package armmm.model.zone;

import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * Small hand-made boards for the zone tests, shaped like QEMU's {@code -M virt}: RAM at
 * 0x40000000, the first-level table and the kernel image reserved at their usual places, the
 * initrd and a DTB after RAM base + min(RAM / 2, 128 MiB), 16 MiB of CMA at the top of RAM, and a
 * lowmem limit of 0x70000000 (the default 240 MiB vmalloc area).
 */
final class VirtBoards {
    static final long RAM_BASE = 0x4000_0000L;
    static final long LOWMEM_LIMIT = 0x7000_0000L;
    static final long SZ_1M = 1L << 20;

    private VirtBoards() {
    }

    /** A one-bank board of {@code ramMb} MiB and {@code cpus} CPUs. */
    static ZoneInputs virt(long ramMb, int cpus) {
        long end = Math.min(RAM_BASE + (ramMb << 20), 0xffff_ffffL);
        return board(List.of(new Region(RAM_BASE, end - RAM_BASE, 0)), cpus);
    }

    /** A board with the given memory regions (flags kept, NOMAP included). */
    static ZoneInputs board(List<Region> memory, int cpus) {
        long end = memory.get(memory.size() - 1).end();
        long ram = end - RAM_BASE;
        long lowmem = Math.min(end, LOWMEM_LIMIT);
        long initrd = RAM_BASE + Math.min(ram / 2, 128 * SZ_1M);
        long cmaBase = (end & ~(SZ_1M - 1)) - 16 * SZ_1M;
        List<Region> reserved = new ArrayList<>(List.of(
                new Region(0x4020_4000L, 0x4000, 0),
                new Region(0x4030_0000L, 0x0130_7588L, 0),
                new Region(initrd, 0x1d_8000L, 0),
                new Region(lowmem - 0x90_0000L, 0x90_0000L, 0),
                new Region(cmaBase, 16 * SZ_1M, 0)));
        List<LateFree> late = List.of(new LateFree("initrd", initrd >>> 12, (initrd >>> 12) + 216),
                new LateFree("initmem", 0x41100, 0x41300));
        return ZoneInputs.of(memory, reserved, lowmem >>> 12, end >>> 12, List.of(new CmaArea(cmaBase, 16 * SZ_1M)),
                cpus, late);
    }

    /** One region of memory, flagged NOMAP when {@code nomap}. */
    static Region mem(long base, long size, boolean nomap) {
        return new Region(base, size, nomap ? Memblock.NOMAP : 0);
    }
}
