package armmm.model.mm;

/** The error codes the address-space calls return (include/uapi/asm-generic/errno-base.h). */
public enum Errno {
    /** Operation not permitted: an address under {@code mmap_min_addr}. */
    EPERM(1),
    /** Bad file descriptor: a file mapping (not modelled) without {@code MAP_ANONYMOUS}. */
    EBADF(9),
    /** Out of memory: no room, a hole in the range, too many mappings. */
    ENOMEM(12),
    /** Permission denied: a protection the mapping may not take. */
    EACCES(13),
    /** File exists: {@code MAP_FIXED_NOREPLACE} over a mapping. */
    EEXIST(17),
    /** Invalid argument. */
    EINVAL(22);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The positive errno value; the system call returns its negation. */
    public int code() {
        return code;
    }
}
