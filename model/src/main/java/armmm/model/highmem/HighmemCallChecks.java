package armmm.model.highmem;

import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.layout.Layout;
import armmm.model.mmu.Fixmap;
import armmm.model.page.MemMapLayout;
import armmm.model.subsystem.Invariant;
import java.util.ArrayList;
import java.util.List;

/**
 * INV-HIGHMEM-07: each kmap, kunmap, kmap_atomic, kunmap_atomic, kmap_local_page and kunmap_local
 * call has the outcome 6.1 gives it, judged from what the call found ({@link Before}, recorded by
 * the step hook before the call runs) and what it left. The expected outcome is worked out here,
 * from {@code pkmap_count[]}, {@code last_pkmap_nr}, {@code page_address_htable}, the running
 * task's {@code kmap_ctrl.idx} and the fixmap PTEs, by this class's own restatement of
 * mm/highmem.c ({@code kmap_high}, {@code map_new_virtual} with its wrap-around
 * {@code flush_all_zero_pkmaps}, {@code kunmap_high}, {@code __kmap_local_pfn_prot},
 * {@code kmap_local_idx_push}, {@code kunmap_local_indexed}, {@code kmap_local_idx_pop}) and
 * arch/arm/include/asm/highmem.h ({@code PKMAP_ADDR}), never through {@link Pkmap} or
 * {@link KmapLocal}'s own computations.
 */
public final class HighmemCallChecks {
    private static final String ID = "INV-HIGHMEM-07";
    private static final int SLOTS = (int) Layout.LAST_PKMAP;
    private static final int KM_MAX_IDX = Fixmap.KM_MAX_IDX;

    /** The invariant, run after every step; it has something to say only after a kmap or unmap call. */
    public static final Invariant OUTCOME = Invariant.on(ID, Highmem.class, HighmemCallChecks::outcome);

    private HighmemCallChecks() {
    }

    /**
     * What a highmem call found when it began, as far as its outcome depends on it.
     *
     * @param op        the call
     * @param pfn       the frame of its struct page, -1 when it names none (or takes an address)
     * @param cpuOk     its CPU is possible
     * @param counts    {@code pkmap_count[]} (a kmap or kunmap of a highmem page), else null
     * @param lastNr    {@code last_pkmap_nr}
     * @param hashed    the page's {@code page_address_htable} entry, 0 for none
     * @param atomicCtx the call runs in an interrupt, or its task holds a kmap_atomic
     * @param task      the task running on the call's CPU (-1 when the CPU is not possible)
     * @param depth     that task's {@code kmap_ctrl.idx}
     * @param pushPte   the Linux PTE of the fixmap slot a push would take ({@code depth}'s)
     */
    record Before(HighmemOp op, long pfn, boolean cpuOk, int[] counts, int lastNr, long hashed,
            boolean atomicCtx, int task, int depth, int pushPte) {
    }

    /** The call and its result, for the step's check. */
    record Call(Before before, Result result) {
    }

    /** The Linux PTE's frame. */
    private static long pfn(int pte) {
        return Integer.toUnsignedLong(pte) >>> 12;
    }


    private static long pkmapAddr(Highmem h, int slot) {
        return h.pkmap().pkmapBase() + ((long) slot << 12);
    }

    /**
     * The frame of struct page pointer {@code page} ({@code page_to_pfn}, mem_map's layout as the
     * page allocator holds it), -1 when it is none of this kernel's.
     */
    private static long frameOf(Highmem h, long page) {
        MemMapLayout mm = h.memMap();
        long pfn = mm.pageToPfn(page);
        return pfn < mm.archPfnOffset() || pfn >= h.maxPfn() ? -1 : pfn;
    }

    private static long linear(Highmem h, long pfn) {
        return (pfn << 12) - h.memMap().physOffset() + h.memMap().pageOffset();
    }

