package armmm.model.mm;

import armmm.model.core.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The VMA invariants (spec/mm.md, INV-VMA-01 to 07), as pure functions of what the kernel shows
 * of an mm: its VMAs in order, {@code map_count}, {@code total_vm}, {@code start_brk} and the
 * layout constants. They recompute everything and call none of {@link MmStruct}'s helpers.
 */
public final class VmaChecks {
    /** INV-VMA-01. */
    public static final String SORTED = "INV-VMA-01";
    /** INV-VMA-02. */
    public static final String ALIGNED = "INV-VMA-02";
    /** INV-VMA-03. */
    public static final String IN_USER_RANGE = "INV-VMA-03";
    /** INV-VMA-04. */
    public static final String MERGED = "INV-VMA-04";
    /** INV-VMA-05. */
    public static final String COUNTED = "INV-VMA-05";
    /** INV-VMA-06. */
    public static final String MPROTECT_RESULT = "INV-VMA-06";
    /** INV-VMA-07. */
    public static final String STACK_GAP = "INV-VMA-07";

    /** Every check by id. */
    public static final Map<String, Function<MmStruct, List<Violation>>> ALL = Map.of(
            SORTED, VmaChecks::sortedAndDisjoint,
            ALIGNED, VmaChecks::pageAligned,
            IN_USER_RANGE, VmaChecks::insideUserRange,
            MERGED, VmaChecks::noMergeableNeighbours,
            COUNTED, VmaChecks::countsAgree,
            MPROTECT_RESULT, VmaChecks::mprotectResult,
            STACK_GAP, VmaChecks::stackGapKept);

    private static final long PAGE = 4096;

    private VmaChecks() {
    }

    /** Every violation of every check, in id order. */
    public static List<Violation> all(MmStruct mm) {
        List<Violation> out = new ArrayList<>();
        for (String id : List.of(SORTED, ALIGNED, IN_USER_RANGE, MERGED, COUNTED, MPROTECT_RESULT, STACK_GAP)) {
            out.addAll(ALL.get(id).apply(mm));
        }
        return out;
    }

    /** INV-VMA-01: each VMA ends at or before the start of the next. */
    public static List<Violation> sortedAndDisjoint(MmStruct mm) {
        List<Violation> out = new ArrayList<>();
        List<Vma> vmas = mm.vmas();
        for (int i = 1; i < vmas.size(); i++) {
            if (vmas.get(i - 1).end() > vmas.get(i).start()) {
                out.add(new Violation(SORTED, "VMAs overlap", vmas.get(i - 1) + " and " + vmas.get(i)));
            }
        }
        return out;
    }

    /** INV-VMA-02: every VMA starts and ends on a page boundary and is not empty. */
    public static List<Violation> pageAligned(MmStruct mm) {
        List<Violation> out = new ArrayList<>();
        for (Vma v : mm.vmas()) {
            if (v.start() % PAGE != 0 || v.end() % PAGE != 0 || v.end() <= v.start()) {
                out.add(new Violation(ALIGNED, "VMA not page aligned", v.toString()));
            }
        }
        return out;
    }

    /** INV-VMA-03: every VMA lies in [mmap_min_addr, TASK_SIZE). */
    public static List<Violation> insideUserRange(MmStruct mm) {
        List<Violation> out = new ArrayList<>();
        for (Vma v : mm.vmas()) {
            if (v.start() < mm.config().mmapMinAddr() || v.end() > mm.config().taskSize()) {
                out.add(new Violation(IN_USER_RANGE, "VMA outside user space", v + ", mmap_min_addr 0x"
                        + Long.toHexString(mm.config().mmapMinAddr()) + ", TASK_SIZE 0x"
                        + Long.toHexString(mm.config().taskSize())));
            }
        }
        return out;
    }

    /**
     * INV-VMA-04: no two touching VMAs that {@code vma_merge} would have merged (same flags, same
     * file, page offsets that continue). The one pair the kernel leaves is a brk VMA starting at
     * {@code start_brk} after a VMA ending there: {@code do_brk_flags} only merges inside the brk area.
     */
    public static List<Violation> noMergeableNeighbours(MmStruct mm) {
        List<Violation> out = new ArrayList<>();
        List<Vma> vmas = mm.vmas();
        for (int i = 1; i < vmas.size(); i++) {
            Vma a = vmas.get(i - 1);
            Vma b = vmas.get(i);
            boolean mergeable = a.end() == b.start() && a.flags() == b.flags() && a.file() == b.file()
                    && a.pgoff() + (a.end() - a.start()) / PAGE == b.pgoff();
            // expand_downwards (mm/mmap.c) moves a stack's vm_start down to a fault and never calls
            // vma_merge: a VM_GROWSDOWN VMA may come to touch an identical one below it
            boolean grownStack = (b.flags() & VmFlags.VM_GROWSDOWN) != 0;
            if (mergeable && b.start() != mm.startBrk() && !grownStack) {
                out.add(new Violation(MERGED, "mergeable VMAs not merged", a + " and " + b));
            }
        }
        return out;
    }

