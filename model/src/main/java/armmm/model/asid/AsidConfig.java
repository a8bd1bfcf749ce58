package armmm.model.asid;

/**
 * The build facts the allocator depends on: {@code NR_CPUS} in use, {@code ASID_BITS}
 * (arch/arm/include/asm/mmu.h: 8 on the classic MMU) and the physical address of
 * {@code swapper_pg_dir}, whose TTBR1 value {@code cpu_set_reserved_ttbr0} copies into TTBR0
 * (arch/arm/mm/context.c).
 *
 * <p>Widths below 8 do not exist in the kernel; they shrink the ASID space so that a property
 * reaches rollovers in a few calls, as Catalin Marinas's TLA+ model of this allocator does. The
 * kernel silently assumes more ASIDs than CPUs: a rollover reserves one ASID per CPU and the
 * allocation that caused it needs another, so {@code 2^asidBits >= nrCpus + 2} (ASID 0 is never
 * handed out); with fewer, {@code find_next_zero_bit} returns {@code NUM_USER_ASIDS} and the ASID
 * overflows into the generation.
 *
 * <p>{@link FastPath} chooses the fast path of {@code check_and_switch_context}: 6.1's ARM32 plain
 * {@code atomic64_xchg} (the default everywhere), or arm64's read-then-{@code cmpxchg}, a kernel
 * patch applied to the model that closes the race spec/asid.md describes.
 *
 * @param nrCpus     CPUs, 1 to 8 ({@code CONFIG_NR_CPUS}=8 in the armmp build)
 * @param asidBits   bits of the hardware ASID, 1 to 8
 * @param swapperPgd physical address of {@code swapper_pg_dir} (16 KiB aligned)
 * @param fastPath   the fast path's atomic on {@code active_asids}
 */
public record AsidConfig(int nrCpus, int asidBits, long swapperPgd, FastPath fastPath) {
    /** {@code ASID_BITS} of the classic ARMv7 MMU. */
    public static final int ASID_BITS = 8;
    /** {@code swapper_pg_dir} of the armmp kernel on QEMU virt (TTBR1 0x4020406a in probe-mmu-1024M). */
    public static final long ARMMP_SWAPPER_PGD = 0x40204000L;

    /**
     * The fast path of {@code check_and_switch_context}: how it claims {@code per_cpu(active_asids)}
     * without {@code cpu_asid_lock}.
     */
    public enum FastPath {
        /**
         * Linux 6.1 arch/arm/mm/context.c: {@code atomic64_xchg(&active_asids, asid)}, fast path when
         * the old value was non-zero. It stores the mm's id even when it returns 0 (a rollover zeroed
         * the entry), which a second rollover then reserves: the race of spec/asid.md.
         */
        XCHG_6_1,
        /**
         * Linux 6.1 arch/arm64/mm/context.c: {@code atomic64_read(&active_asids)} first; only if that
         * was non-zero and the generation matches, {@code atomic64_cmpxchg_relaxed} from the value
         * read to the mm's id. A zeroed entry stays zero.
         */
        CMPXCHG_ARM64
    }

    /** 6.1's ARM32 allocator (the {@code atomic64_xchg} fast path). */
    public AsidConfig(int nrCpus, int asidBits, long swapperPgd) {
        this(nrCpus, asidBits, swapperPgd, FastPath.XCHG_6_1);
    }

    /** Validates the ranges. */
    public AsidConfig {
        java.util.Objects.requireNonNull(fastPath, "fastPath");
        if (nrCpus < 1 || nrCpus > 8) {
            throw new IllegalArgumentException("nrCpus: found " + nrCpus + ", expected 1 to 8");
        }
        if (asidBits < 1 || asidBits > ASID_BITS) {
            throw new IllegalArgumentException("asidBits: found " + asidBits + ", expected 1 to " + ASID_BITS);
        }
        if ((1 << asidBits) < nrCpus + 2) {
            // flush_context reserves one ASID per CPU; new_context then needs one more, and ASID 0 is never used
            throw new IllegalArgumentException("asidBits: found " + asidBits + ", too few for " + nrCpus
                    + " CPUs: 2^asidBits must be at least nrCpus + 2");
        }
        if (swapperPgd < 0 || swapperPgd > 0xffffffffL || (swapperPgd & 0x3fff) != 0) {
            throw new IllegalArgumentException("swapperPgd: found 0x" + Long.toHexString(swapperPgd)
                    + ", expected a 16 KiB aligned 32-bit physical address");
        }
    }

    /** The armmp build with {@code nrCpus} CPUs: 8-bit ASIDs. */
    public static AsidConfig armmp(int nrCpus) {
        return new AsidConfig(nrCpus, ASID_BITS, ARMMP_SWAPPER_PGD);
    }

    /** The same allocator with {@code fastPath} as the fast path. */
    public AsidConfig withFastPath(FastPath path) {
        return new AsidConfig(nrCpus, asidBits, swapperPgd, path);
    }

    /** {@code NUM_USER_ASIDS}, which is also {@code ASID_FIRST_VERSION}. */
    public int numUserAsids() {
        return 1 << asidBits;
    }

    /** {@code ~ASID_MASK}: the bits of the hardware ASID in a context id. */
    public long asidNumberMask() {
        return numUserAsids() - 1L;
    }
}
