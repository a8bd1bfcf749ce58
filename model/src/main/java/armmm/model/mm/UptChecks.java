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
    static final int USER_PGDS = (int) (UserLayoutConfig.TASK_SIZE >>> 21);

    /** The per-step checks: each re-reads only what changed since its last run ({@link UptShadow}). */
    static final Map<String, Function<Processes, List<Violation>>> ALL = Map.of(
            PTES_IN_VMAS, p -> shadow(p).ptesInVmas(p), PERMS_WITHIN_VMA, p -> shadow(p).permsWithinVma(p),
            NOT_GLOBAL, p -> shadow(p).notGlobal(p), RSS, p -> shadow(p).rss(p),
            KERNEL_HALF, p -> shadow(p).kernelHalf(p), PAGE_REFS, p -> shadow(p).pageRefs(p),
            COW_READ_ONLY, p -> shadow(p).cowReadOnly(p));

    /** The complete checks: every table read word by word, nothing kept from earlier steps. */
    private static final Map<String, Function<Processes, List<Violation>>> COMPLETE = Map.of(
            PTES_IN_VMAS, UptChecks::ptesInVmas, PERMS_WITHIN_VMA, UptChecks::permsWithinVma,
            NOT_GLOBAL, UptChecks::notGlobal, RSS, UptChecks::rss, KERNEL_HALF, UptChecks::kernelHalf,
            PAGE_REFS, UptChecks::pageRefs, COW_READ_ONLY, UptChecks::cowReadOnly);

    private UptChecks() {
    }

    private static UptShadow shadow(Processes p) {
        return p.memory().uptShadow();
    }

    /**
     * Check {@code id} over {@code p} reading every table afresh, ignoring what the per-step
     * checks keep, so a write that bypassed the journal and the generation is still found at
     * chain end.
     */
    static List<Violation> complete(String id, Processes p) {
        return COMPLETE.get(id).apply(p);
    }

    /** One present user entry read from the raw tables: its address and both words. */
    private record Entry(long va, int linux, int hw) {
        long pfn() {
            return Integer.toUnsignedLong(linux) >>> 12;
        }
    }

    /** Every present entry of {@code t}'s user half, read word by word. */
    private static List<Entry> entries(UserPageTables t) {
        return decode(t);
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
    static Vma vmaOf(List<Vma> vmas, long va) {
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

    static Violation v(String id, long handle, long va, String reason, String details) {
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
                Violation v = widerThanVma(e.getKey(), en.va(), en.linux(), en.hw(), vma.flags());
                if (v != null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** INV-UPT-02 for one entry in a VMA with {@code vm_flags} {@code f}: null when it grants no more. */
    static Violation widerThanVma(long handle, long va, int l, int h, long f) {
        boolean accessible = (f & (VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_EXEC)) != 0;
        boolean none = (l & L_NONE) != 0;
        boolean lUser = (l & L_USER) != 0 && !none;
        boolean lWrite = lUser && (l & L_RDONLY) == 0;
        boolean lExec = lUser && (l & L_XN) == 0;
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
        return wider == null ? null : v(PERMS_WITHIN_VMA, handle, va, "a user PTE wider than its VMA",
                String.format("%s: linux %08x hw %08x, vm_flags %#x", wider, l, h, f));
    }

    static List<Violation> notGlobal(Processes p) {
        List<Violation> out = new ArrayList<>();
        for (Long handle : p.mms().keySet()) {
            UserPageTables t = p.pageTables(handle);
            out.addAll(notGlobalL1(handle, t));
            for (Entry en : entries(t)) {
                Violation v = notGlobalPte(handle, en.va(), en.hw());
                if (v != null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** INV-UPT-03's first-level half: every user word is a page table in the user domain. */
    static List<Violation> notGlobalL1(long handle, UserPageTables t) {
        List<Violation> out = List.of();
        for (int i = 0; i < 2 * USER_PGDS; i++) {
            Violation v = notGlobalL1Word(handle, i, t.l1(i));
            if (v != null) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.add(v);
            }
        }
        return out;
    }

    /** INV-UPT-03 for user first-level word {@code i}, {@code w}: null when it is empty or a user-domain page table. */
    static Violation notGlobalL1Word(long handle, int i, int w) {
        return w != 0 && ((w & 3) != 1 || ((w >>> 5) & 0xf) != 1)
                ? v(NOT_GLOBAL, handle, (long) i << 20, "a user mapping not tagged with the ASID",
                        String.format("first-level word %08x is not a page table in the user domain", w))
                : null;
    }

    /** INV-UPT-03 for one hardware PTE: null when it is empty or carries nG. */
    static Violation notGlobalPte(long handle, long va, int hw) {
        return hw != 0 && (hw & HW_NG) == 0 ? v(NOT_GLOBAL, handle, va, "a user mapping not tagged with the ASID",
                String.format("nG clear in hw %08x", hw)) : null;
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
            Violation v = rssDisagrees(p, handle, anon, shmem);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** INV-UPT-04 for one mm whose present PTEs count {@code anon} and {@code shmem} pages. */
    static Violation rssDisagrees(Processes p, long handle, long anon, long shmem) {
        return rssDisagrees(handle, p.anonRss(handle), p.shmemRss(handle), anon, shmem);
    }

    /** INV-UPT-04 for one mm whose counters say {@code anonRss} and {@code shmemRss}. */
    static Violation rssDisagrees(long handle, long anonRss, long shmemRss, long anon, long shmem) {
        if (anon == anonRss && shmem == shmemRss) {
            return null;
        }
        return new Violation(RSS, "rss counters disagree with the present PTEs", String.format(
                "mm %d: MM_ANONPAGES %d for %d anonymous PTEs, MM_SHMEMPAGES %d for %d shmem PTEs",
                handle, anonRss, anon, shmemRss, shmem));
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
            out.addAll(kernelHalf(mem, handle, p.pageTables(handle)));
        }
        return out;
    }

    static List<Violation> kernelHalf(UserMemory mem, long handle, UserPageTables t) {
        List<Violation> out = List.of();
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
            if (out.isEmpty()) {
                out = new ArrayList<>();
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
        Map<Long, Integer> mapped = new HashMap<>();
        Map<Long, String> tables = new LinkedHashMap<>();
        long zero = mem.zeroPfn();
        for (Long handle : p.mms().keySet()) {
            UserPageTables t = p.pageTables(handle);
            tables.put(t.pgdPhys() >>> 12, "mm " + handle + "'s pgd");
            for (int pgd = 0; pgd < USER_PGDS; pgd++) {
                int word = t.l1(pgd * 2);
                if ((word & 3) == 1) {
                    tables.put(Integer.toUnsignedLong(word) >>> 12, "mm " + handle + "'s PTE page");
                }
            }
            for (Entry en : entries(t)) {
                if (en.linux() != 0 && en.pfn() != zero) {
                    mapped.merge(en.pfn(), 1, Integer::sum);
                }
            }
        }
        java.util.Set<Long> frames = new java.util.TreeSet<>(mem.userPages().frames());
        frames.addAll(mapped.keySet());
        frames.addAll(tables.keySet());
        for (long pfn : frames) {
            out.addAll(frameRefs(mem, pfn, mapped.getOrDefault(pfn, 0), tables.get(pfn)));
        }
        return out;
    }

    /**
     * INV-UPT-06 for one frame mapped by {@code n} present Linux PTEs and used as the page table
     * {@code table} (null: none): a mapped frame is a user page, a user page's counts are its
     * mappings (plus the page cache's reference) and it is allocated, a table frame is allocated
     * and no user page.
     */
    static List<Violation> frameRefs(UserMemory mem, long pfn, int n, String table) {
        UserPages pages = mem.userPages();
        List<Violation> out = List.of();
        boolean tracked = pages.tracks(pfn);
        if (n > 0 && !tracked) {
            out = add(out, String.format("pfn %#x mapped %d times is no user page", pfn, n));
        }
        if (tracked) {
            int refs = n + (pages.inPageCache(pfn) ? 1 : 0);
            if (pages.mapcount(pfn) != n || pages.refcount(pfn) != refs) {
                out = add(out, String.format("pfn %#x: mapcount %d refcount %d, mapped by %d PTEs (expected refcount %d)",
                        pfn, pages.mapcount(pfn), pages.refcount(pfn), n, refs));
            }
            if (!allocated(mem, pfn)) {
                out = add(out, String.format("pfn %#x is free in the buddy allocator", pfn));
            }
        }
        if (table != null && (!allocated(mem, pfn) || tracked)) {
            out = add(out, String.format("%s at pfn %#x is free or also a user page", table, pfn));
        }
        return out;
    }

    private static List<Violation> add(List<Violation> out, String details) {
        List<Violation> l = out.isEmpty() ? new ArrayList<>() : out;
        l.add(new Violation(PAGE_REFS, "a user page's counts disagree with its mappings", details));
        return l;
    }

    private static boolean allocated(UserMemory mem, long pfn) {
        return mem.pages().hasPfn(pfn) && mem.pages().isAllocated(pfn);
    }

    static List<Violation> cowReadOnly(Processes p) {
        List<Violation> out = new ArrayList<>();
        UserMemory mem = p.memory();
        Map<Long, Integer> mapped = new HashMap<>();
        List<long[]> present = new ArrayList<>();
        for (Long handle : p.mms().keySet()) {
            for (Entry en : entries(p.pageTables(handle))) {
                if (en.linux() == 0 || mem.userPages().inPageCache(en.pfn())) {
                    continue; // shared memory is written through every mapping
                }
                mapped.merge(en.pfn(), 1, Integer::sum);
                present.add(new long[] {handle, en.va(), en.pfn(), en.linux(), en.hw()});
            }
        }
        for (long[] w : present) {
            Violation v = writableShared(mem, w[0], w[1], w[2], (int) w[3], (int) w[4], mapped.get(w[2]));
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * INV-UPT-07 for one present entry of a frame outside the page cache mapped {@code mapped}
     * times: null unless it is writable while the frame is the zero page or mapped more than once.
     */
    static Violation writableShared(UserMemory mem, long handle, long va, long pfn, int linux, int hw, int mapped) {
        boolean lWrite = (linux & (L_RDONLY | L_NONE)) == 0;
        boolean hWrite = hw != 0 && (hw & HW_APX) == 0;
        if (!(lWrite || hWrite) || pfn != mem.zeroPfn() && mapped <= 1) {
            return null;
        }
        return v(COW_READ_ONLY, handle, va, "a writable mapping of a page shared copy-on-write",
                String.format("pfn %#x mapped %d times%s", pfn, mapped, pfn == mem.zeroPfn() ? " (the zero page)" : ""));
    }
}
