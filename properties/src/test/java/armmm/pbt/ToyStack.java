package armmm.pbt;

import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately broken bounded stack for the engine's own tests: when {@code pop} finds exactly two
 * elements it returns the lower one (and still removes the top), so the bug shows only after push,
 * push, pop with two different values. A list kept alongside is the reference model.
 */
final class ToyStack {
    static final int CAPACITY = 4;

    private final int[] items = new int[CAPACITY];
    private int size;
    private final List<Integer> model = new ArrayList<>();
    private final boolean broken;

    ToyStack(boolean broken) {
        this.broken = broken;
    }

    /** The stack's actions; they print as scenario lines. */
    sealed interface Op permits Push, Pop {}

    /** Pushes a value. */
    record Push(int value) implements Op {
        @Override
        public String toString() {
            return "push " + value;
        }
    }

    /** Pops the top. */
    record Pop() implements Op {
        @Override
        public String toString() {
            return "pop";
        }
    }

    /** What a pop returned, and what the reference model says it should have. */
    record Popped(int value, int expected) {}

    boolean full() {
        return size == CAPACITY;
    }

    boolean empty() {
        return size == 0;
    }

    /** Applies an op; a pop's outcome is {@link Popped}, a push's is null. */
    Object apply(Op op) {
        if (op instanceof Push p) {
            items[size++] = p.value();
            model.add(p.value());
            return null;
        }
        int popped = broken && size == 2 ? items[0] : items[size - 1];
        size--;
        return new Popped(popped, model.remove(model.size() - 1));
    }

    /** Postcondition: a pop returns what was pushed last. */
    static List<Failure> popReturnsLastPush(ToyStack stack, Op op, Object outcome) {
        if (outcome instanceof Popped p && p.value() != p.expected()) {
            return List.of(new Failure("INV-STACK-01", "pop returned a value other than the last push",
                    "popped " + p.value() + ", expected " + p.expected()));
        }
        return List.of();
    }

    /** Invariant: the stack holds as many elements as the model. */
    List<Failure> sizeMatchesModel() {
        return size == model.size() ? List.of()
                : List.of(new Failure("INV-STACK-02", "stack size differs from the model",
                        "size " + size + ", model " + model.size()));
    }

    /** A chain spec over this stack. */
    static ChainSpec.Builder<ToyStack, Op> spec(String name, boolean broken) {
        return ChainSpec.<ToyStack, Op>builder(name)
                .initialState(() -> new ToyStack(broken))
                .action("push", 3, s -> !s.full(), s -> Gens.ints(0, 9).map(Push::new))
                .action("pop", 2, s -> !s.empty(), s -> Gens.constant(new Pop()))
                .executor(ToyStack::apply)
                .postcondition(ToyStack::popReturnsLastPush)
                .invariant("INV-STACK-02", ToyStack::sizeMatchesModel)
                .formatter(new ChainFormatter<>() {
                    @Override
                    public String scenarioHeader(ToyStack initial) {
                        return "# a bounded stack of capacity " + CAPACITY;
                    }

                    @Override
                    public String line(Op op, Object outcome, int step) {
                        return outcome instanceof Popped ? op + " -> $r" + step : op.toString();
                    }
                });
    }

    @Override
    public String toString() {
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            shown.add(items[i]);
        }
        return "stack " + shown + ", model " + model;
    }
}
