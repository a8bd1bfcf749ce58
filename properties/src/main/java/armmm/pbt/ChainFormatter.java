package armmm.pbt;

/**
 * How a chain prints as a scenario and a bug report. The defaults use {@code toString()}; the model's
 * formatter prints kernel calls as scenario lines and states in /proc formats.
 *
 * @param <S> the state type
 * @param <A> the action type
 */
public interface ChainFormatter<S, A> {
    /** Lines placed before the steps of the scenario (a {@code board} line, comments); may be empty. */
    default String scenarioHeader(S initial) {
        return "";
    }

    /**
     * The scenario line of one executed step; the outcome (what the executor returned) lets a formatter
     * bind results to names ({@code -> $a}).
     */
    default String line(A action, Object outcome, int stepIndex) {
        return String.valueOf(action);
    }

    /**
     * The command that replays a written scenario file outside the tests, or null when the chain's
     * scenario has no replayer (the default: a toy or a non-kernel chain prints no replay line).
     *
     * @param scenarioPath the scenario's path relative to the repository root
     */
    default String replayCommand(String scenarioPath) {
        return null;
    }

    /** A state for the report: before and after the failing step. */
    default String describe(S state) {
        return String.valueOf(state);
    }
}
