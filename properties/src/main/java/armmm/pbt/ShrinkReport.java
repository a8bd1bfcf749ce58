package armmm.pbt;

/**
 * How shrinking went.
 *
 * @param calls test cases replayed
 * @param improvements how many of them were kept as the new smallest failure
 * @param millis time spent
 * @param timedOut whether the wall-clock safety net stopped it before a fixed point (machine-dependent)
 * @param originalChoices choices of the first failing test case
 * @param shrunkChoices choices of the shrunk one
 * @param budgetReached whether the replay budget stopped it before a fixed point (the same everywhere)
 */
public record ShrinkReport(int calls, int improvements, long millis, boolean timedOut,
        int originalChoices, int shrunkChoices, boolean budgetReached) {
    /** What shrinking did, without its duration: the same on every machine for the same seed. */
    public String summary() {
        return originalChoices + " -> " + shrunkChoices + " choices in " + calls + " replays"
                + (budgetReached ? " (replay budget reached)" : "")
                + (timedOut ? " (wall-clock safety net cut in: this result depends on the machine)" : "");
    }

    @Override
    public String toString() {
        return originalChoices + " -> " + shrunkChoices + " choices in " + calls + " replays, " + millis + " ms"
                + (budgetReached ? " (replay budget reached)" : "")
                + (timedOut ? " (wall-clock safety net cut in)" : "");
    }
}
