package armmm.model.mm;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code struct page} state of the frames user mappings use, kept by the address-space
 * subsystem because the buddy allocator's {@code mem_map} models allocation only: for each such
 * frame {@code _refcount} ({@code get_page}/{@code put_page}), {@code _mapcount + 1}
 * ({@code page_add_new_anon_rmap}, {@code page_try_dup_anon_rmap}, {@code page_add_file_rmap},
 * {@code page_remove_rmap}), {@code PageAnonExclusive} (mm/rmap.c, include/linux/page-flags.h),
 * and for shared anonymous memory the shmem page cache ({@code shmem_get_folio}, mm/shmem.c),
 * which holds one reference of its own on each of its pages.
 */
public final class UserPages {
    /** One frame's state. */
    static final class Page {
        int refcount;
        int mapcount;
        boolean exclusive;
        /** The shmem file and page offset of a page-cache page; file 0 for an anonymous page. */
        final long file;
        final long index;

        Page(long file, long index) {
            this.file = file;
            this.index = index;
        }
    }

    private final Map<Long, Page> pages = new HashMap<>();
    private final Map<Long, TreeMap<Long, Long>> cache = new HashMap<>();

    /**
     * The model's bookkeeping for the per-step checks (no kernel counterpart): the frames whose
     * counts or page-cache membership changed since the checks last looked
     * ({@link #drainTouched}), so that INV-UPT-04, 06 and 07 re-read only those. Past
     * {@link #TOUCHED_CAP} entries nobody drained, it stops recording and says so.
     */
    private long[] touched = new long[64];
    private int nTouched;
    private boolean touchedOverflow;
    static final int TOUCHED_CAP = 1 << 12;

    private void touch(long pfn) {
        if (nTouched == touched.length) {
            if (touched.length >= TOUCHED_CAP) {
                touchedOverflow = true;
                return;
            }
            touched = java.util.Arrays.copyOf(touched, touched.length * 2);
        }
        touched[nTouched++] = pfn;
    }

    /**
     * The frames touched since the last drain (possibly repeated), then forgets them; null when
     * more were touched than recorded, and the reader must re-read every frame.
     */
    long[] drainTouched() {
        long[] out = touchedOverflow ? null : java.util.Arrays.copyOf(touched, nTouched);
        nTouched = 0;
        touchedOverflow = false;
        return out;
    }

    /** A new private anonymous page, mapped once and exclusive ({@code page_add_new_anon_rmap}). */
    void newAnon(long pfn) {
        Page p = new Page(0, 0);
        p.refcount = 1;
        p.mapcount = 1;
        p.exclusive = true;
        pages.put(pfn, p);
        touch(pfn);
    }

    /** The shmem page of {@code file} at {@code index}, or -1 when the cache has none. */
    long cached(long file, long index) {
        TreeMap<Long, Long> f = cache.get(file);
        Long pfn = f == null ? null : f.get(index);
        return pfn == null ? -1 : pfn;
    }

    /** A new page-cache page of {@code file} ({@code shmem_add_to_page_cache}): the cache's reference. */
    void newShmem(long pfn, long file, long index) {
        Page p = new Page(file, index);
        p.refcount = 1;
        pages.put(pfn, p);
        touch(pfn);
        cache.computeIfAbsent(file, f -> new TreeMap<>()).put(index, pfn);
    }

    /** One more mapping of {@code pfn}: {@code get_page} and a map count. */
    void map(long pfn) {
        touch(pfn);
        Page p = pages.get(pfn);
        p.refcount++;
        p.mapcount++;
    }

    /** Drop one mapping: the map count and the reference; true when the frame's last reference went. */
    boolean unmap(long pfn, boolean dropRef) {
        return unmap(pfn, pages.get(pfn), dropRef);
    }

    /** {@link #unmap(long, boolean)} of a frame whose state {@code p} the caller has already looked up. */
    boolean unmap(long pfn, Page p, boolean dropRef) {
        touch(pfn);
        p.mapcount--;
        if (dropRef) {
            p.refcount--;
        }
        if (p.refcount == 0) {
            pages.remove(pfn);
            return true;
        }
        return false;
    }

    /** Drop the page cache of {@code file} (the last mapping of the shmem file went); the frames to free. */
    long[] dropFile(long file) {
        TreeMap<Long, Long> f = cache.remove(file);
        if (f == null) {
            return new long[0];
        }
        return f.values().stream().mapToLong(Long::longValue).filter(pfn -> {
            touch(pfn);
            Page p = pages.get(pfn);
            p.refcount--;
            if (p.refcount == 0) {
                pages.remove(pfn);
                return true;
            }
            return false;
        }).toArray();
    }

    /** Whether any shmem file has pages in the cache. */
    boolean hasCachedFiles() {
        return !cache.isEmpty();
    }

    /** The shmem files that have pages in the cache. */
    java.util.Set<Long> cachedFiles() {
        return Collections.unmodifiableSet(cache.keySet());
    }

    Page page(long pfn) {
        return pages.get(pfn);
    }

    /** Whether {@code pfn} is a user page this subsystem tracks. */
    public boolean tracks(long pfn) {
        return pages.containsKey(pfn);
    }

    /** {@code page_ref_count} of a tracked frame, 0 otherwise. */
    public int refcount(long pfn) {
        Page p = pages.get(pfn);
        return p == null ? 0 : p.refcount;
    }

    /** {@code page_mapcount} of a tracked frame, 0 otherwise. */
    public int mapcount(long pfn) {
        Page p = pages.get(pfn);
        return p == null ? 0 : p.mapcount;
    }

    /** {@code PageAnonExclusive}. */
    public boolean exclusive(long pfn) {
        Page p = pages.get(pfn);
        return p != null && p.exclusive;
    }

    /** Whether the frame is in a shmem page cache. */
    public boolean inPageCache(long pfn) {
        Page p = pages.get(pfn);
        return p != null && p.file != 0;
    }

    /** The tracked frames. */
    public java.util.Set<Long> frames() {
        return Collections.unmodifiableSet(pages.keySet());
    }
}
