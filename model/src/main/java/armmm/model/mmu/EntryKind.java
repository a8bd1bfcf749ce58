package armmm.model.mmu;

/** The final descriptor a successful short-descriptor walk stopped at (ARMv7-A ARM B3.5.1). */
public enum EntryKind {
    /** A 1 MiB first-level section. */
    SECTION,
    /** A 16 MiB first-level supersection, with a 40-bit output address. */
    SUPERSECTION,
    /** A 64 KiB second-level large page. */
    LARGE_PAGE,
    /** A 4 KiB second-level small page. */
    SMALL_PAGE;

    /** Whether the descriptor came from a second-level table. */
    public boolean secondLevel() {
        return this == LARGE_PAGE || this == SMALL_PAGE;
    }
}
