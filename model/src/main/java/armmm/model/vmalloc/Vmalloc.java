package armmm.model.vmalloc;

import armmm.model.core.Result;
import armmm.model.core.Gfp;
import java.util.List;
import java.util.Set;

/**
 * vmalloc, vmap and ioremap on the vmap address space (mm/vmalloc.c; ARM's ioremap in
 * arch/arm/mm/ioremap.c): areas from {@link VmapAreas}, pages from a {@link PageSource}, PTEs
 * through {@link KernelPtes}.
 *
 * <p>Addresses are returned as the kernel returns them (0 for NULL). A call the kernel WARNs
 * about and ignores ({@code vfree} of an address that is no area) is a refusal that changes
 * nothing.
 */
public final class Vmalloc {
    /** {@code SHMLBA} on ARM: four pages, {@code vmalloc_user}'s alignment. */
    public static final long SHMLBA = 4 * VmapAreas.PAGE_SIZE;
    /** {@code IOREMAP_MAX_ORDER} on ARM (arch/arm/include/asm/memory.h). */
    public static final int IOREMAP_MAX_ORDER = 24;
    /** {@code sizeof(struct page *)} on a 32-bit kernel. */
    private static final long POINTER_SIZE = 4;
    private static final long PAGE = VmapAreas.PAGE_SIZE;
    private static final int SHIFT = VmapAreas.PAGE_SHIFT;
    /** The model's stand-in for {@code GFP_RECLAIM_MASK}: the bits a nested allocation keeps. */
    private static final long GFP_RECLAIM_MASK = Gfp.RECLAIM | Gfp.IO | Gfp.FS | Gfp.NOWARN | Gfp.RETRY_MAYFAIL
            | Gfp.NOFAIL | Gfp.NORETRY | Gfp.MEMALLOC | Gfp.NOMEMALLOC;

    private final long vmallocStart;
    private final long vmallocEnd;
    private final PageSource pages;
    private final KernelPtes ptes;
    /** INV-VMALLOC-06's own copy of the vmalloc space's mappings, made at its first check (no kernel counterpart). */
    private VmallocTableCopy tableCopy;
    private final VmapAreas areas;
    private Set<VmallocBug> bugs;
    /** Writes to an area's vm_struct or its link to it so far (see {@link #changeCount}). */
    private long changes;

    /**
     * @param vmallocStart {@code VMALLOC_START}
     * @param vmallocEnd   {@code VMALLOC_END}
     * @param pages        the page allocator
     * @param ptes         the kernel page tables
     * @param onlineCpus   {@code num_online_cpus()} ({@code lazy_max_pages})
     * @param bugs         planted bugs
     */
    public Vmalloc(long vmallocStart, long vmallocEnd, PageSource pages, KernelPtes ptes, int onlineCpus,
                   Set<VmallocBug> bugs) {
        this.vmallocStart = vmallocStart;
        this.vmallocEnd = vmallocEnd;
        this.pages = pages;
        this.ptes = ptes;
        this.areas = new VmapAreas(ptes, onlineCpus, bugs);
        this.bugs = Set.copyOf(bugs);
    }

    /**
     * Plants {@code planted} from now on. The kernel plants a subsystem's bugs after boot's own
     * areas exist, so that a chain of calls, not boot, must find them.
     */
    public void plant(Set<VmallocBug> planted) {
        this.bugs = Set.copyOf(planted);
        areas.plant(planted);
    }

    /** Starts a kernel call: the PTE and area records of the last one are forgotten. */
    public void beginStep() {
        areas.beginStep();
        if (ptes instanceof ShadowPtes s) {
            s.beginStep();
        }
    }

    /** Where vmalloc takes its pages. */
    public PageSource pages() {
        return pages;
    }

    /** The page tables vmalloc writes. */
    VmallocTableCopy tableCopy(long base, long end) {
        if (tableCopy == null) {
            tableCopy = new VmallocTableCopy(base, end);
        }
        return tableCopy;
    }

    /** The PTEs vmalloc writes, and its own record of them. */
    public KernelPtes ptes() {
        return ptes;
    }

    /** {@code vmalloc_init} with the early {@code vmlist} ({@code vm_area_add_early}'s list). */
    public void init(List<VmStruct> vmlist) {
        areas.init(vmlist);
    }

    /**
     * The change signal of the areas (no kernel counterpart): the changes of the busy, lazily
     * freed and free ranges ({@link VmapAreas#changeCount}) plus every write to a vm_struct
     * ({@code clearFlags}, {@code setPages}, {@code setPagesArea}, {@code setPhysAddr}) or to an
     * area's vm ({@code setVm}) this class made; both only grow, so the sum moves whenever one
     * does. The PTEs are not in it.
     */
    public long changeCount() {
        return changes + areas.changeCount();
    }

