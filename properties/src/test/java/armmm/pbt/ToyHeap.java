package armmm.pbt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A toy allocator whose double free is reachable only after three allocations: it refuses to free a
 * handle that is not live, except once it has handed out three handles, when it puts the handle on its
 * free list again. Hand-minimal counterexample: alloc, alloc, alloc, free h, free h (5 steps). The
 * handles later calls free come from a {@link Bundle}, so deleting an unrelated earlier allocation
 * while shrinking does not retarget them.
 */
final class ToyHeap {
    /** The hand-minimal counterexample's length. */
    static final int MINIMAL_STEPS = 5;

    private final List<Integer> freeList = new ArrayList<>();
    private final Set<Integer> live = new HashSet<>();
    private int handedOut;

    /** The heap's calls. */
    sealed interface Op permits Alloc, Free {}

    /** Allocates a handle. */
    record Alloc() implements Op {
        @Override
        public String toString() {
            return "alloc";
        }
    }

    /** Frees a handle. */
    record Free(int handle) implements Op {
        @Override
        public String toString() {
            return "free h" + handle;
        }
    }

    Object apply(Op op, Bundle<Integer> handles) {
        if (op instanceof Alloc) {
            int h = handedOut++;
            live.add(h);
            handles.add(h);
            return h;
        }
        int h = ((Free) op).handle();
        if (!live.remove(h) && handedOut < 3) {
            return "refused";
        }
        freeList.add(h);
        return null;
    }

    /** Invariant: no handle is twice on the free list. */
    List<Failure> noDoubleFree() {
        return new HashSet<>(freeList).size() == freeList.size() ? List.of()
                : List.of(new Failure("TOY-HEAP-01", "a handle is twice on the free list", "free list " + freeList));
    }

    /** The chain: handles freed are drawn from a bundle of every handle allocated. */
    static ChainSpec.Builder<ToyHeap, Op> spec(String name) {
        Bundle<Integer> handles = Bundle.named("handles");
        return ChainSpec.<ToyHeap, Op>builder(name)
                .initialState(ToyHeap::new)
                .action("alloc", 3, s -> Gens.constant(new Alloc()))
                .action("free", 2, s -> !handles.isEmpty(), s -> handles.draw().map(Free::new))
                .executor((s, op) -> s.apply(op, handles))
                .invariant("TOY-HEAP-01", ToyHeap::noDoubleFree)
                .steps(40).tries(200).database("off");
    }

    /** The same chain, picking handles by index from the front of a plain list (what bundles replace). */
    static ChainSpec.Builder<ToyHeap, Op> indexSpec(String name) {
        Bundle<Integer> unused = Bundle.named("unused");
        return ChainSpec.<ToyHeap, Op>builder(name)
                .initialState(ToyHeap::new)
                .action("alloc", 3, s -> Gens.constant(new Alloc()))
                .action("free", 2, s -> s.handedOut > 0, s -> Gens.uniformInts(0, s.handedOut - 1).map(Free::new))
                .executor((s, op) -> s.apply(op, unused))
                .invariant("TOY-HEAP-01", ToyHeap::noDoubleFree)
                .steps(40).tries(200).database("off");
    }
}
