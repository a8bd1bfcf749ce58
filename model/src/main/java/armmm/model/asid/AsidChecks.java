package armmm.model.asid;

import armmm.model.core.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The allocator's invariants (spec/asid.md, INV-ASID-01 to 05), as pure functions of what the
 * kernel can see: context ids, {@code asid_generation}, {@code asid_map}, the per-CPU ASIDs and
 * registers, and the ASIDs each CPU ran since its last TLB flush. They recompute everything from
 * those fields and call none of the allocator's own helpers. A CPU inside
 * {@code check_and_switch_context} is judged only where the kernel's own reasoning holds mid-switch,
 * and a CPU that a rollover in progress has not yet visited is judged after the visit.
 */
public final class AsidChecks {
    /** INV-ASID-01. */
    public static final String UNIQUE = "INV-ASID-01";
    /** INV-ASID-02. */
    public static final String CURRENT_GENERATION = "INV-ASID-02";
    /** INV-ASID-03. */
    public static final String RESERVED_KEPT = "INV-ASID-03";
    /** INV-ASID-04. */
    public static final String SAME_ASID = "INV-ASID-04";
    /** INV-ASID-05. */
    public static final String FLUSH_BEFORE_REUSE = "INV-ASID-05";

    /** Every check by id, in catalogue order. */
    public static final Map<String, Function<AsidAllocator, List<Violation>>> ALL = Map.of(
            UNIQUE, AsidChecks::uniqueAsid,
            CURRENT_GENERATION, AsidChecks::noOldGeneration,
            RESERVED_KEPT, AsidChecks::reservedSurviveRollover,
            SAME_ASID, AsidChecks::sameAsidEverywhere,
            FLUSH_BEFORE_REUSE, AsidChecks::flushBeforeReuse);

    private AsidChecks() {
    }

    /** Every violation of every check. */
    public static List<Violation> all(AsidAllocator a) {
        List<Violation> out = new ArrayList<>();
        for (String id : List.of(UNIQUE, CURRENT_GENERATION, RESERVED_KEPT, SAME_ASID, FLUSH_BEFORE_REUSE)) {
            out.addAll(ALL.get(id).apply(a));
        }
        return out;
    }

    /**
     * Whether CPU {@code k} is still ahead of a rollover in progress: another CPU is inside
     * {@code flush_context} and has not yet taken {@code k}'s active ASID into the new map.
     */
    private static boolean awaitingFlush(AsidAllocator a, int k) {
        for (int j = 0; j < a.nrCpus(); j++) {
            CpuAsidState c = a.cpu(j);
            if (c.step() == SwitchStep.FLUSH_CONTEXT && c.flushCpu() <= k) {
                return true;
            }
        }
        return false;
    }

    private static long numberMask(AsidAllocator a) {
        return (1L << a.config().asidBits()) - 1;
    }

    /**
     * INV-ASID-01: two live mms never hold the same context id (same ASID in the same generation),
     * and two CPUs whose TTBR0 points at different mms never run the same hardware ASID.
     */
    public static List<Violation> uniqueAsid(AsidAllocator a) {
        List<Violation> out = new ArrayList<>();
        Map<Long, MmContext> byId = new HashMap<>();
        for (MmContext mm : a.liveMms()) {
            if (mm.contextId() == 0) {
                continue;
            }
            MmContext other = byId.putIfAbsent(mm.contextId(), mm);
            if (other != null) {
                out.add(new Violation(UNIQUE, "two mms share an ASID",
                        "mm" + other.handle() + " and mm" + mm.handle() + " both have context.id 0x"
                                + Long.toHexString(mm.contextId())));
            }
        }
        long mask = numberMask(a);
        for (int i = 0; i < a.nrCpus(); i++) {
            for (int j = i + 1; j < a.nrCpus(); j++) {
                CpuAsidState x = a.cpu(i);
                CpuAsidState y = a.cpu(j);
                if (x.running() != null && y.running() != null && x.running() != y.running()
                        && (x.contextidr() & mask) == (y.contextidr() & mask)) {
                    out.add(new Violation(UNIQUE, "two mms run with one hardware ASID",
                            "cpu " + i + " runs mm" + x.running().handle() + " and cpu " + j + " runs mm"
                                    + y.running().handle() + " with ASID " + (x.contextidr() & mask)));
                }
            }
        }
        return out;
    }

