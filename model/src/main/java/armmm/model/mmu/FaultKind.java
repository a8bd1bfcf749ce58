package armmm.model.mmu;

/**
 * The fault a short-descriptor walk reports in DFSR.FS (ARMv7-A ARM B3.13.3, table B3-23),
 * section (first level) or page (second level) variant.
 */
public enum FaultKind {
    /** Translation fault: a fault descriptor, or TTBCR.PDn stopped the walk. FS 0x05 / 0x07. */
    TRANSLATION(0x05, 0x07),
    /** Access flag fault (only with SCTLR.AFE set and AP[0] clear). FS 0x03 / 0x06. */
    ACCESS_FLAG(0x03, 0x06),
    /** Domain fault: DACR says no access for the descriptor's domain. FS 0x09 / 0x0B. */
    DOMAIN(0x09, 0x0B),
    /** Permission fault: AP/APX, XN or PXN forbid the access in a client domain. FS 0x0D / 0x0F. */
    PERMISSION(0x0D, 0x0F);

    private final int sectionFs;
    private final int pageFs;

    FaultKind(int sectionFs, int pageFs) {
        this.sectionFs = sectionFs;
        this.pageFs = pageFs;
    }

    /** DFSR.FS (FS[4] at bit 4) for a fault at the first level ({@code section}) or the second ({@code page}). */
    public int fs(boolean pageLevel) {
        return pageLevel ? pageFs : sectionFs;
    }

    /** The lower-case name the vectors and scenarios use. */
    public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
