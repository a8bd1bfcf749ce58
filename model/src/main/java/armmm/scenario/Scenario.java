package armmm.scenario;

import java.util.List;
import java.util.Map;

/**
 * A parsed scenario file: its optional board and its statements, in order.
 *
 * @param file       the file name as errors print it
 * @param board      the {@code board} line's parameters, or null for an empty memblock
 * @param boardLine  the board line's number, 0 without one
 * @param statements the statements after the board line
 */
public record Scenario(String file, Map<String, String> board, int boardLine, List<Statement> statements) {
    public Scenario {
        statements = List.copyOf(statements);
        board = board == null ? null : Map.copyOf(board);
    }

    /** The number of {@code expect} and {@code expect-fail} lines. */
    public long expectationCount() {
        return statements.stream()
                .filter(s -> s instanceof Statement.Expect || s instanceof Statement.ExpectFail || s instanceof Statement.ExpectWarn)
                .count();
    }
}
