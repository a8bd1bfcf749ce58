package armmm.model.highmem;

import armmm.model.core.Violation;
import armmm.model.layout.Layout;
import armmm.model.mmu.Access;
import armmm.model.mmu.Fixmap;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Pgtable2Level;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import armmm.model.subsystem.Invariant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The highmem invariants (INV-HIGHMEM-01..06). They read the kernel-visible state (the PTEs of
 * {@code swapper_pg_dir} through its accessors and the hardware walker, {@code pkmap_count[]},
 * {@code page_address_htable}, each task's {@code kmap_ctrl}) and compute slot addresses from
 * PKMAP_BASE and FIXADDR_TOP themselves, never through the calls' own helpers.
 */
public final class HighmemChecks {
    private static final int SLOTS = (int) Layout.LAST_PKMAP;
    private static final int KM_MAX_IDX = Fixmap.KM_MAX_IDX;
    private static final int NR_CPUS = Fixmap.NR_CPUS;

    private HighmemChecks() {
    }

    /**
     * Every highmem invariant, as checked after each call: only after a call that concerns
     * what it reads ({@link #concerns}); {@link #fullScan} runs them all, at the end of every scenario
     * and chain. INV-HIGHMEM-07 ({@link HighmemCallChecks#OUTCOME}) judges the step's kmap or
     * unmap call, when there was one.
     */
    public static final List<Invariant> ALL = List.of(
            Invariant.on("INV-HIGHMEM-01", Highmem.class, h -> concerns(h, true) ? pkmapAgrees(h) : List.of()),
            Invariant.on("INV-HIGHMEM-02", Highmem.class, h -> concerns(h, true) ? noPageInTwoSlots(h) : List.of()),
            Invariant.on("INV-HIGHMEM-03", Highmem.class, h -> concerns(h, true) || concerns(h, false)
                    ? kmappedAddressesWalkToTheirPage(h) : List.of()),
            Invariant.on("INV-HIGHMEM-04", Highmem.class, h -> concerns(h, false) ? fixmapStacksNested(h) : List.of()),
            Invariant.on("INV-HIGHMEM-05", Highmem.class, h -> concerns(h, true) ? noStaleTranslation(h) : List.of()),
            Invariant.on("INV-HIGHMEM-06", Highmem.class, HighmemChecks::lookupsAgreeWithTheWalk),
            HighmemCallChecks.OUTCOME);

    /**
     * Every invariant over the whole state, whatever the last call was; not INV-HIGHMEM-07, which is
     * a postcondition of the step's call ({@link HighmemCallChecks}), checked right after it.
     */
    public static List<Violation> fullScan(Highmem h) {
        List<Violation> out = new ArrayList<>();
        out.addAll(pkmapAgrees(h));
        out.addAll(noPageInTwoSlots(h));
        out.addAll(kmappedAddressesWalkToTheirPage(h));
        out.addAll(fixmapStacksNested(h));
        out.addAll(noStaleTranslation(h));
        out.addAll(lookupsAgreeWithTheWalk(h));
        return out;
    }

    /**
     * True when the last call concerns the pkmap area ({@code pkmap}) or the kmap_local stacks and
     * fixmap kmap slots (otherwise): it was such a call, or it wrote a PTE there (as the MMU
     * subsystem records each call's writes). What any other call leaves is what the previous
     * check saw.
     */
    static boolean concerns(Highmem h, boolean pkmap) {
        if (pkmap ? h.pkmapCallThisStep() : h.localCallThisStep()) {
            return true;
        }
        long pkmapBase = h.pkmap().pkmapBase();
        for (long va : h.tables().touchedPtes()) {
            boolean inPkmap = va >= pkmapBase && va < pkmapBase + ((long) SLOTS << 12);
            boolean inFixmap = va >= fixVa(NR_CPUS - 1, KM_MAX_IDX - 1) && va <= fixVa(0, 0);
            if (pkmap ? inPkmap : inFixmap) {
                return true;
            }
        }
        return false;
    }

    private static long slotVa(Highmem h, int i) {
        return h.pkmap().pkmapBase() + ((long) i << 12);
    }

    /** {@code __fix_to_virt(FIX_KMAP_BEGIN + level + KM_MAX_IDX * cpu)}, the checks' own reading of the slot layout. */
    static long fixVa(int cpu, int level) {
        return Fixmap.FIXADDR_TOP - ((long) (Fixmap.FIX_KMAP_BEGIN + level + KM_MAX_IDX * cpu) << 12);
    }

    /** The 512 Linux PTEs of the pkmap area, read once. */
    private static int[] pkmapPtes(Highmem h) {
        // PKMAP_BASE is PMD_SIZE-aligned: the 512 slots are the Linux half of one PTE page
        KernelPageTables t = h.tables();
        int[] ptes = new int[SLOTS];
        long phys = t.ptePagePhys(slotVa(h, 0));
        int[] words = phys < 0 ? null : t.ptePageWords(phys);
        if (words != null) {
            for (int i = 0; i < SLOTS; i++) {
                ptes[i] = words[Pgtable2Level.pteIndex(slotVa(h, i))];
            }
        }
        return ptes;
    }

    private static long pfn(int pte) {
        return Integer.toUnsignedLong(pte) >>> 12;
    }

    /**
     * INV-HIGHMEM-01: {@code pkmap_count[i]} is 0 exactly when slot i's PTE is clear; a set PTE's
     * page has that slot's address in {@code page_address_htable}; every hash entry names a slot
     * in use whose PTE maps that page.
     */
    static List<Violation> pkmapAgrees(Highmem h) {
        List<Violation> out = new ArrayList<>();
        int[] ptes = pkmapPtes(h);
        Pkmap p = h.pkmap();
        for (int i = 0; i < SLOTS; i++) {
            int count = p.pkmapCount(i);
            if ((count == 0) != (ptes[i] == 0)) {
                out.add(new Violation("INV-HIGHMEM-01", "pkmap_count disagrees with the pkmap PTE",
                        String.format("slot %d: pkmap_count %d, PTE %08x", i, count, ptes[i])));
            } else if (ptes[i] != 0) {
                Long hashed = p.hashedAddress(pfn(ptes[i]));
                if (hashed == null || hashed != slotVa(h, i)) {
                    out.add(new Violation("INV-HIGHMEM-01", "page_address_htable disagrees with the pkmap PTE",
                            String.format("slot %d maps pfn %x, page_address %s", i, pfn(ptes[i]),
                                    hashed == null ? "NULL" : Long.toHexString(hashed))));
                }
            }
        }
        for (Map.Entry<Long, Long> e : p.pageAddressTable().entrySet()) {
            long va = e.getValue();
            int i = (int) ((va - h.pkmap().pkmapBase()) >>> 12);
            if (va < slotVa(h, 0) || va >= slotVa(h, SLOTS) || ptes[i] == 0 || pfn(ptes[i]) != e.getKey()) {
                out.add(new Violation("INV-HIGHMEM-01", "stale page_address_htable entry",
                        String.format("pfn %x hashed at %08x, whose PTE is %08x", e.getKey(), va,
                                i >= 0 && i < SLOTS ? ptes[i] : 0)));
            }
        }
        return out;
    }

    /** INV-HIGHMEM-02: no frame is mapped at two pkmap slots, and every frame mapped there is highmem. */
    static List<Violation> noPageInTwoSlots(Highmem h) {
        List<Violation> out = new ArrayList<>();
        int[] ptes = pkmapPtes(h);
        long[] pfns = new long[SLOTS];
        int n = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (ptes[i] != 0) {
                long f = pfn(ptes[i]);
                if (f < h.memMap().maxLowPfn()) {
                    out.add(new Violation("INV-HIGHMEM-02", "lowmem page in a pkmap slot",
                            String.format("slot %d maps pfn %x, below max_low_pfn %x", i, f, h.memMap().maxLowPfn())));
                }
                pfns[n++] = f;
            }
        }
        Arrays.sort(pfns, 0, n);
        for (int i = 1; i < n; i++) {
            if (pfns[i] == pfns[i - 1]) {
                out.add(new Violation("INV-HIGHMEM-02", "highmem page mapped at two pkmap slots",
                        String.format("pfn %x", pfns[i])));
            }
        }
        return out;
    }

    private static boolean walksTo(Highmem h, long va, long pfn) {
        Translation t = h.tables().translate(va, Access.READ, Privilege.KERNEL);
        return t instanceof Translation.Mapped m && m.pa() >>> 12 == pfn;
    }

    /**
     * INV-HIGHMEM-03: every kmapped address walks to its page: each {@code page_address_htable}
     * entry, and each level of the kmap_local stack of each running task.
     */
    static List<Violation> kmappedAddressesWalkToTheirPage(Highmem h) {
        List<Violation> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : h.pkmap().pageAddressTable().entrySet()) {
            if (!walksTo(h, e.getValue(), e.getKey())) {
                out.add(new Violation("INV-HIGHMEM-03", "kmap address does not walk to its page",
                        String.format("pkmap %08x, page pfn %x", e.getValue(), e.getKey())));
            }
        }
        KmapLocal l = h.local();
        for (int c = 0; c < l.cpus(); c++) {
            int t = l.current(c);
            for (int i = 0; i < l.taskDepth(t); i++) {
                long pfn = l.pteval(t, i) - 1;
                if (!l.disturbedByMisuse(c, i) && !walksTo(h, fixVa(c, i), pfn)) {
                    out.add(new Violation("INV-HIGHMEM-03", "kmap_local address does not walk to its page",
                            String.format("cpu %d task %d level %d: %08x, page pfn %x", c, t, i, fixVa(c, i), pfn)));
                }
            }
        }
        return out;
    }

    /**
     * INV-HIGHMEM-04: each task's kmap_local stack is at most KM_MAX_IDX - 1 deep (the push
     * BUGs at KM_MAX_IDX) with every level below the top in use and none above it; a task holding
     * levels runs on the CPU it is pinned to or not at all; each CPU's KM_MAX_IDX fixmap kmap slots
     * map exactly the levels of the task it runs (level i at slot FIX_KMAP_BEGIN + i + KM_MAX_IDX *
     * cpu), nothing above the top, and the slots of CPUs not online nothing; except the slots a
     * warned out-of-order unmap changed, which hold what 6.1 leaves there.
     */
    static List<Violation> fixmapStacksNested(Highmem h) {
        List<Violation> out = new ArrayList<>();
        KmapLocal l = h.local();
        KernelPageTables tables = h.tables();
        for (int t = 0; t < l.tasks(); t++) {
            int d = l.taskDepth(t);
            if (d < 0 || d >= KM_MAX_IDX) {
                out.add(new Violation("INV-HIGHMEM-04", "kmap_ctrl.idx out of range", "task " + t + " idx " + d));
                continue;
            }
            for (int i = 0; i < KM_MAX_IDX; i++) {
                if ((l.pteval(t, i) != 0) != (i < d)) {
                    out.add(new Violation("INV-HIGHMEM-04", "kmap_ctrl.pteval disagrees with idx",
                            String.format("task %d idx %d level %d pteval %x", t, d, i, l.pteval(t, i))));
                }
            }
            int on = l.runningOn(t);
            if (d > 0 && on >= 0 && on != l.pinnedCpu(t)) {
                out.add(new Violation("INV-HIGHMEM-04", "task with kmap_local levels migrated",
                        "task " + t + " pinned to cpu " + l.pinnedCpu(t) + " runs on cpu " + on));
            }
        }
        // the kmap slots lie in one PMD_SIZE region: one PTE page holds all of them
        long phys = tables.ptePagePhys(fixVa(0, 0));
        int[] words = phys < 0 ? new int[Pgtable2Level.PTE_PAGE_WORDS] : tables.ptePageWords(phys);
        for (int c = 0; c < NR_CPUS; c++) {
            int t = c < l.cpus() ? l.current(c) : -1;
            int d = t < 0 ? 0 : l.taskDepth(t);
            for (int i = 0; i < KM_MAX_IDX; i++) {
                if (c < l.cpus() && l.disturbedByMisuse(c, i)) {
                    continue;
                }
                int pte = words[Pgtable2Level.pteIndex(fixVa(c, i))];
                long want = i < d ? l.pteval(t, i) - 1 : -1;
                if (want < 0 && pte != 0) {
                    out.add(new Violation("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack",
                            String.format("cpu %d level %d (%08x) maps pfn %x, depth %d", c, i, fixVa(c, i), pfn(pte), d)));
                } else if (want >= 0 && (pte == 0 || pfn(pte) != want)) {
                    out.add(new Violation("INV-HIGHMEM-04", "fixmap kmap slot does not map its level's page",
                            String.format("cpu %d level %d (%08x): PTE %08x, level holds pfn %x", c, i, fixVa(c, i), pte, want)));
                }
            }
        }
        return out;
    }

    /**
     * INV-HIGHMEM-05: no pkmap slot maps a page while a TLB may still hold a translation of that
     * slot to another page: since the last {@code flush_tlb_kernel_range} of the pkmap area, a
     * slot is written for one page only. What a TLB may hold is the checker's own record
     * ({@link PkmapTlbShadow}), fed by the PTEs and the flush events after each step.
     */
    static List<Violation> noStaleTranslation(Highmem h) {
        List<Violation> out = new ArrayList<>();
        PkmapTlbShadow shadow = h.tlbShadow();
        int[] ptes = null;
        for (int i = 0; i < SLOTS; i++) {
            long may = shadow.mayHold(i);
            if (may == 0) {
                continue;
            }
            ptes = ptes == null ? pkmapPtes(h) : ptes;
            int pte = ptes[i];
            if (pte != 0 && pfn(pte) != may - 1) {
                out.add(new Violation("INV-HIGHMEM-05", "pkmap slot reused without a TLB flush",
                        String.format("slot %d (%08x) maps pfn %x, a TLB may still translate it to pfn %x",
                                i, slotVa(h, i), pfn(pte), may - 1)));
            }
        }
        return out;
    }

    /** True when {@code base} is a level of the kmap_local stack of the task {@code cpu} runs. */
    private static boolean liveLevelOf(Highmem h, long base, int cpu) {
        KmapLocal l = h.local();
        if (cpu < 0 || cpu >= l.cpus()) {
            return false;
        }
        for (int i = 0; i < l.taskDepth(l.current(cpu)); i++) {
            if (fixVa(cpu, i) == base) {
                return true;
            }
        }
        return false;
    }

    /**
     * INV-HIGHMEM-06: a lookup returns what the tables say: {@code kmap_to_page} of an address the
     * walker translates (a kmap_local address only in the task that holds it, on its CPU) gives that
     * frame's struct page; {@code page_address} of a highmem page is
     * NULL exactly when no pkmap PTE maps it, and otherwise an address that walks to it.
     */
    static List<Violation> lookupsAgreeWithTheWalk(Highmem h) {
        Highmem.Lookup last = h.lastLookup();
        if (last == null || last.finding()) {
            // a lookup the model reported as 6.1's own mistake is that finding, not a violation
            return List.of();
        }
        var mm = h.memMap();
        if (last.call().equals("kmap_to_page")) {
            long base = last.arg() & ~0xfffL;
            if (base >= fixVa(NR_CPUS - 1, KM_MAX_IDX - 1) && base <= fixVa(0, 0) && !liveLevelOf(h, base, last.cpu())) {
                // a kmap_local address is valid only in its task: looked up elsewhere it has no page to agree with
                return List.of();
            }
            Translation t = h.tables().translate(last.arg(), Access.READ, Privilege.KERNEL);
            if (t instanceof Translation.Mapped m) {
                long want = (mm.memMapVirt() + ((m.pa() >>> 12) - (mm.physOffset() >>> 12)) * mm.structPageSize()) & 0xffffffffL;
                if (last.result() != want) {
                    return List.of(new Violation("INV-HIGHMEM-06", "kmap_to_page is not the page the address maps",
                            String.format("kmap_to_page(%08x) = %08x, the walk reaches pfn %x (struct page %08x)",
                                    last.arg(), last.result(), m.pa() >>> 12, want)));
                }
            }
            return List.of();
        }
        long off = last.arg() - mm.memMapVirt();
        long pfn = (mm.physOffset() >>> 12) + off / mm.structPageSize();
        if (pfn < mm.maxLowPfn()) {
            return List.of();
        }
        int[] ptes = pkmapPtes(h);
        boolean mapped = false;
        for (int pte : ptes) {
            mapped |= pte != 0 && pfn(pte) == pfn;
        }
        if (mapped != (last.result() != 0) || last.result() != 0 && !walksTo(h, last.result(), pfn)) {
            return List.of(new Violation("INV-HIGHMEM-06", "page_address disagrees with the pkmap PTEs",
                    String.format("page_address(pfn %x) = %08x, a pkmap PTE maps it: %b", pfn, last.result(), mapped)));
        }
        return List.of();
    }
}
