package armmm.model.tlb;

import armmm.model.asid.AsidAllocator;
import armmm.model.asid.AsidChecks;
import armmm.model.asid.MmContext;
import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLB invariants, computed from what the kernel and the hardware can see: the entries of each
 * CPU's TLB, the tables as they are now ({@link PageTables}), {@code mm->context.id},
 * {@code asid_generation}, {@code tlb_flush_pending} and each CPU's CONTEXTIDR. Which entries a
 * CPU can use decides what is checked: its global entries and the non-global entries tagged with
 * the ASID in its CONTEXTIDR, always; on a CPU without {@code tlb_flush_pending}, also those of
 * every ASID a live mm holds in the current generation (a fast-path switch can start using them
 * with no flush). A CPU with the flush pending keeps running its mm on its reserved ASID, and its
 * global entries, until its next switch, which takes the slow path (the rollover zeroed its
 * {@code active_asids}) and flushes under {@code cpu_asid_lock} before it writes CONTEXTIDR: only
 * its entries of other ASIDs are exempt. The ASID invariants INV-ASID-01..05
 * ({@link AsidChecks}) are registered here with them.
 */
public final class TlbChecks {
    /** INV-TLB-01: TLB entries agree with the tables once the kernel's maintenance completed. */
    public static final String COHERENT = "INV-TLB-01";
    /** INV-TLB-02: global entries for kernel addresses only, non-global for user addresses only. */
    public static final String GLOBAL_KERNEL_ONLY = "INV-TLB-02";
    /** INV-TLB-03: a non-global entry of a current ASID came from the mm holding that ASID. */
    public static final String NO_STALE_ASID = "INV-TLB-03";
    /** INV-TLB-04: every CPU's TTBR0 points at swapper_pg_dir or at a pgd still allocated to an mm. */
    public static final String TTBR0_LIVE = "INV-TLB-04";

    /** Every invariant of the subsystem, ASID ones first. */
    public static final List<Invariant> ALL = List.of(
            asid(AsidChecks.UNIQUE), asid(AsidChecks.CURRENT_GENERATION), asid(AsidChecks.RESERVED_KEPT),
            asid(AsidChecks.SAME_ASID), asid(AsidChecks.FLUSH_BEFORE_REUSE),
            Invariant.on(COHERENT, Tlbs.class, TlbChecks::coherent),
            Invariant.on(GLOBAL_KERNEL_ONLY, Tlbs.class, TlbChecks::globalKernelOnly),
            Invariant.on(NO_STALE_ASID, Tlbs.class, TlbChecks::noStaleAsid),
            Invariant.on(TTBR0_LIVE, Tlbs.class, TlbChecks::ttbr0Live));

    private TlbChecks() {
    }

    private static Invariant asid(String id) {
        return Invariant.on(id, Tlbs.class, t -> t.asid().mutations(), t -> AsidChecks.ALL.get(id).apply(t.asid()));
    }

    /**
     * The mm that holds each ASID number in the current generation: a live mm (not freed) whose
     * {@code context.id} carries {@code asid_generation}. Read off the mms, not the allocator's map.
     */
    static Map<Integer, Long> currentOwners(Tlbs t) {
        AsidAllocator a = t.asid();
        int bits = a.config().asidBits();
        long mask = (1L << bits) - 1;
        Map<Integer, Long> owners = new HashMap<>();
        for (Map.Entry<Long, MmContext> e : t.contexts().entrySet()) {
            long id = e.getValue().contextId();
            if (id != 0 && (id >>> bits) == (a.asidGeneration() >>> bits)) {
                owners.put((int) (id & mask), e.getKey());
            }
        }
        return owners;
    }

