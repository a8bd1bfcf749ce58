package armmm.model.mm;

import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_FIXED_NOREPLACE;
import static armmm.model.mm.VmFlags.MAP_NORESERVE;
import static armmm.model.mm.VmFlags.MAP_PRIVATE;
import static armmm.model.mm.VmFlags.MAP_SHARED;
import static armmm.model.mm.VmFlags.MAP_TYPE;
import static armmm.model.mm.VmFlags.VM_ACCOUNT;
import static armmm.model.mm.VmFlags.VM_EXEC;
import static armmm.model.mm.VmFlags.VM_GROWSDOWN;
import static armmm.model.mm.VmFlags.VM_MAYEXEC;
import static armmm.model.mm.VmFlags.VM_MAYREAD;
import static armmm.model.mm.VmFlags.VM_MAYSHARE;
import static armmm.model.mm.VmFlags.VM_MAYWRITE;
import static armmm.model.mm.VmFlags.VM_NORESERVE;
import static armmm.model.mm.VmFlags.VM_READ;
import static armmm.model.mm.VmFlags.VM_SHARED;
import static armmm.model.mm.VmFlags.VM_WRITE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An mm's address space: {@code struct mm_struct}'s VMA tree ({@code mm_mt}), {@code map_count},
 * {@code total_vm}, {@code mmap_base}, {@code start_brk}/{@code brk}, {@code start_stack}, and
 * the system calls of mm/mmap.c and mm/mprotect.c on anonymous memory: {@code mmap}
 * ({@code do_mmap}, {@code get_unmapped_area}, {@code mmap_region}), {@code munmap}
 * ({@code do_mas_munmap}), {@code mprotect} ({@code do_mprotect_pkey}, {@code mprotect_fixup},
 * {@code vma_merge}, {@code split_vma}) and {@code brk}.
 *
 * <p>The caller is an unprivileged task (no {@code CAP_SYS_RAWIO}), so {@code mmap_min_addr}
 * applies. No page is ever faulted in yet, so no VMA has an {@code anon_vma}: every anon_vma
 * comparison of the merge rules succeeds.
 */
public final class MmStruct {
    private static final long PAGE = UserLayoutConfig.PAGE_SIZE;
    private static final long MASK32 = 0xffffffffL;

    private final UserLayoutConfig config;
    private final Set<VmaDefect> defects;
    private final TreeMap<Long, Vma> tree = new TreeMap<>();
    private final long mmapBase;
    private final boolean topDown;
    private final long startStack;
    private final long startBrk;
    private long brk;
    private int mapCount;
    private long totalVm;
    private long nextShmem = 1;
    private java.util.function.LongSupplier shmemIds = () -> nextShmem++;
    private Listener listener;
    private long rlimitStack = ExecParams.RLIM_INFINITY;

    /**
     * What the page-table side of an mm does when the VMAs change: {@code unmap_region}'s
     * {@code unmap_vmas} and {@code free_pgtables} after VMAs were removed, and
     * {@code change_protection} after {@code mprotect_fixup} gave a range new flags.
     */
    interface Listener {
        /**
         * VMAs (the parts inside the range) were removed.
         *
         * @param removed the removed VMAs, ascending
         * @param splitTail the removed part of a VMA split at the range's end, or null
         * @param floor   {@code prev->vm_end}, or {@code FIRST_USER_ADDRESS}
         * @param ceiling {@code next->vm_start}, or {@code USER_PGTABLES_CEILING}
         */
        void unmapped(List<Vma> removed, Vma splitTail, long floor, long ceiling);

        /** [start, end) of one VMA now has {@code newFlags}. */
        void protectionChanged(long start, long end, long newFlags);
    }

    private MmStruct(UserLayoutConfig config, UserLayout layout, Set<VmaDefect> defects) {
        this.config = config;
        this.defects = defects.isEmpty() ? EnumSet.noneOf(VmaDefect.class) : EnumSet.copyOf(defects);
        this.mmapBase = layout.mmapBase();
        this.topDown = layout.topDown();
        this.startBrk = layout.startBrk();
        this.brk = layout.startBrk();
        this.startStack = layout.stackTop() - 16;
    }

