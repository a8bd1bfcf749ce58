package armmm.model.mm;

import armmm.model.core.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The user page-table invariants INV-UPT-01 to 07 (spec/invariants.md), over every live mm at
 * once. They read the tables' raw words (first-level words and PTE pages) and decode them here,
 * bit by bit from arch/arm/include/asm/pgtable-2level.h and pgtable-2level-hwdef.h, without the
 * model's own PTE helpers ({@code ProtectionMap}, {@code UserPageTables.userPtes}), and compare
 * with the VMAs' {@code vm_flags}, the RSS counters, {@code swapper_pg_dir}, the user pages'
 * counts and the buddy allocator's view of each frame.
 */
final class UptChecks {
    static final String PTES_IN_VMAS = "INV-UPT-01";
    static final String PERMS_WITHIN_VMA = "INV-UPT-02";
    static final String NOT_GLOBAL = "INV-UPT-03";
    static final String RSS = "INV-UPT-04";
    static final String KERNEL_HALF = "INV-UPT-05";
    static final String PAGE_REFS = "INV-UPT-06";
    static final String COW_READ_ONLY = "INV-UPT-07";

    // Linux PTE bits (pgtable-2level.h) and hardware small-page bits (pgtable-2level-hwdef.h)
    private static final int L_RDONLY = 1 << 7;
    private static final int L_USER = 1 << 8;
    private static final int L_XN = 1 << 9;
    private static final int L_NONE = 1 << 11;
    private static final int HW_XN = 1;
    private static final int HW_AP1 = 1 << 5;
    private static final int HW_APX = 1 << 9;
    private static final int HW_NG = 1 << 11;
    private static final int SECT_APX = 1 << 15;
    private static final int USER_PGDS = (int) (UserLayoutConfig.TASK_SIZE >>> 21);

    static final Map<String, Function<Processes, List<Violation>>> ALL = Map.of(
            PTES_IN_VMAS, UptChecks::ptesInVmas, PERMS_WITHIN_VMA, UptChecks::permsWithinVma,
            NOT_GLOBAL, UptChecks::notGlobal, RSS, UptChecks::rss, KERNEL_HALF, UptChecks::kernelHalf,
            PAGE_REFS, UptChecks::pageRefs, COW_READ_ONLY, UptChecks::cowReadOnly);

    private UptChecks() {
    }

    /**
     * Set while the complete check runs: every cache below (the decoded entries patched from the
     * write journal, the per-table memos) is bypassed, so the tables are read word by word again
     * and a write that bypassed the journal and the generation is still found at chain end.
     */
    private static final ThreadLocal<Boolean> FRESH = ThreadLocal.withInitial(() -> false);

    /** Check {@code id} over {@code p} reading every table afresh, ignoring what earlier checks kept. */
    static List<Violation> complete(String id, Processes p) {
        boolean was = FRESH.get();
        FRESH.set(true);
        try {
            return ALL.get(id).apply(p);
        } finally {
            FRESH.set(was);
        }
    }

    /** One present user entry read from the raw tables: its address and both words. */
    private record Entry(long va, int linux, int hw) {
        long pfn() {
            return Integer.toUnsignedLong(linux) >>> 12;
        }
    }

    /**
     * The decoded entries of one table at one generation, by address. A step that wrote only PTE
     * slots (the table's write journal says which) re-reads just those slots' raw words; any
     * first-level write, or a gap longer than the journal, decodes the whole user half again.
     */
    private record Decoded(long generation, java.util.TreeMap<Long, Entry> byVa, List<Entry> entries) {
    }

    private static final java.util.Map<UserPageTables, Decoded> DECODED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Every non-zero Linux or hardware entry of the user half, read word by word. */
    private static List<Entry> entries(UserPageTables t) {
        if (FRESH.get()) {
            return decode(t);
        }
        Decoded d = DECODED.get(t);
        if (d == null || d.generation() != t.generation()) {
            long[] dirty = d == null ? null : t.ptesWrittenSince(d.generation());
            d = dirty == null ? full(t) : patched(t, d, dirty);
            DECODED.put(t, d);
        }
        return d.entries();
    }

