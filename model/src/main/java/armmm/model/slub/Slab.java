package armmm.model.slub;

/**
 * One slab ({@code struct slab}, mm/slab.h): 2^order buddy pages with PG_slab holding
 * {@code objects} objects of one cache. The free objects form a singly linked freelist kept
 * here as object indices (the model's truth); the same links are written into the slab's memory
 * with the hardened encoding ({@code freelist_ptr}, mm/slub.c), so a stray write to a free
 * object is seen when the allocator next reads that pointer, as in the kernel.
 */
public final class Slab {
    /** First pfn of the slab. */
    final long pfn;
    final int order;
    final KmemCache cache;
    final int objects;
    /** Virtual address of the first page. */
    final long base;
    /** The slab's bytes: objects, red zones, free pointers, padding. */
    final byte[] mem;
    /** next[i]: the index after object i on whichever freelist holds it; -1 ends a list. */
    final int[] next;
    /** Whether object i is handed out to a caller (the model's own record). */
    final boolean[] allocated;
    /** {@code slab->freelist} as an index, -1 for NULL. */
    int freelist = -1;
    /** {@code slab->inuse}. */
    int inuse;
    /** The head of the freshly shuffled freelist of a new slab. */
    int firstFree = -1;
    /** {@code slab->frozen}: owned by a CPU (its CPU slab or on its per-CPU partial list). */
    boolean frozen;
    /** The CPU owning the slab while frozen, else -1. */
    int cpu = -1;
    /** A debug check failed on it: 6.1 marks it frozen for good and never clears that, whatever list it returns to. */
    boolean failed;
    /** A caller wrote into this slab with {@code poke}: its debug patterns are the caller's business. */
    boolean poked;
    /** Where the slab is listed. */
    SlabList list = SlabList.NONE;
    /** The checks' own mark (no kernel counterpart): the walk of the lists that last saw this slab, and where. */
    long seenInWalk = -1;
    String seenWhere;

    /** The lists a slab can be on. */
    enum SlabList { NONE, CPU_SLAB, CPU_PARTIAL, NODE_PARTIAL, NODE_FULL }

    Slab(long pfn, int order, KmemCache cache, int objects, long base) {
        this.pfn = pfn;
        this.order = order;
        this.cache = cache;
        this.objects = objects;
        this.base = base;
        this.mem = new byte[CacheLayout.PAGE_SIZE << order];
        this.next = new int[objects];
        this.allocated = new boolean[objects];
    }

    /** The address of object {@code i} ({@code fixup_red_left}: past the left red zone). */
    long objectAddress(int i) {
        return base + (long) i * cache.size() + cache.layout().redLeftPad();
    }

    /** The object index of {@code addr}, or -1 when it is not the start of an object. */
    int indexOf(long addr) {
        long off = addr - base - cache.layout().redLeftPad();
        if (off < 0 || off % cache.size() != 0 || off / cache.size() >= objects) {
            return -1;
        }
        return (int) (off / cache.size());
    }

    /** Number of pages. */
    int pages() {
        return 1 << order;
    }

    int read32(int off) {
        return (mem[off] & 0xff) | (mem[off + 1] & 0xff) << 8 | (mem[off + 2] & 0xff) << 16 | (mem[off + 3] & 0xff) << 24;
    }

    void write32(int off, int v) {
        mem[off] = (byte) v;
        mem[off + 1] = (byte) (v >>> 8);
        mem[off + 2] = (byte) (v >>> 16);
        mem[off + 3] = (byte) (v >>> 24);
    }

    /** The first pfn, for reports and checks. */
    public long pfn() {
        return pfn;
    }

    /** {@code slab->inuse}. */
    public int inuse() {
        return inuse;
    }

    /** {@code slab->objects}. */
    public int objects() {
        return objects;
    }

    /** {@code slab->frozen}. */
    public boolean frozen() {
        return frozen;
    }
}
