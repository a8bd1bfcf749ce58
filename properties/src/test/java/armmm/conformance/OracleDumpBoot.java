package armmm.conformance;

import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import armmm.model.zone.LateFree;
import armmm.model.zone.ZoneInputs;
import armmm.model.zone.ZoneSetup;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives zone setup from the oracle kernel's own memblock dumps instead of the model's boot: a
 * stand-in until the model's boot sequence exists, and a way to test the zone formulas alone.
 *
 * <p>Differences from the state at {@code memblock_free_all}: the dumps were taken after boot, so
 * they hold no NOMAP flag (taken from the board's device tree instead), and {@code memblock.reserved}
 * still lists the initrd and the kernel image whose init sections were freed by
 * {@code free_reserved_area}, which does not touch memblock; nothing was added to it after
 * {@code memblock_free_all}. The CMA areas and the sizes of the late frees are read off dmesg; the
 * init sections' address is estimated (only its zone matters: lowmem).
 *
 * <p>The layout facts use the ARM formulas ({@code adjust_lowmem_bounds}, arch/arm/mm/mmu.c) with
 * the build facts PAGE_OFFSET 0xC0000000, VMALLOC_END 0xFF800000, VMALLOC_OFFSET 8 MiB and a default
 * vmalloc area of 240 MiB.
 */
final class OracleDumpBoot {
    static final long PAGE_OFFSET = 0xC000_0000L;
    static final long PHYS_OFFSET = 0x4000_0000L;
    static final long VMALLOC_END = 0xFF80_0000L;
    static final long VMALLOC_OFFSET = 8L << 20;
    static final long DEFAULT_VMALLOC = 240L << 20;

    private OracleDumpBoot() {
    }

    static BootFacts boot(OracleBoard b) {
        List<Region> memory = new ArrayList<>();
        for (OracleBoard.DumpRegion r : b.memory) {
            boolean nomap = b.nomap.stream().anyMatch(n -> n.base() <= r.base() && r.lastByte() <= n.lastByte());
            memory.add(new Region(r.base(), r.size(), nomap ? Memblock.NOMAP : 0));
        }
        List<Region> reserved = b.reserved.stream().map(r -> new Region(r.base(), r.size(), 0)).toList();
        long memEnd = memory.get(memory.size() - 1).end();

        // vmalloc= is clamped to [16 MiB, VMALLOC_END - (PAGE_OFFSET + 32 MiB)] (early_vmalloc)
        String v = b.param("vmalloc");
        long vmallocSize = v == null ? DEFAULT_VMALLOC
                : Math.max(16L << 20, Math.min(memparse(v), VMALLOC_END - (PAGE_OFFSET + (32L << 20))));
        long vmallocMin = VMALLOC_END - vmallocSize - VMALLOC_OFFSET;
        long vmallocLimit = vmallocMin - PAGE_OFFSET + PHYS_OFFSET;
        long lowmemLimit = Math.min(memEnd, vmallocLimit);
        long highMemory = lowmemLimit - PHYS_OFFSET + PAGE_OFFSET;
        long vmallocStart = (highMemory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1);

        List<CmaArea> cma = new ArrayList<>();
        for (String[] g : b.dmesgAll("cma: Reserved (\\d+) MiB at (0x[0-9a-f]+)")) {
            cma.add(new CmaArea(Long.decode(g[1]), Long.parseLong(g[0]) << 20));
        }
        List<LateFree> late = new ArrayList<>();
        long initrdKb = b.dmesgNumber("Freeing initrd memory: (\\d+)K");
        if (initrdKb > 0) {
            // QEMU -M virt loads the initrd at RAM base + min(RAM / 2, 128 MiB)
            long initrd = PHYS_OFFSET + Math.min(b.ramBytes / 2, 128L << 20);
            late.add(LateFree.ofBytes("initrd", initrd, initrd + (initrdKb << 10)));
        }
        long initKb = b.dmesgNumber(", (\\d+)K init,");
        if (initKb > 0) {
            // __init_begin: after text and rodata, section aligned (estimate; only its zone matters)
            long codeKb = b.dmesgNumber("\\((\\d+)K kernel code");
            long rodataKb = b.dmesgNumber(", (\\d+)K rodata");
            long initBegin = align(0x4030_0000L + ((codeKb + rodataKb) << 10), 1L << 20);
            late.add(LateFree.ofBytes("initmem", initBegin, initBegin + (initKb << 10)));
        }
        ZoneInputs in = new ZoneInputs(memory, reserved, lowmemLimit >>> ZoneSetup.PAGE_SHIFT,
                memEnd >>> ZoneSetup.PAGE_SHIFT, ZoneInputs.NO_DMA_LIMIT, movablecore(b), cma, b.cpus,
                b.watermarkScaleFactor, b.lowmemReserveRatio, late, ZoneInputs.DEFAULT_MAX_ORDER_NR_PAGES);
        return new BootFacts(ZoneSetup.compute(in), lowmemLimit, highMemory, vmallocStart, VMALLOC_END,
                "oracle memblock dumps");
    }

    private static long movablecore(OracleBoard b) {
        String m = b.param("movablecore");
        return m == null ? 0 : memparse(m) >>> ZoneSetup.PAGE_SHIFT;
    }

    /** {@code memparse}: a number with an optional K, M or G suffix. */
    static long memparse(String s) {
        char last = Character.toUpperCase(s.charAt(s.length() - 1));
        int shift = last == 'K' ? 10 : last == 'M' ? 20 : last == 'G' ? 30 : 0;
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        return Long.decode(digits) << shift;
    }

    private static long align(long v, long a) {
        return (v + a - 1) & ~(a - 1);
    }
}
