package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code arch_pick_mmap_layout} and the exec-time randomisation, case by case (mm/util.c). */
class MmapLayoutTest {
    private static final UserLayoutConfig ARMMP = UserLayoutConfig.armmp();
    private static final long BRK = 0x14f000;

    @Test
    void theArmmpConstantsAreTheKernels() {
        assertThat(ARMMP.taskSize()).isEqualTo(0xbf000000L);
        assertThat(ARMMP.taskUnmappedBase()).isEqualTo(0x40000000L);
        assertThat(ARMMP.stackGuardGap()).isEqualTo(1L << 20);
    }

    @Test
    void withoutRandomisationTheTopDownBaseIsTheMinimumGapBelowTheStack() {
        UserLayout l = MmapLayout.pick(ARMMP.withRandomizeVaSpace(0), ExecParams.defaults(BRK), RandomSource.seeded(1));
        assertThat(l.topDown()).isTrue();
        // 8 MiB rlimit + 1 MiB guard gap is below MIN_GAP (128 MiB)
        assertThat(l.mmapBase()).isEqualTo(0xbf000000L - (128L << 20));
        assertThat(l.stackTop()).isEqualTo(0xbf000000L);
        assertThat(l.startBrk()).isEqualTo(BRK);
    }

    @Test
    void theNoRandomizePersonalityTurnsEverythingOff() {
        ExecParams exec = new ExecParams(8L << 20, ExecParams.ADDR_NO_RANDOMIZE, BRK);
        UserLayout l = MmapLayout.pick(ARMMP, exec, RandomSource.seeded(1));
        assertThat(l.mmapBase()).isEqualTo(0xb7000000L);
        assertThat(l.stackTop()).isEqualTo(0xbf000000L);
        assertThat(l.startBrk()).isEqualTo(BRK);
    }

    @Test
    void randomizeVaSpaceOneLeavesBrkAlone() {
        UserLayout l = MmapLayout.pick(ARMMP.withRandomizeVaSpace(1), ExecParams.defaults(BRK), RandomSource.seeded(7));
        assertThat(l.startBrk()).isEqualTo(BRK);
    }

    @Test
    void theCompatPersonalityOrAnUnlimitedStackIsTheLegacyBottomUpLayout() {
        assertThat(MmapLayout.pick(ARMMP.withRandomizeVaSpace(0),
                new ExecParams(8L << 20, ExecParams.ADDR_COMPAT_LAYOUT, BRK), RandomSource.seeded(1)))
                .isEqualTo(new UserLayout(0x40000000L, false, 0xbf000000L, BRK));
        assertThat(MmapLayout.pick(ARMMP.withRandomizeVaSpace(0),
                new ExecParams(ExecParams.RLIM_INFINITY, 0, BRK), RandomSource.seeded(1)).topDown()).isFalse();
    }

    @Test
    void aHugeStackLimitIsClampedToFiveSixthsOfTheStackTop() {
        long rlimit = 0xf0000000L;
        UserLayout l = MmapLayout.pick(ARMMP.withRandomizeVaSpace(0), new ExecParams(rlimit, 0, BRK), RandomSource.seeded(1));
        long maxGap = 0xbf000000L / 6 * 5;
        assertThat(l.mmapBase()).as("PAGE_ALIGN(STACK_TOP - MAX_GAP)").isEqualTo((0xbf000000L - maxGap + 4095) & ~4095L);
    }

    @Test
    void aStackLimitNearInfinityIsClampedLikeAHugeOne() {
        assertThat(MmapLayout.mmapBase(ARMMP, true, 0, 0xfffff000L))
                .isEqualTo((0xbf000000L - 0xbf000000L / 6 * 5 + 4095) & ~4095L);
    }

    @Test
    void randomizePageStaysInItsRangeAndAlignsItsStart() {
        RandomSource r = RandomSource.seeded(3);
        for (int i = 0; i < 1000; i++) {
            long p = MmapLayout.randomizePage(0x1234, 0x10000, r);
            assertThat(p).isBetween(0x2000L, 0x10000L).matches(x -> x % 4096 == 0);
        }
        assertThat(MmapLayout.randomizePage(0x5000, 0x800, r)).as("range under a page").isEqualTo(0x5000);
    }

    @Test
    void badSettingsAreRefusedWithTheValueFound() {
        assertThatThrownBy(() -> new UserLayoutConfig(0xbf000000L, 7, 4096, 4096, 0x7ff, 2, false, 65530))
                .hasMessageContaining("found 7");
        assertThatThrownBy(() -> new ExecParams(-1, 0, 0)).hasMessageContaining("rlimitStack");
    }
}
