package armmm.model.vmalloc;

import java.util.Arrays;

/**
 * A set of longs that lists them in the order they were first added, without boxing: the
 * frames and pages INV-VMALLOC-06 judges in one check (a handful per call). The model's
 * bookkeeping; no kernel counterpart.
 */
final class OrderedLongSet {
    /** A set with nothing in it, never added to. */
    static final OrderedLongSet EMPTY = new OrderedLongSet();

    private long[] order = new long[8];
    private int size;
    /** Open addressing over {@link #order}'s indexes + 1 (0: free), built once the set outgrows a scan. */
    private int[] index;
    private static final int SCAN = 16;

    /** Adds {@code x} unless present; true when it was not. */
    boolean add(long x) {
        if (contains(x)) {
            return false;
        }
        if (size == order.length) {
            order = Arrays.copyOf(order, size * 2);
        }
        order[size++] = x;
        if (index != null) {
            if (size * 2 > index.length) {
                rehash(index.length * 2);
            } else {
                insert(size - 1);
            }
        } else if (size > SCAN) {
            rehash(64);
        }
        return true;
    }

    /** Adds every element of {@code other}, in its order. */
    void addAll(OrderedLongSet other) {
        for (int i = 0; i < other.size; i++) {
            add(other.order[i]);
        }
    }

    boolean contains(long x) {
        if (index == null) {
            for (int i = 0; i < size; i++) {
                if (order[i] == x) {
                    return true;
                }
            }
            return false;
        }
        int mask = index.length - 1;
        for (int h = hash(x) & mask; index[h] != 0; h = (h + 1) & mask) {
            if (order[index[h] - 1] == x) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The element added {@code i}-th (from 0). */
    long get(int i) {
        return order[i];
    }

    private void rehash(int capacity) {
        index = new int[capacity];
        for (int i = 0; i < size; i++) {
            insert(i);
        }
    }

    private void insert(int i) {
        int mask = index.length - 1;
        int h = hash(order[i]) & mask;
        while (index[h] != 0) {
            h = (h + 1) & mask;
        }
        index[h] = i + 1;
    }

    private static int hash(long x) {
        long h = x * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
