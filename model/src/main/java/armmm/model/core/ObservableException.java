package armmm.model.core;

/** An observable that names something the model has, but that cannot be read (an index out of range). */
public final class ObservableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the message a scenario error shows. */
    public ObservableException(String message) {
        super(message);
    }
}
