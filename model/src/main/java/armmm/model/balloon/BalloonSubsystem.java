package armmm.model.balloon;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Subsystem;
import armmm.model.zone.NodeZones;
import java.util.List;
import java.util.OptionalLong;

/**
 * The virtio balloon (drivers/virtio/virtio_balloon.c) as a subsystem: a virtio-balloon device
 * on the virt board with QEMU's default features (no deflate-on-oom) and its driver loaded,
 * created empty after the buddy allocator. The oracle boards had no such device; an empty
 * balloon changes none of their figures.
 */
public final class BalloonSubsystem implements Subsystem<Balloon> {
    /** The one instance, registered in {@code Subsystems}. */
    public static final BalloonSubsystem INSTANCE = new BalloonSubsystem();

    private BalloonSubsystem() {
    }

    @Override
    public String name() {
        return "balloon";
    }

    @Override
    public Class<Balloon> stateType() {
        return Balloon.class;
    }

    @Override
    public Balloon create(KernelState earlier, Board board, Bugs bugs) {
        PageAllocator pages = earlier.state(PageAllocator.class);
        NodeZones zones = earlier.state(NodeZones.class);
        return pages == null || zones == null ? null : new Balloon(pages, zones, bugs);
    }

    @Override
    public List<OpSpec> calls() {
        return BalloonOp.SPECS;
    }

    /** {@code balloon.num_pages}, {@code balloon.page[i]} (the pfn of the i-th page, newest first). */
    @Override
    public OptionalLong observe(Balloon state, KernelState kernel, ObservablePath path) {
        if (!path.is(0, "balloon") || path.length() != 2 || path.at(0).index() != null) {
            return OptionalLong.empty();
        }
        ObservablePath.Segment f = path.at(1);
        if ("num_pages".equals(f.name()) && f.index() == null) {
            return OptionalLong.of(state.numPages());
        }
        if ("page".equals(f.name()) && f.index() != null) {
            long i = f.numericIndex();
            List<Long> pfns = state.pfns();
            if (i < 0 || i >= pfns.size()) {
                throw new armmm.model.core.ObservableException(path + ": the balloon holds " + pfns.size() + " pages");
            }
            return OptionalLong.of(pfns.get((int) i));
        }
        return OptionalLong.empty();
    }

    @Override
    public List<Invariant> invariants() {
        return BalloonChecks.ALL;
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(BalloonBug.values());
    }
}
