package armmm.model.mmu;

import java.util.Map;

/**
 * One translation vector of {@code oracle/mmu/vectors-1.jsonl} (format in that folder's README):
 * CP15 registers, the non-zero words of the tables, one access, and the outcome the ARMv7-A ARM
 * prescribes ({@code arch_outcome}).
 *
 * @param id the vector's id
 * @param line the line of the file it came from
 * @param sctlr SCTLR
 * @param ttbcr TTBCR
 * @param ttbr0 TTBR0
 * @param ttbr1 TTBR1
 * @param dacr DACR
 * @param memory physical address to word; every other word is zero
 * @param va the accessed virtual address
 * @param access read or write
 * @param mode privileged or user
 * @param expected the architecture's outcome
 */
public record TranslationVector(String id, int line, int sctlr, int ttbcr, int ttbr0, int ttbr1, int dacr,
        Map<Long, Integer> memory, long va, Access access, Privilege mode, Expected expected) {

    /** The expected outcome: a physical address, or a fault with its level, WnR and (if known) domain. */
    public record Expected(boolean ok, long pa, FaultKind fault, boolean pageLevel, Integer domain, boolean wnr) {
    }

    /** Runs the vector through {@code walker}; null when the outcome matches, else what differs. */
    public String check(ShortDescriptorWalker walker) {
        Map<Long, Integer> mem = memory;
        Translation t = walker.translate(sctlr, ttbcr, ttbr0, ttbr1, dacr, va, access, mode,
                pa -> mem.getOrDefault(pa, 0));
        if (expected.ok()) {
            if (t instanceof Translation.Mapped m && m.pa() == expected.pa()) {
                return null;
            }
            return "expected pa 0x" + Long.toHexString(expected.pa()) + ", model " + render(t);
        }
        if (t instanceof Translation.Fault f && f.kind() == expected.fault() && f.pageLevel() == expected.pageLevel()
                && f.wnr() == expected.wnr() && (expected.domain() == null || expected.domain() == f.domain())) {
            return null;
        }
        return "expected " + (expected.pageLevel() ? "page " : "section ") + expected.fault().spelling()
                + " fault (domain " + expected.domain() + ", wnr " + (expected.wnr() ? 1 : 0) + "), model "
                + render(t);
    }

    private static String render(Translation t) {
        if (t instanceof Translation.Mapped m) {
            return "pa 0x" + Long.toHexString(m.pa());
        }
        return ((Translation.Fault) t).describe();
    }
}