    /** The vmap address space. */
    public VmapAreas areas() {
        return areas;
    }

    /** {@code VMALLOC_START}. */
    public long vmallocStart() {
        return vmallocStart;
    }

    /** {@code VMALLOC_END}. */
    public long vmallocEnd() {
        return vmallocEnd;
    }

    // ------------------------------------------------------------------ allocation

    /** {@code vmalloc(size)}. */
    public Result vmalloc(long size) {
        return vmallocNodeRange(size, 1, vmallocStart, vmallocEnd, Gfp.GFP_KERNEL, 0, "vmalloc");
    }

    /** {@code vzalloc(size)}. */
    public Result vzalloc(long size) {
        return vmallocNodeRange(size, 1, vmallocStart, vmallocEnd, Gfp.GFP_KERNEL | Gfp.ZERO, 0, "vzalloc");
    }

    /** {@code vmalloc_user(size)}: SHMLBA-aligned, VM_USERMAP, zeroed. */
    public Result vmallocUser(long size) {
        return vmallocNodeRange(size, SHMLBA, vmallocStart, vmallocEnd, Gfp.GFP_KERNEL | Gfp.ZERO,
                VmFlags.VM_USERMAP, "vmalloc_user");
    }

    /**
     * {@code __vmalloc_node_range(size, align, start, end, gfp, PAGE_KERNEL, vm_flags)}: an area
     * in {@code [start, end)} backed by order-0 pages and mapped; 0 when the area or the pages
     * cannot be had.
     */
    public Result vmallocNodeRange(long size, long align, long start, long end, long gfp, long vmFlags, String caller) {
        Result bad = checkRange(align, start, end);
        if (bad != null) {
            return bad;
        }
        if (size == 0) {
            return new Result.Refused("WARN_ON_ONCE(!size)", "WARNING: mm/vmalloc.c: __vmalloc_node_range: WARN_ON_ONCE(!size)");
        }
        if ((size >>> SHIFT) > pages.totalramPages()) {
            return Result.of(0); // warn_alloc "vmalloc error: size %lu, exceeds total pages"
        }
        VmStruct area = getVmAreaNode(size, align, VmFlags.VM_ALLOC | VmFlags.VM_UNINITIALIZED | vmFlags,
                start, end, caller);
        if (area == null) {
            return Result.of(0); // "vmalloc error: size %lu, vm_struct allocation failed"
        }
        if (!vmallocAreaNode(area, gfp)) {
            return Result.of(0);
        }
        changes++;
        area.clearFlags(VmFlags.VM_UNINITIALIZED);
        return Result.of(area.addr());
    }

    /**
     * {@code __vmalloc_area_node}: the page array (itself vmalloc'ed above a page), the pages,
     * the PTEs. On failure everything is given back as {@code __vfree} does and false returned.
     */
    private boolean vmallocAreaNode(VmStruct area, long gfp) {
        long size = area.sizeWithoutGuard();
        int nrSmallPages = (int) (size >>> SHIFT);
        long arraySize = nrSmallPages * POINTER_SIZE;
        long nestedGfp = (gfp & GFP_RECLAIM_MASK) | Gfp.ZERO;
        if (arraySize > PAGE) {
            Result array = vmallocNodeRange(arraySize, 1, vmallocStart, vmallocEnd, nestedGfp, 0, area.caller());
            if (array.value() == 0) {
                removeVmArea(areas.find(area.addr()));
                return false;
            }
            changes++;
            area.setPagesArea(array.value());
        }
        long pageGfp = gfp | Gfp.NOWARN;
        if ((pageGfp & (Gfp.DMA | Gfp.DMA32)) == 0) {
            pageGfp |= Gfp.HIGHMEM;
        }
        long[] pfns = new long[nrSmallPages];
        int nr = 0;
        while (nr < nrSmallPages) {
            long pfn = pages.allocPage(pageGfp);
            if (pfn < 0) {
                break;
            }
            pfns[nr++] = pfn;
        }
        changes++;
        area.setPages(pfns, nr);
        if (nr != nrSmallPages) {
            vunmapArea(area.addr(), true); // "vmalloc error: size %lu, page order %u, failed to allocate pages"
            return false;
        }
        boolean twice = bugs.contains(VmallocBug.VMALLOC_MAPS_ONE_PAGE_TWICE);
        for (int i = 0; i < nr; i++) {
            long pfn = twice && i == 1 ? pfns[0] : pfns[i];
            if (!ptes.map(area.addr() + ((long) i << SHIFT), pfn, KernelPtes.Prot.KERNEL)) {
                vunmapArea(area.addr(), true); // "vmalloc error: size %lu, failed to map pages"
                return false;
            }
        }
        return true;
    }

