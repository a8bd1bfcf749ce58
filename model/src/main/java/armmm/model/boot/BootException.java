package armmm.model.boot;

import armmm.model.board.BoardException;

/**
 * A board the kernel cannot boot (no RAM left after {@code mem=}, RAM that does not hold the
 * kernel image, an early allocation that fails where the kernel would panic). The CLI maps it
 * to exit 2 like other bad input.
 */
public final class BootException extends IllegalArgumentException {
    /** Why boot stops, naming the option responsible. */
    public BootException(String option, String message) {
        super(new BoardException(option, message).getMessage());
    }
}
