package armmm.model.mm;

import armmm.model.core.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The per-step VMA invariants' (INV-VMA-*) memory of what each check found in each live mm, and
 * at which of the mm's change counts ({@link MmStruct#changeCount}): a step that changed one
 * mm's VMAs re-runs each check on that mm alone. The model's bookkeeping, no kernel counterpart.
 *
 * <p>Why a skipped mm's result still holds: every check is a function of the mm's VMA tree,
 * {@code map_count}, {@code total_vm}, {@code start_brk}, its layout constants and the records of
 * the current call's {@code mmap} and {@code mprotect}. The tree and the two counts change only
 * in {@code mmap}, {@code munmap}, {@code mprotect}, {@code brk} and a stack's growth, each of which
 * moves the count; the layout constants and {@code start_brk} never change; the call records are
 * set only by counted calls and cleared by {@link MmStruct#beginCall}, which can only take a
 * violation away. So an mm whose count did not move and whose last result was empty is re-run
 * only by the complete check; one whose last result was not empty is always re-run, so that a
 * cleared record clears its violation as a full re-run would. A change that bypasses the
 * counted methods is the complete check's to find ({@code MmSubsystem.completeCheck} runs every
 * check on every mm without this memory).
 */
final class VmaCheckMemo {
    /** Per check: the mms seen at its last run, in the order of {@link Processes#mms}. */
    private final MmStruct[][] mms;
    /** Per check and mm: the mm's change count at that run. */
    private final long[][] counts;
    /** Per check and mm: what that run found. */
    private final List<?>[][] found;

    /** The live mms in the order of {@link Processes#mms}, listed when {@link Processes#liveChanges} was {@link #liveSeen}. */
    private MmStruct[] live = new MmStruct[0];
    private long liveSeen = -1;

    /** @param checks how many checks it remembers (numbered from 0) */
    VmaCheckMemo(int checks) {
        mms = new MmStruct[checks][0];
        counts = new long[checks][0];
        found = new List<?>[checks][0];
    }

    /**
     * Check number {@code k}, {@code check}, over every live mm of {@code p}: re-run on an mm
     * new to it, whose change count moved, or whose last result was a violation.
     */
    @SuppressWarnings("unchecked")
    List<Violation> check(int k, Processes p, Function<MmStruct, List<Violation>> check) {
        if (liveSeen != p.liveChanges()) {
            live = p.mms().values().toArray(new MmStruct[0]);
            liveSeen = p.liveChanges();
        }
        int n = live.length;
        MmStruct[] seen = mms[k];
        long[] at = counts[k];
        List<?>[] was = found[k];
        if (seen.length != n) {
            // mms came or went: positions no longer line up, so match by position where they do
            MmStruct[] s2 = new MmStruct[n];
            System.arraycopy(seen, 0, s2, 0, Math.min(n, seen.length));
            long[] a2 = java.util.Arrays.copyOf(at, n);
            List<?>[] w2 = java.util.Arrays.copyOf(was, n);
            seen = s2;
            at = a2;
            was = w2;
            mms[k] = seen;
            counts[k] = at;
            found[k] = was;
        }
        List<Violation> out = List.of();
        for (int i = 0; i < n; i++) {
            MmStruct mm = live[i];
            List<Violation> v;
            long count = mm.changeCount();
            if (seen[i] == mm && at[i] == count && was[i].isEmpty()) {
                v = (List<Violation>) was[i];
            } else {
                v = check.apply(mm);
                seen[i] = mm;
                at[i] = count;
                was[i] = v;
            }
            if (!v.isEmpty()) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.addAll(v);
            }
        }
        return out;
    }
}