    /**
     * INV-ASID-02: a CPU outside a switch whose {@code active_asids} is set runs exactly that id, of
     * the current generation: it never switched to an old-generation mm.
     */
    public static List<Violation> noOldGeneration(AsidAllocator a) {
        List<Violation> out = new ArrayList<>();
        int bits = a.config().asidBits();
        for (int i = 0; i < a.nrCpus(); i++) {
            CpuAsidState c = a.cpu(i);
            if (c.step() != SwitchStep.IDLE || c.active() == 0 || awaitingFlush(a, i)) {
                continue;
            }
            if ((c.active() >> bits) != (a.asidGeneration() >> bits)) {
                out.add(new Violation(CURRENT_GENERATION, "CPU runs an mm of an old generation",
                        "cpu " + i + " active_asids 0x" + Long.toHexString(c.active()) + ", asid_generation 0x"
                                + Long.toHexString(a.asidGeneration())));
            } else if (c.running() == null || c.running().contextId() != c.active()) {
                out.add(new Violation(CURRENT_GENERATION, "active ASID is not the running mm's",
                        "cpu " + i + " active_asids 0x" + Long.toHexString(c.active()) + ", runs "
                                + (c.running() == null ? "no mm" : c.running())));
            }
        }
        return out;
    }

    /**
     * INV-ASID-03: a CPU whose {@code active_asids} a rollover cleared keeps the ASID it runs, or has
     * committed to run, as its {@code reserved_asids}, and that ASID is taken in {@code asid_map}.
     * Outside a switch that is the ASID in CONTEXTIDR. Inside one, from the moment its
     * {@code atomic64_xchg} (6.1's fast path), the successful {@code atomic64_cmpxchg_relaxed} (arm64's,
     * {@code armmm_asid_fastpath=cmpxchg}) or {@code atomic64_set} (slow path, under the lock) put the
     * mm's id in {@code active_asids} until TTBR0 is written, it is the number of the target mm's
     * {@code context.id} (what {@code cpu_switch_mm} writes): from then on {@code flush_context}
     * protects it like a running one, and a CPU that sits there through two rollovers is exactly the
     * "suspended animation" of 7767/1 (arch/arm/mm/context.c {@code flush_context}).
     */
    public static List<Violation> reservedSurviveRollover(AsidAllocator a) {
        List<Violation> out = new ArrayList<>();
        long mask = numberMask(a);
        java.util.BitSet map = a.asidMap();
        for (int i = 0; i < a.nrCpus(); i++) {
            CpuAsidState c = a.cpu(i);
            boolean committed = c.step() == SwitchStep.WRITE_CONTEXTIDR || c.step() == SwitchStep.WRITE_TTBR0;
            if (c.step() != SwitchStep.IDLE && !committed || c.active() != 0 || awaitingFlush(a, i)) {
                continue;
            }
            long running = committed ? c.target().contextId() & mask : c.contextidr() & mask;
            String what = committed ? "switches to ASID " + running + " (" + c.target() + ")"
                    : "runs ASID " + running + " (CONTEXTIDR 0x" + Long.toHexString(c.contextidr()) + ")";
            if ((c.reserved() & mask) != running) {
                out.add(new Violation(RESERVED_KEPT, "reserved ASID lost",
                        "cpu " + i + " " + what + " but reserved_asids is 0x" + Long.toHexString(c.reserved())));
            } else if (running != 0 && !map.get((int) running)) {
                out.add(new Violation(RESERVED_KEPT, "reserved ASID free in asid_map",
                        "cpu " + i + " reserves ASID " + running + ", clear in asid_map"));
            }
        }
        return out;
    }

    /** INV-ASID-04: every CPU outside a switch runs its mm with the ASID the mm's context id holds. */
    public static List<Violation> sameAsidEverywhere(AsidAllocator a) {
        List<Violation> out = new ArrayList<>();
        long mask = numberMask(a);
        for (int i = 0; i < a.nrCpus(); i++) {
            CpuAsidState c = a.cpu(i);
            if (c.step() != SwitchStep.IDLE || c.running() == null) {
                continue;
            }
            if ((c.contextidr() & mask) != (c.running().contextId() & mask)) {
                out.add(new Violation(SAME_ASID, "mm runs with two ASIDs",
                        "cpu " + i + " runs mm" + c.running().handle() + " with ASID " + (c.contextidr() & mask)
                                + ", its context.id is 0x" + Long.toHexString(c.running().contextId())));
            }
        }
        return out;
    }

    /**
     * INV-ASID-05: since its last local TLB flush, a CPU used each hardware ASID for at most one mm,
     * so no TLB entry of another mm can match the ASID it runs.
     */
    public static List<Violation> flushBeforeReuse(AsidAllocator a) {
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < a.nrCpus(); i++) {
            CpuAsidState c = a.cpu(i);
            for (int asid = 0; asid < c.tlbTagSlots(); asid++) {
                if (c.tlbTagOther(asid) != -1) {
                    out.add(new Violation(FLUSH_BEFORE_REUSE, "stale TLB entries for a recycled ASID",
                            "cpu " + i + " used ASID " + asid + " for mm" + c.tlbTagFirst(asid) + " and mm"
                                    + c.tlbTagOther(asid) + " without a TLB flush between"));
                }
            }
        }
        return out;
    }
}
