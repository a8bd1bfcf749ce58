package armmm.model.mm;

/**
 * The {@code vm_flags} bits and the {@code mmap}/{@code mprotect} arguments the model uses, with
 * the kernel's values (include/linux/mm.h, include/uapi/asm-generic/mman-common.h,
 * include/uapi/linux/mman.h).
 */
public final class VmFlags {
    /** {@code VM_READ}. */
    public static final long VM_READ = 0x1;
    /** {@code VM_WRITE}. */
    public static final long VM_WRITE = 0x2;
    /** {@code VM_EXEC}. */
    public static final long VM_EXEC = 0x4;
    /** {@code VM_SHARED}. */
    public static final long VM_SHARED = 0x8;
    /** {@code VM_MAYREAD}. */
    public static final long VM_MAYREAD = 0x10;
    /** {@code VM_MAYWRITE}. */
    public static final long VM_MAYWRITE = 0x20;
    /** {@code VM_MAYEXEC}. */
    public static final long VM_MAYEXEC = 0x40;
    /** {@code VM_MAYSHARE}. */
    public static final long VM_MAYSHARE = 0x80;
    /** {@code VM_GROWSDOWN}. */
    public static final long VM_GROWSDOWN = 0x100;
    /** {@code VM_ACCOUNT}: the mapping is charged to the commit limit. */
    public static final long VM_ACCOUNT = 0x00100000;
    /** {@code VM_NORESERVE}. */
    public static final long VM_NORESERVE = 0x00200000;
    /** {@code VM_DATA_DEFAULT_FLAGS} of ARM without {@code READ_IMPLIES_EXEC} (brk, the stack). */
    public static final long VM_DATA_DEFAULT_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

    /** {@code PROT_READ}. */
    public static final int PROT_READ = 0x1;
    /** {@code PROT_WRITE}. */
    public static final int PROT_WRITE = 0x2;
    /** {@code PROT_EXEC}. */
    public static final int PROT_EXEC = 0x4;
    /** {@code PROT_SEM}: accepted and ignored. */
    public static final int PROT_SEM = 0x8;

    /** {@code MAP_SHARED}. */
    public static final int MAP_SHARED = 0x01;
    /** {@code MAP_PRIVATE}. */
    public static final int MAP_PRIVATE = 0x02;
    /** {@code MAP_TYPE}: the mask of the mapping type. */
    public static final int MAP_TYPE = 0x0f;
    /** {@code MAP_FIXED}. */
    public static final int MAP_FIXED = 0x10;
    /** {@code MAP_ANONYMOUS}. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** {@code MAP_NORESERVE}. */
    public static final int MAP_NORESERVE = 0x4000;
    /** {@code MAP_FIXED_NOREPLACE}. */
    public static final int MAP_FIXED_NOREPLACE = 0x100000;

    private VmFlags() {
    }

    /** {@code calc_vm_prot_bits}: PROT_* to VM_READ/WRITE/EXEC (they share bit values). */
    public static long calcVmProtBits(int prot) {
        return prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
    }
}
