package armmm.model.board;

/**
 * Bad board input: an option or command-line value the model cannot accept. The CLI maps it to
 * exit code 2 and prints {@link #getMessage()}, which reads {@code --option: message}.
 */
public final class BoardException extends IllegalArgumentException {
    private final String option;

    /** A bad value of {@code option} (such as {@code --ram} or {@code mem=}), explained by {@code message}. */
    public BoardException(String option, String message) {
        super(option + ": " + message);
        this.option = option;
    }

    /** The option or command-line parameter at fault. */
    public String option() {
        return option;
    }
}
