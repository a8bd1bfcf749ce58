package armmm.model.zone;

import armmm.model.core.Bugs;
import armmm.model.core.Result;

/**
 * The zones of node 0 as they are now ({@code pg_data_t.node_zones}): what boot set up
 * ({@link ZoneSetup}), replaced by each sysctl write that recomputes part of it ({@link ZoneSysctl}).
 *
 * <p>In 6.1 a zone is one {@code struct zone}; here the buddy allocator keeps its own copy of the
 * watermarks, protection and per-CPU list sizes, so it attaches itself ({@link Attached}) to
 * give the live managed counts a recompute reads and to take the recomputed values at once.
 */
public final class NodeZones {
    /** The buddy allocator's half of each {@code struct zone}. */
    public interface Attached {
        /** {@code zone_managed_pages} of every zone now. */
        PerZone managedPages();

        /**
         * Takes the recomputed zones; {@code watermarks} when {@code __setup_per_zone_wmarks} ran,
         * which also clears every zone's {@code watermark_boost}.
         */
        void retuned(ZoneSetup now, boolean watermarks);
    }

    private ZoneSetup setup;
    private ZoneStage stage;
    private final Bugs bugs;
    private Attached attached;
    private long writes;
    /** The sysctl write of the step that just ran, for INV-CALL-05; null after any other call. */
    private SysctlCall lastCall;

    /** The zones boot set up, in a kernel running {@code bugs}. */
    public NodeZones(ZoneSetup boot, Bugs bugs) {
        this(boot, bugs, ZoneStage.BOOTED);
    }

    /**
     * The zones of a kernel booting stage by stage, as {@code stage} leaves them: {@code setup} is
     * computed from what the kernel has by then (no CMA area activated before
     * {@link ZoneStage#CMA_ACTIVATED}, no late frees before {@link ZoneStage#BOOTED}); the fields a
     * later stage sets are not read until it runs (the zone invariants apply from their stage).
     */
    public NodeZones(ZoneSetup setup, Bugs bugs, ZoneStage stage) {
        this.setup = java.util.Objects.requireNonNull(setup, "setup");
        this.bugs = bugs;
        this.stage = java.util.Objects.requireNonNull(stage, "stage");
    }

    /** How far boot has set the zones up. */
    public ZoneStage stage() {
        return stage;
    }

    /**
     * The next boot stage: the zones as {@code next} leaves them. Only forwards, and only before the
     * buddy allocator takes the zones over.
     *
     * @throws IllegalStateException for a stage that is not after the current one, or once attached
     */
    public void advance(ZoneSetup now, ZoneStage next) {
        if (next.compareTo(stage) <= 0 || attached != null) {
            throw new IllegalStateException("the zones are at " + stage + ", cannot go to " + next
                    + (attached != null ? " after the buddy allocator took them" : ""));
        }
        setup = java.util.Objects.requireNonNull(now, "now");
        stage = next;
        writes++;
    }

    /** The zones now. */
    public ZoneSetup setup() {
        return setup;
    }

    /** How many writes (sysctl writes, managed page adjustments) changed the zones: the change signal of the zone invariants. */
    public long stamp() {
        return writes;
    }

    /** Attaches the buddy allocator, once, when it takes the zones over. */
    public void attach(Attached a) {
        if (attached != null) {
            throw new IllegalStateException("the zones already have a buddy allocator");
        }
        attached = a;
    }

    /**
     * A write of {@code text} to the sysctl {@code path} ({@code sysctl -w path=text}): 0, or
     * -EINVAL with the old value kept where the handler refuses it; -ENOENT for a name the model
     * has no sysctl of.
     */
    public Result sysctl(String path, String text) {
        ZoneSysctl s = ZoneSysctl.byPath(path);
        if (s == null) {
            return new Result.Refused("-ENOENT", "sysctl: cannot stat /proc/sys/" + path.replace('.', '/')
                    + ": No such file or directory");
        }
        PerZone live = attached == null ? managedNow(setup) : attached.managedPages();
        ZoneSysctl.Outcome o = s.write(setup, text, live, bugs);
        if (o.setup() != setup) {
            setup = o.setup();
            writes++;
            if (attached != null) {
                attached.retuned(setup, s == ZoneSysctl.MIN_FREE_KBYTES || s == ZoneSysctl.WATERMARK_SCALE_FACTOR);
            }
        }
        if (o.ret() != 0) {
            return new Result.Refused("-EINVAL", "sysctl: setting key \"" + path + "\": Invalid argument");
        }
        return Result.of(0);
    }

    /**
     * {@code adjust_managed_page_count} (mm/page_alloc.c) for a page of zone {@code t}: the zone's
     * managed pages (so {@code totalram_pages}, {@code totalhigh_pages}) move by {@code delta};
     * nothing is recomputed, as in 6.1: the watermarks wait for the next sysctl write.
     */
    public void adjustManagedPageCount(ZoneType t, long delta) {
        java.util.List<ZoneConfig> now = new java.util.ArrayList<>();
        for (ZoneConfig c : setup.zones()) {
            now.add(c.type() != t ? c : c.withManagedPages(c.managedPages() + delta));
        }
        setup = setup.retuned(setup.minFreeKbytes(), setup.tuning(), now);
        writes++;
        if (attached != null) {
            attached.retuned(setup, false);
        }
    }

    /** The step hook before a call: records a sysctl write's starting point, forgets any earlier one. */
    public void recordBefore(armmm.model.subsystem.Op op) {
        lastCall = op instanceof ZoneOp.Sysctl w
                ? new SysctlCall(w.path(), w.text(), setup.minFreeKbytes(), setup.tuning(), null) : null;
    }

    /** The step hook after a call: what the sysctl write recorded by {@link #recordBefore} returned. */
    public void recordResult(Result r) {
        if (lastCall != null) {
            lastCall = lastCall.withResult(r);
        }
    }

    /** The sysctl write of the step that just ran, with its result; null after any other call. */
    public SysctlCall lastCall() {
        return lastCall;
    }

    private static PerZone managedNow(ZoneSetup s) {
        long[] m = new long[ZoneType.values().length];
        for (ZoneConfig z : s.zones()) {
            m[z.type().ordinal()] = z.managedPages();
        }
        return PerZone.of(m);
    }
}