    /** The state {@code op} finds, read before it runs (null for a call this check does not judge). */
    static Before before(Highmem h, HighmemOp op) {
        long page;
        if (op instanceof HighmemOp.Kmap k) {
            page = k.page();
        } else if (op instanceof HighmemOp.Kunmap k) {
            page = k.page();
        } else if (op instanceof HighmemOp.KmapAtomic k) {
            page = k.page();
        } else if (op instanceof HighmemOp.KmapLocalPage k) {
            page = k.page();
        } else if (op instanceof HighmemOp.KunmapAtomic || op instanceof HighmemOp.KunmapLocal) {
            page = -1;
        } else {
            return null;
        }
        int cpu = op.cpu();
        KmapLocal l = h.local();
        boolean cpuOk = cpu >= 0 && cpu < l.cpus();
        long pfn = page < 0 ? -1 : frameOf(h, page);
        boolean high = pfn >= h.memMap().maxLowPfn();
        boolean pkmapCall = op instanceof HighmemOp.Kmap || op instanceof HighmemOp.Kunmap;
        int[] counts = null;
        long hashed = 0;
        if (pkmapCall && high) {
            counts = new int[SLOTS];
            for (int i = 0; i < SLOTS; i++) {
                counts[i] = h.pkmap().pkmapCount(i);
            }
            Long v = h.pkmap().hashedAddress(pfn);
            hashed = v == null ? 0 : v;
        }
        int task = cpuOk ? l.current(cpu) : -1;
        int depth = task < 0 ? 0 : l.taskDepth(task);
        int pushPte = cpuOk && depth < KM_MAX_IDX ? h.tables().linuxPte(HighmemChecks.fixVa(cpu, depth)) : 0;
        boolean atomicCtx = op.irq() || cpuOk && l.atomicDepth(task) > 0;
        return new Before(op, pfn, cpuOk, counts, h.pkmap().lastPkmapNr(), hashed, atomicCtx, task, depth, pushPte);
    }

    /** INV-HIGHMEM-07 on the state after the step's call. */
    static List<Violation> outcome(Highmem h) {
        return judge(h, h.lastCall());
    }

    /** INV-HIGHMEM-07 of call {@code c} (what it found and returned) on the state {@code h} it left. */
    static List<Violation> judge(Highmem h, Call c) {
        if (c == null || c.result() instanceof Result.Refused f && f.reason().equals(Result.WAITS)) {
            // no call, or one that did not run: it waits for a begun call on its CPU or for kmap_lock
            return List.of();
        }
        Before b = c.before();
        Result r = c.result();
        List<Violation> out = new ArrayList<>();
        HighmemOp op = b.op();
        boolean addressCall = op instanceof HighmemOp.KunmapAtomic || op instanceof HighmemOp.KunmapLocal;
        if (!b.cpuOk() || !addressCall && b.pfn() < 0) {
            if (!r.isRefused()) {
                out.add(v("a call on an impossible CPU or page was carried out", op + " returned " + show(r)));
            }
            return out;
        }
        if (op instanceof HighmemOp.Kmap) {
            kmap(h, b, r, out);
        } else if (op instanceof HighmemOp.Kunmap) {
            kunmap(h, b, r, out);
        } else if (addressCall) {
            kunmapLocal(h, b, r, out);
        } else {
            kmapLocal(h, b, r, out);
        }
        return out;
    }

    private static Violation v(String reason, String details) {
        return new Violation(ID, reason, details);
    }

    /** A result as the details print it: the value in hex, a refusal's reason, a warning's origin. */
    private static String show(Result r) {
        if (r instanceof Result.Refused f) {
            return "refused (" + f.reason() + ")";
        }
        String v = String.format("%08x", r.value());
        return r instanceof Result.Warned w ? v + (w.origin() == Result.Origin.KERNEL ? " with a WARN" : " with a finding") : v;
    }

    private static boolean refusedAs(Result r, String reason) {
        return r instanceof Result.Refused f && f.reason().equals(reason);
    }

    /**
     * {@code kmap}: a lowmem page's linear address, nothing changed; a hashed highmem page its
     * slot with one more user; otherwise {@code map_new_virtual}'s scan, restated: from
     * {@code last_pkmap_nr + 1}, the count-1 slots freed each time it reaches slot 0 (and its
     * budget of LAST_PKMAP probes restarted), the first count-0 slot taken with count 2 after
     * the user's increment; LAST_PKMAP probes without one: the sleep, refused as "would block"
     * ("scheduling while atomic" in an interrupt or under kmap_atomic).
     */
    private static void kmap(Highmem h, Before b, Result r, List<Violation> out) {
        Pkmap p = h.pkmap();
        if (b.pfn() < h.memMap().maxLowPfn()) {
            long want = linear(h, b.pfn());
            if (r.isRefused() || r.value() != want) {
                out.add(v("kmap of a lowmem page is not its linear address",
                        String.format("kmap(pfn %x) = %s, its linear address is %08x", b.pfn(), show(r), want)));
            }
            return;
        }
        int[] want = b.counts().clone();
        int last = b.lastNr();
        int slot;
        if (b.hashed() != 0) {
            slot = (int) ((b.hashed() - p.pkmapBase()) >>> 12);
        } else {
            slot = -1;
            int budget = SLOTS;
            while (true) {
                last = (last + 1) % SLOTS;
                if (last == 0) {
                    for (int i = 0; i < SLOTS; i++) {
                        want[i] = want[i] == 1 ? 0 : want[i];
                    }
                    budget = SLOTS;
                }
                if (want[last] == 0) {
                    slot = last;
                    want[slot] = 1;
                    break;
                }
                if (--budget == 0) {
                    break;
                }
            }
        }
        if (slot < 0) {
            String reason = b.atomicCtx() ? "scheduling while atomic" : "would block";
            if (!refusedAs(r, reason)) {
                out.add(v("kmap did not sleep where 6.1 sleeps", String.format(
                        "kmap(pfn %x) = %s: every pkmap_count is nonzero after the scan's flush, 6.1 sleeps (%s)", b.pfn(), show(r), reason)));
            }
        } else {
            want[slot]++;
            long va = pkmapAddr(h, slot);
            if (r.isRefused() || r.value() != va) {
                out.add(v("kmap did not return the slot 6.1 gives", String.format(
                        "kmap(pfn %x) = %s, 6.1 gives %08x (slot %d; last_pkmap_nr was %d, %s)", b.pfn(), show(r), va, slot,
                        b.lastNr(), b.hashed() != 0 ? "the page's hashed slot" : "the first free slot after it")));
                return;
            }
            int pte = h.tables().linuxPte(va);
            if (pte == 0 || pfn(pte) != b.pfn()) {
                out.add(v("kmap's slot does not map its page", String.format("slot %d PTE %08x, page pfn %x", slot, pte, b.pfn())));
            }
        }
        countsAre(h, want, last, "kmap", out);
    }