    /**
     * The mm {@code execve} leaves before the binary's segments: the layout's bases and, when
     * {@code stackBytes} is not 0, the [stack] VMA under the stack top ({@code setup_arg_pages}:
     * {@code VM_STACK_DEFAULT_FLAGS | VM_GROWSDOWN | VM_ACCOUNT}).
     */
    public static MmStruct exec(UserLayoutConfig config, UserLayout layout, long stackBytes, Set<VmaDefect> defects) {
        MmStruct mm = new MmStruct(config, layout, defects);
        if (stackBytes % PAGE != 0 || stackBytes < 0 || stackBytes >= layout.stackTop()) {
            throw new IllegalArgumentException("stackBytes: found " + stackBytes + ", expected whole pages below the stack top");
        }
        if (stackBytes > 0) {
            long start = layout.stackTop() - stackBytes;
            mm.insert(new Vma(start, layout.stackTop(), VmFlags.VM_DATA_DEFAULT_FLAGS | VM_GROWSDOWN | VM_ACCOUNT,
                    start / PAGE, 0));
            mm.totalVm += stackBytes / PAGE;
        }
        return mm;
    }

    // ---------------------------------------------------------------- lookups

    /** Calls of the mutating methods so far: this mm's part of the mm subsystem's change signal. */
    private long changes;

    /** How many mutating calls (mmap, munmap, mprotect, brk) this mm has had. */
    public long changeCount() {
        return changes;
    }

    /** {@code find_vma}: the first VMA ending above {@code addr}, or null. */
    public Vma findVma(long addr) {
        Map.Entry<Long, Vma> e = tree.floorEntry(addr);
        if (e != null && e.getValue().end() > addr) {
            return e.getValue();
        }
        Map.Entry<Long, Vma> next = tree.higherEntry(addr);
        return next == null ? null : next.getValue();
    }

    /** {@code find_vma_prev}: {@code find_vma(addr)} and the VMA before it (the last VMA when there is none). */
    public Vma[] findVmaPrev(long addr) {
        Vma vma = findVma(addr);
        Map.Entry<Long, Vma> prev = vma == null ? tree.lastEntry() : tree.lowerEntry(vma.start());
        return new Vma[] {vma, prev == null ? null : prev.getValue()};
    }

    /** {@code find_vma_intersection}: a VMA meeting [start, end), or null. */
    public Vma findVmaIntersection(long start, long end) {
        Vma vma = findVma(start);
        return vma != null && vma.start() < end ? vma : null;
    }

    private Vma before(long addr) {
        Map.Entry<Long, Vma> e = tree.lowerEntry(addr);
        return e == null ? null : e.getValue();
    }

    private Vma after(long addr) {
        Map.Entry<Long, Vma> e = tree.higherEntry(addr);
        return e == null ? null : e.getValue();
    }

    // ---------------------------------------------------------------- tree edits

    private void insert(Vma vma) {
        tree.put(vma.start(), vma);
        mapCount++;
    }

    private void remove(Vma vma) {
        tree.remove(vma.start());
        mapCount--;
    }

    private Vma replace(Vma old, Vma now) {
        tree.remove(old.start());
        tree.put(now.start(), now);
        return now;
    }

    /** {@code __split_vma}: two VMAs at {@code addr}; returns {lower, upper}. */
    private Vma[] splitVma(Vma vma, long addr) {
        Vma low = vma.resize(vma.start(), addr);
        long upperStart = defects.contains(VmaDefect.SPLIT_LOSES_PAGE) && addr + PAGE < vma.end() ? addr + PAGE : addr;
        Vma high = vma.resize(upperStart, vma.end());
        replace(vma, low);
        insert(high);
        return new Vma[] {low, high};
    }

    // ---------------------------------------------------------------- merge rules

    /** {@code is_mergeable_vma}: same flags ({@code VM_SOFTDIRTY} is 0 on ARM) and the same file. */
    private static boolean isMergeable(Vma vma, long flags, long file) {
        return vma.flags() == flags && vma.file() == file;
    }

    /** {@code can_vma_merge_before}: {@code next} may start at the end of a range whose page offset ends at {@code pgoff}. */
    private static boolean canMergeBefore(Vma next, long flags, long file, long pgoff) {
        return isMergeable(next, flags, file) && next.pgoff() == pgoff;
    }

    /** {@code can_vma_merge_after}: {@code prev} may grow over a range starting at page offset {@code pgoff}. */
    private static boolean canMergeAfter(Vma prev, long flags, long file, long pgoff) {
        return isMergeable(prev, flags, file) && prev.pgoff() + prev.pages() == pgoff;
    }

