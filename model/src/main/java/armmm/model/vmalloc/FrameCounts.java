package armmm.model.vmalloc;

import java.util.Arrays;

/**
 * How many pages of the vmalloc window map each frame, as {@link VmallocTableCopy} counts them:
 * a map from frame number to a positive count, without boxing (open addressing, linear probing,
 * deletion by shifting the run back). The model's bookkeeping; no kernel counterpart.
 */
final class FrameCounts {
    private static final long FREE = -1;
    private long[] keys = newKeys(64);
    private int[] counts = new int[64];
    private int size;

    private static long[] newKeys(int n) {
        long[] k = new long[n];
        Arrays.fill(k, FREE);
        return k;
    }

    /** The count of {@code frame}, 0 when no page maps it. */
    int get(long frame) {
        int mask = keys.length - 1;
        for (int h = hash(frame) & mask; keys[h] != FREE; h = (h + 1) & mask) {
            if (keys[h] == frame) {
                return counts[h];
            }
        }
        return 0;
    }

    /** One more page maps {@code frame} ({@code frame >= 0}). */
    void increment(long frame) {
        int mask = keys.length - 1;
        int h = hash(frame) & mask;
        while (keys[h] != FREE) {
            if (keys[h] == frame) {
                counts[h]++;
                return;
            }
            h = (h + 1) & mask;
        }
        keys[h] = frame;
        counts[h] = 1;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    /** One page fewer maps {@code frame}; at 0 the frame leaves. Nothing when it has no count. */
    void decrement(long frame) {
        int mask = keys.length - 1;
        int h = hash(frame) & mask;
        while (keys[h] != frame) {
            if (keys[h] == FREE) {
                return;
            }
            h = (h + 1) & mask;
        }
        if (--counts[h] > 0) {
            return;
        }
        size--;
        // shift later members of the run back into the hole, so probes never stop early
        int hole = h;
        for (int j = (h + 1) & mask; keys[j] != FREE; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            boolean movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (movable) {
                keys[hole] = keys[j];
                counts[hole] = counts[j];
                hole = j;
            }
        }
        keys[hole] = FREE;
        counts[hole] = 0;
    }

    /** How many frames are mapped. */
    int size() {
        return size;
    }

    /** The mapped frames, ascending. */
    long[] frames() {
        long[] out = new long[size];
        int n = 0;
        for (long k : keys) {
            if (k != FREE) {
                out[n++] = k;
            }
        }
        Arrays.sort(out);
        return out;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = newKeys(oldKeys.length * 2);
        counts = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                int h = hash(oldKeys[i]) & mask;
                while (keys[h] != FREE) {
                    h = (h + 1) & mask;
                }
                keys[h] = oldKeys[i];
                counts[h] = oldCounts[i];
            }
        }
    }

    private static int hash(long x) {
        long h = x * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
