package armmm.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@link Gfp}: the bit values of include/linux/gfp_types.h (6.1, no KASAN, no LOCKDEP: 27 bits),
 * the composite masks built from them as that header builds them, and the scenario spelling of a
 * mask (the widest composite it holds, then single flags lowest bit first, unknown bits in hex).
 */
class GfpMaskSpellingTest {

    @Test
    void theBitsAndCompositesAreTheHeadersValues() {
        long[] bits = {Gfp.DMA, Gfp.HIGHMEM, Gfp.DMA32, Gfp.MOVABLE, Gfp.RECLAIMABLE, Gfp.HIGH, Gfp.IO, Gfp.FS,
            Gfp.ZERO, Gfp.ATOMIC, Gfp.DIRECT_RECLAIM, Gfp.KSWAPD_RECLAIM, Gfp.WRITE, Gfp.NOWARN, Gfp.RETRY_MAYFAIL,
            Gfp.NOFAIL, Gfp.NORETRY, Gfp.MEMALLOC, Gfp.COMP, Gfp.NOMEMALLOC, Gfp.HARDWALL, Gfp.THISNODE,
            Gfp.ACCOUNT, Gfp.ZEROTAGS};
        for (int i = 0; i < bits.length; i++) {
            assertThat(bits[i]).as("___GFP bit %d", i).isEqualTo(1L << i);
        }
        assertThat(Gfp.BITS_MASK).isEqualTo(0x7ff_ffffL);
        assertThat(Gfp.GFP_KERNEL).isEqualTo(0xcc0);
        assertThat(Gfp.GFP_ATOMIC).isEqualTo(0xa20);
        assertThat(Gfp.GFP_NOWAIT).isEqualTo(0x800);
        assertThat(Gfp.GFP_NOIO).isEqualTo(0xc00);
        assertThat(Gfp.GFP_NOFS).isEqualTo(0xc40);
        assertThat(Gfp.GFP_USER).isEqualTo(0x100cc0);
        assertThat(Gfp.GFP_HIGHUSER_MOVABLE).isEqualTo(0x100cca);
        // (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM
        assertThat(Gfp.GFP_TRANSHUGE_LIGHT).isEqualTo(0x1c20ca);
        assertThat(Gfp.GFP_TRANSHUGE).isEqualTo(0x1c24ca);
        assertThat(Gfp.ZONEMASK).isEqualTo(0x0f);
    }

    @Test
    void aMaskPrintsAsItsWidestCompositeThenItsOtherFlagsLowestFirst() {
        assertThat(Gfp.format(0)).isEqualTo("0");
        assertThat(Gfp.format(Gfp.GFP_KERNEL)).isEqualTo("GFP_KERNEL");
        assertThat(Gfp.format(Gfp.GFP_KERNEL | Gfp.ZERO | Gfp.DMA)).isEqualTo("GFP_KERNEL|__GFP_DMA|__GFP_ZERO");
        assertThat(Gfp.format(Gfp.GFP_KERNEL | Gfp.ACCOUNT)).isEqualTo("GFP_KERNEL_ACCOUNT");
        assertThat(Gfp.format(Gfp.GFP_HIGHUSER_MOVABLE | Gfp.COMP)).isEqualTo("GFP_HIGHUSER_MOVABLE|__GFP_COMP");
        assertThat(Gfp.format(Gfp.GFP_TRANSHUGE)).isEqualTo("GFP_TRANSHUGE");
        // one composite only: the KSWAPD bit left over is a flag, not GFP_NOWAIT
        assertThat(Gfp.format(Gfp.GFP_TRANSHUGE_LIGHT | Gfp.KSWAPD_RECLAIM))
                .isEqualTo("GFP_TRANSHUGE_LIGHT|__GFP_KSWAPD_RECLAIM");
        assertThat(Gfp.format(Gfp.GFP_ATOMIC)).isEqualTo("GFP_ATOMIC");
        assertThat(Gfp.format(Gfp.RECLAIM)).isEqualTo("GFP_NOIO");
        assertThat(Gfp.format(Gfp.DMA)).isEqualTo("GFP_DMA");
        assertThat(Gfp.format(Gfp.HIGHMEM)).isEqualTo("__GFP_HIGHMEM");
        assertThat(Gfp.format(Gfp.HIGHMEM | Gfp.MOVABLE | Gfp.ZEROTAGS)).isEqualTo("__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_ZEROTAGS");
        assertThat(Gfp.format(0x1000_0000L | Gfp.DMA)).isEqualTo("GFP_DMA|0x10000000");
        assertThat(Gfp.format(0x3000_0000L)).isEqualTo("0x30000000");
    }

    @Test
    void aMaskParsesFromNamesAndNumbersJoinedByBars() {
        assertThat(Gfp.parse("GFP_KERNEL|__GFP_ZERO")).hasValue(0xdc0);
        assertThat(Gfp.parse(" GFP_KERNEL | __GFP_ZERO ")).hasValue(0xdc0);
        assertThat(Gfp.parse("__GFP_RECLAIM")).hasValue(0xc00);
        assertThat(Gfp.parse("__GFP_HIGHMEM|__GFP_MOVABLE")).hasValue(0x0a);
        assertThat(Gfp.parse("0x10")).hasValue(16);
        assertThat(Gfp.parse("0X10")).hasValue(16);
        assertThat(Gfp.parse("16|__GFP_DMA")).hasValue(17);
        assertThat(Gfp.parse("0xffffffffffffffff")).hasValue(-1);
        for (String bad : new String[] {"GFP_KERNL", "|GFP_KERNEL", "0x", "-1", "0x1ffffffffffffffff", "GFP_KERNEL|0xg"}) {
            assertThat(Gfp.parse(bad)).as(bad).isEqualTo(OptionalLong.empty());
        }
        assertThat(Gfp.parse("")).isEmpty();
        assertThat(Gfp.parse("  ")).isEmpty();
        assertThat(Gfp.parse(null)).isEmpty();
    }

    @Test
    void everyMaskOfKnownBitsParsesBackFromItsSpelling() {
        for (long m = 0; m < 1L << 24; m += 0x1235) {
            assertThat(Gfp.parse(Gfp.format(m))).as("0x%x", m).hasValue(m);
        }
        assertThat(Gfp.parse(Gfp.format(Gfp.BITS_MASK))).hasValue(Gfp.BITS_MASK);
    }
}