    /**
     * {@code __get_vm_area_caller(size, flags, start, end, caller)}: an area with nothing mapped,
     * placed in {@code [start, end)}; with {@code end - start} equal to the size (plus the guard
     * page) this places an area at a fixed address, as early boot and drivers do. Returns the
     * area's address, 0 when it does not fit.
     */
    public Result getVmAreaCaller(long size, long flags, long start, long end, String caller) {
        Result bad = checkRange(1, start, end);
        if (bad != null) {
            return bad;
        }
        VmStruct vm = getVmAreaNode(size, 1, flags, start, end, caller);
        return Result.of(vm == null ? 0 : vm.addr());
    }

    /** {@code __get_vm_area_node}: the vm_struct of a new busy area, or null. */
    private VmStruct getVmAreaNode(long size, long align, long flags, long start, long end, String caller) {
        size = (size + PAGE - 1) & -PAGE;
        if (size == 0) {
            return null;
        }
        if ((flags & VmFlags.VM_IOREMAP) != 0 && !bugs.contains(VmallocBug.VMALLOC_IOREMAP_UNALIGNED)) {
            align = 1L << Math.max(SHIFT, Math.min(IOREMAP_MAX_ORDER, countOrder(size)));
        }
        boolean guard = (flags & VmFlags.VM_NO_GUARD) == 0;
        boolean guardForgotten = guard && bugs.contains(VmallocBug.VMALLOC_NO_GUARD_PAGE);
        if (guard && !guardForgotten) {
            size += PAGE;
        }
        VmapArea va = areas.alloc(size, align, start, end);
        if (va == null) {
            return null; // "vmap allocation for size %lu failed: use vmalloc=<size> to increase size"
        }
        // the planted bug: the vm_struct still counts a guard page that the vmap area never reserved
        VmStruct vm = new VmStruct(va.vaStart(), va.size() + (guardForgotten ? PAGE : 0), flags, caller);
        changes++;
        va.setVm(vm);
        return vm;
    }

    /** {@code get_count_order_long}: the order of the smallest power of two at least {@code n}. */
    static int countOrder(long n) {
        return 64 - Long.numberOfLeadingZeros(n - 1);
    }

    private Result checkRange(long align, long start, long end) {
        if (Long.bitCount(align) != 1) {
            return new Result.Refused("BUG_ON(!is_power_of_2(align))", "kernel BUG at mm/vmalloc.c: alloc_vmap_area: align " + align);
        }
        if (start < vmallocStart || end > vmallocEnd || start >= end || (start & (PAGE - 1)) != 0) {
            return Result.refused(String.format("[%#x, %#x) is not a page-aligned range of [VMALLOC_START, VMALLOC_END) [%#x, %#x)",
                    start, end, vmallocStart, vmallocEnd));
        }
        return null;
    }

    /**
     * {@code vmap(pages, count, flags, PAGE_KERNEL)} of the frames {@code pfns}: an area of
     * {@code count} pages mapping them, 0 for NULL. VM_NO_GUARD is WARNed about and dropped, as
     * 6.1 does.
     */
    public Result vmap(long[] pfns, long flags) {
        if ((flags & VmFlags.VM_NO_GUARD) != 0) {
            flags &= ~VmFlags.VM_NO_GUARD;
        }
        if (pfns.length == 0 || pfns.length > pages.totalramPages()) {
            return Result.of(0);
        }
        long size = (long) pfns.length << SHIFT;
        VmStruct area = getVmAreaNode(size, 1, flags, vmallocStart, vmallocEnd, "vmap");
        if (area == null) {
            return Result.of(0);
        }
        changes++;
        area.setVmapPages(pfns.clone());
        long skew = bugs.contains(VmallocBug.VMALLOC_VMAP_PAGE_OFF_BY_ONE) ? 1 : 0;
        for (int i = 0; i < pfns.length; i++) {
            if (!ptes.map(area.addr() + ((long) i << SHIFT), pfns[i] + skew, KernelPtes.Prot.KERNEL)) {
                vunmapArea(area.addr(), false);
                return Result.of(0);
            }
        }
        if ((flags & VmFlags.VM_MAP_PUT_PAGES) != 0) {
            changes++;
            area.setPages(pfns.clone(), pfns.length);
        }
        return Result.of(area.addr());
    }

