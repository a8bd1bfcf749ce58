package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code arch_pick_mmap_layout}'s arithmetic with scripted draws of {@code get_random_long}
 * (mm/util.c {@code mmap_base}, {@code arch_mmap_rnd}, {@code randomize_stack_top},
 * {@code randomize_page}; fs/binfmt_elf.c draws the mmap offset, then the stack, then brk). Every
 * expected address is worked here from TASK_SIZE 0xbf000000, stack_guard_gap 1 MiB,
 * STACK_RND_MASK 0x7ff pages, MIN_GAP 128 MiB and MAX_GAP = STACK_TOP / 6 * 5.
 */
class MmapLayoutArithmeticTest {
    private static final UserLayoutConfig ARMMP = UserLayoutConfig.armmp();

    /** A source that hands out {@code values} in order and counts the draws. */
    private static final class Scripted implements RandomSource {
        final Deque<Long> values;
        int draws;

        Scripted(Long... values) {
            this.values = new ArrayDeque<>(List.of(values));
        }

        @Override
        public long getRandomLong() {
            draws++;
            return values.removeFirst();
        }
    }

    @Test
    void archMmapRndTakesMmapRndBitsPages() {
        assertThat(MmapLayout.archMmapRnd(ARMMP, () -> 0xffffffffL)).isEqualTo(0xff000);
        assertThat(MmapLayout.archMmapRnd(ARMMP, () -> 0x12345L)).isEqualTo(0x45000);
        UserLayoutConfig sixteen = new UserLayoutConfig(ARMMP.taskSize(), 16, 4096, 1 << 20, 0x7ff, 2, false, 65530);
        assertThat(MmapLayout.archMmapRnd(sixteen, () -> 0xffffffffL)).isEqualTo(0xffff000);
    }

    @Test
    void mmapBaseIsTheStackLimitAndPaddingBelowTheStackWithinMinAndMaxGap() {
        assertThat(MmapLayout.mmapBase(ARMMP, true, 0, 8L << 20)).as("MIN_GAP").isEqualTo(0xb7000000L);
        assertThat(MmapLayout.mmapBase(ARMMP, false, 0x5000, 8L << 20)).as("less the random offset").isEqualTo(0xb6ffb000L);
        // 120 MiB + 1 MiB guard + 0x7ff pages of stack randomisation = 0x80ff000, above MIN_GAP
        assertThat(MmapLayout.mmapBase(ARMMP, true, 0, 0x7800000L)).isEqualTo(0xbf000000L - 0x80ff000L);
        assertThat(MmapLayout.mmapBase(ARMMP, false, 0, 0x7800000L)).as("no stack randomisation: 0x7900000 < MIN_GAP")
                .isEqualTo(0xb7000000L);
        assertThat(MmapLayout.mmapBase(ARMMP, false, 0, 0x7f00000L)).as("exactly MIN_GAP").isEqualTo(0xb7000000L);
        assertThat(MmapLayout.mmapBase(ARMMP, false, 0, 0x7f01000L)).isEqualTo(0xb6fff000L);
        // MAX_GAP = 0x9f2aaaa9: STACK_TOP - MAX_GAP = 0x1fd55557, page aligned up
        assertThat(MmapLayout.mmapBase(ARMMP, true, 0, 0xa0000000L)).isEqualTo(0x1fd56000L);
        assertThat(MmapLayout.mmapBase(ARMMP, false, 0, 0x9f1aaaa9L)).as("gap exactly MAX_GAP").isEqualTo(0x1fd56000L);
        assertThat(MmapLayout.mmapBase(ARMMP, false, 0, 0x9f1a9000L)).as("a page under it").isEqualTo(0x1fd56000L + 0x1000);
        // a 144 MiB task: MAX_GAP 120 MiB is under MIN_GAP, so a small gap stays as it is
        UserLayoutConfig small = new UserLayoutConfig(0x9000000L, 8, 4096, 1 << 20, 0x7ff, 2, false, 65530);
        assertThat(MmapLayout.mmapBase(small, true, 0x1000, 8L << 20)).isEqualTo(0x9000000L - 0x10ff000L - 0x1000);
        assertThat(MmapLayout.mmapBase(small, false, 0, 0x7800000L)).as("clamped to MAX_GAP").isEqualTo(0x1800000L);
    }