    /** INV-VMA-05: {@code map_count} is the number of VMAs and {@code total_vm} their pages. */
    public static List<Violation> countsAgree(MmStruct mm) {
        List<Violation> out = new ArrayList<>();
        List<Vma> vmas = mm.vmas();
        if (mm.mapCount() != vmas.size()) {
            out.add(new Violation(COUNTED, "map_count wrong", "map_count " + mm.mapCount() + ", VMAs " + vmas.size()));
        }
        long pages = 0;
        for (Vma v : vmas) {
            pages += (v.end() - v.start()) / PAGE;
        }
        if (mm.totalVm() != pages) {
            out.add(new Violation(COUNTED, "total_vm wrong", "total_vm " + mm.totalVm() + " pages, VMAs cover " + pages));
        }
        return out;
    }

    /**
     * INV-VMA-06: the result of the current call's {@code mprotect} (if it was one) agrees with
     * the VMAs it began with and those it left. Judged for a page-aligned start, a non-empty
     * range that does not wrap and no {@code PROT_GROWSDOWN}/{@code PROT_GROWSUP}: -ENOMEM only if
     * a page of the range lay in no VMA (or a split could pass {@code max_map_count}); success only
     * if none did, and then every VMA over the range has exactly the requested read, write and
     * exec bits. -EACCES (a VM_MAY* refusal) is not judged.
     */
    public static List<Violation> mprotectResult(MmStruct mm) {
        MmStruct.MprotectCall c = mm.lastMprotect();
        if (c == null || c.start() % PAGE != 0 || c.len() == 0
                || (c.prot() & ~(VmFlags.PROT_READ | VmFlags.PROT_WRITE | VmFlags.PROT_EXEC | VmFlags.PROT_SEM)) != 0) {
            return List.of();
        }
        long end = (c.start() + ((c.len() + PAGE - 1) & ~(PAGE - 1))) & 0xffffffffL;
        if (end <= c.start() || c.result().error() == Errno.EACCES) {
            return List.of();
        }
        long holeAt = firstUncovered(c.before(), c.start(), end);
        List<Violation> out = new ArrayList<>();
        String call = "mprotect(0x" + Long.toHexString(c.start()) + ", 0x" + Long.toHexString(c.len()) + ", "
                + c.prot() + ") = " + c.result();
        if (!c.result().isOk()) {
            // each call splits at most twice: at the range's start and at its end
            if (holeAt < 0 && c.result().error() == Errno.ENOMEM && c.before().size() + 2 <= mm.config().maxMapCount()) {
                out.add(new Violation(MPROTECT_RESULT, "mprotect -ENOMEM over a range VMAs covered", call));
            }
            return out;
        }
        if (holeAt >= 0) {
            out.add(new Violation(MPROTECT_RESULT, "mprotect succeeded over a hole",
                    call + ", page 0x" + Long.toHexString(holeAt) + " was in no VMA"));
            return out;
        }
        long rwx = VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_EXEC;
        for (Vma v : mm.vmas()) {
            if (v.end() > c.start() && v.start() < end && (v.flags() & rwx) != (c.prot() & rwx)) {
                out.add(new Violation(MPROTECT_RESULT, "mprotect succeeded but left a VMA of the range unchanged",
                        call + ", " + v));
            }
        }
        return out;
    }

    /** The first page of [start, end) no VMA of {@code vmas} (sorted) covers, or -1. */
    private static long firstUncovered(List<Vma> vmas, long start, long end) {
        long at = start;
        for (Vma v : vmas) {
            if (v.end() <= at) {
                continue;
            }
            if (v.start() > at) {
                return at;
            }
            at = v.end();
            if (at >= end) {
                return -1;
            }
        }
        return at < end ? at : -1;
    }

    /**
     * INV-VMA-07: an {@code mmap} of the current call without {@code MAP_FIXED} (or
     * {@code MAP_FIXED_NOREPLACE}) that succeeded placed its range at or below
     * {@code vm_start_gap} of the VMA above it when that VMA is a stack ({@code VM_GROWSDOWN}):
     * start less {@code stack_guard_gap}, clamped at 0. The hint path and both searches of
     * {@code get_unmapped_area} keep that gap; only a fixed mapping may go into it.
     */
    public static List<Violation> stackGapKept(MmStruct mm) {
        MmStruct.MmapCall c = mm.lastMmap();
        if (c == null || !c.result().isOk() || (c.flags() & (VmFlags.MAP_FIXED | VmFlags.MAP_FIXED_NOREPLACE)) != 0) {
            return List.of();
        }
        long start = c.result().value();
        long end = start + ((c.len() + PAGE - 1) & ~(PAGE - 1));
        long guard = mm.config().stackGuardGap();
        for (Vma v : mm.vmas()) {
            if (v.start() >= end) {
                if ((v.flags() & VmFlags.VM_GROWSDOWN) != 0) {
                    long gapStart = v.start() >= guard ? v.start() - guard : 0;
                    if (end > gapStart) {
                        return List.of(new Violation(STACK_GAP, "mmap placed a range in the stack guard gap",
                                "mmap(0x" + Long.toHexString(c.addr()) + ", 0x" + Long.toHexString(c.len()) + ") = 0x"
                                        + Long.toHexString(start) + ", end 0x" + Long.toHexString(end) + ", stack " + v
                                        + ", stack_guard_gap 0x" + Long.toHexString(guard)));
                    }
                }
                break;
            }
        }
        return List.of();
    }
}