    private static Decoded full(UserPageTables t) {
        java.util.TreeMap<Long, Entry> byVa = new java.util.TreeMap<>();
        for (Entry e : decode(t)) {
            byVa.put(e.va(), e);
        }
        return new Decoded(t.generation(), byVa, List.copyOf(byVa.values()));
    }

    /** {@code d} with the slots at {@code dirty} re-read from the PTE pages' words. */
    private static Decoded patched(UserPageTables t, Decoded d, long[] dirty) {
        java.util.TreeMap<Long, Entry> byVa = new java.util.TreeMap<>(d.byVa());
        for (long va : dirty) {
            int word = t.l1((int) (va >>> 21) * 2);
            int linux = 0;
            int hw = 0;
            if ((word & 3) == 1) {
                long pfn = Integer.toUnsignedLong(word) >>> 12;
                int i = (int) ((va >>> 12) & 511);
                linux = t.ptePageWord(pfn, i);
                hw = t.ptePageWord(pfn, 512 + i);
            }
            long slot = va & ~0xfffL;
            if (linux != 0 || hw != 0) {
                byVa.put(slot, new Entry(slot, linux, hw));
            } else {
                byVa.remove(slot);
            }
        }
        return new Decoded(t.generation(), byVa, List.copyOf(byVa.values()));
    }

    private static List<Entry> decode(UserPageTables t) {
        List<Entry> out = new ArrayList<>();
        for (int pgd = 0; pgd < USER_PGDS; pgd++) {
            int word = t.l1(pgd * 2);
            if ((word & 3) != 1) {
                continue;
            }
            int[] page = t.ptePageWords(Integer.toUnsignedLong(word) >>> 12);
            if (page == null) {
                continue;
            }
            for (int i = 0; i < 512; i++) {
                if (page[i] != 0 || page[512 + i] != 0) {
                    out.add(new Entry(((long) pgd << 21) | ((long) i << 12), page[i], page[512 + i]));
                }
            }
        }
        return out;
    }

