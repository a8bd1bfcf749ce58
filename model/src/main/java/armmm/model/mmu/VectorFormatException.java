package armmm.model.mmu;

/** A malformed vector file: the message is one line, {@code FILE:LINE:COL: what is wrong}. */
public final class VectorFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the one-line message. */
    public VectorFormatException(String message) {
        super(message);
    }
}
