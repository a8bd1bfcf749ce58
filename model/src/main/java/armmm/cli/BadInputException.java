package armmm.cli;

/** Bad input or usage: the CLI prints the message as one line and exits 2. */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the one-line message, {@code FILE:LINE:COL: message} where a file is involved. */
    public BadInputException(String message) {
        super(message);
    }
}
