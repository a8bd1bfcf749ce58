package armmm.model.vmalloc;

import armmm.model.board.BuildConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The vmap address space of 6.1 (mm/vmalloc.c): the busy tree {@code vmap_area_root}, the free
 * tree {@code free_vmap_area_root} and the lazily freed areas of {@code purge_vmap_area_root},
 * with {@code alloc_vmap_area}, {@code free_vmap_area_noflush} and
 * {@code __purge_vmap_area_lazy}.
 *
 * <p>The three together cover {@code [1, ULONG_MAX)} without overlap, as
 * {@code vmap_init_free_space} set them up: an address is busy, waiting for its purge, or free.
 */
public final class VmapAreas {
    /** {@code PAGE_SIZE}. */
    public static final long PAGE_SIZE = BuildConfig.PAGE_SIZE;
    /** {@code PAGE_SHIFT}. */
    public static final int PAGE_SHIFT = BuildConfig.PAGE_SHIFT;
    /** {@code ULONG_MAX} on a 32-bit kernel: the free space ends there. */
    public static final long ULONG_MAX = 0xffff_ffffL;
    /** What the model takes 32 MiB to be in {@code lazy_max_pages}, in pages. */
    private static final long LAZY_PAGES_PER_LOG = (32L << 20) / PAGE_SIZE;

    /** See {@link #changeCount}. */
    private long changes;
    private final TreeMap<Long, VmapArea> busy = new TreeMap<>();
    private final VmapRangeTree free = new VmapRangeTree();
    private final VmapRangeTree purge = new VmapRangeTree();
    /**
     * The {@code local_purge_list} of a purge begun as steps ({@link #beginPurge}): taken off the
     * purge list, not yet back in the free tree, still counted in {@code vmap_lazy_nr}; empty
     * outside such a purge.
     */
    private final VmapRangeTree purging = new VmapRangeTree();
    /** Whether a purge begun as steps holds {@code vmap_purge_lock} (until {@link #endPurge}). */
    private boolean purgeLockHeld;
    private final KernelPtes ptes;
    private final int onlineCpus;
    private Set<VmallocBug> bugs;
    /** Beyond this many freed areas in one call the checks scan everything instead. */
    private static final int LEFT_BUSY_CAP = 256;
    private final List<long[]> leftBusy = new ArrayList<>();
    private boolean leftBusyOverflow;
    private long vmapLazyNr;
    private long purges;
    private boolean initialized;
    /** The purges' flushes since {@link #beginStep}, in the order issued (cleared every call, so bounded by a call's purges). */
    private final List<KernelTlbFlush> tlbFlushes = new ArrayList<>();

    /**
     * @param ptes       the page tables a purge flushes the TLB of
     * @param onlineCpus {@code num_online_cpus()}
     * @param bugs       planted bugs
     */
    public VmapAreas(KernelPtes ptes, int onlineCpus, Set<VmallocBug> bugs) {
        if (onlineCpus < 1) {
            throw new IllegalArgumentException("online CPUs must be at least 1, found " + onlineCpus);
        }
        this.ptes = ptes;
        this.onlineCpus = onlineCpus;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(VmallocBug.class) : EnumSet.copyOf(bugs);
    }

    /**
     * {@code vmalloc_init}: imports the early {@code vmlist} entries as busy areas and makes the
     * rest of {@code [1, ULONG_MAX)} free ({@code vmap_init_free_space}).
     */
    public void init(List<VmStruct> vmlist) {
        changes++;
        if (initialized) {
            throw new IllegalStateException("vmalloc_init ran twice");
        }
        for (VmStruct vm : vmlist) {
            busy.put(vm.addr(), new VmapArea(vm.addr(), vm.addr() + vm.size(), vm, true));
        }
        long vmapStart = 1;
        for (VmapArea va : busy.values()) {
            if (va.vaStart() != vmapStart) {
                free.mergeOrAdd(vmapStart, va.vaStart());
            }
            vmapStart = va.vaEnd();
        }
        if (vmapStart != ULONG_MAX) {
            free.mergeOrAdd(vmapStart, ULONG_MAX);
        }
        initialized = true;
    }

    /** {@code lazy_max_pages}: fls(num_online_cpus()) x 32 MiB of pages. */
    public long lazyMaxPages() {
        int log = 32 - Integer.numberOfLeadingZeros(onlineCpus);
        return log * LAZY_PAGES_PER_LOG;
    }

    /** {@code vmap_lazy_nr}: pages of lazily freed areas waiting for the purge. */
    public long vmapLazyNr() {
        return vmapLazyNr;
    }

    /** How many purges have flushed lazily freed areas so far. */
    public long purges() {
        return purges;
    }