    /** The VMA holding {@code va} in {@code vmas} (ascending), by bisection; null in a hole. */
    private static Vma vmaOf(List<Vma> vmas, long va) {
        int lo = 0;
        int hi = vmas.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Vma v = vmas.get(mid);
            if (va < v.start()) {
                hi = mid - 1;
            } else if (va >= v.end()) {
                lo = mid + 1;
            } else {
                return v;
            }
        }
        return null;
    }

    private static Violation v(String id, long handle, long va, String reason, String details) {
        return new Violation(id, reason, String.format("mm %d, %08x: %s", handle, va, details));
    }

    static List<Violation> ptesInVmas(Processes p) {
        List<Violation> out = new ArrayList<>();
        for (Map.Entry<Long, MmStruct> e : p.mms().entrySet()) {
            UserPageTables t = p.pageTables(e.getKey());
            List<Vma> vmas = e.getValue().vmas();
            for (Entry en : entries(t)) {
                if (vmaOf(vmas, en.va()) == null) {
                    out.add(v(PTES_IN_VMAS, e.getKey(), en.va(), "a user PTE outside every VMA",
                            String.format("linux %08x hw %08x", en.linux(), en.hw())));
                }
            }
        }
        return out;
    }

    static List<Violation> permsWithinVma(Processes p) {
        List<Violation> out = new ArrayList<>();
        for (Map.Entry<Long, MmStruct> e : p.mms().entrySet()) {
            List<Vma> vmas = e.getValue().vmas();
            for (Entry en : entries(p.pageTables(e.getKey()))) {
                Vma vma = vmaOf(vmas, en.va());
                if (vma == null) {
                    continue; // INV-UPT-01's
                }
                long f = vma.flags();
                boolean accessible = (f & (VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_EXEC)) != 0;
                int l = en.linux();
                boolean none = (l & L_NONE) != 0;
                boolean lUser = (l & L_USER) != 0 && !none;
                boolean lWrite = lUser && (l & L_RDONLY) == 0;
                boolean lExec = lUser && (l & L_XN) == 0;
                int h = en.hw();
                boolean hUser = h != 0 && (h & HW_AP1) != 0;
                boolean hWrite = hUser && (h & HW_APX) == 0;
                boolean hExec = hUser && (h & HW_XN) == 0;
                String wider = null;
                if ((lUser || hUser) && !accessible) {
                    wider = "user-accessible in a PROT_NONE VMA";
                } else if ((lWrite || hWrite) && (f & VmFlags.VM_WRITE) == 0) {
                    wider = "writable in a VMA without VM_WRITE";
                } else if ((lExec || hExec) && (f & VmFlags.VM_EXEC) == 0) {
                    wider = "executable in a VMA without VM_EXEC";
                } else if (hWrite && !lWrite || hExec && !lExec || hUser && !lUser) {
                    wider = "the hardware entry grants more than the Linux one";
                }
                if (wider != null) {
                    out.add(v(PERMS_WITHIN_VMA, e.getKey(), en.va(), "a user PTE wider than its VMA",
                            String.format("%s: linux %08x hw %08x, vm_flags %#x", wider, l, h, f)));
                }
            }
        }
        return out;
    }

    /** A check's result for one table, valid while {@code key} (the versions it read) is unchanged. */
    private record Memo(List<Long> key, List<Violation> violations) {
    }

    private static final java.util.Map<UserPageTables, Memo> NOT_GLOBAL_MEMO =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private static final java.util.Map<UserPageTables, Memo> NOT_GLOBAL_L1_MEMO =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private static final java.util.Map<UserPageTables, Memo> KERNEL_HALF_MEMO =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static List<Violation> memo(java.util.Map<UserPageTables, Memo> memos, UserPageTables t, List<Long> key,
            java.util.function.Supplier<List<Violation>> check) {
        if (FRESH.get()) {
            return check.get();
        }
        Memo m = memos.get(t);
        if (m == null || !m.key().equals(key)) {
            m = new Memo(key, check.get());
            memos.put(t, m);
        }
        return m.violations();
    }

    static List<Violation> notGlobal(Processes p) {
        List<Violation> out = new ArrayList<>();
        for (Long handle : p.mms().keySet()) {
            UserPageTables t = p.pageTables(handle);
            // the first-level words are re-read only after a first-level write, the PTEs after any
            out.addAll(memo(NOT_GLOBAL_L1_MEMO, t, List.of(handle, t.l1Generation()), () -> notGlobalL1(handle, t)));
            out.addAll(memo(NOT_GLOBAL_MEMO, t, List.of(handle, t.generation()), () -> notGlobalPtes(handle, t)));
        }
        return out;
    }

    private static List<Violation> notGlobalL1(long handle, UserPageTables t) {
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < 2 * USER_PGDS; i++) {
            int w = t.l1(i);
            if (w != 0 && ((w & 3) != 1 || ((w >>> 5) & 0xf) != 1)) {
                out.add(v(NOT_GLOBAL, handle, (long) i << 20, "a user mapping not tagged with the ASID",
                        String.format("first-level word %08x is not a page table in the user domain", w)));
            }
        }
        return out;
    }

    private static List<Violation> notGlobalPtes(long handle, UserPageTables t) {
        List<Violation> out = new ArrayList<>();
        for (Entry en : entries(t)) {
            if (en.hw() != 0 && (en.hw() & HW_NG) == 0) {
                out.add(v(NOT_GLOBAL, handle, en.va(), "a user mapping not tagged with the ASID",
                        String.format("nG clear in hw %08x", en.hw())));
            }
        }
        return out;
    }

    static List<Violation> rss(Processes p) {
        List<Violation> out = new ArrayList<>();
        UserMemory mem = p.memory();
        for (Long handle : p.mms().keySet()) {
            long anon = 0;
            long shmem = 0;
            for (Entry en : entries(p.pageTables(handle))) {
                if (en.linux() == 0 || en.pfn() == mem.zeroPfn()) {
                    continue;
                }
                if (mem.userPages().inPageCache(en.pfn())) {
                    shmem++;
                } else {
                    anon++;
                }
            }
            if (anon != p.anonRss(handle) || shmem != p.shmemRss(handle)) {
                out.add(new Violation(RSS, "rss counters disagree with the present PTEs", String.format(
                        "mm %d: MM_ANONPAGES %d for %d anonymous PTEs, MM_SHMEMPAGES %d for %d shmem PTEs",
                        handle, p.anonRss(handle), anon, p.shmemRss(handle), shmem)));
            }
        }
        return out;
    }

    /**
     * The kernel half equals swapper's word for word, except (a) a vmalloc pmd pair that is
     * empty in the mm while swapper has it, allowed only while the mm's {@code vmalloc_seq} is
     * behind init_mm's (a sync is owed), and (b) a section word of the kernel image differing in
     * APX alone ({@code set_kernel_text_rw}/{@code ro} rewrite the current mm's table only).
     */
    static List<Violation> kernelHalf(Processes p) {
        List<Violation> out = new ArrayList<>();
        UserMemory mem = p.memory();
        for (Long handle : p.mms().keySet()) {
            UserPageTables t = p.pageTables(handle);
            out.addAll(memo(KERNEL_HALF_MEMO, t, List.of(handle, t.l1Generation(), mem.swapperVersion(),
                    (long) t.vmallocSeq(), (long) mem.vmallocSeq()), () -> kernelHalf(mem, handle, t)));
        }
        return out;
    }

    private static List<Violation> kernelHalf(UserMemory mem, long handle, UserPageTables t) {
        List<Violation> out = new ArrayList<>();
        int vmLo = (int) (mem.vmallocStart() >>> 21) * 2;
        int vmHi = (int) ((mem.vmallocEnd() + (1L << 21) - 1) >>> 21) * 2;
        boolean behind = t.vmallocSeq() != mem.vmallocSeq();
        for (int i = 2 * USER_PGDS; i < 4096; i += 2) {
            int a0 = t.l1(i);
            int a1 = t.l1(i + 1);
            int b0 = mem.swapper().l1(i);
            int b1 = mem.swapper().l1(i + 1);
            if (a0 == b0 && a1 == b1) {
                continue;
            }
            if (i >= vmLo && i < vmHi && behind && a0 == 0 && a1 == 0) {
                continue;
            }
            if ((b0 & 3) == 2 && (b1 & 3) == 2 && ((a0 ^ b0) & ~SECT_APX) == 0 && ((a1 ^ b1) & ~SECT_APX) == 0) {
                continue;
            }
            out.add(v(KERNEL_HALF, handle, (long) i << 20, "a kernel pgd entry differs from swapper_pg_dir's",
                    String.format("mm %08x %08x, swapper %08x %08x, vmalloc_seq %d of %d", a0, a1, b0, b1,
                            t.vmallocSeq(), mem.vmallocSeq())));
        }
        return out;
    }

    static List<Violation> pageRefs(Processes p) {
        List<Violation> out = new ArrayList<>();
        UserMemory mem = p.memory();
        UserPages pages = mem.userPages();
        Map<Long, Integer> mapped = new HashMap<>();
        Map<Long, String> tables = new LinkedHashMap<>();
        for (Long handle : p.mms().keySet()) {
            UserPageTables t = p.pageTables(handle);
            tables.put(t.pgdPhys() >>> 12, "mm " + handle + "'s pgd");
            for (long pte : TABLE_PFNS.get(t, t.l1Generation(), () -> ptePagePfns(t))) {
                tables.put(pte, "mm " + handle + "'s PTE page");
            }
            long zero = mem.zeroPfn();
            for (Map.Entry<Long, Integer> m : MAPPED.get(t, t.generation(), () -> mappedFrames(t, zero))
                    .entrySet()) {
                mapped.merge(m.getKey(), m.getValue(), Integer::sum);
            }
        }
        for (Map.Entry<Long, Integer> e : mapped.entrySet()) {
            long pfn = e.getKey();
            if (!pages.tracks(pfn)) {
                out.add(new Violation(PAGE_REFS, "a user page's counts disagree with its mappings",
                        String.format("pfn %#x mapped %d times is no user page", pfn, e.getValue())));
            }
        }
        for (long pfn : pages.frames()) {
            int n = mapped.getOrDefault(pfn, 0);
            int refs = n + (pages.inPageCache(pfn) ? 1 : 0);
            if (pages.mapcount(pfn) != n || pages.refcount(pfn) != refs) {
                out.add(new Violation(PAGE_REFS, "a user page's counts disagree with its mappings", String.format(
                        "pfn %#x: mapcount %d refcount %d, mapped by %d PTEs (expected refcount %d)",
                        pfn, pages.mapcount(pfn), pages.refcount(pfn), n, refs)));
            }
            if (!allocated(mem, pfn)) {
                out.add(new Violation(PAGE_REFS, "a user page's counts disagree with its mappings",
                        String.format("pfn %#x is free in the buddy allocator", pfn)));
            }
        }
        for (Map.Entry<Long, String> e : tables.entrySet()) {
            if (!allocated(mem, e.getKey()) || pages.tracks(e.getKey())) {
                out.add(new Violation(PAGE_REFS, "a user page's counts disagree with its mappings",
                        String.format("%s at pfn %#x is free or also a user page", e.getValue(), e.getKey())));
            }
        }
        return out;
    }

    /** One value per table, kept while the version it was computed at is current. */
    private static final class PerTable<V> {
        private record Kept<V>(long version, V value) {
        }

        private final java.util.Map<UserPageTables, Kept<V>> kept =
                java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

        V get(UserPageTables t, long version, java.util.function.Supplier<V> compute) {
            if (FRESH.get()) {
                return compute.get();
            }
            Kept<V> k = kept.get(t);
            if (k == null || k.version() != version) {
                k = new Kept<>(version, compute.get());
                kept.put(t, k);
            }
            return k.value();
        }
    }

    private static final PerTable<long[]> TABLE_PFNS = new PerTable<>();
    private static final PerTable<Map<Long, Integer>> MAPPED = new PerTable<>();

    /** The frames the first-level table's user half points at as PTE pages. */
    private static long[] ptePagePfns(UserPageTables t) {
        List<Long> out = new ArrayList<>();
        for (int pgd = 0; pgd < USER_PGDS; pgd++) {
            int word = t.l1(pgd * 2);
            if ((word & 3) == 1) {
                out.add(Integer.toUnsignedLong(word) >>> 12);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** How many present Linux PTEs of {@code t} map each frame other than the zero page. */
    private static Map<Long, Integer> mappedFrames(UserPageTables t, long zeroPfn) {
        Map<Long, Integer> out = new HashMap<>();
        for (Entry en : entries(t)) {
            if (en.linux() != 0 && en.pfn() != zeroPfn) {
                out.merge(en.pfn(), 1, Integer::sum);
            }
        }
        return out;
    }

    private static boolean allocated(UserMemory mem, long pfn) {
        return mem.pages().hasPfn(pfn) && mem.pages().isAllocated(pfn);
    }

    static List<Violation> cowReadOnly(Processes p) {
        List<Violation> out = new ArrayList<>();
        UserMemory mem = p.memory();
        Map<Long, Integer> mapped = new HashMap<>();
        List<long[]> writable = new ArrayList<>();
        for (Long handle : p.mms().keySet()) {
            for (Entry en : entries(p.pageTables(handle))) {
                if (en.linux() == 0 || mem.userPages().inPageCache(en.pfn())) {
                    continue; // shared memory is written through every mapping
                }
                mapped.merge(en.pfn(), 1, Integer::sum);
                boolean lWrite = (en.linux() & (L_RDONLY | L_NONE)) == 0;
                boolean hWrite = en.hw() != 0 && (en.hw() & HW_APX) == 0;
                if (lWrite || hWrite) {
                    writable.add(new long[] {handle, en.va(), en.pfn()});
                }
            }
        }
        for (long[] w : writable) {
            long pfn = w[2];
            if (pfn == mem.zeroPfn() || mapped.get(pfn) > 1) {
                out.add(v(COW_READ_ONLY, w[0], w[1], "a writable mapping of a page shared copy-on-write",
                        String.format("pfn %#x mapped %d times%s", pfn, mapped.get(pfn),
                                pfn == mem.zeroPfn() ? " (the zero page)" : "")));
            }
        }
        return out;
    }
}
