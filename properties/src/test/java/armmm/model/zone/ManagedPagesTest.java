package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Managed pages of RAM that starts at physical address 0, worked from mm/memblock.c
 * ({@code __free_pages_memory}: blocks of order min(MAX_ORDER - 1, __ffs(pfn)), where ARM's
 * {@code __ffs(0)} is -1, so pfn 0 starts a MAX_ORDER_NR_PAGES block; lowmem only, up to
 * {@code max_low_pfn}) and mm/highmem.c-era {@code free_highpages} (page by page above it).
 */
class ManagedPagesTest {
    @Test
    void ramAtPfnZeroIsFreedFromItsFirstFreePage() {
        // 64 MiB at 0, the first 16 KiB reserved, lowmem up to pfn 0x3000
        ZoneInputs in = ZoneInputs.of(List.of(new Region(0, 64L << 20, 0)), List.of(new Region(0, 0x4000, 0)), 0x3000,
                0x4000, List.of(), 1, List.of());
        ManagedPages m = ManagedPages.compute(in, ZoneSpans.compute(in));
        assertThat(m.atFreeAll().toArray()).containsExactly(0x3000 - 4, 0, 0x1000, 0);
        assertThat(m.afterBoot()).isEqualTo(m.atFreeAll());
        assertThat(m.totalCmaPages()).isZero();
        // nothing reserved: pfn 0 itself opens the first block
        ZoneInputs whole = ZoneInputs.of(List.of(new Region(0, 64L << 20, 0)), List.of(), 0x4000, 0x4000, List.of(), 1,
                List.of());
        assertThat(ManagedPages.compute(whole, ZoneSpans.compute(whole)).atFreeAll().toArray())
                .containsExactly(0x4000, 0, 0, 0);
    }
}