    /**
     * {@code alloc_vmap_area}: a busy area of {@code size} bytes aligned to {@code align} in
     * {@code [vstart, vend)}, the lowest that fits; after a first failure, purges the lazily freed
     * areas and tries once more. Returns null when nothing fits ({@code -EBUSY}).
     */
    public VmapArea alloc(long size, long align, long vstart, long vend) {
        changes++;
        if (size <= 0 || (size & (PAGE_SIZE - 1)) != 0 || Long.bitCount(align) != 1) {
            throw new IllegalArgumentException(String.format("alloc_vmap_area BUG_ON: size %#x align %#x", size, align));
        }
        boolean purged = false;
        while (true) {
            long addr = allocAddress(size, align, vstart, vend);
            if (addr >= 0) {
                VmapArea va = new VmapArea(addr, addr + size, null, false);
                busy.put(addr, va);
                return va;
            }
            if (purged || purgeLockHeld) {
                // purge_vmap_area_lazy would wait for the vmap_purge_lock a begun purge holds:
                // the model fails the allocation instead of waiting (spec/vmalloc.md)
                return null;
            }
            purgeLazy();
            purged = true;
        }
    }

    /** {@code __alloc_vmap_area}: the start it carves out of the free tree, or -1 (the kernel's {@code vend}). */
    private long allocAddress(long size, long align, long vstart, long vend) {
        boolean adjust = !(align <= PAGE_SIZE || vend - vstart == size);
        long nva = free.lowestMatch(size, align, vstart, adjust);
        if (nva < 0 || nva + size > vend) {
            return -1;
        }
        free.carve(nva, size);
        return nva;
    }

    /**
     * {@code free_vmap_area_noflush}: takes {@code va} off the busy tree onto the purge list,
     * adds its pages to {@code vmap_lazy_nr}, and purges once that passes
     * {@code lazy_max_pages} (the kernel schedules {@code drain_vmap_work}; the model runs it at
     * once).
     */
    public void freeNoflush(VmapArea va) {
        changes++;
        if (busy.remove(va.vaStart()) != va) {
            throw new IllegalStateException(String.format("vmap area %#x is not busy", va.vaStart()));
        }
        if (leftBusy.size() < LEFT_BUSY_CAP) {
            leftBusy.add(new long[] {va.vaStart(), va.vaEnd()});
        } else {
            leftBusyOverflow = true;
        }
        if (bugs.contains(VmallocBug.VMALLOC_LAZY_REUSE_BEFORE_FLUSH)) {
            free.mergeOrAdd(va.vaStart(), va.vaEnd());
            return;
        }
        vmapLazyNr += va.size() >>> PAGE_SHIFT;
        purge.mergeOrAdd(va.vaStart(), va.vaEnd());
        if (vmapLazyNr > lazyMaxPages() && !purgeLockHeld) {
            // drain_vmap_work; while a begun purge holds vmap_purge_lock the worker waits, and
            // runs when that purge ends (endPurge)
            purgeLazy();
        }
    }

    /**
     * {@code __purge_vmap_area_lazy}: one TLB flush over the span of every lazily freed area,
     * then each goes back to the free tree, merged with its neighbours. False when there was
     * nothing to purge.
     */
    public boolean purgeLazy() {
        long[] span = beginPurge();
        if (span == null) {
            return false;
        }
        // vmalloc's own record of which cleared PTEs still owe their flush (INV-VMALLOC-05) ...
        ptes.flushTlbKernelRange(span[0], span[1]);
        // ... and the flush itself, for the TLBs to replay
        tlbFlushes.add(new KernelTlbFlush(span[0], span[1], KernelTlbFlush.Site.PURGE_VMAP_AREA_LAZY));
        endPurge();
        return true;
    }

    /**
     * The first half of {@code __purge_vmap_area_lazy} under {@code vmap_purge_lock}: the purge
     * list is taken whole ({@code list_replace_init} into {@code local_purge_list}) and the span
     * to flush, {@code {lowest va_start, highest va_end}}, returned; null (nothing taken, the lock
     * released) when the list was empty. Until {@link #endPurge} the areas are in neither tree
     * nor the new purge list, which later frees start afresh, and the lock is held.
     */
    public long[] beginPurge() {
        changes++;
        if (purge.isEmpty()) {
            return null;
        }
        List<long[]> ranges = purge.ranges();
        for (long[] r : ranges) {
            purging.mergeOrAdd(r[0], r[1]);
        }
        purge.clear();
        purgeLockHeld = true;
        return new long[] {ranges.get(0)[0], ranges.get(ranges.size() - 1)[1]};
    }

    /**
     * {@code vmalloc}'s record that the flush of a purge begun with {@link #beginPurge} completed:
     * the pages of the areas it took no longer owe their flush. Pages that other CPUs' frees
     * cleared meanwhile belong to the new purge list and still owe theirs (the next purge's).
     */
    public void purgeFlushed() {
        for (long[] r : purging.ranges()) {
            ptes.flushTlbKernelRange(r[0], r[1]);
        }
    }