    @Test
    void theStackTopMovesDownByStackRndMaskPagesAtMost() {
        assertThat(MmapLayout.randomizeStackTop(ARMMP, true, () -> 0xffffffffL)).isEqualTo(0xbf000000L - 0x7ff000L);
        assertThat(MmapLayout.randomizeStackTop(ARMMP, true, () -> 0x801L)).isEqualTo(0xbf000000L - 0x1000L);
        Scripted none = new Scripted();
        assertThat(MmapLayout.randomizeStackTop(ARMMP, false, none)).isEqualTo(0xbf000000L);
        assertThat(none.draws).isZero();
    }

    @Test
    void randomizePageAlignsItsStartAndStaysBelow4GiB() {
        // start 0x22001: aligned to 0x23000, the range loses the 0xfff bytes: 0x1fff whole pages
        assertThat(MmapLayout.randomizePage(0x22001, 0x2000000, () -> 5)).isEqualTo(0x28000);
        assertThat(MmapLayout.randomizePage(0x22001, 0x2000000, () -> 0x1fff)).isEqualTo(0x23000);
        assertThat(MmapLayout.randomizePage(0x22001, 0x2000000, () -> 0x1ffe)).isEqualTo(0x23000 + 0x1ffe000);
        assertThat(MmapLayout.randomizePage(0x22000, 0x2000000, () -> 0x1fff)).as("aligned: 0x2000 pages")
                .isEqualTo(0x22000 + 0x1fff000);
        assertThat(MmapLayout.randomizePage(0x22000, 0x2000000, () -> 0xffffffffL)).as("unsigned remainder")
                .isEqualTo(0x22000 + 0x1fff000);
        assertThat(MmapLayout.randomizePage(0xfdfff000L, 0x2000000, () -> 0x1fff)).as("start + range fits")
                .isEqualTo(0xffffe000L);
        assertThat(MmapLayout.randomizePage(0xfe000000L, 0x2000000, () -> 0x1fff)).as("cut to 0xffffffff - start")
                .isEqualTo(0xfe000000L);
        Scripted top = new Scripted();
        assertThat(MmapLayout.randomizePage(0xfffff000L, 0x2000000, top)).as("no whole page left").isEqualTo(0xfffff000L);
        assertThat(top.draws).isZero();
    }

    @Test
    void pickDrawsTheMmapOffsetTheStackAndBrkInThatOrder() {
        Scripted r = new Scripted(1L, 2L, 3L);
        assertThat(MmapLayout.pick(ARMMP, ExecParams.defaults(0x22000), r))
                .isEqualTo(new UserLayout(0xb6fff000L, true, 0xbeffe000L, 0x25000));
        assertThat(r.draws).isEqualTo(3);
        Scripted legacy = new Scripted(1L, 2L, 3L);
        assertThat(MmapLayout.pick(ARMMP, new ExecParams(ExecParams.RLIM_INFINITY, 0, 0x22000), legacy))
                .isEqualTo(new UserLayout(0x40001000L, false, 0xbeffe000L, 0x25000));
        Scripted one = new Scripted(1L, 2L);
        assertThat(MmapLayout.pick(ARMMP.withRandomizeVaSpace(1), ExecParams.defaults(0x22000), one))
                .isEqualTo(new UserLayout(0xb6fff000L, true, 0xbeffe000L, 0x22000));
        assertThat(one.draws).isEqualTo(2);
        Scripted off = new Scripted();
        assertThat(MmapLayout.pick(ARMMP, new ExecParams(8L << 20, ExecParams.ADDR_NO_RANDOMIZE, 0x22000), off))
                .isEqualTo(new UserLayout(0xb7000000L, true, 0xbf000000L, 0x22000));
        assertThat(off.draws).isZero();
        UserLayoutConfig legacySysctl = new UserLayoutConfig(ARMMP.taskSize(), 8, 4096, 1 << 20, 0x7ff, 0, true, 65530);
        assertThat(MmapLayout.pick(legacySysctl, ExecParams.defaults(0x22000), off).topDown()).isFalse();
        assertThat(MmapLayout.isLegacy(ARMMP, new ExecParams(ExecParams.RLIM_INFINITY - 1, 0, 0))).isFalse();
        assertThat(MmapLayout.randomize(ARMMP, new ExecParams(0, ExecParams.ADDR_COMPAT_LAYOUT, 0))).isTrue();
        assertThat(MmapLayout.randomize(ARMMP.withRandomizeVaSpace(0), ExecParams.defaults(0))).isFalse();
    }
}
