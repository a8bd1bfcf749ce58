package armmm.model.mm;

/**
 * The build and sysctl facts the user layout depends on. Defaults are the armmp build's:
 * {@code TASK_SIZE} = PAGE_OFFSET - 16 MiB (arch/arm/include/asm/memory.h), {@code STACK_TOP} =
 * {@code TASK_SIZE} for 32-bit personalities (arch/arm/include/asm/processor.h),
 * {@code TASK_UNMAPPED_BASE} = ALIGN(TASK_SIZE / 3, 16 MiB), {@code FIRST_USER_ADDRESS} = 2 pages
 * (arch/arm/include/asm/pgtable.h), {@code vm.mmap_rnd_bits} = {@code CONFIG_ARCH_MMAP_RND_BITS}
 * = 8, {@code vm.mmap_min_addr} = {@code CONFIG_DEFAULT_MMAP_MIN_ADDR} = 4096,
 * {@code stack_guard_gap} = 256 pages (mm/mmap.c), the default {@code STACK_RND_MASK} of
 * mm/util.c (0x7ff pages), {@code kernel.randomize_va_space} = 2, {@code vm.legacy_va_layout} = 0,
 * {@code vm.max_map_count} = 65530.
 *
 * @param taskSize          {@code TASK_SIZE}
 * @param mmapRndBits       {@code mmap_rnd_bits}
 * @param mmapMinAddr       {@code mmap_min_addr} (its {@code dac_mmap_min_addr} side)
 * @param stackGuardGap     {@code stack_guard_gap}, bytes
 * @param stackRndMask      {@code STACK_RND_MASK}, pages
 * @param randomizeVaSpace  {@code randomize_va_space}: 0 none, 1 stack and mmap, 2 also brk
 * @param legacyVaLayout    {@code sysctl_legacy_va_layout}
 * @param maxMapCount       {@code sysctl_max_map_count}
 */
public record UserLayoutConfig(long taskSize, int mmapRndBits, long mmapMinAddr, long stackGuardGap,
        long stackRndMask, int randomizeVaSpace, boolean legacyVaLayout, int maxMapCount) {
    /** {@code PAGE_SIZE}. */
    public static final long PAGE_SIZE = 4096;
    /** {@code SZ_16M}. */
    private static final long SZ_16M = 16L << 20;
    /** {@code TASK_SIZE} of this build: PAGE_OFFSET (0xc0000000, VMSPLIT_3G) - 16 MiB (arch/arm/include/asm/memory.h). */
    public static final long TASK_SIZE = 0xC0000000L - SZ_16M;

    /** Validates the values. */
    public UserLayoutConfig {
        if (taskSize <= 0 || taskSize > 0xffffffffL || taskSize % SZ_16M != 0) {
            throw new IllegalArgumentException("taskSize: found 0x" + Long.toHexString(taskSize)
                    + ", expected a 16 MiB multiple below 4 GiB");
        }
        if (mmapRndBits < 8 || mmapRndBits > 16) {
            throw new IllegalArgumentException("mmapRndBits: found " + mmapRndBits
                    + ", expected 8 to 16 (CONFIG_ARCH_MMAP_RND_BITS_MIN/MAX)");
        }
        if (mmapMinAddr < 0 || mmapMinAddr >= taskSize) {
            throw new IllegalArgumentException("mmapMinAddr: found " + mmapMinAddr + ", expected below TASK_SIZE");
        }
        if (stackGuardGap < 0 || stackGuardGap % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("stackGuardGap: found " + stackGuardGap + ", expected whole pages");
        }
        if (randomizeVaSpace < 0 || randomizeVaSpace > 2) {
            throw new IllegalArgumentException("randomizeVaSpace: found " + randomizeVaSpace + ", expected 0, 1 or 2");
        }
        if (maxMapCount < 1) {
            throw new IllegalArgumentException("maxMapCount: found " + maxMapCount + ", expected at least 1");
        }
    }

    /** The armmp build with the default sysctls. */
    public static UserLayoutConfig armmp() {
        return new UserLayoutConfig(TASK_SIZE, 8, 4096, 256 * PAGE_SIZE, 0x7ff, 2, false, 65530);
    }

    /** {@code STACK_TOP} of a 32-bit personality. */
    public long stackTop() {
        return taskSize;
    }

    /** {@code TASK_UNMAPPED_BASE}: ALIGN(TASK_SIZE / 3, SZ_16M). */
    public long taskUnmappedBase() {
        return (taskSize / 3 + SZ_16M - 1) / SZ_16M * SZ_16M;
    }

    /** {@code FIRST_USER_ADDRESS}: the first-level entry under it holds the vectors on some CPUs. */
    public long firstUserAddress() {
        return 2 * PAGE_SIZE;
    }

    /** The same configuration with another {@code randomize_va_space}. */
    public UserLayoutConfig withRandomizeVaSpace(int value) {
        return new UserLayoutConfig(taskSize, mmapRndBits, mmapMinAddr, stackGuardGap, stackRndMask, value,
                legacyVaLayout, maxMapCount);
    }
}