    /** {@code pkmap_count[]} and {@code last_pkmap_nr} after the call are {@code want} and {@code last}. */
    private static void countsAre(Highmem h, int[] want, int last, String call, List<Violation> out) {
        Pkmap p = h.pkmap();
        for (int i = 0; i < SLOTS; i++) {
            if (p.pkmapCount(i) != want[i]) {
                out.add(v(call + " left another pkmap_count than 6.1", String.format(
                        "pkmap_count[%d] = %d, 6.1 leaves %d", i, p.pkmapCount(i), want[i])));
            }
        }
        if (p.lastPkmapNr() != last) {
            out.add(v(call + " left another last_pkmap_nr than 6.1", String.format(
                    "last_pkmap_nr = %d, 6.1 leaves %d", p.lastPkmapNr(), last)));
        }
    }

    /**
     * {@code kunmap}: nothing for a lowmem page; for a highmem page with no hash entry
     * ({@code BUG_ON(!vaddr)}) or at count 1 or below ({@code BUG()} in {@code kunmap_high}) refused
     * with nothing changed; otherwise one user fewer, the PTE kept.
     */
    private static void kunmap(Highmem h, Before b, Result r, List<Violation> out) {
        if (b.pfn() < h.memMap().maxLowPfn()) {
            if (r.isRefused()) {
                out.add(v("kunmap of a lowmem page refused", "kunmap(pfn " + Long.toHexString(b.pfn()) + ") = " + show(r)));
            }
            return;
        }
        int[] want = b.counts().clone();
        int slot = b.hashed() == 0 ? -1 : (int) ((b.hashed() - h.pkmap().pkmapBase()) >>> 12);
        boolean bug = slot < 0 || want[slot] <= 1;
        if (bug != refusedAs(r, "kernel BUG")) {
            out.add(v(bug ? "kunmap went on where 6.1 BUGs" : "kunmap refused where 6.1 goes on", String.format(
                    "kunmap(pfn %x) = %s; page_address %08x, pkmap_count %s", b.pfn(), show(r), b.hashed(),
                    slot < 0 ? "-" : Integer.toString(want[slot]))));
            return;
        }
        if (!bug) {
            want[slot]--;
            int pte = h.tables().linuxPte(b.hashed());
            if (pte == 0 || pfn(pte) != b.pfn()) {
                out.add(v("kunmap cleared its page's slot", String.format("slot %d PTE %08x, page pfn %x", slot, pte, b.pfn())));
            }
        }
        countsAre(h, want, b.lastNr(), "kunmap", out);
    }