    /**
     * The second half of {@code __purge_vmap_area_lazy}, after its flush: each taken area merges
     * into the free tree and leaves {@code vmap_lazy_nr}; then {@code vmap_purge_lock} is
     * released, and a drain that waited for it ({@code drain_vmap_area_work}) runs.
     */
    public void endPurge() {
        changes++;
        for (long[] r : purging.ranges()) {
            if (!bugs.contains(VmallocBug.VMALLOC_PURGE_LEAKS_SPACE)) {
                free.mergeOrAdd(r[0], r[1]);
            }
            vmapLazyNr -= (r[1] - r[0]) >>> PAGE_SHIFT;
        }
        purging.clear();
        purges++;
        purgeLockHeld = false;
        if (vmapLazyNr > lazyMaxPages()) {
            purgeLazy();
        }
    }

    /**
     * {@code mutex_lock(&vmap_purge_lock)} by a purge begun as steps that takes the list later
     * (a planted order: {@code armmm.model.tlb.TlbBug#PURGE_FLUSH_BEFORE_TAKE}).
     */
    public void lockPurge() {
        purgeLockHeld = true;
    }

    /** Whether a purge begun as steps holds {@code vmap_purge_lock}. */
    public boolean purgeLockHeld() {
        return purgeLockHeld;
    }

    /** The areas a purge begun as steps took and has not yet freed ({@code local_purge_list}), in address order. */
    public List<long[]> purgingRanges() {
        return purging.ranges();
    }

    /**
     * Calls of the methods that change the busy, lazily freed or free ranges so far ({@code init},
     * {@code alloc}, {@code freeNoflush}, {@code purgeLazy}): the ranges' change signal for the
     * per-step checks, no kernel counterpart.
     */
    public long changeCount() {
        return changes;
    }

    /** Starts a kernel call: forgets which areas left the busy tree during the last one. */
    public void beginStep() {
        tlbFlushes.clear();
        leftBusy.clear();
        leftBusyOverflow = false;
    }

    /** The {@code flush_tlb_kernel_range} calls the purges made since {@link #beginStep}. */
    public List<KernelTlbFlush> tlbFlushesSinceStep() {
        return Collections.unmodifiableList(tlbFlushes);
    }

    /** True when more areas left the busy tree since {@link #beginStep} than are recorded. */
    public boolean leftBusyOverflow() {
        return leftBusyOverflow;
    }

    /** The areas that left the busy tree since {@link #beginStep}, as {@code {va_start, va_end}}. */
    public List<long[]> leftBusySinceStep() {
        return Collections.unmodifiableList(leftBusy);
    }

    /** {@code __find_vmap_area}: the busy area containing {@code addr}, or null. */
    public VmapArea find(long addr) {
        Map.Entry<Long, VmapArea> e = busy.floorEntry(addr);
        return e != null && addr < e.getValue().vaEnd() ? e.getValue() : null;
    }

    /** The busy areas in address order ({@code vmap_area_list}). */
    public Collection<VmapArea> busyAreas() {
        return Collections.unmodifiableCollection(busy.values());
    }

    /** The lazily freed ranges, merged, in address order ({@code purge_vmap_area_list}). */
    public List<long[]> purgeRanges() {
        return lazy().ranges();
    }

    /**
     * The lazily freed ranges: the purge list, and during a purge begun as steps the areas it
     * took, which are still lazily freed (counted in {@code vmap_lazy_nr}, not yet free).
     */
    private VmapRangeTree lazy() {
        if (purging.isEmpty()) {
            return purge;
        }
        VmapRangeTree both = new VmapRangeTree();
        for (VmapRangeTree t : List.of(purge, purging)) {
            for (long[] r : t.ranges()) {
                both.mergeOrAdd(r[0], r[1]);
            }
        }
        return both;
    }

    /** The free blocks in address order ({@code free_vmap_area_list}). */
    public List<long[]> freeBlocks() {
        return free.ranges();
    }

    /** True when some free block overlaps {@code [start, end)}. */
    public boolean freeOverlaps(long start, long end) {
        return free.overlaps(start, end);
    }

    /** Bytes in free blocks. */
    public long freeBytes() {
        return free.totalBytes();
    }

    /** Bytes in lazily freed areas. */
    public long purgeBytes() {
        return purge.totalBytes() + purging.totalBytes();
    }

    /** The free blocks in address order, flat ({@code start, end} pairs in one array), for the checks. */
    public long[] freeBlocksFlat() {
        return free.flat();
    }

    /** The lazily freed ranges in address order, flat, for the checks. */
    public long[] purgeRangesFlat() {
        return lazy().flat();
    }

    /** The free blocks and lazily freed ranges, for the checks. */
    public List<long[]> notBusyRanges() {
        List<long[]> out = new ArrayList<>(free.ranges());
        out.addAll(purge.ranges());
        out.addAll(purging.ranges());
        return out;
    }

    /** Plants {@code planted} from now on (see {@link Vmalloc#plant}). */
    void plant(Set<VmallocBug> planted) {
        this.bugs = planted.isEmpty() ? EnumSet.noneOf(VmallocBug.class) : EnumSet.copyOf(planted);
    }

    /** Bugs planted in this instance. */
    Set<VmallocBug> bugs() {
        return bugs;
    }
}
