package armmm.model.subsystem;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.SeededBug;
import armmm.model.core.Violation;
import java.util.List;
import java.util.OptionalLong;

/**
 * One subsystem of the modelled kernel (memblock, the boot layout, zones, the buddy allocator,
 * SLUB, ...): everything the kernel, the scenario language and the properties need to know about
 * it, in one value. The kernel's registry ({@code armmm.model.kernel.Subsystems}) lists every
 * subsystem once, in boot order; adding one means writing this interface for it and adding one
 * line there (see {@code spec/subsystems.md}).
 *
 * @param <S> the subsystem's state: the object its calls run on and its invariants read
 */
public interface Subsystem<S> {

    /** The subsystem's name, also the first segment of its observables where it owns one ({@code memblock}). */
    String name();

    /** The type of its state; the key under which {@link KernelState#state} finds it. */
    Class<S> stateType();

    /**
     * Creates the state at boot, after the subsystems registered before this one: {@code earlier}
     * holds theirs. Returns null when the subsystem does not exist in this kernel (a bare kernel
     * without a board has no zones). A kernel powered on stepwise ({@code Kernel.powerOn}) calls
     * it at the boot stage that completes the state ({@code kernel_init} for most), when
     * {@code earlier} holds every state the stages before made.
     *
     * @param earlier the kernel so far
     * @param board   the board booted, or null for a bare kernel (an empty memblock)
     * @param bugs    the bugs planted in this kernel; the state keeps the ones it runs
     */
    S create(KernelState earlier, Board board, Bugs bugs);

    /** The kernel calls it offers, as the scenario language spells them. */
    default List<OpSpec> calls() {
        return List.of();
    }

    /** Reads observable {@code path}, empty when this subsystem does not know it. */
    default OptionalLong observe(S state, KernelState kernel, ObservablePath path) {
        return OptionalLong.empty();
    }

    /** Its invariants, each with its entry in {@code spec/invariants.md}. */
    default List<Invariant> invariants() {
        return List.of();
    }

    /** The reports {@code print NAME} and {@code armmm boot --print NAME} render for it. */
    default List<Report> reports() {
        return List.of();
    }

    /** The handles its calls return and take (a page, an object, an address). */
    default List<HandleKind> handleKinds() {
        return List.of();
    }

    /** Runs before every kernel call, whichever subsystem the call belongs to. */
    default void beforeStep(S state) {
    }

    /**
     * Runs before every kernel call with the call about to run; by default
     * {@link #beforeStep(Object)}. The buddy allocator records the state its call starts from,
     * for the call postconditions (INV-CALL-*).
     */
    default void beforeStep(S state, Op op) {
        beforeStep(state);
    }

    /**
     * Whether this subsystem's state forbids {@code op} from running now, whichever subsystem it
     * belongs to: its refusal, or null (the default). The TLB subsystem refuses a call made on a
     * CPU that is inside a begun call. A refused call runs nothing; the step hooks still run.
     */
    default Result refusal(S state, Op op) {
        return null;
    }

    /**
     * The result of every kernel call as the kernel gives it, before {@link #afterStep}: what this
     * subsystem printed on the way of a call that may have been another's (the buddy allocator's
     * bad page reports at a drain or a refill) goes with it. By default the result unchanged.
     */
    default Result finishStep(S state, Op op, Result result) {
        return result;
    }

    /** Runs after every kernel call with its result (the buddy allocator completes the record it began). */
    default void afterStep(S state, Op op, Result result) {
    }

    /**
     * The complete check of this subsystem's state, run at the end of every scenario and every
     * chain: what its per-call invariants check, without their shortcuts of reading only what the
     * call changed or the counters kept beside the lists. By default this subsystem's invariants
     * that apply to {@code kernel}.
     */
    default List<Violation> completeCheck(S state, KernelState kernel) {
        List<Violation> found = new java.util.ArrayList<>();
        for (Invariant inv : invariants()) {
            if (inv.appliesTo(kernel)) {
                found.addAll(inv.check(kernel));
            }
        }
        return found;
    }

    /** The bugs that can be planted in it; the names must be unique across the kernel. */
    default List<SeededBug> bugs() {
        return List.of();
    }
}