    /**
     * {@code vma_merge} for a range [addr, end) inside or after {@code prev}, taking {@code flags}:
     * the merged VMA, or null when neither neighbour can take the range.
     */
    private Vma vmaMerge(Vma prev, long addr, long end, long flags, long file, long pgoff) {
        long pglen = (end - addr) / PAGE;
        Vma next = findVma(prev != null ? prev.end() : 0);
        Vma mid = next;
        if (next != null && next.end() == end) {
            next = findVma(next.end());
        }
        boolean mergePrev = prev != null && prev.end() == addr && canMergeAfter(prev, flags, file, pgoff);
        boolean mergeNext = next != null && end == next.start() && canMergeBefore(next, flags, file, pgoff + pglen);
        if (mergePrev && mergeNext) {
            removeBetween(prev.end(), next.end());
            return replace(prev, prev.resize(prev.start(), next.end()));
        }
        if (mergePrev) {
            if (mid != null && mid.start() < end) {
                if (mid.end() <= end) {
                    remove(mid);
                } else {
                    replace(mid, mid.resize(end, mid.end()));
                }
            }
            return replace(prev, prev.resize(prev.start(), end));
        }
        if (mergeNext) {
            if (prev != null && addr < prev.end()) {
                replace(prev, prev.resize(prev.start(), addr));
            } else if (mid != null && mid != next && mid.start() >= addr && mid.end() <= end) {
                remove(mid);
            }
            return replace(next, new Vma(addr, next.end(), next.flags(), next.pgoff() - pglen, next.file()));
        }
        return null;
    }

    private void removeBetween(long from, long to) {
        for (Vma v : new ArrayList<>(tree.subMap(from, true, to, false).values())) {
            remove(v);
        }
    }

    // ---------------------------------------------------------------- get_unmapped_area

    private static long vmStartGap(Vma vma, long guard) {
        long start = vma.start();
        if ((vma.flags() & VM_GROWSDOWN) != 0) {
            start = start >= guard ? start - guard : 0;
        }
        return start;
    }

    /** {@code mas_empty_area}: the lowest start of a free range of {@code size} in [min, max], or -1. */
    private long emptyArea(long min, long max, long size) {
        long holeStart = 0;
        for (Vma v : tree.values()) {
            long lo = Math.max(holeStart, min);
            long hi = Math.min(v.start() - 1, max);
            if (hi >= lo && hi - lo + 1 >= size) {
                return lo;
            }
            holeStart = v.end();
        }
        long lo = Math.max(holeStart, min);
        return max >= lo && max - lo + 1 >= size ? lo : -1;
    }

    /** {@code mas_empty_area_rev}: the highest last address of a free range of {@code size} in [min, max], or -1. */
    private long emptyAreaRev(long min, long max, long size) {
        long holeEnd = MASK32;
        for (Vma v : tree.descendingMap().values()) {
            long lo = Math.max(v.end(), min);
            long hi = Math.min(holeEnd, max);
            if (hi >= lo && hi - lo + 1 >= size) {
                return hi;
            }
            holeEnd = v.start() - 1;
        }
        long lo = Math.max(0, min);
        long hi = Math.min(holeEnd, max);
        return hi >= lo && hi - lo + 1 >= size ? hi : -1;
    }

    /** {@code unmapped_area}: bottom-up, keeping the guard gap below a stack; -1 for -ENOMEM. */
    private long unmappedArea(long length, long lowLimit, long highLimit) {
        long low = lowLimit;
        while (true) {
            if (highLimit == 0) {
                return -1;
            }
            long gap = emptyArea(low, highLimit - 1, length);
            if (gap < 0) {
                return -1;
            }
            if (defects.contains(VmaDefect.UNMAPPED_AREA_IGNORES_STACK_GAP)) {
                return gap; // 58c5d0d6d522 undone: no check of the range against its neighbours
            }
            Vma next = after(gap);
            if (next != null && (next.flags() & VM_GROWSDOWN) != 0) {
                if (vmStartGap(next, config.stackGuardGap()) < gap + length - 1) {
                    low = next.end();
                    continue;
                }
            } else {
                Vma prev = before(gap + 1);
                if (prev != null && prev.end() > gap) {
                    low = prev.end();
                    continue;
                }
            }
            return gap;
        }
    }

