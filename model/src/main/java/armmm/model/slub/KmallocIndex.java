package armmm.model.slub;

/**
 * The kmalloc size classes of this build: {@code KMALLOC_MIN_SIZE} 64 (ARCH_DMA_MINALIGN, the
 * L1 line), {@code KMALLOC_SHIFT_LOW} 6, {@code KMALLOC_SHIFT_HIGH} 13, so kmalloc-64 ... kmalloc-8k
 * plus kmalloc-192 and no kmalloc-8/16/32/96. Index arithmetic of include/linux/slab.h
 * ({@code __kmalloc_index}) and mm/slab_common.c ({@code size_index}, {@code kmalloc_slab},
 * {@code setup_kmalloc_cache_index_table}, {@code kmalloc_info}).
 */
public final class KmallocIndex {
    /** {@code ARCH_KMALLOC_MINALIGN} = {@code KMALLOC_MIN_SIZE}. */
    public static final int KMALLOC_MIN_SIZE = 64;
    /** {@code KMALLOC_SHIFT_LOW}. */
    public static final int SHIFT_LOW = 6;
    /** {@code KMALLOC_SHIFT_HIGH} = PAGE_SHIFT + 1. */
    public static final int SHIFT_HIGH = 13;
    /** {@code KMALLOC_MAX_CACHE_SIZE}: larger requests go straight to the page allocator. */
    public static final int MAX_CACHE_SIZE = 1 << SHIFT_HIGH;
    /** {@code KMALLOC_SHIFT_MAX} = MAX_ORDER + PAGE_SHIFT - 1. */
    public static final int SHIFT_MAX = SlubParams.MAX_ORDER + 12 - 1;
    /** {@code KMALLOC_MAX_SIZE}. */
    public static final long MAX_SIZE = 1L << SHIFT_MAX;

    /** {@code size_index[]} after {@code setup_kmalloc_cache_index_table} for KMALLOC_MIN_SIZE 64. */
    private static final byte[] SIZE_INDEX = new byte[24];

    static {
        for (int bytes = 8; bytes <= 192; bytes += 8) {
            int idx;
            if (bytes <= KMALLOC_MIN_SIZE) {
                idx = SHIFT_LOW;
            } else if (bytes <= 128) {
                idx = 7; // 72..96 would be kmalloc-96, which a 64-byte minimum alignment leaves out
            } else {
                idx = 2;
            }
            SIZE_INDEX[(bytes - 1) / 8] = (byte) idx;
        }
    }

    private KmallocIndex() {
    }

    /** The indices of the kmalloc caches this build creates, in {@code create_kmalloc_caches} order. */
    public static int[] createdIndices() {
        return new int[] {6, 7, 2, 8, 9, 10, 11, 12, 13};
    }

    /** {@code kmalloc_info[i].size}. */
    public static int size(int index) {
        return switch (index) {
            case 1 -> 96;
            case 2 -> 192;
            default -> 1 << index;
        };
    }

    /** The short size in {@code kmalloc_info[i].name}: 64, 192, 1k, 8k. */
    public static String shortSize(int index) {
        int size = size(index);
        return size >= 1024 ? (size / 1024) + "k" : Integer.toString(size);
    }

    /** {@code __kmalloc_index}: 0 for size 0, -1 where the kernel would BUG (above 2 MiB). */
    public static int kmallocIndex(long size) {
        if (size == 0) {
            return 0;
        }
        if (size <= KMALLOC_MIN_SIZE) {
            return SHIFT_LOW;
        }
        if (size > 128 && size <= 192) {
            return 2;
        }
        if (size > (1L << 21)) {
            return -1;
        }
        return 64 - Long.numberOfLeadingZeros(size - 1);
    }

    /**
     * The index {@code kmalloc_slab} uses: the table below 193 bytes, fls(size - 1) above; 0 for
     * size 0 (ZERO_SIZE_PTR), -1 above KMALLOC_MAX_CACHE_SIZE (the kernel warns and returns NULL).
     */
    public static int slabIndex(long size) {
        if (size <= 192) {
            return size == 0 ? 0 : SIZE_INDEX[(int) ((size - 1) / 8)];
        }
        if (size > MAX_CACHE_SIZE) {
            return -1;
        }
        return 64 - Long.numberOfLeadingZeros(size - 1);
    }
}