    /**
     * The mm whose tables answer for the non-global entries tagged with the ASID in CPU
     * {@code cpu}'s CONTEXTIDR (arch/arm/mm/proc-v7-2level.S {@code cpu_v7_switch_mm} writes the
     * low bits of {@code context.id} there): of the mm TTBR0 points at, the mm a switch under way
     * goes to (CONTEXTIDR is written before TTBR0, with the reserved TTBR0 in between) and the
     * CPU's {@code active_mm} (the reserved-TTBR0 window before that write), the first whose
     * {@code context.id} carries that ASID; null when none does. A candidate whose whole id (the
     * 32 bits CONTEXTIDR holds, generation included) is CONTEXTIDR's is taken first: a switch under
     * way to an mm whose id is of an old generation with the same ASID number (it is about to get a
     * new one in {@code new_context}) does not own the entries the CPU's {@code active_mm} filled.
     */
    static Long contextidrMm(Tlbs t, int cpu) {
        long mask = t.asid().config().asidNumberMask();
        long contextidr = t.asid().cpu(cpu).contextidr();
        long tag = contextidr & mask;
        MmContext target = t.asid().cpu(cpu).target();
        long[] candidates = {t.ttbr0Mm(cpu), target == null ? -1 : t.mmOf(target), t.activeMm(cpu)};
        for (long mm : candidates) {
            MmContext ctx = mm < 0 ? null : t.context(mm);
            if (ctx != null && ctx.contextId() != 0 && (ctx.contextId() & 0xffffffffL) == contextidr) {
                return mm;
            }
        }
        for (long mm : candidates) {
            MmContext ctx = mm < 0 ? null : t.context(mm);
            if (ctx != null && ctx.contextId() != 0 && (ctx.contextId() & mask) == tag) {
                return mm;
            }
        }
        return null;
    }

    /**
     * The mm whose tables must answer for a non-global entry tagged {@code asid} on CPU
     * {@code cpu}, or null when the CPU cannot use the entry before a flush: on a CPU without a
     * flush pending, the live mm holding the ASID in the current generation; else, and on every
     * CPU, the CONTEXTIDR ASID's mm ({@link #contextidrMm}) for that ASID.
     */
    private static Long answering(Tlbs t, int cpu, int asid, Long running, Map<Integer, Long> owners) {
        boolean pending = t.asid().tlbFlushPending(cpu);
        if (!pending && owners.containsKey(asid)) {
            return owners.get(asid);
        }
        long tag = t.asid().cpu(cpu).contextidr() & t.asid().config().asidNumberMask();
        return asid == tag ? running : null;
    }

    /**
     * INV-TLB-01: on every CPU, every global entry translates as {@code swapper_pg_dir} does now
     * (except a vmalloc page whose lazy purge still owes its flush: the purge flushes before the
     * address is handed out again, INV-VMALLOC-05), and every non-global entry the CPU can use
     * before a flush ({@link #answering}) translates as its mm's tables do now, except exactly
     * where a begun address-space call is between its PTE write and the completion of its TLB
     * operation covering the entry, and the entry holds the translation from before that write
     * ({@link Tlbs#inShootdownWindow}); once the call returns, no exception remains.
     */
    public static List<Violation> coherent(Tlbs t) {
        List<Violation> out = new ArrayList<>();
        Map<Integer, Long> owners = currentOwners(t);
        for (int cpu = 0; cpu < t.nrCpus(); cpu++) {
            Long running = contextidrMm(t, cpu);
            for (TlbEntry e : t.tlb(cpu).entries()) {
                Walk w = e.walk();
                Walk now;
                if (w.global()) {
                    // a global entry of a user address is INV-TLB-02's; no kernel table answers for it
                    if (w.va() < ProcessTables.TASK_SIZE || t.vmallocFlushOwed(w.va())) {
                        continue;
                    }
                    now = t.tables().walkKernel(w.va());
                } else {
                    Long mm = answering(t, cpu, e.asid(), running, owners);
                    if (mm == null) {
                        continue;
                    }
                    now = t.tables().walkUser(mm, w.va());
                }
                // a begun munmap/mprotect's window: its PTE write is done, its TLBI covering the
                // entry not completed yet, and the entry is the old translation (spec/tlb.md)
                if (!w.sameTranslation(now) && !t.inShootdownWindow(e)) {
                    out.add(new Violation(COHERENT, "stale TLB entry",
                            "cpu " + cpu + " holds " + e + " but the tables give " + (now == null ? "no translation" : now)));
                }
            }
        }
        return out;
    }