    /** {@code unmapped_area_topdown}: the highest fit below {@code highLimit}; -1 for -ENOMEM. */
    private long unmappedAreaTopdown(long length, long lowLimit, long highLimit) {
        long high = highLimit;
        while (true) {
            if (high == 0) {
                return -1;
            }
            long last = emptyAreaRev(lowLimit, high - 1, length);
            if (last < 0) {
                return -1;
            }
            long gap = last + 1 - length;
            if (defects.contains(VmaDefect.UNMAPPED_AREA_IGNORES_STACK_GAP)) {
                return gap; // 58c5d0d6d522 undone: no check of the range against its neighbours
            }
            Vma next = after(last);
            if (next != null && (next.flags() & VM_GROWSDOWN) != 0) {
                if (vmStartGap(next, config.stackGuardGap()) <= last) {
                    high = vmStartGap(next, config.stackGuardGap());
                    continue;
                }
            } else {
                Vma prev = before(gap + 1);
                if (prev != null && prev.end() > gap) {
                    high = prev.start();
                    continue;
                }
            }
            return gap;
        }
    }

    /**
     * {@code get_unmapped_area} for anonymous memory, through ARM's {@code arch_get_unmapped_area}
     * or {@code arch_get_unmapped_area_topdown} (no cache colouring: the Cortex-A15's caches do
     * not alias). {@code addr} and {@code len} are already page aligned by {@code do_mmap}.
     */
    public MmResult getUnmappedArea(long addr, long len, int flags) {
        long taskSize = config.taskSize();
        if (len > taskSize) {
            return MmResult.fail(Errno.ENOMEM);
        }
        long found;
        if ((flags & MAP_FIXED) != 0) {
            found = addr;
        } else {
            found = -1;
            if (addr != 0) {
                long hint = (addr + PAGE - 1) & ~(PAGE - 1) & MASK32;
                Vma vma = findVma(hint);
                if (taskSize - len >= hint && (vma == null || hint + len <= vmStartGap(vma, config.stackGuardGap()))) {
                    found = hint;
                }
            }
            if (found < 0) {
                if (topDown) {
                    found = unmappedAreaTopdown(len, config.firstUserAddress(), mmapBase);
                    if (found < 0) {
                        // a failed top-down search falls back to bottom-up above mmap_base
                        found = unmappedArea(len, mmapBase, taskSize);
                    }
                } else {
                    found = unmappedArea(len, mmapBase, taskSize);
                }
                if (found < 0) {
                    return MmResult.fail(Errno.ENOMEM);
                }
            }
        }
        if (found > taskSize - len) {
            return MmResult.fail(Errno.ENOMEM);
        }
        if (found % PAGE != 0) {
            return MmResult.fail(Errno.EINVAL);
        }
        if (found < config.mmapMinAddr() && !defects.contains(VmaDefect.NO_MMAP_MIN_ADDR_CHECK)) {
            // security_mmap_addr: cap_mmap_addr refuses an unprivileged task
            return MmResult.fail(Errno.EPERM);
        }
        return MmResult.ok(found);
    }

    // ---------------------------------------------------------------- system calls

    private static void check32(String name, long value) {
        if (value < 0 || value > MASK32) {
            throw new IllegalArgumentException(name + ": found " + value + ", expected a 32-bit unsigned long");
        }
    }

    /**
     * One {@code mmap} call: its arguments and result; kept until the next call begins, for
     * INV-VMA-07 ({@link VmaChecks#stackGapKept}).
     */
    public record MmapCall(long addr, long len, int prot, int flags, MmResult result) {
    }

    private MmapCall lastMmap;

    /** The {@code mmap} of the current call, or null if the current call was no mmap of this mm. */
    public MmapCall lastMmap() {
        return lastMmap;
    }

    /** {@code mmap(addr, len, prot, flags, -1, 0)} ({@code do_mmap} and {@code mmap_region}). */
    public MmResult mmap(long addr, long len, int prot, int flags) {
        changes++;
        check32("addr", addr);
        check32("len", len);
        MmResult result = doMmap(addr, len, prot, flags);
        lastMmap = new MmapCall(addr, len, prot, flags, result);
        return result;
    }

