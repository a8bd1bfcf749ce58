package armmm.model.boot;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.board.Cmdline;
import armmm.model.board.ReservedMemory;
import armmm.model.core.Bugs;
import armmm.model.layout.LayoutBug;
import armmm.model.core.Result;
import armmm.model.layout.Layout;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Early boot in the kernel's order, as far as memblock sees it: {@code setup_arch}
 * (arch/arm/kernel/setup.c) with {@code adjust_lowmem_bounds}, {@code arm_memblock_init}
 * (arch/arm/mm/init.c), {@code paging_init} (arch/arm/mm/mmu.c), {@code free_area_init}
 * (mm/page_alloc.c), then {@code setup_command_line}, {@code setup_per_cpu_areas} (mm/percpu.c)
 * and {@code vfs_caches_init_early} (fs/dcache.c, fs/inode.c) from {@code start_kernel}. Every
 * allocation is placed by the model's own {@link Memblock}.
 */
public final class Boot {
    /** {@code VMALLOC_DEFAULT}/{@code vmalloc_size}'s initial value (arch/arm/mm/mmu.c). */
    public static final long VMALLOC_DEFAULT = 240L << 20;
    /** {@code sizeof(struct resource)} on 32 bits. */
    static final long RESOURCE_SIZE = 32;
    /** {@code sizeof(struct static_vm)}: what {@code iotable_init} and {@code vm_reserve_area_early} take. */
    static final long STATIC_VM_SIZE = 40;
    private static final long PAGE = BuildConfig.PAGE_SIZE;
    private static final long SZ_1M = 1L << 20;
    private static final long MAX_MEMBLOCK_ADDR = 0xffff_ffffL;

    private final Board board;
    private final Bugs bugs;
    private final BuildConfig build;
    private final EarlyMemblock em;
    private final Memblock mb;
    private final List<String> log = new ArrayList<>();
    private final List<CmaArea> cma = new ArrayList<>();
    private final long physOffset;
    private long vmallocSize = VMALLOC_DEFAULT;
    private long lowmemLimit;
    private long memblockLimit;
    private long initrdStart;
    private long initrdEnd;

    private Boot(Board board, Bugs bugs) {
        this.board = board;
        this.bugs = bugs;
        this.build = board.build();
        this.physOffset = board.physOffset();
        this.em = new EarlyMemblock(board.ramOption(), bugs);
        this.mb = em.memblock();
    }

    /** Boots {@code board} and returns the state just before memblock_free_all. */
    public static BootedSystem boot(Board board) {
        return boot(board, Bugs.NONE);
    }

    /** Boots {@code board} with the seeded bugs {@code bugs} planted. */
    public static BootedSystem boot(Board board, Bugs bugs) {
        return new Boot(board, bugs).run();
    }

