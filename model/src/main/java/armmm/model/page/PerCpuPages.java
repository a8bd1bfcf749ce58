package armmm.model.page;

import java.util.Arrays;

/**
 * {@code struct per_cpu_pages} (include/linux/mmzone.h): one CPU's cache of free pages of one
 * zone, {@code NR_PCP_LISTS} lists (orders 0..PAGE_ALLOC_COSTLY_ORDER for each of the
 * MIGRATE_PCPTYPES; no THP list in this build), {@code count}, {@code high}, {@code batch} and
 * {@code free_factor}.
 */
public final class PerCpuPages {
    final int[] head = new int[PageAllocator.NR_PCP_LISTS];
    final int[] tail = new int[PageAllocator.NR_PCP_LISTS];
    /** Entries per list, from the list primitives. */
    final int[] listLen = new int[PageAllocator.NR_PCP_LISTS];
    /** {@code count}, in pages. */
    int count;
    int high;
    int batch;
    int freeFactor;
    /** Whether the last operation on this pageset was a free (the kernel drains at {@code high} then). */
    boolean lastWasFree;
    /** {@code count} before the last free, to see whether that free drained. */
    int countBeforeFree;

    PerCpuPages(int high, int batch) {
        Arrays.fill(head, -1);
        Arrays.fill(tail, -1);
        this.high = high;
        this.batch = batch;
    }

    /** {@code count}: pages on all lists. */
    public int count() {
        return count;
    }

    /** {@code high}. */
    public int high() {
        return high;
    }

    /** {@code batch}. */
    public int batch() {
        return batch;
    }

    /** Entries on list {@code pindex}. */
    public int listLength(int pindex) {
        return listLen[pindex];
    }

    /** {@code count} before the last free. */
    public int countBeforeFree() {
        return countBeforeFree;
    }

    /** Whether the last operation was a free. */
    public boolean lastWasFree() {
        return lastWasFree;
    }
}