    private MmResult doMmap(long addr, long len, int prot, int flags) {
        if ((flags & MAP_ANONYMOUS) == 0) {
            return MmResult.fail(Errno.EBADF);
        }
        if (len == 0) {
            return MmResult.fail(Errno.EINVAL);
        }
        if ((flags & MAP_FIXED_NOREPLACE) != 0) {
            flags |= MAP_FIXED;
        }
        if ((flags & MAP_FIXED) == 0) {
            addr = roundHintToMin(addr);
        }
        len = (len + PAGE - 1) & ~(PAGE - 1) & MASK32;
        if (len == 0) {
            return MmResult.fail(Errno.ENOMEM);
        }
        if (mapCount > config.maxMapCount()) {
            return MmResult.fail(Errno.ENOMEM);
        }
        MmResult area = getUnmappedArea(addr, len, flags);
        if (!area.isOk()) {
            return area;
        }
        addr = area.value();
        if ((flags & MAP_FIXED_NOREPLACE) != 0 && findVmaIntersection(addr, addr + len) != null) {
            return MmResult.fail(Errno.EEXIST);
        }
        long vmFlags = VmFlags.calcVmProtBits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
        long pgoff;
        switch (flags & MAP_TYPE) {
            case MAP_SHARED:
                pgoff = 0;
                vmFlags |= VM_SHARED | VM_MAYSHARE;
                break;
            case MAP_PRIVATE:
                pgoff = addr / PAGE;
                break;
            default:
                return MmResult.fail(Errno.EINVAL);
        }
        if ((flags & MAP_NORESERVE) != 0) {
            vmFlags |= VM_NORESERVE;
        }
        return mmapRegion(addr, len, vmFlags, pgoff);
    }

    private long roundHintToMin(long hint) {
        hint &= ~(PAGE - 1);
        if (hint != 0 && hint < config.mmapMinAddr()) {
            return (config.mmapMinAddr() + PAGE - 1) & ~(PAGE - 1);
        }
        return hint;
    }

