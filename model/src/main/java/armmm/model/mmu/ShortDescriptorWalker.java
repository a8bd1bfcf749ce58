package armmm.model.mmu;

import java.util.EnumSet;
import java.util.Set;

/**
 * The ARMv7-A short-descriptor translation table walk, as the hardware performs it for a TLB
 * miss (ARMv7-A ARM B3.5 "Short-descriptor translation table format", B3.6 access flag,
 * B3.7 "Memory access control", B3.12 fault checking sequence, B3.13 fault status encodings).
 * This is the walk Linux's tables are built for (arch/arm/include/asm/pgtable-2level-hwdef.h;
 * the kernel itself only reads the result in {@code do_DataAbort}, arch/arm/mm/fault.c).
 *
 * <p>Order of checks, as the architecture fixes it: the first-level descriptor (fault, page
 * table, section, supersection); for a page table, the second-level descriptor is fetched
 * <em>before</em> any domain check, so a fault entry there is a page translation fault whatever
 * the domain; then the access flag (only with SCTLR.AFE), then the domain in DACR (no access:
 * domain fault; client: permissions checked; manager: not checked), then AP/APX, XN and PXN.
 */
public final class ShortDescriptorWalker {
    /** SCTLR.AFE, bit 29: AP[0] is an access flag. */
    private static final int SCTLR_AFE = 1 << 29;
    /** TTBCR.PD0, bit 4: a TLB miss through TTBR0 is a translation fault. */
    private static final int TTBCR_PD0 = 1 << 4;
    /** TTBCR.PD1, bit 5: the same for TTBR1. */
    private static final int TTBCR_PD1 = 1 << 5;

    private final boolean l2MaskBug;
    private final boolean domainFirstBug;
    private final boolean ttbr1IndexBug;

    /** The architecture's walker. */
    public ShortDescriptorWalker() {
        this(EnumSet.noneOf(MmuBug.class));
    }

    /** A walker with the given planted bugs (only the walker's own are looked at). */
    public ShortDescriptorWalker(Set<MmuBug> bugs) {
        this.l2MaskBug = bugs.contains(MmuBug.L2_BASE_MASK_FFFFFF00);
        this.domainFirstBug = bugs.contains(MmuBug.DOMAIN_BEFORE_L2_FETCH);
        this.ttbr1IndexBug = bugs.contains(MmuBug.TTBR1_INDEX_USES_N);
    }

    /** {@link #translate(int, int, int, int, int, long, Access, Privilege, PhysicalMemory)} with SCTLR.AFE clear, as Linux's ARMv7 2-level build runs. */
    public Translation translate(int ttbcr, int ttbr0, int ttbr1, int dacr, long va, Access access, Privilege mode,
            PhysicalMemory mem) {
        return translate(0, ttbcr, ttbr0, ttbr1, dacr, va, access, mode, mem);
    }

    /**
     * Walks the tables for one access.
     *
     * @param sctlr SCTLR (only AFE is read; the MMU is taken to be on)
     * @param ttbcr TTBCR (N in [2:0], PD0, PD1; EAE must be clear)
     * @param ttbr0 TTBR0 with its attribute bits
     * @param ttbr1 TTBR1 with its attribute bits
     * @param dacr DACR, two bits per domain
     * @param va the virtual address, 0..0xFFFFFFFF
     * @param access read, write or instruction fetch
     * @param mode PL1 or PL0
     * @param mem the physical memory the tables are in
     */
    public Translation translate(int sctlr, int ttbcr, int ttbr0, int ttbr1, int dacr, long va, Access access,
            Privilege mode, PhysicalMemory mem) {
        int v = (int) va;
        boolean write = access == Access.WRITE;
        int n = ttbcr & 7;
        boolean useTtbr1 = n != 0 && (v >>> (32 - n)) != 0;
        long l1Addr;
        if (useTtbr1) {
            if ((ttbcr & TTBCR_PD1) != 0) {
                return new Translation.Fault(FaultKind.TRANSLATION, false, -1, write);
            }
            int index = ttbr1IndexBug ? (v >>> 20) & ((1 << (12 - n)) - 1) : v >>> 20;
            l1Addr = Integer.toUnsignedLong((ttbr1 & 0xFFFFC000) | (index << 2));
        } else {
            if ((ttbcr & TTBCR_PD0) != 0) {
                return new Translation.Fault(FaultKind.TRANSLATION, false, -1, write);
            }
            int base = ttbr0 & (0xFFFFFFFF << (14 - n));
            int index = (v >>> 20) & ((1 << (12 - n)) - 1);
            l1Addr = Integer.toUnsignedLong(base | (index << 2));
        }
        int l1 = mem.readWord(l1Addr);
        switch (l1 & 3) {
            case 0:
                return new Translation.Fault(FaultKind.TRANSLATION, false, -1, write);
            case 1:
                return pageTable(sctlr, dacr, v, write, access, mode, mem, l1);
            default:
                return section(sctlr, dacr, v, write, access, mode, l1, l1Addr);
        }
    }

