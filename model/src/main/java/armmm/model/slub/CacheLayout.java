package armmm.model.slub;

/**
 * The geometry of one {@code struct kmem_cache} as {@code kmem_cache_open} (mm/slub.c) computes
 * it: the object layout of {@code calculate_sizes} (free pointer, red zones, tracking), the slab
 * order of {@code calculate_order}/{@code calc_slab_order}, {@code min_partial} and the per-CPU
 * partial limits of {@code set_cpu_partial}.
 *
 * @param objectSize     {@code object_size}: what the caller asked for
 * @param size           {@code size}: the stride between objects in a slab
 * @param offset         {@code offset}: where the free pointer lives in a free object
 * @param inuse          {@code inuse}: the bytes of an object in use (object plus right red zone)
 * @param align          {@code align}
 * @param redLeftPad     {@code red_left_pad}: the left red zone before each object
 * @param order          {@code oo_order(s->oo)}: pages per slab are 2^order
 * @param objects        {@code oo_objects(s->oo)}: objects per slab
 * @param minOrder       {@code oo_order(s->min)}: the order a single object needs
 * @param minPartial     {@code min_partial}
 * @param cpuPartial     {@code cpu_partial} (objects)
 * @param cpuPartialSlabs {@code cpu_partial_slabs}
 * @param flags          {@code flags} after debugging options and {@code __OBJECT_POISON}
 */