    /** {@code mmap_region}: unmap what is there, then expand a neighbour or insert a new VMA. */
    private MmResult mmapRegion(long addr, long len, long vmFlags, long pgoff) {
        long end = addr + len;
        if (!defects.contains(VmaDefect.MAP_FIXED_KEEPS_OLD) && !munmapRange(addr, end)) {
            return MmResult.fail(Errno.ENOMEM);
        }
        // accountable_mapping: private writable memory is charged
        if ((vmFlags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE) {
            vmFlags |= VM_ACCOUNT;
        }
        long pglen = len / PAGE;
        Vma next = findVma(end);
        Vma prev = before(addr);
        long mergeStart = addr;
        long mergeEnd = end;
        long vmPgoff = pgoff;
        Vma expand = null;
        // a shared anonymous mapping gets its own shmem file later, so it never merges (file 0 here
        // matches no shared VMA, and a private neighbour differs in VM_SHARED)
        if (next != null && next.start() == end && canMergeBefore(next, vmFlags, 0, pgoff + pglen)) {
            mergeEnd = next.end();
            expand = next;
            vmPgoff = next.pgoff() - pglen;
        }
        if (prev != null && prev.end() == addr && canMergeAfter(prev, vmFlags, 0, pgoff)) {
            mergeStart = prev.start();
            expand = prev;
            vmPgoff = prev.pgoff();
        }
        if (expand != null) {
            if (expand == prev && mergeEnd > end) {
                remove(next);
            }
            replace(expand, new Vma(mergeStart, mergeEnd, expand.flags(), vmPgoff, expand.file()));
        } else {
            long file = (vmFlags & VM_SHARED) != 0 ? shmemIds.getAsLong() : 0;
            insert(new Vma(addr, end, vmFlags, pgoff, file));
        }
        totalVm += pglen;
        return MmResult.ok(addr);
    }

    /** {@code munmap(addr, len)} ({@code do_mas_munmap}). */
    public MmResult munmap(long start, long len) {
        changes++;
        check32("addr", start);
        check32("len", len);
        long taskSize = config.taskSize();
        if (start % PAGE != 0 || start > taskSize || len > taskSize - start) {
            return MmResult.fail(Errno.EINVAL);
        }
        long end = start + ((len + PAGE - 1) & ~(PAGE - 1));
        if (end == start) {
            return MmResult.fail(Errno.EINVAL);
        }
        return munmapRange(start, end) ? MmResult.ok(0) : MmResult.fail(Errno.ENOMEM);
    }

    /** {@code do_mas_align_munmap} over [start, end): false for the -ENOMEM of a split past the map count. */
    private boolean munmapRange(long start, long end) {
        Vma vma = findVmaIntersection(start, end);
        if (vma == null) {
            return true;
        }
        if (start > vma.start()) {
            if (end < vma.end() && mapCount >= config.maxMapCount()) {
                return false;
            }
            vma = splitVma(vma, start)[1];
        }
        long removed = 0;
        List<Vma> gone = new ArrayList<>();
        Vma splitTail = null;
        // the VMAs from vma up, looked up one at a time: the loop removes only the VMA it is at
        // (or splits it and stops), so the next one is the same before and after that edit
        Map.Entry<Long, Vma> at = tree.ceilingEntry(vma.start());
        for (Vma v = at == null ? null : at.getValue(); v != null; v = after(v.start())) {
            if (v.start() >= end) {
                break;
            }
            if (v.end() > end) {
                Vma[] parts = splitVma(v, end);
                removed += parts[0].pages();
                remove(parts[0]);
                gone.add(parts[0]);
                splitTail = parts[0];
                break;
            }
            removed += v.pages();
            remove(v);
            gone.add(v);
        }
        totalVm -= removed;
        if (listener != null && !gone.isEmpty()) {
            Vma prev = before(start);
            Vma next = findVma(end);
            listener.unmapped(gone, splitTail, prev == null ? config.firstUserAddress() : prev.end(),
                    next == null ? config.taskSize() : next.start());
        }
        return true;
    }

    /**
     * One {@code mprotect} call as the kernel saw it: its arguments, the VMAs when it began and
     * its result; kept until the next call begins, for INV-VMA-06 ({@link VmaChecks#mprotectResult}).
     */
    public record MprotectCall(long start, long len, int prot, List<Vma> before, MmResult result) {
    }

    private MprotectCall lastMprotect;

    /** The {@code mprotect} of the current call, or null if the current call was no mprotect of this mm. */
    public MprotectCall lastMprotect() {
        return lastMprotect;
    }

    /** A new call begins: the previous call's mprotect and mmap records are over. */
    public void beginCall() {
        lastMprotect = null;
        lastMmap = null;
    }

    /** {@code mprotect(start, len, prot)} ({@code do_mprotect_pkey}). */
    public MmResult mprotect(long start, long len, int prot) {
        changes++;
        check32("addr", start);
        check32("len", len);
        List<Vma> before = List.copyOf(tree.values());
        MmResult result = doMprotect(start, len, prot);
        lastMprotect = new MprotectCall(start, len, prot, before, result);
        return result;
    }

    private MmResult doMprotect(long start, long len, int prot) {
        final int growsDown = 0x01000000;
        final int growsUp = 0x02000000;
        int grows = prot & (growsDown | growsUp);
        prot &= ~(growsDown | growsUp);
        if (grows == (growsDown | growsUp)) {
            return MmResult.fail(Errno.EINVAL);
        }
        if (start % PAGE != 0) {
            return MmResult.fail(Errno.EINVAL);
        }
        if (len == 0) {
            return MmResult.ok(0);
        }
        len = (len + PAGE - 1) & ~(PAGE - 1) & MASK32;
        long end = (start + len) & MASK32;
        if (end <= start) {
            return MmResult.fail(Errno.ENOMEM);
        }
        if ((prot & ~(VmFlags.PROT_READ | VmFlags.PROT_WRITE | VmFlags.PROT_EXEC | VmFlags.PROT_SEM)) != 0) {
            return MmResult.fail(Errno.EINVAL);
        }
        Vma vma = findVma(start);
        if (vma == null) {
            return MmResult.fail(Errno.ENOMEM);
        }
        if (grows == growsDown) {
            if (vma.start() >= end) {
                return MmResult.fail(Errno.ENOMEM);
            }
            start = vma.start();
            if ((vma.flags() & VM_GROWSDOWN) == 0) {
                return MmResult.fail(Errno.EINVAL);
            }
        } else {
            if (vma.start() > start) {
                return MmResult.fail(Errno.ENOMEM);
            }
            if (grows == growsUp) {
                return MmResult.fail(Errno.EINVAL); // no VM_GROWSUP on ARM
            }
        }
        Vma prev = start > vma.start() ? vma : before(vma.start());
        long nstart = start;
        while (true) {
            long newFlags = VmFlags.calcVmProtBits(prot) | (vma.flags() & ~(VM_READ | VM_WRITE | VM_EXEC));
            if ((newFlags & ~(newFlags >> 4) & (VM_READ | VM_WRITE | VM_EXEC)) != 0) {
                return MmResult.fail(Errno.EACCES);
            }
            long tmp = Math.min(vma.end(), end);
            Vma done = mprotectFixup(vma, prev, nstart, tmp, newFlags);
            if (done == null) {
                return MmResult.fail(Errno.ENOMEM);
            }
            prev = done;
            nstart = tmp;
            // 2fcd07b7ccd5: a merge with the next VMA took the range past tmp; go on from its end
            if (nstart < prev.end() && !defects.contains(VmaDefect.MPROTECT_MERGED_NEXT_SEEN_AS_GAP)) {
                nstart = prev.end();
            }
            if (nstart >= end) {
                return MmResult.ok(0);
            }
            vma = findVma(prev.end());
            if (vma == null || vma.start() != nstart) {
                return MmResult.fail(Errno.ENOMEM);
            }
        }
    }

    /** {@code mprotect_fixup}: the VMA now covering [start, end) with {@code newFlags}, or null for -ENOMEM. */
    private Vma mprotectFixup(Vma vma, Vma prev, long start, long end, long newFlags) {
        long oldFlags = vma.flags();
        if (newFlags == oldFlags) {
            return vma;
        }
        if ((newFlags & VM_WRITE) != 0
                && (oldFlags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE)) == 0) {
            newFlags |= VM_ACCOUNT;
        }
        long pgoff = vma.pgoff() + (start - vma.start()) / PAGE;
        if (!defects.contains(VmaDefect.MPROTECT_NO_MERGE)) {
            Vma merged = vmaMerge(prev, start, end, newFlags, vma.file(), pgoff);
            if (merged != null) {
                changed(start, end, newFlags);
                return merged;
            }
        }
        if (start != vma.start()) {
            if (mapCount >= config.maxMapCount()) {
                return null;
            }
            vma = splitVma(vma, start)[1];
        }
        if (end <= vma.start()) {
            // Only under SPLIT_LOSES_PAGE: the range was the page the split above lost, no VMA
            // covers it any more, so there is nothing to change (INV-VMA-05 reports the loss).
            return vma;
        }
        if (end != vma.end()) {
            if (mapCount >= config.maxMapCount()) {
                return null;
            }
            vma = splitVma(vma, end)[0];
        }
        Vma done = replace(vma, vma.withFlags(newFlags));
        changed(start, end, newFlags);
        return done;
    }

