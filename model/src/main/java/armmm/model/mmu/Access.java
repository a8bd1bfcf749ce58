package armmm.model.mmu;

/** The kind of memory access a translation is for (ARMv7-A ARM B3.7: read, write, instruction fetch). */
public enum Access {
    /** A data read (LDR). */
    READ,
    /** A data write (STR): sets DFSR.WnR on a fault. */
    WRITE,
    /** An instruction fetch: stopped by XN, and by PXN at PL1. */
    EXEC;

    /** The scenario spelling: {@code read}, {@code write}, {@code exec}. */
    public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
