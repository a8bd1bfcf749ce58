package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code ALLOC_RESERVES} as this tree's mm/internal.h defines it: ALLOC_NON_BLOCK |
 * ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM. A pass with ALLOC_HIGHATOMIC alone therefore
 * uses the reserves (it ignores nr_reserved_highatomic in {@code __zone_watermark_unusable_free}),
 * but {@code __zone_watermark_ok} lowers min only under ALLOC_MIN_RESERVE.
 */
class GfpRulesAllocFlagsTest {

    @Test
    void allocHighatomicAloneIsAReserveUserThatKeepsMin() {
        GfpRules.Pass highatomic = new GfpRules.Pass(false, false, true, false, false);
        assertThat(highatomic.reserves()).isTrue();
        assertThat(highatomic.min(1000)).isEqualTo(1000);
        // ALLOC_CMA and the no-watermark pass are not reserve flags
        assertThat(new GfpRules.Pass(false, false, false, true, true).reserves()).isFalse();
    }
}
