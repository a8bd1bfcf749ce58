package armmm.model.mm;

/**
 * {@code arch_pick_mmap_layout} and its helpers (mm/util.c, for ARM through
 * {@code CONFIG_ARCH_WANT_DEFAULT_TOPDOWN_MMAP_LAYOUT}), with the stack and brk randomisation of
 * {@code load_elf_binary} (fs/binfmt_elf.c), in the kernel's order of random draws: the mmap
 * offset, the stack offset, then brk.
 */
public final class MmapLayout {
    private static final long PAGE_SIZE = UserLayoutConfig.PAGE_SIZE;
    private static final long SZ_32M = 32L << 20;
    private static final long MIN_GAP = 128L << 20;

    private MmapLayout() {
    }

    /** {@code PF_RANDOMIZE}: set by exec unless the personality or the sysctl turns it off. */
    public static boolean randomize(UserLayoutConfig config, ExecParams exec) {
        return (exec.personality() & ExecParams.ADDR_NO_RANDOMIZE) == 0 && config.randomizeVaSpace() > 0;
    }

    /** {@code mmap_is_legacy}: the personality, an unlimited stack, or the sysctl. */
    public static boolean isLegacy(UserLayoutConfig config, ExecParams exec) {
        return (exec.personality() & ExecParams.ADDR_COMPAT_LAYOUT) != 0
                || exec.rlimitStack() == ExecParams.RLIM_INFINITY || config.legacyVaLayout();
    }

    /** {@code arch_mmap_rnd}: {@code mmap_rnd_bits} random pages. */
    public static long archMmapRnd(UserLayoutConfig config, RandomSource random) {
        return (random.getRandomLong() & ((1L << config.mmapRndBits()) - 1)) * PAGE_SIZE;
    }

    /** {@code mmap_base}: below the stack by the rlimit plus guard gap and stack randomisation, within [MIN_GAP, MAX_GAP]. */
    public static long mmapBase(UserLayoutConfig config, boolean randomize, long rnd, long rlimitStack) {
        long gap = rlimitStack;
        long pad = config.stackGuardGap() + (randomize ? config.stackRndMask() * PAGE_SIZE : 0);
        // unsigned long arithmetic: the padding is skipped when it would wrap
        if (((gap + pad) & 0xffffffffL) > gap) {
            gap += pad;
        }
        long maxGap = config.stackTop() / 6 * 5;
        if (gap < MIN_GAP && MIN_GAP < maxGap) {
            gap = MIN_GAP;
        } else if (gap > maxGap) {
            gap = maxGap;
        }
        return pageAlign(config.stackTop() - gap - rnd);
    }

    /** {@code randomize_stack_top(STACK_TOP)}, page aligned ({@code arch_align_stack} is the identity on ARM). */
    public static long randomizeStackTop(UserLayoutConfig config, boolean randomize, RandomSource random) {
        long offset = randomize ? (random.getRandomLong() & config.stackRndMask()) * PAGE_SIZE : 0;
        return pageAlign(config.stackTop()) - offset;
    }

    /** {@code randomize_page(start, range)}: a page in [start, start + range). */
    public static long randomizePage(long start, long range, RandomSource random) {
        if (start % PAGE_SIZE != 0) {
            range -= pageAlign(start) - start;
            start = pageAlign(start);
        }
        if (start > 0xffffffffL - range) {
            range = 0xffffffffL - start;
        }
        long pages = range / PAGE_SIZE;
        if (pages == 0) {
            return start;
        }
        return start + Long.remainderUnsigned(random.getRandomLong(), pages) * PAGE_SIZE;
    }

    /** The layout of a freshly exec'd static binary. */
    public static UserLayout pick(UserLayoutConfig config, ExecParams exec, RandomSource random) {
        boolean randomize = randomize(config, exec);
        long rnd = randomize ? archMmapRnd(config, random) : 0;
        boolean legacy = isLegacy(config, exec);
        long base = legacy ? config.taskUnmappedBase() + rnd : mmapBase(config, randomize, rnd, exec.rlimitStack());
        long stack = randomizeStackTop(config, randomize, random);
        long brk = exec.elfBrk();
        if (randomize && config.randomizeVaSpace() > 1) {
            // arch_randomize_brk of a 32-bit task
            brk = randomizePage(brk, SZ_32M, random);
        }
        return new UserLayout(base, !legacy, stack, brk);
    }

    private static long pageAlign(long addr) {
        return (addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    }
}