    private void changed(long start, long end, long newFlags) {
        if (listener != null) {
            listener.protectionChanged(start, end, newFlags);
        }
    }

    /** {@code brk(newBrk)}: the new break, or the old one when the kernel refuses. */
    public long brk(long newBrk) {
        changes++;
        check32("brk", newBrk);
        long origBrk = brk;
        if (newBrk < startBrk) {
            return origBrk;
        }
        long newAligned = (newBrk + PAGE - 1) & ~(PAGE - 1);
        long oldAligned = (brk + PAGE - 1) & ~(PAGE - 1);
        if (newAligned == oldAligned) {
            brk = newBrk;
            return newBrk;
        }
        if (newBrk <= brk) {
            Vma brkVma = findVma(newAligned);
            if (brkVma == null || brkVma.start() >= oldAligned) {
                return origBrk;
            }
            brk = newBrk;
            if (!munmapRange(newAligned, oldAligned)) {
                brk = origBrk;
                return origBrk;
            }
            return newBrk;
        }
        long len = newAligned - oldAligned;
        if (!getUnmappedArea(oldAligned, len, MAP_FIXED).isOk()) {
            return origBrk;
        }
        Vma next = findVmaIntersection(oldAligned, newAligned + PAGE + config.stackGuardGap());
        if (next != null && newAligned + PAGE > vmStartGap(next, config.stackGuardGap())) {
            return origBrk;
        }
        Vma brkVma = before(oldAligned);
        if (brkVma != null && brkVma.end() <= startBrk) {
            brkVma = null; // mas_prev stops at start_brk
        }
        long flags = VmFlags.VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT;
        if (mapCount > config.maxMapCount()) {
            return origBrk;
        }
        long top = defects.contains(VmaDefect.BRK_NOT_PAGE_ALIGNED) ? newBrk : newAligned;
        // 6c28ca6485dd: only a VMA ending at the old break that could merge after it is expanded
        boolean expand = defects.contains(VmaDefect.BRK_EXPANDS_UNADJACENT_VMA)
                ? brkVma != null && brkVma.flags() == flags
                : brkVma != null && brkVma.end() == oldAligned && canMergeAfter(brkVma, flags, 0, oldAligned / PAGE);
        if (expand) {
            replace(brkVma, brkVma.resize(brkVma.start(), top));
        } else {
            insert(new Vma(oldAligned, top, flags, oldAligned / PAGE, 0));
        }
        totalVm += len / PAGE;
        brk = newBrk;
        return newBrk;
    }

