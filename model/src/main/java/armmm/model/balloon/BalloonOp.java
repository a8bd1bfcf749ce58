package armmm.model.balloon;

import armmm.model.core.Result;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;

/**
 * The balloon calls: what the host asks of the guest driver (drivers/virtio/virtio_balloon.c),
 * each run on {@code cpu=N} (the driver's work item runs on some CPU; its page allocations and
 * frees go through that CPU's lists).
 */
public sealed interface BalloonOp extends Op {

    /** {@code fill_balloon(vb, N)}: the number of pfns given to the host. */
    record Inflate(long num, int cpu) implements BalloonOp {
        public String name() { return "balloon_inflate"; }
        public List<Arg> args() { return List.of(Arg.number(num)); }
        public Result applyTo(KernelState k) { return Op.onState(k, Balloon.class, NO_BALLOON, b -> b.fillBalloon(num, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code leak_balloon(vb, N)}: the number of pfns taken back. */
    record Deflate(long num, int cpu) implements BalloonOp {
        public String name() { return "balloon_deflate"; }
        public List<Arg> args() { return List.of(Arg.number(num)); }
        public Result applyTo(KernelState k) { return Op.onState(k, Balloon.class, NO_BALLOON, b -> b.leakBalloon(num, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** The migration of the balloon page at INDEX (0 the newest), as {@code alloc_contig_range} drives it. */
    record Migrate(long index, int cpu) implements BalloonOp {
        public String name() { return "balloon_migratepage"; }
        public List<Arg> args() { return List.of(Arg.number(index)); }
        public Result applyTo(KernelState k) { return Op.onState(k, Balloon.class, NO_BALLOON, b -> b.migratePage(index, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** What a balloon call returns on a kernel without a board. */
    Result NO_BALLOON = Result.refused("no balloon: the scenario needs a board line");

    /** The scenario spellings of the balloon calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.perCpu("balloon_inflate", (a, c) -> new Inflate(a[0], c), ArgKind.NUMBER),
            OpSpec.perCpu("balloon_deflate", (a, c) -> new Deflate(a[0], c), ArgKind.NUMBER),
            OpSpec.perCpu("balloon_migratepage", (a, c) -> new Migrate(a[0], c), ArgKind.NUMBER));
}
