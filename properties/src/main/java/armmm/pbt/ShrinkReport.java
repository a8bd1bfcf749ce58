package armmm.pbt;

/**
 * How shrinking went.
 *
 * @param calls test cases replayed
 * @param improvements how many of them were kept as the new smallest failure
 * @param millis time spent
 * @param timedOut whether the time bound stopped it before a fixed point
 * @param originalChoices choices of the first failing test case
 * @param shrunkChoices choices of the shrunk one
 */
public record ShrinkReport(int calls, int improvements, long millis, boolean timedOut,
        int originalChoices, int shrunkChoices) {
    @Override
    public String toString() {
        return originalChoices + " -> " + shrunkChoices + " choices in " + calls + " replays, " + millis + " ms"
                + (timedOut ? " (time bound reached)" : "");
    }
}