    /**
     * {@code kmap_atomic}/{@code kmap_local_page}: a lowmem page's linear address, no push; a
     * highmem page: {@code BUG_ON(idx >= KM_MAX_IDX)} after the increment when the task holds
     * KM_MAX_IDX - 1 levels, {@code BUG_ON(!pte_none)} when the slot is mapped, both with nothing
     * pushed; otherwise {@code __fix_to_virt(FIX_KMAP_BEGIN + depth + KM_MAX_IDX * cpu)} for the
     * depth before the call, mapping the page, one level more.
     */
    private static void kmapLocal(Highmem h, Before b, Result r, List<Violation> out) {
        HighmemOp op = b.op();
        KmapLocal l = h.local();
        int depthAfter = l.taskDepth(b.task());
        if (b.pfn() < h.memMap().maxLowPfn()) {
            long want = linear(h, b.pfn());
            if (r.isRefused() || r.value() != want || depthAfter != b.depth()) {
                out.add(v(op.name() + " of a lowmem page is not its linear address without a push", String.format(
                        "%s(pfn %x) = %s, depth %d -> %d; its linear address is %08x", op.name(), b.pfn(), show(r), b.depth(), depthAfter, want)));
            }
            return;
        }
        boolean full = b.depth() + 1 >= KM_MAX_IDX;
        boolean mapped = !full && b.pushPte() != 0;
        if (full || mapped) {
            if (!refusedAs(r, "kernel BUG") || depthAfter != b.depth()) {
                out.add(v(op.name() + " went on where 6.1 BUGs", String.format("%s(pfn %x) cpu %d = %s, depth %d -> %d: %s",
                        op.name(), b.pfn(), op.cpu(), show(r), b.depth(), depthAfter,
                        full ? "the push makes idx KM_MAX_IDX" : "the slot's PTE is set")));
            }
            return;
        }
        long va = HighmemChecks.fixVa(op.cpu(), b.depth());
        if (r.isRefused() || r.value() != va) {
            out.add(v(op.name() + " did not return the slot 6.1 gives", String.format(
                    "%s(pfn %x) cpu %d = %s, 6.1 gives %08x (depth %d)", op.name(), b.pfn(), op.cpu(), show(r), va, b.depth())));
            return;
        }
        int pte = h.tables().linuxPte(va);
        if (depthAfter != b.depth() + 1 || pte == 0 || pfn(pte) != b.pfn()) {
            out.add(v(op.name() + " left another stack than 6.1", String.format(
                    "depth %d -> %d, slot %08x PTE %08x, page pfn %x", b.depth(), depthAfter, va, pte, b.pfn())));
        }
    }

    /**
     * {@code kunmap_atomic}/{@code kunmap_local}: an address outside the kmap fixmap slots
     * ({@code addr < __fix_to_virt(FIX_KMAP_END) || addr > __fix_to_virt(FIX_KMAP_BEGIN)}) is a
     * no-op, warned when below PAGE_OFFSET; inside, an empty stack BUGs with nothing changed;
     * otherwise the PTE of the address given is cleared and one level popped, warned when the
     * address is not the top's.
     */
    private static void kunmapLocal(Highmem h, Before b, Result r, List<Violation> out) {
        HighmemOp op = b.op();
        long addr = (op instanceof HighmemOp.KunmapAtomic k ? k.addr() : ((HighmemOp.KunmapLocal) op).addr()) & ~0xfffL;
        int depthAfter = h.local().taskDepth(b.task());
        long lo = Fixmap.FIXADDR_TOP - ((long) Fixmap.FIX_KMAP_END << 12);
        long hi = Fixmap.FIXADDR_TOP - ((long) Fixmap.FIX_KMAP_BEGIN << 12);
        String what = String.format("%s(%08x) cpu %d = %s, depth %d -> %d", op.name(), addr, op.cpu(), show(r), b.depth(), depthAfter);
        if (addr < lo || addr > hi) {
            boolean user = addr < h.memMap().pageOffset();
            boolean ok = user ? r instanceof Result.Warned w && w.origin() == Result.Origin.KERNEL : r instanceof Result.Value;
            if (!ok || depthAfter != b.depth()) {
                out.add(v(op.name() + " outside the kmap slots is not 6.1's no-op", what + (user ? " (a user address: WARN)" : "")));
            }
            return;
        }
        if (b.depth() == 0) {
            // 6.1 clears virt_to_kpte(addr) before kmap_local_idx_pop's BUG_ON(idx < 0)
            if (!refusedAs(r, "kernel BUG") || depthAfter != 0 || h.tables().linuxPte(addr) != 0) {
                out.add(v(op.name() + " of an empty stack did not clear the address and BUG", what));
            }
            return;
        }
        boolean top = addr == HighmemChecks.fixVa(op.cpu(), b.depth() - 1);
        boolean ok = top ? r instanceof Result.Value : r instanceof Result.Warned w && w.origin() == Result.Origin.KERNEL;
        int pte = h.tables().linuxPte(addr);
        if (!ok || depthAfter != b.depth() - 1 || pte != 0) {
            out.add(v(op.name() + " did not clear and pop as 6.1 does", String.format("%s, PTE of the address %08x after%s",
                    what, pte, top ? "" : " (not the top: WARN)")));
        }
    }
}