    private Translation section(int sctlr, int dacr, int v, boolean write, Access access, Privilege mode, int l1,
            long l1Addr) {
        boolean pxn = (l1 & 1) != 0;
        boolean supersection = (l1 & (1 << 18)) != 0;
        int domain = supersection ? 0 : (l1 >>> 5) & 0xF;
        int ap = ((l1 >>> 13) & 4) | ((l1 >>> 10) & 3);
        boolean xn = (l1 & (1 << 4)) != 0;
        boolean ng = (l1 & (1 << 17)) != 0;
        Translation.Fault fault = check(sctlr, dacr, domain, ap, xn, pxn, false, write, access, mode);
        if (fault != null) {
            return fault;
        }
        long pa;
        EntryKind entry;
        if (supersection) {
            long high = ((long) ((l1 >>> 5) & 0xF) << 36) | ((long) ((l1 >>> 20) & 0xF) << 32);
            pa = high | Integer.toUnsignedLong((l1 & 0xFF000000) | (v & 0x00FFFFFF));
            entry = EntryKind.SUPERSECTION;
        } else {
            pa = Integer.toUnsignedLong((l1 & 0xFFF00000) | (v & 0x000FFFFF));
            entry = EntryKind.SECTION;
        }
        return new Translation.Mapped(pa, entry, l1, l1Addr, domain, ap, xn, pxn, ng);
    }

    private Translation pageTable(int sctlr, int dacr, int v, boolean write, Access access, Privilege mode,
            PhysicalMemory mem, int l1) {
        int domain = (l1 >>> 5) & 0xF;
        boolean pxn = (l1 & (1 << 2)) != 0;
        if (domainFirstBug && domainAccess(dacr, domain) == 0) {
            return new Translation.Fault(FaultKind.DOMAIN, true, domain, write);
        }
        int base = l2MaskBug ? l1 & 0xFFFFFF00 : l1 & 0xFFFFFC00;
        long l2Addr = Integer.toUnsignedLong(base | (((v >>> 12) & 0xFF) << 2));
        int l2 = mem.readWord(l2Addr);
        if ((l2 & 3) == 0) {
            return new Translation.Fault(FaultKind.TRANSLATION, true, domain, write);
        }
        int ap = ((l2 >>> 7) & 4) | ((l2 >>> 4) & 3);
        boolean ng = (l2 & (1 << 11)) != 0;
        boolean large = (l2 & 3) == 1;
        boolean xn = large ? (l2 & (1 << 15)) != 0 : (l2 & 1) != 0;
        Translation.Fault fault = check(sctlr, dacr, domain, ap, xn, pxn, true, write, access, mode);
        if (fault != null) {
            return fault;
        }
        long pa = large ? Integer.toUnsignedLong((l2 & 0xFFFF0000) | (v & 0xFFFF))
                : Integer.toUnsignedLong((l2 & 0xFFFFF000) | (v & 0xFFF));
        return new Translation.Mapped(pa, large ? EntryKind.LARGE_PAGE : EntryKind.SMALL_PAGE, l2, l2Addr, domain, ap,
                xn, pxn, ng);
    }

    private static int domainAccess(int dacr, int domain) {
        return (dacr >>> (2 * domain)) & 3;
    }

    /** Access flag, domain, then permissions (ARMv7-A ARM B3.12.1); null when the access is allowed. */
    private static Translation.Fault check(int sctlr, int dacr, int domain, int ap, boolean xn, boolean pxn,
            boolean page, boolean write, Access access, Privilege mode) {
        boolean afe = (sctlr & SCTLR_AFE) != 0;
        if (afe && (ap & 1) == 0) {
            return new Translation.Fault(FaultKind.ACCESS_FLAG, page, domain, write);
        }
        int da = domainAccess(dacr, domain);
        if (da == 3) {
            return null;
        }
        if (da != 1) {
            // 0b00 no access; 0b10 is reserved and treated as no access (ARMv7-A ARM B3.7.3)
            return new Translation.Fault(FaultKind.DOMAIN, page, domain, write);
        }
        boolean allowed = afe ? permittedSimplified(ap, write, mode) : permitted(ap, write, mode);
        if (allowed && access == Access.EXEC) {
            allowed = !xn && !(pxn && mode == Privilege.KERNEL);
        }
        return allowed ? null : new Translation.Fault(FaultKind.PERMISSION, page, domain, write);
    }

    /** ARMv7-A ARM table B3-8: AP[2:0] with AFE clear. */
    static boolean permitted(int ap, boolean write, Privilege mode) {
        boolean user = mode == Privilege.USER;
        switch (ap) {
            case 1: return !user;
            case 2: return !user || !write;
            case 3: return true;
            case 5: return !user && !write;
            case 6:
            case 7: return !write;
            default: return false; // 0: no access; 4: reserved
        }
    }

    /** ARMv7-A ARM table B3-9: the simplified model, AP[2:1] with AFE set. */
    private static boolean permittedSimplified(int ap, boolean write, Privilege mode) {
        boolean user = mode == Privilege.USER;
        switch (ap >>> 1) {
            case 0: return !user;
            case 1: return true;
            case 2: return !user && !write;
            default: return !write;
        }
    }
}
