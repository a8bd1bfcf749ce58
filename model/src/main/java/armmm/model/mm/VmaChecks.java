package armmm.model.mm;

import armmm.model.core.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The VMA invariants (spec/mm.md, INV-VMA-01 to 05), as pure functions of what the kernel shows
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

    /** Every check by id. */
    public static final Map<String, Function<MmStruct, List<Violation>>> ALL = Map.of(
            SORTED, VmaChecks::sortedAndDisjoint,
            ALIGNED, VmaChecks::pageAligned,
            IN_USER_RANGE, VmaChecks::insideUserRange,
            MERGED, VmaChecks::noMergeableNeighbours,
            COUNTED, VmaChecks::countsAgree);

    private static final long PAGE = 4096;

    private VmaChecks() {
    }

    /** Every violation of every check, in id order. */
    public static List<Violation> all(MmStruct mm) {
        List<Violation> out = new ArrayList<>();
        for (String id : List.of(SORTED, ALIGNED, IN_USER_RANGE, MERGED, COUNTED)) {
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
}
