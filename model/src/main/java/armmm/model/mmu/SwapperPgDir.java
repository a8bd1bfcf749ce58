package armmm.model.mmu;

import armmm.model.boot.BootedSystem;
import armmm.model.boot.EarlyAllocation;
import armmm.model.boot.MapLowmem;
import armmm.model.layout.Layout;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * {@code swapper_pg_dir} as a booted 6.1 kernel leaves it: {@code paging_init}
 * (arch/arm/mm/mmu.c) builds it from {@code map_lowmem}, {@code map_kernel},
 * {@code dma_contiguous_remap}, {@code devicemaps_init} (the device tree at FDT_FIXED_BASE, the
 * vectors and stubs pages) and {@code kmap_init} (the pkmap and fixmap PTE tables), taking every
 * PTE table from memblock through {@code early_pte_alloc}; then {@code free_initmem} and
 * {@code mark_rodata_ro} (arch/arm/mm/init.c {@code fix_kernmem_perms}, {@code set_section_perms})
 * make the kernel's sections non-executable and read-only where CONFIG_STRICT_KERNEL_RWX says.
 *
 * <p>The PTE tables are the boot's own {@code early_alloc} placements, taken in the order boot
 * made them ({@link BootedSystem#allocations()}); building them twice over from a different
 * order would be a second, disagreeing boot.
 */
public final class SwapperPgDir {
    /** {@code FDT_FIXED_BASE} (asm/memory.h). */
    public static final long FDT_FIXED_BASE = 0xff80_0000L;
    /** {@code FDT_FIXED_SIZE}: two sections. */
    public static final long FDT_FIXED_SIZE = 2 * Layout.SECTION_SIZE;
    /** {@code MEMBLOCK_NOMAP}: regions map_lowmem skips. */
    private static final int MEMBLOCK_NOMAP = 0x4;
    private static final long PAGE = Layout.PAGE_SIZE;
    private static final long SECTION_MASK = -Layout.SECTION_SIZE;

    private final BootedSystem boot;
    private final Layout layout;
    private final KernelPageTables tables;
    private final Deque<EarlyAllocation> earlyAllocs = new ArrayDeque<>();
    private long vectorsPhys;

    private SwapperPgDir(BootedSystem boot, Set<MmuBug> bugs) {
        this.boot = boot;
        this.layout = boot.layout();
        long pgd = layout.physOffset() + boot.board().build().swapperPgDirOffset();
        this.tables = new KernelPageTables(pgd, layout.lowmemLimit(), bugs);
        for (EarlyAllocation a : boot.allocations()) {
            if (a.caller().equals("early_alloc")) {
                earlyAllocs.add(a);
            }
        }
    }

    /** The kernel's tables after boot on {@code boot}'s board, with the image's final permissions. */
    public static KernelPageTables build(BootedSystem boot, Set<MmuBug> bugs) {
        return build(boot, bugs, new SectionPerms(boot.layout()));
    }

    /**
     * The kernel's tables after boot: {@code paging_init}, then {@code free_initmem}'s
     * {@code fix_kernmem_perms} and {@code mark_rodata_ro} through {@code perms}, which the kernel
     * keeps for {@code set_kernel_text_rw}/{@code ro} later.
     */
    public static KernelPageTables build(BootedSystem boot, Set<MmuBug> bugs, SectionPerms perms) {
        SwapperPgDir s = new SwapperPgDir(boot, bugs);
        s.pagingInit();
        perms.fixKernmemPerms(s.tables);
        perms.markRodataRo(s.tables);
        s.tables.sectionPerms(perms);
        s.tables.beginStep();
        return s.tables;
    }

    /** The physical address of the vectors page boot allocated (the stubs page follows it). */
    public static long vectorsPhys(BootedSystem boot) {
        SwapperPgDir s = new SwapperPgDir(boot, Set.of());
        s.pagingInit();
        return s.vectorsPhys;
    }

    private void pagingInit() {
        long kernelSecStart = layout.physOffset() & SECTION_MASK;
        long kernelSecEnd = roundUp(layout.linearPhys(layout.kernelEnd()), Layout.SECTION_SIZE);
        mapLowmem(kernelSecStart, kernelSecEnd);
        mapKernel(kernelSecStart, kernelSecEnd);
        dmaContiguousRemap();
        devicemapsInit();
        kmapInit();
    }

    /** {@code map_lowmem}: every mapped bank up to the lowmem limit, the kernel's sections carved out. */
    private void mapLowmem(long kStart, long kEnd) {
        List<Region> mapped = new ArrayList<>();
        for (Region r : boot.memory()) {
            if ((r.flags() & MEMBLOCK_NOMAP) == 0) {
                mapped.add(r);
            }
        }
        for (MapLowmem.Piece p : MapLowmem.pieces(mapped, layout.lowmemLimit(), kStart, kEnd)) {
            if (!p.wraps()) {
                createMapping(p.start(), p.end() - p.start(), MemType.MT_MEMORY_RW);
            }
        }
    }

    /** {@code map_kernel}: text through __init_end executable, the rest of the image's sections not. */
    private void mapKernel(long kStart, long kEnd) {
        long xEnd = roundUp(layout.linearPhys(layout.initEnd()), Layout.SECTION_SIZE);
        createMapping(kStart, xEnd - kStart, MemType.MT_MEMORY_RWX);
        if (xEnd != kEnd) {
            createMapping(xEnd, kEnd - xEnd, MemType.MT_MEMORY_RW);
        }
    }

    /** {@code dma_contiguous_remap}: lowmem CMA areas lose their pmds and are remapped with pages. */
    private void dmaContiguousRemap() {
        for (CmaArea area : boot.cmaAreas()) {
            long start = area.base();
            long end = Math.min(area.end(), layout.lowmemLimit());
            if (start >= end) {
                continue;
            }
            for (long va = layout.linearVirt(start); va < layout.linearVirt(end); va += Layout.PMD_SIZE) {
                tables.pmdClear(va);
            }
            createMapping(start, end - start, MemType.MT_MEMORY_DMA_READY);
        }
    }

    /** {@code devicemaps_init}: clear vmalloc to the top pmd, map the device tree and the vectors. */
    private void devicemapsInit() {
        EarlyAllocation vectors = nextEarlyAlloc(2 * PAGE);
        vectorsPhys = vectors.address();
        tables.vectorsPage(vectorsPhys);
        for (long va = layout.vmallocStart(); va < (0xffef_f000L & -Layout.PMD_SIZE); va += Layout.PMD_SIZE) {
            tables.pmdClear(va);
        }
        long atags = boot.board().dtbStart();
        if (atags != 0) {
            createMappingAt(FDT_FIXED_BASE, atags & SECTION_MASK, FDT_FIXED_SIZE, MemType.MT_MEMORY_RO);
        }
        createMappingAt(Layout.VECTORS_BASE, vectorsPhys, PAGE, MemType.MT_HIGH_VECTORS);
        createMappingAt(Layout.VECTORS_BASE + PAGE, vectorsPhys + PAGE, PAGE, MemType.MT_LOW_VECTORS);
        // the virt machine has no map_io and this build no DEBUG_LL: no static I/O mappings;
        // pci_reserve_io only reserves the PCI I/O window's virtual range (vmalloc's business)
    }

    /** {@code kmap_init}: empty PTE tables for pkmap and the fixmap, so later kmaps need no allocation. */
    private void kmapInit() {
        earlyPteAlloc(layout.pkmapBase(), Pgtable2Level.PAGE_KERNEL_TABLE);
        earlyPteAlloc(Layout.FIXADDR_START, Pgtable2Level.PAGE_KERNEL_TABLE);
    }

    private void createMapping(long phys, long length, MemType type) {
        createMappingAt(layout.linearVirt(phys), phys, length, type);
    }

    /** {@code create_mapping} / {@code alloc_init_pmd}: sections where both ends and the frame allow, else PTEs. */
    private void createMappingAt(long virt, long phys, long length, MemType type) {
        long addr = virt & -PAGE;
        long end = addr + roundUp(length + (virt & (PAGE - 1)), PAGE);
        while (addr != end) {
            long next = Math.min((addr + Layout.PMD_SIZE) & -Layout.PMD_SIZE, end);
            if (type.protSect() != 0 && ((addr | next | phys) & ~SECTION_MASK) == 0) {
                for (long a = addr; a < next; a += Layout.SECTION_SIZE, phys += Layout.SECTION_SIZE) {
                    tables.setSection(a, phys, type.protSect());
                }
            } else {
                earlyPteAlloc(addr, type.protL1());
                for (long a = addr; a < next; a += PAGE, phys += PAGE) {
                    tables.setPteExt(a, phys >>> 12, type.protPte(), 0);
                }
            }
            addr = next;
        }
    }

    /** {@code early_pte_alloc}: a PTE page from memblock when the pmd is empty. */
    private void earlyPteAlloc(long va, int prot) {
        if (tables.pmdNone(va)) {
            tables.populatePmd(va, nextEarlyAlloc(PAGE).address(), prot);
        }
    }

    private EarlyAllocation nextEarlyAlloc(long size) {
        EarlyAllocation a = earlyAllocs.poll();
        if (a == null || a.size() != size || a.address() == 0) {
            throw new IllegalStateException("paging_init needs an early_alloc of " + size + " bytes where boot made "
                    + a + ": the boot's early allocations and the page-table builder disagree");
        }
        return a;
    }

    private static long roundUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}
