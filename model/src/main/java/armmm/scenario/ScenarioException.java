package armmm.scenario;

/**
 * Bad input in a scenario: a malformed line, an unknown call or name. Carries the place so the
 * CLI can print {@code FILE:LINE:COL: message} and exit 2.
 */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    /** At {@code line} and {@code column} (both 1-based). */
    public ScenarioException(int line, int column, String message) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** The 1-based line. */
    public int line() {
        return line;
    }

    /** The 1-based column. */
    public int column() {
        return column;
    }

    /** {@code FILE:LINE:COL: message}. */
    public String format(String file) {
        return file + ":" + line + ":" + column + ": " + getMessage();
    }
}
