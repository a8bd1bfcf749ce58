package armmm.model.mm;

/**
 * What {@code execve} of a static ELF binary brings to the layout (fs/binfmt_elf.c
 * {@code load_elf_binary}): the stack rlimit, the personality, and the end of the binary's bss
 * where {@code brk} starts.
 *
 * @param rlimitStack {@code rlimit(RLIMIT_STACK)} in bytes, or {@link #RLIM_INFINITY}
 * @param personality {@code current->personality}
 * @param elfBrk      page-aligned end of the bss ({@code ELF_PAGEALIGN(elf_brk)})
 */
public record ExecParams(long rlimitStack, int personality, long elfBrk) {
    /** {@code RLIM_INFINITY} on 32-bit: {@code ~0UL}. */
    public static final long RLIM_INFINITY = 0xffffffffL;
    /** {@code ADDR_NO_RANDOMIZE} (include/uapi/linux/personality.h). */
    public static final int ADDR_NO_RANDOMIZE = 0x0040000;
    /** {@code ADDR_COMPAT_LAYOUT}. */
    public static final int ADDR_COMPAT_LAYOUT = 0x0200000;

    /** Validates the values. */
    public ExecParams {
        if (rlimitStack < 0 || rlimitStack > RLIM_INFINITY) {
            throw new IllegalArgumentException("rlimitStack: found " + rlimitStack + ", expected 0 to RLIM_INFINITY");
        }
        if (elfBrk < 0 || elfBrk % UserLayoutConfig.PAGE_SIZE != 0) {
            throw new IllegalArgumentException("elfBrk: found 0x" + Long.toHexString(elfBrk) + ", expected page aligned");
        }
    }

    /** The default: 8 MiB stack limit (`ulimit -s 8192`), Linux personality. */
    public static ExecParams defaults(long elfBrk) {
        return new ExecParams(8L << 20, 0, elfBrk);
    }
}
