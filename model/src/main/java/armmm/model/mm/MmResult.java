package armmm.model.mm;

/**
 * What an address-space system call returned: a value (an address, 0) or an error.
 *
 * @param value the returned value when {@code error} is null
 * @param error the error, or null on success
 */
public record MmResult(long value, Errno error) {
    /** Success with {@code value}. */
    public static MmResult ok(long value) {
        return new MmResult(value, null);
    }

    /** Failure with {@code error}. */
    public static MmResult fail(Errno error) {
        return new MmResult(0, error);
    }

    /** True on success. */
    public boolean isOk() {
        return error == null;
    }

    @Override
    public String toString() {
        return error == null ? "0x" + Long.toHexString(value) : "-" + error;
    }
}
