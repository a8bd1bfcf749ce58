package armmm.model.mmu;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Mistakes planted on purpose in the hardware walker ({@link ShortDescriptorWalker}). None can
 * show on tables Linux builds (its domains are 0-3, no kernel table sits in a no-access domain,
 * TTBCR.N is 0), so they are not kernel seeded bugs: the translation vectors and
 * {@code WalkerProperties} catch them, and {@code armmm mmu-check} plants one with
 * {@code -Darmmm.walker-bug=NAME}.
 */
public enum WalkerBug {
    /**
     * The second-level table base taken as {@code desc & 0xFFFFFF00}, the worked example's
     * mistake in one of the seed articles: the base is bits [31:10] (ARMv7-A ARM B3.5.1), so a
     * descriptor with domain bit 3 or bit 9 set is followed to the wrong table.
     */
    L2_BASE_MASK_FFFFFF00,
    /**
     * The domain checked before the second-level fetch, as QEMU 7.2 does (the vectors'
     * {@code qemu_domain_checked_before_l2_fetch} deviation): a fault PTE in a no-access domain
     * then reports a domain fault where the architecture reports a page translation fault.
     */
    DOMAIN_BEFORE_L2_FETCH,
    /** TTBR1's first-level index masked with TTBCR.N, as TTBR0's is. */
    TTBR1_INDEX_USES_N;

    /** The bug {@code -Darmmm.walker-bug} names (either spelling); empty when unset or unknown. */
    public static Set<WalkerBug> fromProperty() {
        String key = System.getProperty("armmm.walker-bug", "").trim().toUpperCase(Locale.ROOT).replace('-', '_');
        EnumSet<WalkerBug> s = EnumSet.noneOf(WalkerBug.class);
        for (WalkerBug b : values()) {
            if (b.name().equals(key)) {
                s.add(b);
            }
        }
        return s;
    }

    /** The command-line spelling, {@code l2-base-mask-ffffff00}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
