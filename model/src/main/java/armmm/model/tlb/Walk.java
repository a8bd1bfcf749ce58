package armmm.model.tlb;

/**
 * What one successful table walk gives the TLB: the translated block (its base, its size), the
 * physical base, nG, and the hardware permission bits (APX:AP[1:0], XN) of the final descriptor
 * (ARMv7-A ARM B3.5, B3.7; the values {@code cpu_v7_set_pte_ext} writes, arch/arm/mm/proc-v7-2level.S).
 *
 * @param va     the block's virtual base (aligned to {@code size})
 * @param size   4 KiB page, 64 KiB large page, 1 MiB section or 16 MiB supersection
 * @param pa     the block's physical base
 * @param global false when the descriptor's nG bit is set: the entry is tagged with the ASID
 * @param ap     APX:AP[1:0], 0..7
 * @param xn     execute-never
 */
public record Walk(long va, long size, long pa, boolean global, int ap, boolean xn) {
    /** {@code APX:AP} of a user read-write page: AP[1:0] = 11. */
    public static final int AP_USER_RW = 3;
    /** {@code APX:AP} of a user read-only page: APX set, AP[1:0] = 11. */
    public static final int AP_USER_RO = 7;

    /** Whether the block covers {@code addr}. */
    public boolean covers(long addr) {
        return addr >= va && addr < va + size;
    }

    /** Whether a TLB entry made from this walk would translate and permit exactly as {@code other}. */
    public boolean sameTranslation(Walk other) {
        return other != null && va == other.va && size == other.size && pa == other.pa && global == other.global
                && ap == other.ap && xn == other.xn;
    }
}