    /**
     * ARM's {@code ioremap(phys, size)} ({@code __arm_ioremap_caller} with MT_DEVICE): RAM is
     * refused with a WARN and NULL; otherwise an area aligned by its size, mapped to the device
     * frames, and the address plus the offset within the first page.
     */
    public Result ioremap(long phys, long size) {
        long lastAddr = phys + size - 1;
        if (size == 0 || lastAddr < phys || lastAddr > VmapAreas.ULONG_MAX) {
            return Result.of(0);
        }
        long offset = phys & (PAGE - 1);
        long pfn = phys >>> SHIFT;
        long paddr = pfn << SHIFT;
        long mapSize = (offset + size + PAGE - 1) & -PAGE;
        if (pages.isMapMemory(paddr)) {
            return new Result.Refused("ioremap on RAM",
                    "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(memblock_is_map_memory(PFN_PHYS(pfn)) && mtype != MT_MEMORY_RW)");
        }
        VmStruct area = getVmAreaNode(mapSize, 1, VmFlags.VM_IOREMAP, vmallocStart, vmallocEnd, "ioremap");
        if (area == null) {
            return Result.of(0);
        }
        changes++;
        area.setPhysAddr(paddr);
        for (long off = 0; off < mapSize; off += PAGE) {
            if (!ptes.map(area.addr() + off, pfn + (off >>> SHIFT), KernelPtes.Prot.DEVICE)) {
                vunmapArea(area.addr(), false);
                return Result.of(0);
            }
        }
        return Result.of(area.addr() + offset);
    }

    // ------------------------------------------------------------------ freeing

    /** {@code vfree(addr)}: unmaps, frees the pages, queues the area for the lazy purge. */
    public Result vfree(long addr) {
        return addr == 0 ? Result.VOID : vunmapArea(addr, true);
    }

    /** {@code vunmap(addr)}: unmaps and queues the area; the pages stay the caller's. */
    public Result vunmap(long addr) {
        return addr == 0 ? Result.VOID : vunmapArea(addr, false);
    }

    /** ARM's {@code iounmap}: {@code vunmap} of the page holding {@code addr}. */
    public Result iounmap(long addr) {
        return vunmap(addr & -PAGE);
    }

    /** {@code __vunmap(addr, deallocate_pages)}. */
    private Result vunmapArea(long addr, boolean deallocatePages) {
        if ((addr & (PAGE - 1)) != 0) {
            return new Result.Refused("Trying to vfree() bad address",
                    String.format("WARNING: mm/vmalloc.c: Trying to vfree() bad address (%08x)", addr));
        }
        VmapArea va = areas.find(addr);
        if (va == null || va.vm() == null) {
            return new Result.Refused("Trying to vfree() nonexistent vm area",
                    String.format("WARNING: mm/vmalloc.c: Trying to vfree() nonexistent vm area (%08x)", addr));
        }
        VmStruct area = va.vm();
        removeVmArea(va);
        if (deallocatePages) {
            for (int i = 0; i < area.nrPages(); i++) {
                pages.freePage(area.pagePfn(i));
            }
            if (area.pagesArea() != 0) {
                vunmapArea(area.pagesArea(), true);
            }
        }
        return Result.VOID;
    }

    /** {@code remove_vm_area}: detaches the vm, clears the PTEs, frees the area lazily ({@code free_unmap_vmap_area}). */
    private void removeVmArea(VmapArea va) {
        changes++;
        va.setVm(null);
        if (!bugs.contains(VmallocBug.VMALLOC_VFREE_KEEPS_PTES) && ptesCover(va)) {
            ptes.unmap(va.vaStart(), va.vaEnd());
        }
        areas.freeNoflush(va);
    }

    private boolean ptesCover(VmapArea va) {
        return va.vaStart() >= vmallocStart && va.vaEnd() <= vmallocEnd;
    }

    /**
     * {@code purge_vmap_area_lazy}: flushes and frees every lazily freed area now; refused while a
     * purge begun as steps holds {@code vmap_purge_lock} (the mutex would make it wait).
     */
    public Result purgeVmapAreaLazy() {
        if (areas.purgeLockHeld()) {
            return Result.refused("purge_vmap_area_lazy: vmap_purge_lock is held by a begun purge; step it to its return");
        }
        areas.purgeLazy();
        return Result.VOID;
    }

    // ------------------------------------------------------------------ lookups

    /** PTEs set in the vmalloc space, when the page tables are the {@link ShadowPtes}; else -1. */
    public long mappedPtes() {
        return ptes instanceof ShadowPtes s ? s.mappedCount() : -1;
    }

    /** {@code vmalloc_to_page(addr)}: the struct page the PTE at {@code addr} maps, 0 when none. */
    public Result vmallocToPage(long addr) {
        long pfn = ptes.pfnAt(addr & -PAGE);
        return Result.of(pfn < 0 ? 0 : pages.pfnToPage(pfn));
    }

    /** {@code is_vmalloc_addr(addr)}: 1 inside [VMALLOC_START, VMALLOC_END), else 0. */
    public Result isVmallocAddr(long addr) {
        return Result.of(addr >= vmallocStart && addr < vmallocEnd ? 1 : 0);
    }

    /** {@code find_vm_area(addr)}: the {@code addr} of the vm_struct whose area holds {@code addr}, 0 for NULL. */
    public Result findVmArea(long addr) {
        VmapArea va = areas.find(addr);
        return Result.of(va == null || va.vm() == null ? 0 : va.vm().addr());
    }
}