    // ---------------------------------------------------------------- fork, stack growth, wiring

    /**
     * {@code dup_mmap} (kernel/fork.c): a child mm with a copy of every VMA (none has
     * {@code VM_DONTCOPY} or {@code VM_WIPEONFORK} here), the same bases, counts and break.
     */
    MmStruct dup() {
        MmStruct child = new MmStruct(config, new UserLayout(mmapBase, topDown, startStack + 16, startBrk), defects);
        child.brk = brk;
        child.tree.putAll(tree);
        child.mapCount = mapCount;
        child.totalVm = totalVm;
        child.nextShmem = nextShmem;
        child.rlimitStack = rlimitStack;
        return child;
    }

    /** Shared anonymous mappings take their shmem file ids from {@code ids} (ids unique across mms). */
    void shmemIds(java.util.function.LongSupplier ids) {
        this.shmemIds = ids;
    }

    /** The page-table side that follows the VMA changes. */
    void listener(Listener l) {
        this.listener = l;
    }

    /** {@code RLIMIT_STACK}, which bounds {@code expand_stack}. */
    void rlimitStack(long bytes) {
        this.rlimitStack = bytes;
    }

    /**
     * {@code expand_stack} (mm/mmap.c {@code expand_downwards}, {@code acct_stack_growth}) for a
     * fault at {@code addr} below the VMA {@code vma} that grows down: the grown VMA, or null when
     * the kernel refuses (under {@code mmap_min_addr} or {@code FIRST_USER_ADDRESS}, within
     * {@code stack_guard_gap} of an accessible VMA below, or larger than the stack rlimit).
     */
    Vma expandDownwards(Vma vma, long addr) {
        long address = addr & ~(PAGE - 1);
        // -EPERM: mmap_min_addr (4096) alone would let an unlimited stack grow onto page 0x1000,
        // under FIRST_USER_ADDRESS, whose first-level entry is the vectors' on some CPUs
        if (address < config.mmapMinAddr() || address < config.firstUserAddress()) {
            return null;
        }
        Vma prev = before(vma.start());
        if (prev != null && (prev.flags() & VM_GROWSDOWN) == 0
                && (prev.flags() & (VM_READ | VM_WRITE | VM_EXEC)) != 0
                && address - prev.end() < config.stackGuardGap()) {
            return null;
        }
        long size = vma.end() - address;
        if (size > rlimitStack) {
            return null;
        }
        long grow = (vma.start() - address) / PAGE;
        Vma grown = new Vma(address, vma.end(), vma.flags(), vma.pgoff() - grow, vma.file());
        replace(vma, grown);
        changes++; // the stack grew: a VMA changed, as for mmap (the user page-table checks' VMA signal)
        totalVm += grow;
        return grown;
    }

    // ---------------------------------------------------------------- state

    /** The VMAs in address order. */
    public List<Vma> vmas() {
        return Collections.unmodifiableList(new ArrayList<>(tree.values()));
    }

    /** {@code mm->map_count}, kept by every insertion, removal and split. */
    public int mapCount() {
        return mapCount;
    }

    /** {@code mm->total_vm} in pages, kept by mmap, munmap, brk and the stack setup. */
    public long totalVm() {
        return totalVm;
    }

    /** {@code mm->mmap_base}. */
    public long mmapBase() {
        return mmapBase;
    }

    /** Whether {@code get_unmapped_area} is the top-down one. */
    public boolean topDown() {
        return topDown;
    }

    /** {@code mm->start_brk}. */
    public long startBrk() {
        return startBrk;
    }

    /** {@code mm->brk}. */
    public long brk() {
        return brk;
    }

    /** {@code mm->start_stack}. */
    public long startStack() {
        return startStack;
    }

    /** The configuration. */
    public UserLayoutConfig config() {
        return config;
    }
}
