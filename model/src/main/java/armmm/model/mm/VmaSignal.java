package armmm.model.mm;

import java.util.Map;

/**
 * The change signal of the VMA invariants (INV-VMA-*), narrower than {@link Processes#changeCount}:
 * it moves when the set of live mms changes or one of them had a mutating call on its VMAs
 * ({@link MmStruct#changeCount}: mmap, munmap, mprotect, brk, a stack that grew), and not when a
 * page fault only wrote page tables. The model's bookkeeping for the per-step check; no kernel
 * counterpart.
 */
final class VmaSignal {
    private MmStruct[] mms = new MmStruct[0];
    private long[] counts = new long[0];
    private long stamp;

    /** A number that differs from the last one returned whenever any live mm's VMAs may have changed. */
    long stamp(Processes p) {
        Map<Long, MmStruct> live = p.mms();
        boolean same = live.size() == mms.length;
        if (same) {
            int i = 0;
            for (MmStruct mm : live.values()) {
                if (mms[i] != mm || counts[i] != mm.changeCount()) {
                    same = false;
                    break;
                }
                i++;
            }
        }
        if (!same) {
            mms = live.values().toArray(new MmStruct[0]);
            counts = new long[mms.length];
            for (int i = 0; i < mms.length; i++) {
                counts[i] = mms[i].changeCount();
            }
            stamp++;
        }
        return stamp;
    }
}