public record CacheLayout(int objectSize, int size, int offset, int inuse, int align, int redLeftPad,
                          int order, int objects, int minOrder, int minPartial, int cpuPartial,
                          int cpuPartialSlabs, int flags) {

    /** {@code PAGE_SIZE}. */
    public static final int PAGE_SIZE = 4096;
    /** {@code sizeof(void *)} on ARM32. */
    public static final int POINTER = 4;
    /** {@code sizeof(struct track)} with CONFIG_STACKDEPOT on ARM32: addr, handle, cpu, pid, when. */
    public static final int TRACK_SIZE = 20;
    /** {@code MAX_OBJS_PER_PAGE}: slab.objects is 15 bits. */
    public static final int MAX_OBJS_PER_PAGE = 32767;
    /** {@code MIN_PARTIAL}. */
    public static final int MIN_PARTIAL = 5;
    /** {@code MAX_PARTIAL}. */
    public static final int MAX_PARTIAL = 10;

    /** Thrown when {@code kmem_cache_open} would fail (no order can hold an object). */
    public static final class NoOrderException extends Exception {
        private static final long serialVersionUID = 1L;

        NoOrderException(int size) {
            super("no slab order below MAX_ORDER holds an object of " + size + " bytes");
        }
    }

    /**
     * {@code kmem_cache_open} for an object of {@code objectSize} bytes, alignment {@code align}
     * (already through {@code calculate_alignment}) and {@code flags} (already through
     * {@code kmem_cache_flags}).
     */
    public static CacheLayout open(int objectSize, int align, int flags, boolean ctor, SlubParams p)
            throws NoOrderException {
        return open(objectSize, align, flags, ctor, p, java.util.Set.of());
    }

    /**
     * As {@link #open(int, int, int, boolean, SlubParams)}, with the seeded bugs of
     * {@code calculate_sizes} in {@code bugs} planted ({@link SlubBug#FREEPTR_ROUNDED_INTO_REDZONE},
     * {@link SlubBug#SMALL_OBJECT_FREEPTR_IN_REDZONE}, {@link SlubBug#FREEPTR_MIDDLE_OF_INUSE}).
     */
    public static CacheLayout open(int objectSize, int align, int flags, boolean ctor, SlubParams p,
                                   java.util.Set<SlubBug> bugs) throws NoOrderException {
        int[] out = new int[5];
        int f = sizes(objectSize, align, flags, ctor, out, 0, bugs);
        int size = out[0];
        int redLeftPad = out[3];
        if (size == 0) {
            // an empty object without metadata: calculate_order would divide by zero
            throw new NoOrderException(size);
        }
        long order = calculateOrder(size, p);
        if (p.debug().higherOrderDisable() && getOrder(size) > getOrder(objectSize)) {
            // red_left_pad is only ever written under SLAB_RED_ZONE, so the first pass's value stays.
            f = sizes(objectSize, align, f & ~SlabFlags.DEBUG_METADATA, ctor, out, redLeftPad, bugs);
            size = out[0];
            redLeftPad = out[3];
            order = calculateOrder(size, p);
        }
        if (order < 0) {
            throw new NoOrderException(size);
        }
        int objects = orderObjects((int) order, size);
        if (objects == 0) {
            throw new NoOrderException(size);
        }
        int minPartial = Math.max(MIN_PARTIAL, Math.min(MAX_PARTIAL, ilog2(size) / 2));
        int cpuPartial;
        if ((f & SlabFlags.DEBUG) != 0) {
            cpuPartial = 0;
        } else if (size >= PAGE_SIZE) {
            cpuPartial = 6;
        } else if (size >= 1024) {
            cpuPartial = 24;
        } else if (size >= 256) {
            cpuPartial = 52;
        } else {
            cpuPartial = 120;
        }
        int cpuPartialSlabs = (cpuPartial * 2 + objects - 1) / objects;
        return new CacheLayout(objectSize, size, out[1], out[2], align, redLeftPad, (int) order, objects,
                getOrder(size), minPartial, cpuPartial, cpuPartialSlabs, f);
    }

    /** {@code calculate_sizes} without the order: fills size, offset, inuse, red_left_pad; returns the flags. */
    private static int sizes(int objectSize, int align, int flags, boolean ctor, int[] out, int oldRedLeftPad,
                             java.util.Set<SlubBug> bugs) {
        int size = alignUp(objectSize, POINTER);
        int f = flags;
        if ((flags & SlabFlags.SLAB_POISON) != 0 && (flags & SlabFlags.SLAB_TYPESAFE_BY_RCU) == 0 && !ctor) {
            f |= SlabFlags.OBJECT_POISON;
        } else {
            f &= ~SlabFlags.OBJECT_POISON;
        }
        boolean redZone = (flags & SlabFlags.SLAB_RED_ZONE) != 0;
        if (redZone && size == objectSize) {
            size += POINTER;
        }
        int inuse = size;
        int offset;
        // 74c1d3e08153 added the red-zone clause: an object smaller than the pointer cannot hold it
        // without the pointer reaching into the right red zone (object_size to inuse).
        boolean smallRedZoned = redZone && objectSize < POINTER
                && !bugs.contains(SlubBug.SMALL_OBJECT_FREEPTR_IN_REDZONE);
        if ((flags & (SlabFlags.SLAB_TYPESAFE_BY_RCU | SlabFlags.SLAB_POISON)) != 0 || smallRedZoned || ctor) {
            // The object's first word must survive a free, so the pointer goes after it.
            offset = size;
            size += POINTER;
        } else if (bugs.contains(SlubBug.FREEPTR_MIDDLE_OF_INUSE)) {
            // before 89b83f282d8b: half of inuse, which counts the red-zone word, rounded up; no
            // mid-object pointer when inuse is a single word
            offset = size > POINTER ? alignUp(size / 2, POINTER) : 0;
        } else if (bugs.contains(SlubBug.FREEPTR_ROUNDED_INTO_REDZONE)) {
            // before e41a49fadbc8: half the word-aligned size rounded UP, so the pointer can end
            // past object_size, in the right red zone; no mid-object pointer at all for one word
            int freepointerArea = alignUp(objectSize, POINTER);
            offset = freepointerArea > POINTER ? alignUp(freepointerArea / 2, POINTER) : 0;
        } else {
            // Mid-object, away from the edges that small overflows reach: half of object_size
            // rounded down (e41a49fadbc8), so the pointer stays inside the object.
            offset = (objectSize / 2) & ~(POINTER - 1);
        }
        if ((flags & SlabFlags.SLAB_STORE_USER) != 0) {
            size += 2 * TRACK_SIZE;
            if ((flags & SlabFlags.SLAB_KMALLOC) != 0) {
                size += 4; // the original kmalloc request size
            }
        }
        int redLeftPad = oldRedLeftPad;
        if (redZone) {
            size += POINTER;
            redLeftPad = alignUp(POINTER, align);
            size += redLeftPad;
        }
        out[0] = alignUp(size, align);
        out[1] = offset;
        out[2] = inuse;
        out[3] = redLeftPad;
        return f;
    }

    /** {@code calculate_order}: -1 for -ENOSYS. */
    static long calculateOrder(int size, SlubParams p) {
        long minObjects = p.targetMinObjects();
        long maxObjects = orderObjects(p.maxOrder(), size);
        minObjects = Math.min(minObjects, maxObjects);
        while (minObjects > 1) {
            for (int fraction = 16; fraction >= 4; fraction /= 2) {
                long order = calcSlabOrder(size, minObjects, p.maxOrder(), fraction, p.minOrder());
                if (order <= p.maxOrder()) {
                    return order;
                }
            }
            minObjects--;
        }
        long order = calcSlabOrder(size, 1, p.maxOrder(), 1, p.minOrder());
        if (order <= p.maxOrder()) {
            return order;
        }
        order = calcSlabOrder(size, 1, SlubParams.MAX_ORDER, 1, p.minOrder());
        return order < SlubParams.MAX_ORDER ? order : -1;
    }

    /** {@code calc_slab_order}: the first order from the start whose leftover is at most 1/fraction of the slab. */
    private static long calcSlabOrder(int size, long minObjects, long maxOrder, int fraction, long minOrder) {
        if (orderObjects(minOrder, size) > MAX_OBJS_PER_PAGE) {
            return getOrder((long) size * MAX_OBJS_PER_PAGE) - 1;
        }
        // unsigned int arithmetic: the product wraps at 32 bits as in the kernel
        long order = Math.max(minOrder, getOrder((minObjects * size) & 0xFFFF_FFFFL));
        for (; order <= maxOrder; order++) {
            long slab = (long) PAGE_SIZE << order;
            if (slab % size <= slab / fraction) {
                break;
            }
        }
        return order;
    }

    /** {@code order_objects}. */
    static int orderObjects(long order, int size) {
        // PAGE_SIZE << order is an unsigned long, 32 bits on ARM
        long slab = order >= 32 ? 0 : ((long) PAGE_SIZE << order) & 0xFFFF_FFFFL;
        return (int) (slab / size);
    }

    /** {@code get_order}: the smallest order whose pages hold {@code bytes}. */
    static int getOrder(long bytes) {
        long pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
        return pages <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    static int ilog2(int v) {
        return 31 - Integer.numberOfLeadingZeros(v);
    }

    static int alignUp(int v, int a) {
        return (v + a - 1) & -a;
    }

    /** Pages per slab. */
    public int pagesPerSlab() {
        return 1 << order;
    }

    /** Whether the free pointer lies outside the object ({@code freeptr_outside_object}). */
    public boolean freeptrOutsideObject() {
        return offset >= inuse;
    }
}
