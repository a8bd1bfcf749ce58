package armmm.model.mm;

import armmm.model.core.Violation;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The per-step user page-table checks' own copy of what they read (no kernel counterpart): every
 * present user entry of every live mm as last read from the raw table words, the number of
 * PTEs mapping each frame, the mms' RSS as those entries count it, the frames used as page
 * tables, and each check's violations by slot or frame. A step brings it up to date from what
 * changed (each table's PTE-write journal, the mms' VMA change counts, {@link UserPages}'
 * touched frames and the buddy allocator's dirty frames), and each check re-evaluates only the
 * slots and frames that changed since its own last run: no whole-process or whole-memmap scan
 * per step. A write that bypasses those records is not seen here; the complete check
 * ({@link UptChecks#complete}) reads every table afresh and finds it.
 */
final class UptShadow {
    /** One present user entry (either word non-zero) as last read, and how INV-UPT-04 counted it. */
    private static final class Entry {
        final int linux;
        final int hw;
        /** Counted as MM_SHMEMPAGES (its frame was in a page cache when last classified). */
        boolean shmem;
        /** Counted in the RSS at all (a Linux entry other than the zero page). */
        final boolean counted;

        Entry(int linux, int hw, boolean counted) {
            this.linux = linux;
            this.hw = hw;
            this.counted = counted;
        }

        long pfn() {
            return Integer.toUnsignedLong(linux) >>> 12;
        }

        boolean same(int l, int h) {
            return linux == l && hw == h;
        }
    }

    /**
     * One mm's present entries by page: a chunk of 512 per first-level pair (a PTE page's worth),
     * so a slot is found without boxing or a tree walk, and walks run in address order.
     */
    private static final class Entries {
        /** First-level pairs of the 4 GiB space: a user VA never reaches the last of them. */
        private static final int CHUNKS = 2048;
        private final Entry[][] chunks = new Entry[CHUNKS][];
        private final int[] counts = new int[CHUNKS];
        private int size;

        Entry get(long va) {
            Entry[] c = chunks[(int) (va >>> 21)];
            return c == null ? null : c[(int) (va >>> 12) & 511];
        }

        void put(long va, Entry e) {
            int ci = (int) (va >>> 21);
            Entry[] c = chunks[ci];
            if (c == null) {
                c = new Entry[512];
                chunks[ci] = c;
            }
            int i = (int) (va >>> 12) & 511;
            if (c[i] == null) {
                counts[ci]++;
                size++;
            }
            c[i] = e;
        }

        /** The entries of first-level pair {@code ci} by slot (the live array, null slots empty), or null. */
        Entry[] chunk(int ci) {
            return counts[ci] == 0 ? null : chunks[ci];
        }

        void remove(long va) {
            int ci = (int) (va >>> 21);
            Entry[] c = chunks[ci];
            int i = (int) (va >>> 12) & 511;
            if (c != null && c[i] != null) {
                c[i] = null;
                counts[ci]--;
                size--;
            }
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** The addresses of the entries in [from, to), ascending. */
        long[] keys(long from, long to) {
            long[] out = new long[Math.min(size, 16)];
            int n = 0;
            if (size == 0 || from >= to) {
                return new long[0];
            }
            int last = (int) Math.min(CHUNKS - 1, (to - 1) >>> 21);
            for (int ci = (int) (from >>> 21); ci <= last; ci++) {
                if (counts[ci] == 0) {
                    continue;
                }
                Entry[] c = chunks[ci];
                for (int i = 0; i < 512; i++) {
                    long va = ((long) ci << 21) | ((long) i << 12);
                    if (c[i] != null && va >= from && va < to) {
                        if (n == out.length) {
                            out = java.util.Arrays.copyOf(out, Math.max(16, n * 2));
                        }
                        out[n++] = va;
                    }
                }
            }
            return java.util.Arrays.copyOf(out, n);
        }

        /** Every entry's address, ascending. */
        long[] keys() {
            return keys(0, (long) CHUNKS << 21);
        }

        void clear() {
            java.util.Arrays.fill(chunks, null);
            java.util.Arrays.fill(counts, 0);
            size = 0;
        }
    }

    /** One live mm's tables as last read. */
    private static final class Table {
        final long handle;
        final UserPageTables t;
        /** The mm's tables and RSS counters as the mm keeps them ({@code mm->rss_stat}). */
        final MmTables mt;
        long generation = -1;
        long l1Generation = -1;
        long vmaChanges = -1;
        List<Vma> vmas = List.of();
        /** INV-UPT-03's findings in the user half's first-level words, by word index. */
        final TreeMap<Integer, Violation> l1Bad = new TreeMap<>();
        final Entries entries = new Entries();
        long anon;
        long shmem;
        /** Per pgd of the user half, the PTE page its first-level word points at, pfn + 1 (0: none). */
        final long[] tableOf = new long[USER_PGDS];
        /** INV-UPT-05's last result and the versions it read: kernel half, swapper, both vmalloc_seqs. */
        List<Violation> kernelHalf;
        long kernelGeneration;
        long swapperVersion;
        long vmallocSeq;
        long initVmallocSeq;

        Table(long handle, MmTables mt) {
            this.handle = handle;
            this.mt = mt;
            this.t = mt.pt;
        }
    }

    /**
     * A list of keys, repeats allowed (re-reading a key twice finds the same): cleared in place, so
     * that a step that dirtied many keys does not leave a large table every later step walks.
     */
    private static final class Keys {
        private long[] keys = new long[16];
        private int n;

        void add(long k) {
            if (n == keys.length) {
                keys = java.util.Arrays.copyOf(keys, n * 2);
            }
            keys[n++] = k;
        }

        int size() {
            return n;
        }

        long get(int i) {
            return keys[i];
        }

        void clear() {
            n = 0;
            if (keys.length > 1024) {
                keys = new long[16];
            }
        }
    }

    /** What one check must re-read at its next run: slots (handle << 32 | page), frames, mms. */
    private static final class Pending {
        final Keys slots = new Keys();
        final Keys pfns = new Keys();
        final Keys handles = new Keys();
        /** First-level words to re-read (handle << 32 | word index), for the mms not in {@link #handles}. */
        final Keys l1Words = new Keys();
        boolean allPfns = true;
    }

    private static final int USER_PGDS = UptChecks.USER_PGDS;

    private final Map<Long, Table> tables = new HashMap<>();
    /**
     * The slots whose Linux entry maps each frame, ascending (INV-UPT-07): most frames have one.
     * Their number is also INV-UPT-06's count of present Linux PTEs mapping a frame other than
     * the zero page ({@link #mapped}).
     */
    private final Map<Long, long[]> slotsOf = new HashMap<>();
    /** The frames the tables use (pgds and PTE pages), with whose they are (INV-UPT-06). */
    private final Map<Long, List<String>> tableFrames = new HashMap<>();
    private long syncedStamp = Long.MIN_VALUE;
    private long buddyMarks = Long.MIN_VALUE;

    // per check: what to re-read, and the violations found so far by slot, frame or mm
    private final Pending inVmas = new Pending();
    private final Pending perms = new Pending();
    private final Pending notGlobal = new Pending();
    private final Pending refs = new Pending();
    private final Pending cow = new Pending();
    private final List<Pending> bySlot = List.of(inVmas, perms, notGlobal);
    private final List<Pending> byPfn = List.of(refs, cow);
    private final TreeMap<Long, Violation> inVmasFound = new TreeMap<>();
    private final TreeMap<Long, Violation> permsFound = new TreeMap<>();
    private final TreeMap<Long, Violation> notGlobalFound = new TreeMap<>();
    private final TreeMap<Long, List<Violation>> notGlobalL1Found = new TreeMap<>();
    private final TreeMap<Long, List<Violation>> refsFound = new TreeMap<>();
    private final TreeMap<Long, List<Violation>> cowFound = new TreeMap<>();

    private Table lastTable;
    /** The live mms' tables and the mms, in the order of {@link Processes#mms}, as {@link #relist} last saw them. */
    private Table[] live = new Table[0];
    private MmStruct[] liveMms = new MmStruct[0];
    /** {@link Processes#liveChanges} when {@link #live} was listed. */
    private long liveSeen = -1;

    /** The table of mm {@code handle} (the slots of one step are mostly one mm's: the last is kept), or null. */
    private Table table(long handle) {
        Table t = lastTable;
        if (t == null || t.handle != handle) {
            t = tables.get(handle);
            lastTable = t;
        }
        return t;
    }

    /** A slot's key: the mm's handle, then the page number (not the address: its low bits vary, for hashing). */
    private static long slot(long handle, long va) {
        return handle << 32 | va >>> 12;
    }

    private static long vaOf(long slot) {
        return (slot & 0xffffffffL) << 12;
    }

    // ---------------------------------------------------------------- bringing it up to date

    /** Reads what changed since the last look; nothing when the checks' change signal has not moved. */
    void sync(Processes p) {
        long stamp = MmSubsystem.uptStamp(p);
        if (stamp == syncedStamp) {
            return;
        }
        syncedStamp = stamp;
        UserMemory mem = p.memory();
        if (liveSeen != p.liveChanges()) {
            liveSeen = p.liveChanges();
            relist(mem, p);
        }
        for (int i = 0; i < live.length; i++) {
            Table s = live[i];
            readTable(mem, s);
            MmStruct mm = liveMms[i];
            if (s.vmaChanges != mm.changeCount()) {
                s.vmaChanges = mm.changeCount();
                List<Vma> now = mm.vmas();
                vmasChanged(s, s.vmas, now);
                s.vmas = now;
            }
        }
        long[] touched = mem.userPages().drainTouched();
        if (touched == null) {
            for (Table s : tables.values()) {
                for (long va : s.entries.keys()) {
                    reclassify(mem, s, s.entries.get(va));
                }
            }
            allPfns();
        } else {
            for (long pfn : touched) {
                long[] slots = slotsOf.get(pfn);
                if (slots != null) {
                    for (long sl : slots) {
                        Table s = table(sl >>> 32);
                        reclassify(mem, s, s.entries.get(vaOf(sl)));
                    }
                }
                dirtyPfn(pfn);
            }
        }
        readBuddy(mem);
    }

    /**
     * The live mms changed (one created, forked, exited or its tables freed: {@link Processes#liveChanges}):
     * the tables of mms gone or whose tables are not the ones read leave, new ones come, and
     * {@link #live} lists them in the order of {@link Processes#mms}.
     */
    private void relist(UserMemory mem, Processes p) {
        for (Iterator<Map.Entry<Long, Table>> it = tables.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, Table> e = it.next();
            if (!p.mms().containsKey(e.getKey()) || p.mmTables(e.getKey()) != e.getValue().mt) {
                drop(mem, e.getValue());
                it.remove();
                lastTable = null;
            }
        }
        live = new Table[p.mms().size()];
        liveMms = new MmStruct[live.length];
        int i = 0;
        for (Map.Entry<Long, MmStruct> e : p.mms().entrySet()) {
            long handle = e.getKey();
            Table s = tables.get(handle);
            if (s == null) {
                s = new Table(handle, p.mmTables(handle));
                tables.put(handle, s);
                addTableFrame(s.t.pgdPhys() >>> 12, "mm " + handle + "'s pgd");
            }
            live[i] = s;
            liveMms[i++] = e.getValue();
        }
    }

    /** A frame's allocation changed in the buddy allocator: the user and table frames among them. */
    private void readBuddy(UserMemory mem) {
        PageAllocator pa = mem.pages();
        long marks = pa.changeCount();
        if (marks == buddyMarks) {
            return;
        }
        if (pa.changeCountAtStepStart() <= buddyMarks && !pa.dirtyOverflow()) {
            long base = pa.basePfn();
            for (int f : pa.dirtyFrames()) {
                long pfn = base + f;
                if (mem.userPages().tracks(pfn) || tableFrames.containsKey(pfn) || mapped(mem, pfn) > 0) {
                    refs.pfns.add(pfn);
                }
            }
        } else {
            refs.allPfns = true;
        }
        buddyMarks = marks;
    }

    private void allPfns() {
        for (Pending q : byPfn) {
            q.allPfns = true;
        }
    }

    private void dirtyPfn(long pfn) {
        for (Pending q : byPfn) {
            q.pfns.add(pfn);
        }
    }

    private void dirtySlot(long handle, long va) {
        long sl = slot(handle, va);
        for (Pending q : bySlot) {
            q.slots.add(sl);
        }
    }

    /** The table's PTE slots written since the last read, or all of it after a first-level write. */
    private void readTable(UserMemory mem, Table s) {
        UserPageTables t = s.t;
        if (s.generation == t.generation()) {
            return;
        }
        long since = s.generation;
        long[] written = since < 0 ? null : t.userWritesSince(since);
        if (written != null) {
            long lastPgd = -1;
            for (long va : written) {
                if (va < 0) {
                    long pgd = -2 - va;
                    if (pgd != lastPgd) {
                        // the other word of the pmd pair names the same slots: read them once
                        readPgd(mem, s, (int) pgd);
                        lastPgd = pgd;
                    }
                    continue;
                }
                long slotVa = va & ~0xfffL;
                int word = t.l1((int) (slotVa >>> 21) * 2);
                int linux = 0;
                int hw = 0;
                if ((word & 3) == 1) {
                    long pfn = Integer.toUnsignedLong(word) >>> 12;
                    int i = (int) ((slotVa >>> 12) & 511);
                    linux = t.ptePageWord(pfn, i);
                    hw = t.ptePageWord(pfn, 512 + i);
                }
                put(mem, s, slotVa, linux, hw);
            }
        } else {
            rereadAll(mem, s);
        }
        if (s.l1Generation != t.l1Generation()) {
            s.l1Generation = t.l1Generation();
            int[] pgds = since < 0 ? null : t.userPgdsWrittenSince(since);
            if (pgds == null) {
                notGlobal.handles.add(s.handle);
                for (int pgd = 0; pgd < USER_PGDS; pgd++) {
                    readTableOf(s, pgd);
                }
            } else {
                // every user first-level write is journalled with its pgd: the other words are as read
                for (int pgd : pgds) {
                    notGlobal.l1Words.add(s.handle << 32 | 2L * pgd);
                    notGlobal.l1Words.add(s.handle << 32 | 2L * pgd + 1);
                    readTableOf(s, pgd);
                }
            }
        }
        s.generation = t.generation();
    }

    /**
     * The 512 slots of user pgd {@code pgd} after its first-level word was written, read from
     * the PTE page it points at now (none: every slot empty); only the slots that differ from
     * the shadow go through {@link #put}.
     */
    private void readPgd(UserMemory mem, Table s, int pgd) {
        int word = s.t.l1(pgd * 2);
        int[] page = (word & 3) == 1 ? s.t.ptePageView(Integer.toUnsignedLong(word) >>> 12) : null;
        Entry[] chunk = s.entries.chunk(pgd);
        if (page == null && chunk == null) {
            return;
        }
        long base = (long) pgd << 21;
        for (int i = 0; i < 512; i++) {
            int linux = page == null ? 0 : page[i];
            int hw = page == null ? 0 : page[512 + i];
            Entry old = chunk == null ? null : chunk[i];
            if (old == null ? linux == 0 && hw == 0 : old.same(linux, hw)) {
                continue;
            }
            put(mem, s, base | ((long) i << 12), linux, hw);
        }
    }

    /** Every slot of the user half read again, and the differences applied. */
    private void rereadAll(UserMemory mem, Table s) {
        TreeMap<Long, long[]> now = new TreeMap<>();
        UserPageTables t = s.t;
        for (int pgd = 0; pgd < USER_PGDS; pgd++) {
            int word = t.l1(pgd * 2);
            if ((word & 3) != 1) {
                continue;
            }
            long pfn = Integer.toUnsignedLong(word) >>> 12;
            for (int i = 0; i < 512; i++) {
                int linux = t.ptePageWord(pfn, i);
                int hw = t.ptePageWord(pfn, 512 + i);
                if (linux != 0 || hw != 0) {
                    now.put(((long) pgd << 21) | ((long) i << 12), new long[] {linux, hw});
                }
            }
        }
        for (long va : s.entries.keys()) {
            if (!now.containsKey(va)) {
                put(mem, s, va, 0, 0);
            }
        }
        for (Map.Entry<Long, long[]> e : now.entrySet()) {
            put(mem, s, e.getKey(), (int) e.getValue()[0], (int) e.getValue()[1]);
        }
    }

    /** Slot {@code va} of {@code s} now holds {@code linux}/{@code hw} (both 0: empty). */
    private void put(UserMemory mem, Table s, long va, int linux, int hw) {
        Entry old = s.entries.get(va);
        if (old == null ? linux == 0 && hw == 0 : old.same(linux, hw)) {
            return;
        }
        long sl = slot(s.handle, va);
        if (old != null) {
            unindex(mem, s, sl, old);
            s.entries.remove(va);
        }
        if (linux != 0 || hw != 0) {
            long pfn = Integer.toUnsignedLong(linux) >>> 12;
            Entry e = new Entry(linux, hw, linux != 0 && pfn != mem.zeroPfn());
            s.entries.put(va, e);
            if (linux != 0) {
                slotsOf.put(pfn, withSlot(slotsOf.get(pfn), sl));
                dirtyPfn(pfn);
            }
            if (e.counted) {
                e.shmem = mem.userPages().inPageCache(pfn);
                if (e.shmem) {
                    s.shmem++;
                } else {
                    s.anon++;
                }
            }
        }
        dirtySlot(s.handle, va);
    }

    private void unindex(UserMemory mem, Table s, long sl, Entry old) {
        if (old.linux == 0) {
            return;
        }
        long pfn = old.pfn();
        long[] slots = withoutSlot(slotsOf.get(pfn), sl);
        if (slots.length == 0) {
            slotsOf.remove(pfn);
        } else {
            slotsOf.put(pfn, slots);
        }
        if (old.counted) {
            if (old.shmem) {
                s.shmem--;
            } else {
                s.anon--;
            }
        }
        dirtyPfn(pfn);
    }

    /** Present Linux PTEs other than the zero page mapping {@code pfn} (INV-UPT-06). */
    private int mapped(UserMemory mem, long pfn) {
        if (pfn == mem.zeroPfn()) {
            return 0;
        }
        long[] slots = slotsOf.get(pfn);
        return slots == null ? 0 : slots.length;
    }

    private static long[] withSlot(long[] slots, long sl) {
        if (slots == null) {
            return new long[] {sl};
        }
        int at = java.util.Arrays.binarySearch(slots, sl);
        if (at >= 0) {
            return slots;
        }
        at = -at - 1;
        long[] out = new long[slots.length + 1];
        System.arraycopy(slots, 0, out, 0, at);
        out[at] = sl;
        System.arraycopy(slots, at, out, at + 1, slots.length - at);
        return out;
    }

    private static long[] withoutSlot(long[] slots, long sl) {
        int at = java.util.Arrays.binarySearch(slots, sl);
        if (at < 0) {
            return slots;
        }
        long[] out = new long[slots.length - 1];
        System.arraycopy(slots, 0, out, 0, at);
        System.arraycopy(slots, at + 1, out, at, slots.length - at - 1);
        return out;
    }

    private void reclassify(UserMemory mem, Table s, Entry e) {
        if (!e.counted) {
            return;
        }
        boolean now = mem.userPages().inPageCache(e.pfn());
        if (now != e.shmem) {
            if (now) {
                s.anon--;
                s.shmem++;
            } else {
                s.shmem--;
                s.anon++;
            }
            e.shmem = now;
        }
    }

    /** An mm gone (exited, or its tables replaced): its entries, frames and findings leave. */
    private void drop(UserMemory mem, Table s) {
        for (long va : s.entries.keys()) {
            unindex(mem, s, slot(s.handle, va), s.entries.get(va));
            dirtySlot(s.handle, va);
        }
        s.entries.clear();
        removeTableFrame(s.t.pgdPhys() >>> 12, "mm " + s.handle + "'s pgd");
        for (long pfn : s.tableOf) {
            if (pfn != 0) {
                removeTableFrame(pfn - 1, "mm " + s.handle + "'s PTE page");
            }
        }
        notGlobal.handles.add(s.handle);
    }

    private void addTableFrame(long pfn, String what) {
        tableFrames.computeIfAbsent(pfn, k -> new ArrayList<>(1)).add(what);
        dirtyPfn(pfn);
    }

    private void removeTableFrame(long pfn, String what) {
        List<String> l = tableFrames.get(pfn);
        if (l != null) {
            l.remove(what);
            if (l.isEmpty()) {
                tableFrames.remove(pfn);
            }
        }
        dirtyPfn(pfn);
    }

    /**
     * The VMAs changed: the entries under every VMA that is in one list and not the other are
     * re-read by INV-UPT-01 and 02 (elsewhere an entry lies in the same VMA, or hole, as before).
     */
    private void vmasChanged(Table s, List<Vma> before, List<Vma> now) {
        Set<Vma> kept = new HashSet<>(before);
        kept.retainAll(now);
        for (List<Vma> side : List.of(before, now)) {
            for (Vma v : side) {
                if (!kept.contains(v)) {
                    for (long va : s.entries.keys(v.start(), v.end())) {
                        inVmas.slots.add(slot(s.handle, va));
                        perms.slots.add(slot(s.handle, va));
                    }
                }
            }
        }
    }

    /** Re-reads which PTE page pgd {@code pgd}'s first-level word points at, and moves the table frames to match. */
    private void readTableOf(Table s, int pgd) {
        int word = s.t.l1(pgd * 2);
        long now = (word & 3) == 1 ? (Integer.toUnsignedLong(word) >>> 12) + 1 : 0;
        long old = s.tableOf[pgd];
        if (now == old) {
            return;
        }
        if (old != 0) {
            removeTableFrame(old - 1, "mm " + s.handle + "'s PTE page");
        }
        if (now != 0) {
            addTableFrame(now - 1, "mm " + s.handle + "'s PTE page");
        }
        s.tableOf[pgd] = now;
    }

    // ---------------------------------------------------------------- the checks

    private static <V> List<Violation> flat(TreeMap<Long, V> found) {
        if (found.isEmpty()) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>();
        for (V v : found.values()) {
            if (v instanceof Violation one) {
                out.add(one);
            } else {
                @SuppressWarnings("unchecked")
                List<Violation> many = (List<Violation>) v;
                out.addAll(many);
            }
        }
        return out;
    }

    /** Re-evaluates {@code q}'s slots with {@code eval} (null: none), then forgets them. */
    private void slots(Pending q, TreeMap<Long, Violation> found, SlotCheck eval) {
        for (int i = 0; i < q.slots.size(); i++) {
            long sl = q.slots.get(i);
            Table s = table(sl >>> 32);
            long va = vaOf(sl);
            Entry e = s == null ? null : s.entries.get(va);
            Violation v = e == null ? null : eval.check(s, va, e);
            if (v == null) {
                if (!found.isEmpty()) {
                    found.remove(sl);
                }
            } else {
                found.put(sl, v);
            }
        }
        q.slots.clear();
    }

    private interface SlotCheck {
        Violation check(Table s, long va, Entry e);
    }

    List<Violation> ptesInVmas(Processes p) {
        sync(p);
        slots(inVmas, inVmasFound, (s, va, e) -> UptChecks.vmaOf(s.vmas, va) != null ? null
                : UptChecks.v(UptChecks.PTES_IN_VMAS, s.handle, va, "a user PTE outside every VMA",
                        String.format("linux %08x hw %08x", e.linux, e.hw)));
        inVmas.handles.clear();
        inVmas.pfns.clear();
        inVmas.allPfns = false;
        return flat(inVmasFound);
    }

    List<Violation> permsWithinVma(Processes p) {
        sync(p);
        slots(perms, permsFound, (s, va, e) -> {
            Vma vma = UptChecks.vmaOf(s.vmas, va);
            return vma == null ? null : UptChecks.widerThanVma(s.handle, va, e.linux, e.hw, vma.flags());
        });
        perms.handles.clear();
        perms.pfns.clear();
        perms.allPfns = false;
        return flat(permsFound);
    }

    List<Violation> notGlobal(Processes p) {
        sync(p);
        slots(notGlobal, notGlobalFound, (s, va, e) -> UptChecks.notGlobalPte(s.handle, va, e.hw));
        for (int i = 0; i < notGlobal.handles.size(); i++) {
            long handle = notGlobal.handles.get(i);
            Table s = tables.get(handle);
            if (s != null) {
                s.l1Bad.clear();
                for (int w = 0; w < 2 * USER_PGDS; w++) {
                    l1Word(s, w);
                }
            }
            l1Found(handle, s);
        }
        for (int i = 0; i < notGlobal.l1Words.size(); i++) {
            long key = notGlobal.l1Words.get(i);
            Table s = tables.get(key >>> 32);
            if (s != null) {
                l1Word(s, (int) key);
                l1Found(s.handle, s);
            }
        }
        notGlobal.handles.clear();
        notGlobal.l1Words.clear();
        notGlobal.pfns.clear();
        notGlobal.allPfns = false;
        List<Violation> out = new ArrayList<>(flat(notGlobalL1Found));
        out.addAll(flat(notGlobalFound));
        return out;
    }

    /** Re-reads user first-level word {@code w} of {@code s} for INV-UPT-03. */
    private static void l1Word(Table s, int w) {
        Violation v = UptChecks.notGlobalL1Word(s.handle, w, s.t.l1(w));
        if (v == null) {
            if (!s.l1Bad.isEmpty()) {
                s.l1Bad.remove(w);
            }
        } else {
            s.l1Bad.put(w, v);
        }
    }

    /** Mm {@code handle}'s first-level findings as its table {@code s} (null: gone) holds them. */
    private void l1Found(long handle, Table s) {
        if (s == null || s.l1Bad.isEmpty()) {
            if (!notGlobalL1Found.isEmpty()) {
                notGlobalL1Found.remove(handle);
            }
        } else {
            notGlobalL1Found.put(handle, new ArrayList<>(s.l1Bad.values()));
        }
    }

    /** INV-UPT-04 from the counts kept entry by entry: one comparison per live mm. */
    List<Violation> rss(Processes p) {
        sync(p);
        List<Violation> out = List.of();
        // the live tables in the order of p.mms(), each with the mm's own counters (relist)
        for (Table s : live) {
            Violation v = UptChecks.rssDisagrees(s.handle, s.mt.anonRss, s.mt.shmemRss, s.anon, s.shmem);
            if (v != null) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.add(v);
            }
        }
        return out;
    }

    /** INV-UPT-05, re-read for an mm only when its kernel half, swapper's or a vmalloc_seq moved. */
    List<Violation> kernelHalf(Processes p) {
        sync(p);
        UserMemory mem = p.memory();
        List<Violation> out = List.of();
        for (Table s : tables.values()) {
            UserPageTables t = s.t;
            if (s.kernelHalf == null || s.kernelGeneration != t.kernelGeneration()
                    || s.swapperVersion != mem.swapperVersion() || s.vmallocSeq != t.vmallocSeq()
                    || s.initVmallocSeq != mem.vmallocSeq()) {
                s.kernelHalf = UptChecks.kernelHalf(mem, s.handle, t);
                s.kernelGeneration = t.kernelGeneration();
                s.swapperVersion = mem.swapperVersion();
                s.vmallocSeq = t.vmallocSeq();
                s.initVmallocSeq = mem.vmallocSeq();
            }
            List<Violation> v = s.kernelHalf;
            if (!v.isEmpty()) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.addAll(v);
            }
        }
        return out;
    }

    /** Every frame the pfn checks know of: user pages, mapped frames, table frames, past findings. */
    private Set<Long> everyPfn(UserMemory mem, TreeMap<Long, List<Violation>> found) {
        Set<Long> all = new HashSet<>(mem.userPages().frames());
        all.addAll(slotsOf.keySet());
        all.addAll(tableFrames.keySet());
        all.addAll(found.keySet());
        return all;
    }

    private void pfns(Pending q, TreeMap<Long, List<Violation>> found, UserMemory mem,
            java.util.function.LongFunction<List<Violation>> eval) {
        if (q.allPfns) {
            for (long pfn : everyPfn(mem, found)) {
                evalPfn(found, eval, pfn);
            }
        } else {
            for (int i = 0; i < q.pfns.size(); i++) {
                evalPfn(found, eval, q.pfns.get(i));
            }
        }
        q.pfns.clear();
        q.allPfns = false;
        q.slots.clear();
        q.handles.clear();
    }

    private static void evalPfn(TreeMap<Long, List<Violation>> found,
            java.util.function.LongFunction<List<Violation>> eval, long pfn) {
        List<Violation> v = eval.apply(pfn);
        if (v.isEmpty()) {
            if (!found.isEmpty()) {
                found.remove(pfn);
            }
        } else {
            found.put(pfn, v);
        }
    }

    /** INV-UPT-06 over the frames whose mappings, counts, allocation or table use changed. */
    List<Violation> pageRefs(Processes p) {
        sync(p);
        UserMemory mem = p.memory();
        pfns(refs, refsFound, mem, pfn -> {
            List<String> tf = tableFrames.get(pfn);
            return UptChecks.frameRefs(mem, pfn, mapped(mem, pfn),
                    tf == null ? null : tf.get(tf.size() - 1));
        });
        return flat(refsFound);
    }

    /** INV-UPT-07 over the frames whose mappings or page-cache membership changed. */
    List<Violation> cowReadOnly(Processes p) {
        sync(p);
        UserMemory mem = p.memory();
        pfns(cow, cowFound, mem, pfn -> {
            long[] slots = slotsOf.get(pfn);
            if (slots == null || mem.userPages().inPageCache(pfn)) {
                return List.of();
            }
            List<Violation> out = List.of();
            for (long sl : slots) {
                Entry e = table(sl >>> 32).entries.get(vaOf(sl));
                Violation v = UptChecks.writableShared(mem, sl >>> 32, vaOf(sl), pfn, e.linux, e.hw,
                        slots.length);
                if (v != null) {
                    if (out.isEmpty()) {
                        out = new ArrayList<>();
                    }
                    out.add(v);
                }
            }
            return out;
        });
        return flat(cowFound);
    }
}
