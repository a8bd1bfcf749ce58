package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.boot.BootZones;
import armmm.model.boot.BootedSystem;
import armmm.model.check.ZoneCallChecks;
import armmm.model.check.ZoneChecks;
import armmm.model.core.Result;
import armmm.model.subsystem.Op;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.page.PageAllocator;
import armmm.model.report.BuddyinfoReport;
import armmm.model.report.MeminfoReport;
import armmm.model.report.ZoneCounters;
import armmm.model.report.ZoneinfoReport;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import armmm.model.zone.ZoneBug;
import armmm.model.zone.NodeZones;
import armmm.model.zone.ZoneObservables;
import armmm.model.zone.ZoneOp;
import armmm.model.subsystem.OpSpec;
import armmm.model.zone.ZoneSetup;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The zones (mm/page_alloc.c {@code free_area_init}, {@code setup_per_zone_wmarks},
 * {@code setup_per_zone_lowmem_reserve}; include/linux/mmzone.h) as a subsystem: their geometry,
 * managed pages, watermarks and protection, set up from what early boot left.
 */
public final class ZoneSubsystem implements Subsystem<NodeZones> {
    /** The one instance, registered in {@link Subsystems}. */
    public static final ZoneSubsystem INSTANCE = new ZoneSubsystem();

    private ZoneSubsystem() {
    }

    @Override
    public String name() {
        return "zone";
    }

    @Override
    public Class<NodeZones> stateType() {
        return NodeZones.class;
    }

    @Override
    public NodeZones create(KernelState earlier, Board board, Bugs bugs) {
        BootedSystem booted = earlier.state(BootedSystem.class);
        return booted == null ? null : new NodeZones(BootZones.setUp(booted, bugs), bugs);
    }

    @Override
    public OptionalLong observe(NodeZones state, KernelState kernel, ObservablePath path) {
        return ZoneObservables.observe(state.setup(), path);
    }

    @Override
    public List<OpSpec> calls() {
        return ZoneOp.SPECS;
    }

    @Override
    public List<Invariant> invariants() {
        List<Invariant> all = new java.util.ArrayList<>(ZoneChecks.invariants());
        all.add(ZoneCallChecks.SYSCTL_OUTCOME);
        return List.copyOf(all);
    }

    @Override
    public void beforeStep(NodeZones state, Op op) {
        state.recordBefore(op);
    }

    @Override
    public void afterStep(NodeZones state, Op op, Result result) {
        state.recordResult(result);
    }

    @Override
    public List<Report> reports() {
        return List.of(
                new Report("zoneinfo", k -> zones(k).map(z -> ZoneinfoReport.render(z, counters(k, z)))),
                new Report("meminfo", k -> zones(k).map(z -> MeminfoReport.render(z,
                        k.state(BootedSystem.class).layout().vmallocTotal(), counters(k, z)))));
    }

    private static Optional<ZoneSetup> zones(KernelState k) {
        return Optional.ofNullable(k.state(NodeZones.class)).map(NodeZones::setup);
    }

    /** The buddy allocator's live counters; before it runs, every managed page reads as free. */
    private static ZoneCounters counters(KernelState k, ZoneSetup z) {
        PageAllocator pa = k.state(PageAllocator.class);
        return pa == null ? ZoneCounters.allManagedFree(z) : BuddyinfoReport.counters(pa);
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(ZoneBug.values());
    }
}
