package armmm.model.boot;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.board.Cmdline;
import armmm.model.board.ReservedMemory;
import armmm.model.check.SeededBug;
import armmm.model.kernel.Result;
import armmm.model.layout.Layout;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
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
    /** {@code sizeof(struct pcpu_chunk)} without its populated bitmap in this build. */
    static final long PCPU_CHUNK_SIZE = 92;
    /** {@code sizeof(struct pcpu_block_md)}. */
    static final long PCPU_BLOCK_MD_SIZE = 32;
    /** {@code NR_PAGEBLOCK_BITS}. */
    static final long NR_PAGEBLOCK_BITS = 4;
    private static final long PAGE = BuildConfig.PAGE_SIZE;
    private static final long SZ_1M = 1L << 20;
    private static final long MAX_MEMBLOCK_ADDR = 0xffff_ffffL;

    private final Board board;
    private final BuildConfig build;
    private final Memblock mb = new Memblock();
    private final List<EarlyAllocation> allocations = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<String> debugLog = new ArrayList<>();
    private final List<CmaArea> cma = new ArrayList<>();
    private final long physOffset;
    private long vmallocSize = VMALLOC_DEFAULT;
    private long lowmemLimit;
    private long memblockLimit;
    private long initrdStart;
    private long initrdEnd;

    private Boot(Board board) {
        this.board = board;
        this.build = board.build();
        this.physOffset = board.physOffset();
    }

    /** Boots {@code board} and returns the state just before memblock_free_all. */
    public static BootedSystem boot(Board board) {
        return new Boot(board).run();
    }

    private BootedSystem run() {
        // setup_machine_fdt: the /memory nodes, then the device tree blob itself
        for (Bank bank : board.banks()) {
            addDtMemory(bank.base(), bank.size());
        }
        mb.reserve(board.dtbStart(), board.dtbSize());
        parseEarlyParams(board.cmdline());
        if (mb.memory().isEmpty()) {
            throw new BootException("mem=", "no RAM left to boot with");
        }
        long kernelPhys = physOffset + build.kernelStartOffset();
        long kernelEnd = kernelPhys + build.kernelSize();
        if (!isRegionMemory(kernelPhys, build.kernelSize())) {
            throw new BootException(board.cmdline().mem().isEmpty() ? "--memory" : "mem=", String.format(Locale.ROOT,
                    "RAM must hold the kernel image %#x-%#x, found RAM %#x-%#x", kernelPhys, kernelEnd - 1,
                    startOfDram(), endOfDram() - 1));
        }
        adjustLowmemBounds();
        armMemblockInit(kernelPhys);
        adjustLowmemBounds();
        ZoneSizes zones = pagingInit();
        requestStandardResources();
        alloc("early_init_dt_alloc_memory_arch", unflattenedDtSize(), 4, 0, Memblock.ALLOC_ACCESSIBLE,
                EarlyAllocation.Kind.TRY_NID);
        // start_kernel: setup_command_line keeps two copies of boot_command_line
        long len = board.cmdline().length() + 1;
        alloc("start_kernel", len, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("start_kernel", len, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        pcpuEmbedFirstChunk();
        long dentries = allocLargeSystemHash(4, 13, zones);
        long inodes = allocLargeSystemHash(4, 14, zones);
        Layout layout = layout(zones.memMapVirt);
        return new BootedSystem(board, layout, mb, mb.memory(), mb.reserved(), allocations, log, debugLog, vmallocSize,
                lowmemLimit, memblockLimit, zones.minLowPfn, zones.maxLowPfn, zones.maxPfn, zones.nodeStart,
                zones.maxZonePfn, zones.memMapPhys, zones.memMapSize, zones.nrKernelPages, zones.nrAllPages,
                initrdStart, initrdEnd, build.initSize(), cma, dentries, inodes);
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
                long start = startOfDram();
                mb.remove(start, endOfDram() - start);
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
        long offset = SeededBug.LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT.isActive() ? 0 : Layout.VMALLOC_OFFSET;
        long vmallocLimit = Layout.VMALLOC_END - vmallocSize - offset - build.pageOffset() + physOffset;
        List<Region> mapped = mappedMemory();
        if (!mapped.isEmpty() && (mapped.get(0).base() & (Layout.PMD_SIZE - 1)) != 0) {
            Region first = mapped.get(0);
            mb.markNomap(first.base(), roundUp(first.base(), Layout.PMD_SIZE) - first.base());
            mapped = mappedMemory();
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
            throw new BootException("--memory", String.format("no RAM below the vmalloc limit %#x to map as lowmem", vmallocLimit));
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
        reserve(kernelPhys, build.kernelSize(), "arm_memblock_init");
        reserveInitrdMem();
        reserve(physOffset + build.textOffset() - 0x4000, 0x4000, "arm_memblock_init");
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
        if (!isRegionMemory(start, size)) {
            log.add(String.format("INITRD: 0x%08x+0x%08x is not a memory region - disabling initrd", start, size));
            return;
        }
        if (overlaps(mb.reserved(), start, size)) {
            log.add(String.format("INITRD: 0x%08x+0x%08x overlaps in-use memory region - disabling initrd", start, size));
            return;
        }
        reserve(start, size, "reserve_initrd_mem");
        initrdStart = start;
        initrdEnd = start + size;
    }

    /** {@code __reserved_mem_reserve_reg} + {@code fdt_init_reserved_mem} for one node (drivers/of/). */
    private void reserveNode(ReservedMemory rm, String name) {
        if (rm.kind() == ReservedMemory.Kind.NO_MAP) {
            if (overlaps(mb.memory(), rm.base(), rm.size()) && overlaps(mb.reserved(), rm.base(), rm.size())) {
                log.add(String.format("OF: reserved mem: failed to reserve memory for node '%s': base %#x, size %d MiB",
                        name, rm.base(), rm.size() >> 20));
                return;
            }
            mb.markNomap(rm.base(), rm.size());
            return;
        }
        reserve(rm.base(), rm.size(), "early_init_dt_reserve_memory");
        if (rm.kind() == ReservedMemory.Kind.REUSABLE) {
            // rmem_cma_setup (kernel/dma/contiguous.c): the area must be CMA-aligned, else it is given back
            if (((rm.base() | rm.size()) & (cmaAlignment() - 1)) != 0) {
                log.add("Reserved memory: incorrect alignment of CMA region");
                physFree(rm.base(), rm.size(), "fdt_init_reserved_mem");
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
        long limit = 0xffff_ffffL; // arm_dma_limit: no DMA zone limit on virt
        long size = build.cmaSizeMbytes() * SZ_1M;
        long base = 0;
        boolean fixed = false;
        Cmdline.CmaArg arg = board.cmdline().cma();
        if (arg != null) {
            size = arg.size();
            base = arg.base();
            limit = arg.limit() != 0 ? Math.min(arg.limit(), limit) : limit;
            fixed = arg.base() + arg.size() == arg.limit();
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
        long memblockEnd = endOfDram();
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
            if (overlaps(mb.reserved(), base, size) || reserve(base, size, "cma_declare_contiguous_nid").isRefused()) {
                log.add("cma: Failed to reserve " + (size >> 20) + " MiB");
                return;
            }
            addr = base;
        } else {
            if (base < highmemStart && limit > highmemStart) {
                addr = alloc("memblock_alloc_range_nid", size, align, highmemStart, limit, EarlyAllocation.Kind.PHYS_RANGE);
                limit = highmemStart;
            }
            if (addr == 0) {
                addr = alloc("memblock_alloc_range_nid", size, align, base, limit, EarlyAllocation.Kind.PHYS_RANGE);
            }
            if (addr == 0) {
                log.add("cma: Failed to reserve " + (size >> 20) + " MiB");
                return;
            }
        }
        cma.add(new CmaArea("reserved", addr, size));
        log.add(String.format("cma: Reserved %d MiB at 0x%08x", size >> 20, addr));
    }

    // ---- paging_init -------------------------------------------------------------------------

    /** {@code paging_init} (arch/arm/mm/mmu.c) down to {@code free_area_init}. */
    private ZoneSizes pagingInit() {
        mapLowmem();
        mb.setCurrentLimit(lowmemLimit);
        // dma_contiguous_remap: each CMA area in lowmem is unmapped and remapped through
        // iotable_init as MT_MEMORY_DMA_READY, which has no section type: one pte table per pmd
        for (CmaArea area : cma) {
            long end = Math.min(area.end(), lowmemLimit);
            if (area.base() < end) {
                alloc("iotable_init", STATIC_VM_SIZE, 4, 0, 0, EarlyAllocation.Kind.TRY_NID);
                for (long addr = area.base(); addr < end; addr = (addr + Layout.PMD_SIZE) & -Layout.PMD_SIZE) {
                    alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
                }
            }
        }
        // devicemaps_init: the vectors pages, the pte table for 0xffff0000, then pci_reserve_io
        alloc("early_alloc", 2 * PAGE, 2 * PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("vm_reserve_area_early", STATIC_VM_SIZE, 4, 0, 0, EarlyAllocation.Kind.TRY_NID);
        // kmap_init: pte tables for pkmap and the fixmap
        alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        // the zero page
        alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        return bootmemInit();
    }

    /**
     * {@code map_lowmem}/{@code alloc_init_pmd}: a 2 MiB chunk of lowmem whose ends are not both
     * section aligned is mapped with a pte table, allocated by {@code early_pte_alloc}.
     */
    private void mapLowmem() {
        Set<Long> populated = new HashSet<>();
        for (Region r : mappedMemory()) {
            long start = r.base();
            long end = Math.min(r.end(), lowmemLimit);
            if (start >= end) {
                break;
            }
            for (long addr = start; addr < end; ) {
                long next = Math.min((addr + Layout.PMD_SIZE) & -Layout.PMD_SIZE, end);
                long chunk = addr & -Layout.PMD_SIZE;
                boolean sections = ((addr | next) & (Layout.SECTION_SIZE - 1)) == 0;
                if (!sections && populated.add(chunk)) {
                    alloc("early_alloc", PAGE, PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
                } else {
                    populated.add(chunk);
                }
                addr = next;
            }
        }
    }

    private static final class ZoneSizes {
        long minLowPfn;
        long maxLowPfn;
        long maxPfn;
        long nodeStart;
        List<Long> maxZonePfn;
        long memMapPhys;
        long memMapSize;
        long memMapVirt;
        long nrKernelPages;
        long nrAllPages;
    }

    /** {@code bootmem_init}: find_limits, zone_sizes_init, free_area_init (mm/page_alloc.c). */
    private ZoneSizes bootmemInit() {
        ZoneSizes z = new ZoneSizes();
        mb.allowResize();
        z.maxLowPfn = mb.currentLimit() >>> 12;
        z.minLowPfn = (startOfDram() + PAGE - 1) >>> 12;
        z.maxPfn = endOfDram() >>> 12;
        long dmaPfnLimit = 0xffff_ffffL >>> 12;
        long dmaEnd = Math.min(dmaPfnLimit, z.maxLowPfn);
        z.maxZonePfn = List.of(dmaEnd, dmaEnd, z.maxPfn, 0L);
        // node span: every memory region counts, no-map ones too (for_each_mem_pfn_range)
        long nodeStart = Long.MAX_VALUE;
        long nodeEnd = 0;
        for (Region r : mb.memory()) {
            nodeStart = Math.min(nodeStart, (r.base() + PAGE - 1) >>> 12);
            nodeEnd = Math.max(nodeEnd, r.end() >>> 12);
        }
        z.nodeStart = nodeStart;
        // alloc_node_mem_map: MAX_ORDER_NR_PAGES-aligned struct pages, not zeroed
        long mo = build.maxOrderNrPages();
        long start = nodeStart & -mo;
        long end = roundUp(nodeEnd, mo);
        z.memMapSize = (end - start) * build.structPageSize();
        z.memMapPhys = alloc("free_area_init", z.memMapSize, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID_RAW);
        if (z.memMapPhys == 0) {
            throw new BootException("--ram", String.format("Failed to allocate %d bytes for node 0 memory map", z.memMapSize));
        }
        long offset = nodeStart - start;
        long memMap = linearVirt(z.memMapPhys) + offset * build.structPageSize();
        // FLATMEM: mem_map is moved back when the node does not start at ARCH_PFN_OFFSET
        if (physOffset >>> 12 != nodeStart) {
            memMap -= offset * build.structPageSize();
        }
        z.memMapVirt = memMap & 0xffff_ffffL;
        // free_area_init_core: per zone, memmap accounting and the pageblock flags bitmap
        long[] zoneStart = {nodeStart, dmaEnd, dmaEnd, z.maxPfn};
        long[] zoneEnd = {Math.max(nodeStart, Math.min(dmaEnd, nodeEnd)), dmaEnd, Math.max(dmaEnd, nodeEnd), z.maxPfn};
        for (int j = 0; j < 4; j++) {
            long zs = Math.min(zoneStart[j], zoneEnd[j]);
            long size = Math.max(0, zoneEnd[j] - zs);
            long present = presentPages(zs, zs + size);
            long memmapPages = pageAlign(size * build.structPageSize()) >>> 12;
            long free = present;
            boolean high = j == 2;
            if (!high && free >= memmapPages) {
                free -= memmapPages;
            }
            if (!high) {
                z.nrKernelPages += free;
            } else if (z.nrKernelPages > memmapPages * 2) {
                z.nrKernelPages -= memmapPages;
            }
            z.nrAllPages += free;
            if (size != 0) {
                alloc("setup_usemap", usemapSize(zs, size), build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
            }
        }
        return z;
    }

    /** {@code usemap_size} (mm/page_alloc.c): NR_PAGEBLOCK_BITS per pageblock, in whole longs. */
    private long usemapSize(long zoneStartPfn, long zoneSize) {
        long pb = 1L << build.pageblockOrder();
        long size = zoneSize + (zoneStartPfn & (pb - 1));
        long bits = (roundUp(size, pb) >>> build.pageblockOrder()) * NR_PAGEBLOCK_BITS;
        return roundUp(bits, 32) / 8;
    }

    private long presentPages(long startPfn, long endPfn) {
        long n = 0;
        for (Region r : mb.memory()) {
            long s = Math.max(startPfn, (r.base() + PAGE - 1) >>> 12);
            long e = Math.min(endPfn, r.end() >>> 12);
            n += Math.max(0, e - s);
        }
        return n;
    }

    // ---- setup_arch after paging_init, start_kernel ---------------------------------------------

    /** {@code request_standard_resources}: one struct resource per mapped memory region. */
    private void requestStandardResources() {
        for (int i = 0; i < mappedMemory().size(); i++) {
            alloc("request_standard_resources", RESOURCE_SIZE, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        }
    }

    /** What {@code unflatten_device_tree} takes: QEMU's tree, plus CPU and reserved-memory nodes. */
    private long unflattenedDtSize() {
        return build.dtbUnflattenBase() + (board.cpus() - 1L) * build.dtbPerCpu()
                + board.reserved().size() * build.dtbPerReserved();
    }

    /** {@code pcpu_embed_first_chunk} and {@code pcpu_setup_first_chunk} (mm/percpu.c), one group. */
    private void pcpuEmbedFirstChunk() {
        int cpus = board.cpus();
        long sizeSum = build.pcpuStaticSize() + build.pcpuReservedSize() + build.pcpuDynamicSize();
        long unit = Math.max(pageAlign(sizeSum), 32L << 10);
        long cache = build.smpCacheBytes();
        long ai = alloc("pcpu_embed_first_chunk", pageAlign(64 + 4L * cpus), PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        long areas = alloc("pcpu_embed_first_chunk", PAGE, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        long fromDma = linearPhys(0xffff_ffffL); // __pa(MAX_DMA_ADDRESS)
        long base = alloc("pcpu_embed_first_chunk", cpus * unit, PAGE, fromDma, 0, EarlyAllocation.Kind.TRY_NID);
        for (int i = 0; i < cpus; i++) {
            physFree(base + i * unit + sizeSum, unit - sizeSum, "pcpu_embed_first_chunk");
        }
        log.add(String.format("percpu: Embedded %d pages/cpu s%d r%d d%d u%d", sizeSum >> 12, build.pcpuStaticSize(),
                build.pcpuReservedSize(), build.pcpuDynamicSize(), unit));
        // pcpu_setup_first_chunk: group offsets and sizes, unit map and offsets, chunk slots
        alloc("pcpu_setup_first_chunk", 4, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("pcpu_setup_first_chunk", 4, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("pcpu_setup_first_chunk", 4L * cpus, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("pcpu_setup_first_chunk", 4L * cpus, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        long slot = Math.max(64 - Long.numberOfLeadingZeros(unit) - 5 + 2, 1);
        alloc("pcpu_setup_first_chunk", (slot + 4) * 8, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        pcpuAllocFirstChunk(build.pcpuStaticSize(), build.pcpuReservedSize());
        pcpuAllocFirstChunk(build.pcpuStaticSize() + build.pcpuReservedSize(), build.pcpuDynamicSize());
        physFree(ai, pageAlign(64 + 4L * cpus), "pcpu_embed_first_chunk");
        physFree(areas, PAGE, "pcpu_embed_first_chunk");
    }

    /** {@code pcpu_alloc_first_chunk}: the chunk, its allocation and boundary maps and block metadata. */
    private void pcpuAllocFirstChunk(long offset, long mapSize) {
        long cache = build.smpCacheBytes();
        long regionSize = roundUp((offset & (PAGE - 1)) + mapSize, PAGE);
        long pages = regionSize >>> 12;
        long regionBits = regionSize >>> 2;
        alloc("pcpu_alloc_first_chunk", PCPU_CHUNK_SIZE + 4 * ((pages + 31) / 32), cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("pcpu_alloc_first_chunk", 4 * ((regionBits + 31) / 32), cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("pcpu_alloc_first_chunk", 4 * ((regionBits + 1 + 31) / 32), cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        alloc("pcpu_alloc_first_chunk", pages * PCPU_BLOCK_MD_SIZE, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
    }

    /**
     * {@code alloc_large_system_hash} with HASH_EARLY | HASH_ZERO and no size on the command line:
     * one bucket per 2^scale bytes of lowmem, a power of two, at most 1/16 of memory. Returns the entries.
     */
    private long allocLargeSystemHash(long bucketSize, int scale, ZoneSizes z) {
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
            table = place("alloc_large_system_hash", size, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
        } while (table == 0 && size > PAGE && --log2 > 0);
        if (table == 0) {
            throw new BootException("--ram", "Failed to allocate a hash table");
        }
        return 1L << log2;
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Places one allocation that the kernel cannot do without. */
    private long alloc(String caller, long size, long align, long min, long max, EarlyAllocation.Kind kind) {
        long addr = place(caller, size, align, min, max, kind);
        if (addr == 0 && kind != EarlyAllocation.Kind.PHYS_RANGE) {
            // every caller here panics on failure
            throw new BootException("--ram", String.format("%s: Failed to allocate %d bytes align=%#x", caller, size, align));
        }
        return addr;
    }

    /** Places one allocation with the model's memblock and records it; returns the physical address or 0. */
    private long place(String caller, long size, long align, long min, long max, EarlyAllocation.Kind kind) {
        Result r = switch (kind) {
            case PHYS_RANGE -> mb.physAllocRange(size, align, min, max);
            case TRY_NID_RAW -> mb.allocTryNidRaw(size, align, min, max);
            case TRY_NID -> mb.allocTryNid(size, align, min, max);
        };
        long addr = r.isRefused() ? 0 : r.value();
        allocations.add(new EarlyAllocation(caller, size, align, min, max, kind, addr));
        if (kind != EarlyAllocation.Kind.PHYS_RANGE) {
            int nid = caller.equals("free_area_init") || caller.equals("setup_usemap") ? 0 : -1;
            debugLog.add(String.format(Locale.ROOT, "%s: %d bytes align=0x%x nid=%d from=0x%08x max_addr=0x%08x %s",
                    kind == EarlyAllocation.Kind.TRY_NID_RAW ? "memblock_alloc_try_nid_raw" : "memblock_alloc_try_nid",
                    size, align, nid, min, max, symbol(caller)));
        }
        if (addr != 0) {
            debugLog.add(rangeLine("memblock_reserve", addr, size, "memblock_alloc_range_nid"));
        }
        return addr;
    }

    /** The symbol the kernel's log shows for {@code caller}: the 6.1 build inlines some callers. */
    private static String symbol(String caller) {
        return caller.equals("request_standard_resources") ? "setup_arch" : caller;
    }

    /** {@code memblock_reserve}, logged as memblock=debug logs it. */
    private Result reserve(long base, long size, String caller) {
        debugLog.add(rangeLine("memblock_reserve", base, size, caller));
        return mb.reserve(base, size);
    }

    /** {@code memblock_phys_free}, logged. */
    private void physFree(long base, long size, String caller) {
        debugLog.add(rangeLine("memblock_phys_free", base, size, caller));
        mb.physFree(base, size);
    }

    private static String rangeLine(String fn, long base, long size, String caller) {
        return String.format(Locale.ROOT, "%s: [0x%08x-0x%08x] %s", fn, base, (base + size - 1) & 0xffff_ffffL, caller);
    }

    private Layout layout(long memMapVirt) {
        long kStart = linearVirt(physOffset + build.kernelStartOffset());
        long textEnd = kStart + build.textSize();
        long initBegin = kStart + build.initOffset();
        long initEnd = initBegin + build.initSize();
        long dataEnd = initEnd + build.dataSize();
        long kEnd = kStart + build.kernelSize();
        return new Layout(build.pageOffset(), physOffset, lowmemLimit, vmallocSize, memMapVirt, build.structPageSize(),
                1L << build.pageblockOrder(), kStart, textEnd, initBegin, initEnd, initEnd, dataEnd, kEnd, mb.memory());
    }

    private long linearVirt(long phys) {
        return (phys - physOffset + build.pageOffset()) & 0xffff_ffffL;
    }

    private long linearPhys(long virt) {
        return (virt - build.pageOffset() + physOffset) & 0xffff_ffffL;
    }

    /** memblock.memory without the no-map regions ({@code for_each_mem_range}). */
    private List<Region> mappedMemory() {
        List<Region> out = new ArrayList<>();
        for (Region r : mb.memory()) {
            if ((r.flags() & Memblock.NOMAP) == 0) {
                out.add(r);
            }
        }
        return out;
    }

    private long startOfDram() {
        List<Region> m = mb.memory();
        return m.isEmpty() ? 0 : m.get(0).base();
    }

    private long endOfDram() {
        List<Region> m = mb.memory();
        return m.isEmpty() ? 0 : m.get(m.size() - 1).end();
    }

    /** {@code memblock_is_region_memory}: the range lies within one memory region. */
    private boolean isRegionMemory(long base, long size) {
        for (Region r : mb.memory()) {
            if (r.base() <= base && base < r.end()) {
                return base + size <= r.end();
            }
        }
        return false;
    }

    /** {@code memblock_overlaps_region}. */
    static boolean overlaps(List<Region> regions, long base, long size) {
        for (Region r : regions) {
            if (r.base() < base + size && base < r.end()) {
                return true;
            }
        }
        return false;
    }

    private static long pageAlign(long x) {
        return roundUp(x, PAGE);
    }

    private static long roundUp(long x, long a) {
        return (x + a - 1) & -a;
    }
}