    private BootedSystem run() {
        // setup_machine_fdt: the /memory nodes, then the device tree blob itself
        for (Bank bank : board.banks()) {
            addDtMemory(bank.base(), bank.size());
        }
        mb.reserve(board.dtbStart(), board.dtbSize());
        parseEarlyParams(board.cmdline());
        // an empty memblock.memory still holds its zero-sized dummy region: the end of DRAM is then 0
        String ramBlame = board.cmdline().mem().isEmpty() ? board.ramOption() : "mem=";
        if (em.endOfDram() == 0) {
            throw new BootException(ramBlame, "no RAM left to boot with");
        }
        long kernelPhys = physOffset + build.kernelStartOffset();
        long kernelEnd = kernelPhys + build.kernelSize();
        if (!em.isRegionMemory(kernelPhys, build.kernelSize())) {
            throw new BootException(ramBlame, String.format(Locale.ROOT,
                    "RAM must hold the kernel image %#x-%#x, found RAM %#x-%#x", kernelPhys, kernelEnd - 1,
                    em.startOfDram(), em.endOfDram() - 1));
        }
        adjustLowmemBounds();
        armMemblockInit(kernelPhys);
        adjustLowmemBounds();
        FreeAreaInit.ZoneSizes zones = pagingInit();
        requestStandardResources();
        em.alloc("early_init_dt_alloc_memory_arch", unflattenedDtSize(), 4, 0, Memblock.ALLOC_ACCESSIBLE,
                EarlyAllocation.Kind.TRY_NID);
        // start_kernel: setup_command_line keeps two copies of boot_command_line
        long len = board.cmdline().length() + 1;
        em.alloc("start_kernel", len, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("start_kernel", len, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        Percpu.embedFirstChunk(em, build, board.cpus(), linearPhys(board.maxDmaAddress()), log); // from __pa(MAX_DMA_ADDRESS)
        long dentries = allocLargeSystemHash(4, 13, zones);
        long inodes = allocLargeSystemHash(4, 14, zones);
        Layout layout = layout(zones.memMapVirt);
        mb.useLinearMap(layout);
        return new BootedSystem(board, layout, mb, mb.memory(), mb.reserved(), em.allocations(), log, em.debugLog(), vmallocSize,
                lowmemLimit, memblockLimit, zones.minLowPfn, zones.maxLowPfn, zones.maxPfn, zones.nodeStart,
                zones.maxZonePfn, zones.memMapPhys, zones.memMapSize, zones.nrKernelPages, zones.nrAllPages,
                initrdStart, initrdEnd, build.initSize(), cma, dentries, inodes, zones.zoneMovablePfn);
    }

    // ---- setup_machine_fdt / parse_early_param ------------------------------------------------

    /** {@code early_init_dt_add_memory_arch} (drivers/of/fdt.c): page-trim, cap at 4 GiB, clip below PHYS_OFFSET. */
    private void addDtMemory(long base, long size) {
        if (size < PAGE - (base & (PAGE - 1))) {
            log.add(String.format("Ignoring memory block 0x%x - 0x%x", base, base + size));
            return;
        }
        if ((base & (PAGE - 1)) != 0) {
            size -= PAGE - (base & (PAGE - 1));
            base = pageAlign(base);
        }
        size &= -PAGE;
        if (base > MAX_MEMBLOCK_ADDR) {
            log.add(String.format("Ignoring memory block 0x%x - 0x%x", base, base + size));
            return;
        }
        if (base + size - 1 > MAX_MEMBLOCK_ADDR) {
            log.add(String.format("Ignoring memory range 0x%x - 0x%x", MAX_MEMBLOCK_ADDR + 1, base + size));
            size = MAX_MEMBLOCK_ADDR - base + 1;
        }
        if (base + size < physOffset) {
            log.add(String.format("Ignoring memory block 0x%x - 0x%x", base, base + size));
            return;
        }
        if (base < physOffset) {
            log.add(String.format("Ignoring memory range 0x%x - 0x%x", base, physOffset));
            size -= physOffset - base;
            base = physOffset;
        }
        mb.add(base, size);
    }

    private void parseEarlyParams(Cmdline cmdline) {
        boolean usermem = false;
        for (Cmdline.MemArg m : cmdline.mem()) {
            // early_mem: the first mem= wipes what the device tree described
            if (!usermem) {
                usermem = true;
                long start = em.startOfDram();
                mb.remove(start, em.endOfDram() - start);
            }
            armAddMemory(m.start() < 0 ? physOffset : m.start(), m.size());
        }
        if (cmdline.vmalloc() >= 0) {
            earlyVmalloc(cmdline.vmalloc());
        }
    }

    /** {@code arm_add_memory} (arch/arm/kernel/setup.c). */
    private void armAddMemory(long start, long size) {
        long alignedStart = pageAlign(start);
        size = alignedStart > start + size ? 0 : size - (alignedStart - start);
        if (alignedStart > MAX_MEMBLOCK_ADDR) {
            log.add(String.format("Ignoring memory at 0x%08x outside 32-bit physical address space", start));
            return;
        }
        if (alignedStart + size > MAX_MEMBLOCK_ADDR) {
            log.add(String.format("Truncating memory at 0x%08x to fit in 32-bit physical address space", start));
            size = MAX_MEMBLOCK_ADDR - alignedStart;
        }
        if (alignedStart < physOffset) {
            if (alignedStart + size <= physOffset) {
                log.add(String.format("Ignoring memory below PHYS_OFFSET: 0x%08x-0x%08x", alignedStart, alignedStart + size));
                return;
            }
            // the part below PHYS_OFFSET is dropped with the same message, up to PHYS_OFFSET
            log.add(String.format("Ignoring memory below PHYS_OFFSET: 0x%08x-0x%08x", alignedStart, physOffset));
            size -= physOffset - alignedStart;
            alignedStart = physOffset;
        }
        size &= -PAGE;
        if (size != 0) {
            mb.add(alignedStart, size);
        }
    }

    /** {@code early_vmalloc}: at least 16 MiB, at most what leaves 32 MiB of lowmem. */
    private void earlyVmalloc(long requested) {
        long reserve = requested & 0xffff_ffffL;
        if (reserve < 16 * SZ_1M) {
            reserve = 16 * SZ_1M;
            log.add("vmalloc area is too small, limiting to " + (reserve >> 20) + "MiB");
        }
        long max = Layout.VMALLOC_END - (build.pageOffset() + 32 * SZ_1M + Layout.VMALLOC_OFFSET);
        if (reserve > max) {
            reserve = max;
            log.add("vmalloc area is too big, limiting to " + (reserve >> 20) + "MiB");
        }
        vmallocSize = reserve;
    }

    // ---- adjust_lowmem_bounds / arm_memblock_init ---------------------------------------------

    /** {@code adjust_lowmem_bounds} (arch/arm/mm/mmu.c). */
    private void adjustLowmemBounds() {
        long offset = bugs.has(LayoutBug.LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT) ? 0 : Layout.VMALLOC_OFFSET;
        long vmallocLimit = Layout.VMALLOC_END - vmallocSize - offset - build.pageOffset() + physOffset;
        List<Region> mapped = em.mappedMemory();
        if (!mapped.isEmpty() && (mapped.get(0).base() & (Layout.PMD_SIZE - 1)) != 0) {
            Region first = mapped.get(0);
            mb.markNomap(first.base(), roundUp(first.base(), Layout.PMD_SIZE) - first.base());
            mapped = em.mappedMemory();
        }
        long limit = 0;
        long mbLimit = 0;
        for (Region r : mapped) {
            if (r.base() < vmallocLimit) {
                if (r.end() > limit) {
                    limit = Math.min(vmallocLimit, r.end());
                }
                if (mbLimit == 0) {
                    if ((r.base() & (Layout.PMD_SIZE - 1)) != 0) {
                        mbLimit = r.base();
                    } else if ((r.end() & (Layout.PMD_SIZE - 1)) != 0) {
                        mbLimit = limit;
                    }
                }
            }
        }
        if (limit == 0) {
            throw new BootException(board.ramOption(), String.format("no RAM below the vmalloc limit %#x to map as lowmem", vmallocLimit));
        }
        lowmemLimit = limit;
        if (mbLimit == 0) {
            mbLimit = lowmemLimit;
        }
        memblockLimit = mbLimit & -Layout.PMD_SIZE;
        mb.setCurrentLimit(memblockLimit);
    }

    /** {@code arm_memblock_init} (arch/arm/mm/init.c). */
    private void armMemblockInit(long kernelPhys) {
        em.reserve(kernelPhys, build.kernelSize(), "arm_memblock_init");
        reserveInitrdMem();
        em.reserve(physOffset + build.swapperPgDirOffset(), BuildConfig.PG_DIR_SIZE, "arm_memblock_init");
        int n = 0;
        for (ReservedMemory rm : board.reserved()) {
            reserveNode(rm, "reserved-memory@" + n++);
        }
        dmaContiguousReserve();
    }

    /** {@code reserve_initrd_mem} (init/initramfs.c): page-rounded, refused if not RAM or already reserved. */
    private void reserveInitrdMem() {
        if (board.initrdSize() == 0) {
            return;
        }
        long physStart = board.initrdStart();
        long start = physStart & -PAGE;
        long size = roundUp(board.initrdSize() + (physStart - start), PAGE);
        if (!em.isRegionMemory(start, size)) {
            log.add(String.format("INITRD: 0x%08x+0x%08x is not a memory region - disabling initrd", start, size));
            return;
        }
        if (EarlyMemblock.overlaps(mb.reserved(), start, size)) {
            log.add(String.format("INITRD: 0x%08x+0x%08x overlaps in-use memory region - disabling initrd", start, size));
            return;
        }
        em.reserve(start, size, "reserve_initrd_mem");
        initrdStart = start;
        initrdEnd = start + size;
    }

    /** {@code __reserved_mem_reserve_reg} + {@code fdt_init_reserved_mem} for one node (drivers/of/). */
    private void reserveNode(ReservedMemory rm, String name) {
        if (rm.kind() == ReservedMemory.Kind.NO_MAP) {
            if (EarlyMemblock.overlaps(mb.memory(), rm.base(), rm.size()) && EarlyMemblock.overlaps(mb.reserved(), rm.base(), rm.size())) {
                log.add(String.format("OF: reserved mem: failed to reserve memory for node '%s': base %#x, size %d MiB",
                        name, rm.base(), rm.size() >> 20));
                return;
            }
            mb.markNomap(rm.base(), rm.size());
            return;
        }
        em.reserve(rm.base(), rm.size(), "early_init_dt_reserve_memory");
        if (rm.kind() == ReservedMemory.Kind.REUSABLE) {
            // rmem_cma_setup (kernel/dma/contiguous.c): the area must be CMA-aligned, else it is given back
            if (((rm.base() | rm.size()) & (cmaAlignment() - 1)) != 0) {
                log.add("Reserved memory: incorrect alignment of CMA region");
                em.physFree(rm.base(), rm.size(), "fdt_init_reserved_mem");
                return;
            }
            cma.add(new CmaArea(name, rm.base(), rm.size()));
        }
    }

    /** {@code CMA_MIN_ALIGNMENT_BYTES}: PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order). */
    private long cmaAlignment() {
        return PAGE << Math.max(build.maxOrder() - 1, build.pageblockOrder());
    }

    /** {@code dma_contiguous_reserve(arm_dma_limit)} then {@code cma_declare_contiguous_nid} (mm/cma.c). */
    private void dmaContiguousReserve() {
        long limit = board.armDmaLimit(); // 0xffffffff on virt: no machine DMA zone size
        long size = build.cmaSizeMbytes() * SZ_1M;
        long base = 0;
        boolean fixed = false;
        Cmdline.CmaArg arg = board.cmdline().cma();
        if (arg != null) {
            // size_cmdline, base_cmdline and limit_cmdline are 32-bit phys_addr_t: cma=4G wraps to 0
            size = arg.size() & 0xffff_ffffL;
            base = arg.base() & 0xffff_ffffL;
            long argLimit = arg.limit() & 0xffff_ffffL;
            limit = argLimit != 0 ? Math.min(argLimit, limit) : limit;
            fixed = ((base + size) & 0xffff_ffffL) == argLimit;
        }
        if (size == 0) {
            return;
        }
        long align = cmaAlignment();
        long highmemStart = lowmemLimit;
        if (fixed && (base & (align - 1)) != 0) {
            log.add("cma: Failed to reserve " + (size >> 20) + " MiB");
            return;
        }
        base = roundUp(base, align);
        size = roundUp(size, align);
        limit &= ~(align - 1);
        if (base == 0) {
            fixed = false;
        }
        long memblockEnd = em.endOfDram();
        if (fixed && base < highmemStart && base + size > highmemStart) {
            log.add("cma: Failed to reserve " + (size >> 20) + " MiB");
            return;
        }
        if (limit == 0 || limit > memblockEnd) {
            limit = memblockEnd;
        }
        if (base + size > limit) {
            log.add("cma: Failed to reserve " + (size >> 20) + " MiB");
            return;
        }
        long addr = 0;
        if (fixed) {
            if (EarlyMemblock.overlaps(mb.reserved(), base, size) || em.reserve(base, size, "cma_declare_contiguous_nid").isRefused()) {
                log.add("cma: Failed to reserve " + (size >> 20) + " MiB");
                return;
            }
            addr = base;
        } else {
            if (base < highmemStart && limit > highmemStart) {
                addr = em.alloc("memblock_alloc_range_nid", size, align, highmemStart, limit, EarlyAllocation.Kind.PHYS_RANGE);
                limit = highmemStart;
            }
            if (addr == 0) {
                addr = em.alloc("memblock_alloc_range_nid", size, align, base, limit, EarlyAllocation.Kind.PHYS_RANGE);
            }
            if (addr == 0) {
                log.add("cma: Failed to reserve " + (size >> 20) + " MiB");
                return;
            }
        }
        cma.add(new CmaArea(CmaArea.DEFAULT_NAME, addr, size));
        log.add(String.format("cma: Reserved %d MiB at 0x%08x", size >> 20, addr));
    }

    // ---- paging_init -------------------------------------------------------------------------

    /** {@code paging_init} (arch/arm/mm/mmu.c) down to {@code free_area_init}. */
    private FreeAreaInit.ZoneSizes pagingInit() {
        mapLowmem();
        mb.setCurrentLimit(lowmemLimit);
        // dma_contiguous_remap: each CMA area in lowmem is unmapped and remapped through
        // iotable_init as MT_MEMORY_DMA_READY, which has no section type: one pte table per pmd
        for (CmaArea area : cma) {
            long end = Math.min(area.end(), lowmemLimit);
            if (area.base() < end) {
                em.alloc("iotable_init", STATIC_VM_SIZE, 4, 0, 0, EarlyAllocation.Kind.TRY_NID);
                for (long addr = area.base(); addr < end; addr = (addr + Layout.PMD_SIZE) & -Layout.PMD_SIZE) {
                    em.alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
                }
            }
        }
        // devicemaps_init: the vectors pages, the pte table for 0xffff0000, then pci_reserve_io
        em.alloc("early_alloc", 2 * PAGE, 2 * PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("vm_reserve_area_early", STATIC_VM_SIZE, 4, 0, 0, EarlyAllocation.Kind.TRY_NID);
        // kmap_init: pte tables for pkmap and the fixmap
        em.alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        // the zero page
        em.alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        return FreeAreaInit.run(em, board);
    }

    /**
     * {@code map_lowmem}/{@code alloc_init_pmd}: a 2 MiB chunk of lowmem whose ends are not both
     * section aligned is mapped with a pte table, allocated by {@code early_pte_alloc}.
     *
     * <p>{@code arm_pte_alloc} (arch/arm/mm/mmu.c) looks only at the pmd's first word: when an
     * earlier bank already mapped the chunk's even megabyte as a section, {@code pmd_none} is
     * false and {@code BUG_ON(pmd_bad(*pmd))} stops the boot (a bank ending on an odd section
     * boundary followed by one starting inside the next megabyte, e.g.
     * {@code memory=0x40000000:0x1900001 memory=0x41900001:16M}).
     */
    private void mapLowmem() {
        Set<Long> populated = new HashSet<>();
        Set<Long> evenSection = new HashSet<>();
        long kernelSecStart = physOffset & -Layout.SECTION_SIZE;
        long kernelSecEnd = (physOffset + build.kernelStartOffset() + build.kernelSize() + Layout.SECTION_SIZE - 1)
                & -Layout.SECTION_SIZE;
        for (MapLowmem.Piece piece : MapLowmem.pieces(em.mappedMemory(), lowmemLimit, kernelSecStart, kernelSecEnd)) {
            if (piece.wraps()) {
                // 6.1's wrapped create_mapping, which the model does not reproduce: no pte table either
                continue;
            }
            long start = piece.start();
            long end = piece.end();
            for (long addr = start; addr < end; ) {
                long next = Math.min((addr + Layout.PMD_SIZE) & -Layout.PMD_SIZE, end);
                long chunk = addr & -Layout.PMD_SIZE;
                boolean sections = ((addr | next) & (Layout.SECTION_SIZE - 1)) == 0;
                if (sections && addr == chunk) {
                    evenSection.add(chunk);
                }
                if (!sections && evenSection.contains(chunk)) {
                    throw new BootException(board.ramOption(), String.format(Locale.ROOT,
                            "kernel BUG at arch/arm/mm/mmu.c (arm_pte_alloc): the pmd of 0x%08x holds a section,"
                                    + " the bank at 0x%08x needs a pte table there", chunk, start));
                }
                if (!sections && populated.add(chunk)) {
                    em.alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
                } else {
                    populated.add(chunk);
                }
                addr = next;
            }
        }
    }

    /** {@code request_standard_resources}: one struct resource per mapped memory region. */
    private void requestStandardResources() {
        for (int i = 0; i < em.mappedMemory().size(); i++) {
            em.alloc("request_standard_resources", RESOURCE_SIZE, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        }
    }

    /** What {@code unflatten_device_tree} takes: QEMU's tree, plus CPU and reserved-memory nodes. */
    private long unflattenedDtSize() {
        return board.qemu().dtbUnflattenBase() + (board.cpus() - 1L) * board.qemu().dtbPerCpu()
                + board.reserved().size() * board.qemu().dtbPerReserved();
    }

    /**
     * {@code alloc_large_system_hash} with HASH_EARLY | HASH_ZERO and no size on the command line:
     * one bucket per 2^scale bytes of lowmem, a power of two, at most 1/16 of memory. Returns the entries.
     */
    private long allocLargeSystemHash(long bucketSize, int scale, FreeAreaInit.ZoneSizes z) {
        long n = roundUp(z.nrKernelPages, SZ_1M / PAGE);
        n = scale > 12 ? n >>> (scale - 12) : n << (12 - scale);
        if (n * bucketSize < PAGE) {
            n = PAGE / bucketSize;
        }
        n = Long.highestOneBit(n) == n ? n : Long.highestOneBit(n) << 1;
        long max = Math.min(((z.nrAllPages << 12) >>> 4) / bucketSize, 0x8000_0000L);
        n = Math.min(n, max);
        long log2 = 63 - Long.numberOfLeadingZeros(n);
        long size;
        long table;
        do {
            size = bucketSize << log2;
            table = em.place("alloc_large_system_hash", size, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        } while (table == 0 && size > PAGE && --log2 > 0);
        if (table == 0) {
            throw new BootException(board.ramOption(), "Failed to allocate a hash table");
        }
        return 1L << log2;
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Layout layout(long memMapVirt) {
        long kStart = linearVirt(physOffset + build.kernelStartOffset());
        long textEnd = kStart + build.textSize();
        long initBegin = kStart + build.initOffset();
        long initEnd = initBegin + build.initSize();
        long dataEnd = initEnd + build.dataSize();
        long kEnd = kStart + build.kernelSize();
        return new Layout(build.pageOffset(), physOffset, lowmemLimit, vmallocSize, memMapVirt, build.structPageSize(),
                1L << build.pageblockOrder(), kStart, textEnd, initBegin, initEnd, initEnd, dataEnd, kEnd, mb.memory(), bugs);
    }

    private long linearVirt(long phys) {
        return (phys - physOffset + build.pageOffset()) & 0xffff_ffffL;
    }

    private long linearPhys(long virt) {
        return (virt - build.pageOffset() + physOffset) & 0xffff_ffffL;
    }

    private static long pageAlign(long x) {
        return EarlyMemblock.pageAlign(x);
    }

    private static long roundUp(long x, long a) {
        return EarlyMemblock.roundUp(x, a);
    }
}
