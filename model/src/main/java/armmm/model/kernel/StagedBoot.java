package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.boot.BootException;
import armmm.model.boot.BootZones;
import armmm.model.boot.BootedSystem;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.subsystem.Subsystem;
import armmm.model.zone.NodeZones;
import armmm.model.zone.ZoneSetup;

/**
 * The boot of a kernel powered on ({@link Kernel#powerOn}), run as kernel calls: the stage due
 * next in {@code start_kernel}'s order (init/main.c: {@code setup_arch}, {@code mm_init}, the core
 * and postcore initcalls, {@code kernel_init}) and the states each stage creates or moves on.
 */
final class StagedBoot {
    private final Kernel kernel;
    private final Board board;
    private final Bugs bugs;
    /** The stage due next; null once {@code kernel_init} has run. */
    private BootStage next = BootStage.SETUP_ARCH;

    StagedBoot(Kernel kernel, Board board, Bugs bugs) {
        this.kernel = kernel;
        this.board = board;
        this.bugs = bugs;
    }

    /** The stage due next; null once boot is over. */
    BootStage next() {
        return next;
    }

    /**
     * Runs {@code stage}: refused with one line, nothing changed, when it is not the stage due (out
     * of order, twice) or when the board is one the kernel refuses to boot ({@link BootException},
     * at {@code setup_arch}).
     */
    Result run(BootStage stage) {
        if (next == null) {
            return Result.refused(stage.callName() + ": boot is over, kernel_init has run");
        }
        if (stage != next) {
            return Result.refused(stage.callName() + ": out of start_kernel's order, " + next.callName() + " runs next");
        }
        try {
            switch (stage) {
                case SETUP_ARCH -> setupArch();
                case MM_INIT -> zonesAt(stage, kernel.state(NodeZones.class).setup());
                case CMA_INIT_RESERVED_AREAS, INIT_PER_ZONE_WMARK_MIN ->
                        zonesAt(stage, BootZones.setUpBefore(kernel.state(BootedSystem.class), bugs, stage.zones()));
                case KERNEL_INIT -> kernelInit();
            }
        } catch (BootException e) {
            return Result.refused(stage.callName() + ": " + e.getMessage());
        }
        next = stage.next();
        return Result.of(0);
    }

    /**
     * {@code setup_arch}: early boot ({@link LayoutSubsystem}), its memblock and free_area_init's
     * zones, all computed before any is added, so a board refused on the way leaves nothing.
     */
    private void setupArch() {
        BootedSystem booted = LayoutSubsystem.INSTANCE.create(kernel, board, bugs);
        NodeZones zones = new NodeZones(BootZones.setUpBefore(booted, bugs, BootStage.SETUP_ARCH.zones()), bugs,
                BootStage.SETUP_ARCH.zones());
        kernel.put(LayoutSubsystem.INSTANCE, booted);
        kernel.add(MemblockSubsystem.INSTANCE, board);
        kernel.put(ZoneSubsystem.INSTANCE, zones);
    }

    private void zonesAt(BootStage stage, ZoneSetup setup) {
        kernel.state(NodeZones.class).advance(setup, stage.zones());
    }

    /**
     * The rest of {@code kernel_init}: the zones as boot leaves them (the late frees), exactly
     * {@link ZoneSubsystem}'s one-shot set-up, then every subsystem not created yet, in registry
     * order, as the one-shot kernel's constructor creates them.
     */
    private void kernelInit() {
        zonesAt(BootStage.KERNEL_INIT, BootZones.setUp(kernel.state(BootedSystem.class), bugs));
        for (Subsystem<?> s : Subsystems.ALL) {
            if (kernel.state(s.stateType()) == null) {
                kernel.add(s, board);
            }
        }
    }
}
