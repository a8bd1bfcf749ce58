package armmm.model.mmu;

/**
 * The outcome of one short-descriptor walk: the physical address and the attributes of the
 * descriptor that produced it, or the fault the hardware would write to DFSR/IFSR
 * (ARMv7-A ARM B3.5, B3.13).
 */
public sealed interface Translation permits Translation.Mapped, Translation.Fault {

    /** Whether the walk reached a physical address. */
    boolean ok();

    /**
     * A successful walk.
     *
     * @param pa the physical address (up to 40 bits through a supersection)
     * @param entry the final descriptor's kind
     * @param descriptor the final descriptor word
     * @param descriptorAddress where the walk read it
     * @param domain the domain the access was checked in (0 for a supersection)
     * @param ap APX:AP[1:0], 0..7
     * @param xn execute-never
     * @param pxn privileged execute-never (from the first-level entry)
     * @param notGlobal nG: the TLB entry would be tagged with the current ASID
     */
    record Mapped(long pa, EntryKind entry, int descriptor, long descriptorAddress, int domain, int ap,
            boolean xn, boolean pxn, boolean notGlobal) implements Translation {
        @Override
        public boolean ok() {
            return true;
        }
    }

    /**
     * A fault.
     *
     * @param kind translation, access flag, domain or permission
     * @param pageLevel true for a fault found at the second level (DFSR.FS "page" encodings)
     * @param domain DFSR.Domain, or -1 where the architecture leaves it UNKNOWN (a first-level
     *        translation fault reads no descriptor that names a domain)
     * @param wnr DFSR.WnR: the access was a write
     */
    record Fault(FaultKind kind, boolean pageLevel, int domain, boolean wnr) implements Translation {
        @Override
        public boolean ok() {
            return false;
        }

        /** DFSR.FS as the hardware writes it. */
        public int fs() {
            return kind.fs(pageLevel);
        }

        /** {@code section} or {@code page}, the level word the vectors use. */
        public String level() {
            return pageLevel ? "page" : "section";
        }

        /** One line in the kernel's terms: {@code page permission fault (fs 0x0f, domain 0, write)}. */
        public String describe() {
            return level() + " " + kind.spelling() + " fault (fs 0x" + String.format("%02x", fs())
                    + (domain >= 0 ? ", domain " + domain : "") + (wnr ? ", write" : ", read") + ")";
        }
    }
}