    /** INV-TLB-02: every global entry is of a kernel address (at or above TASK_SIZE), every non-global one of a user address. */
    public static List<Violation> globalKernelOnly(Tlbs t) {
        List<Violation> out = new ArrayList<>();
        for (int cpu = 0; cpu < t.nrCpus(); cpu++) {
            for (TlbEntry e : t.tlb(cpu).entries()) {
                boolean kernel = e.walk().va() >= ProcessTables.TASK_SIZE;
                if (e.walk().global() != kernel) {
                    out.add(new Violation(GLOBAL_KERNEL_ONLY, kernel ? "non-global kernel entry" : "global user entry",
                            "cpu " + cpu + " holds " + e));
                }
            }
        }
        return out;
    }

    /**
     * INV-TLB-03: on every CPU, a non-global entry the CPU can use before a flush
     * ({@link #answering}: its CONTEXTIDR ASID's, and without a flush pending every ASID a live mm
     * holds in the current generation) was walked from that mm's tables: no entry of an mm that
     * had the ASID before a rollover, or of another mm's tables, answers for it.
     */
    public static List<Violation> noStaleAsid(Tlbs t) {
        List<Violation> out = new ArrayList<>();
        Map<Integer, Long> owners = currentOwners(t);
        for (int cpu = 0; cpu < t.nrCpus(); cpu++) {
            Long running = contextidrMm(t, cpu);
            for (TlbEntry e : t.tlb(cpu).entries()) {
                Long mm = e.walk().global() ? null : answering(t, cpu, e.asid(), running, owners);
                if (mm != null && e.owner() != mm) {
                    out.add(new Violation(NO_STALE_ASID, "entry of another mm under an ASID the CPU can use",
                            "cpu " + cpu + " holds " + e + ", but ASID " + e.asid() + " is mm " + mm + "'s"));
                }
            }
        }
        return out;
    }

    /**
     * INV-TLB-04: the first-level table every CPU's TTBR0 register points at (bits [31:14], TTBCR.N
     * = 0) is {@code swapper_pg_dir}, or the 16 KiB block whose head frame the buddy allocator
     * still has allocated and which is the {@code mm->pgd} of the mm that CPU runs: a pgd is freed
     * ({@code __mmdrop}) only when no CPU has its mm as {@code active_mm}.
     */
    public static List<Violation> ttbr0Live(Tlbs t) {
        List<Violation> out = new ArrayList<>();
        long swapper = t.asid().config().swapperPgd();
        for (int cpu = 0; cpu < t.nrCpus(); cpu++) {
            long base = t.asid().cpu(cpu).ttbr0() & ~0x3fffL;
            if (base == swapper) {
                continue;
            }
            long pfn = base >>> 12;
            if (!t.pages().hasPfn(pfn) || !t.pages().isAllocated(pfn)) {
                out.add(new Violation(TTBR0_LIVE, "TTBR0 points at a freed frame",
                        String.format("cpu %d: TTBR0 %#x, pfn %#x is free in the buddy allocator", cpu, t.asid().cpu(cpu).ttbr0(), pfn)));
            } else if (t.tables().pgd(t.ttbr0Mm(cpu)) != base) {
                out.add(new Violation(TTBR0_LIVE, "TTBR0 points at a frame that is no pgd of its mm",
                        String.format("cpu %d: TTBR0 %#x, mm %d's pgd is %#x", cpu, t.asid().cpu(cpu).ttbr0(), t.ttbr0Mm(cpu),
                                t.tables().pgd(t.ttbr0Mm(cpu)))));
            }
        }
        return out;
    }
}
