package armmm.model.boot;

/** A malformed line in a replayed log; its message reads {@code FILE:LINE:COL: message}. */
public final class ReplayException extends IllegalArgumentException {
    /** Bad input at {@code file}:{@code line}:{@code col} (1-based). */
    public ReplayException(String file, int line, int col, String message) {
        super(file + ":" + line + ":" + col + ": " + message);
    }
}
