package armmm.model.mm;

import static armmm.model.mm.MmStructTest.ANON;
import static armmm.model.mm.MmStructTest.BASE;
import static armmm.model.mm.MmStructTest.BRK;
import static armmm.model.mm.MmStructTest.RW;
import static armmm.model.mm.MmStructTest.STACK_TOP;
import static armmm.model.mm.MmStructTest.topDown;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_FIXED_NOREPLACE;
import static armmm.model.mm.VmFlags.PROT_READ;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code get_unmapped_area} for anonymous memory at the edges of its searches (mm/mmap.c
 * {@code unmapped_area}, {@code unmapped_area_topdown}, both through {@code mas_empty_area} and
 * {@code mas_empty_area_rev} of lib/maple_tree.c, and arch/arm/mm/mmap.c): the free range above
 * the last VMA and the one below the first, each taken when it fits exactly and passed over when
 * it is a page short; the top-down search's retry under a stack whose guard gap reaches below
 * {@code mmap_base}; the checks of {@code get_unmapped_area} on a fixed range of
 * {@code TASK_SIZE} bytes; {@code find_vma_intersection} of {@code MAP_FIXED_NOREPLACE}, which
 * does not count a VMA starting at the range's end.
 */
class MmStructSearchEdgesTest {
    private static final long TASK_SIZE = UserLayoutConfig.TASK_SIZE;
    private static final long GUARD = 256 * 4096L;

    /** A bottom-up mm whose 0x21000-byte stack ends {@code above} bytes under TASK_SIZE. */
    private static MmStruct legacy(long above) {
        return MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0x40000000L, false, TASK_SIZE - above, BRK), 0x21000,
                Set.of());
    }

    @Test
    void bottomUpTakesTheRangeAboveTheStackWhenItFitsExactlyAndFailsWhenAPageShort() {
        for (long len : new long[] {0x3000, 0x4000}) {
            MmStruct mm = legacy(0x3000);
            long stack = TASK_SIZE - 0x3000 - 0x21000;
            // everything from mmap_base to the stack's guard gap is taken: the first fit is the gap itself
            assertThat(mm.mmap(0x40000000L, stack - GUARD - 0x40000000L, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(0x40000000L));
            MmResult r = mm.mmap(0, len, RW, ANON);
            if (len == 0x3000) {
                assertThat(r).as("the retry above the stack: [TASK_SIZE - 0x3000, TASK_SIZE) exactly")
                        .isEqualTo(MmResult.ok(TASK_SIZE - 0x3000));
                assertThat(mm.vmas()).last().extracting(Vma::end).isEqualTo(TASK_SIZE);
            } else {
                assertThat(r).as("unmapped_area: -ENOMEM, no fallback bottom-up").isEqualTo(MmResult.fail(Errno.ENOMEM));
                assertThat(mm.mapCount()).isEqualTo(2);
            }
        }
    }

    @Test
    void bottomUpUnderAMappingWithNothingBelowOrAbove() {
        MmStruct mm = legacy(0);
        mm.munmap(TASK_SIZE - 0x21000, 0x21000);
        assertThat(mm.vmas()).isEmpty();
        assertThat(mm.mmap(0x40002000L, 0x1000, PROT_READ, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(0x40002000L));
        assertThat(mm.mmap(0, 0x2000, RW, ANON)).as("under it, nothing below").isEqualTo(MmResult.ok(0x40000000L));
        assertThat(mm.mmap(0, 0x1000, RW, ANON)).as("above it, nothing above").isEqualTo(MmResult.ok(0x40003000L));
        assertThat(mm.mmap(0, TASK_SIZE - 0x40000000L, RW, ANON)).isEqualTo(MmResult.fail(Errno.ENOMEM));
    }

    @Test
    void topDownPassesAHoleAPageShortAndTakesAnExactFitBetweenVmas() {
        MmStruct mm = topDown();
        mm.mmap(BASE - 0x2000, 0x1000, RW, ANON | MAP_FIXED);
        mm.mmap(BASE - 0x5000, 0x1000, RW, ANON | MAP_FIXED);
        assertThat(mm.mmap(0, 0x2000, RW, ANON)).as("not the page under mmap_base: the two pages between")
                .isEqualTo(MmResult.ok(BASE - 0x4000));
        assertThat(mm.findVma(BASE - 0x5000)).as("merged with both").extracting(Vma::start, Vma::end)
                .containsExactly(BASE - 0x5000, BASE - 0x1000);
    }

    @Test
    void topDownTakesTheRangeAboveFirstUserAddressWhenItFitsExactlyElseFallsBackBottomUp() {
        for (long len : new long[] {0x3000, 0x4000}) {
            MmStruct mm = topDown();
            mm.mmap(0x5000, BASE - 0x5000, RW, ANON | MAP_FIXED);
            MmResult r = mm.mmap(0, len, RW, ANON);
            if (len == 0x3000) {
                assertThat(r).as("[FIRST_USER_ADDRESS, 0x5000) exactly").isEqualTo(MmResult.ok(0x2000L));
                assertThat(mm.vmas().get(0).start()).isEqualTo(0x2000L);
            } else {
                assertThat(r).as("arch_get_unmapped_area_topdown's bottom-up fallback from mmap_base").isEqualTo(MmResult.ok(BASE));
            }
        }
        MmStruct full = topDown();
        full.mmap(0x2000, BASE - 0x2000, RW, ANON | MAP_FIXED);
        assertThat(full.mmap(0, STACK_TOP, RW, ANON)).as("neither search fits").isEqualTo(MmResult.fail(Errno.ENOMEM));
    }

    /**
     * mmap_base inside the stack's guard gap (a stack grown under an RLIMIT_STACK above MAX_GAP,
     * whose mmap_base mm/util.c placed only MAX_GAP under the stack top): the first top-down fit is
     * retried under {@code vm_start_gap} of the stack.
     */
    @Test
    void topDownRetriesUnderTheStacksGuardGap() {
        long stack = STACK_TOP - 0x21000;
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(stack - 0x80000, true, STACK_TOP, BRK), 0x21000,
                Set.of());
        assertThat(mm.mmap(0, 0x1000, RW, ANON)).isEqualTo(MmResult.ok(stack - GUARD - 0x1000));
        MmStruct bare = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(BASE, true, STACK_TOP, BRK), 0, Set.of());
        assertThat(bare.mmap(0, 0x1000, RW, ANON)).as("no VMA above the fit").isEqualTo(MmResult.ok(BASE - 0x1000));
    }

    @Test
    void aFixedRangeOfTaskSizeBytesReachesSecurityMmapAddr() {
        MmStruct mm = topDown();
        assertThat(mm.mmap(0, TASK_SIZE, RW, ANON | MAP_FIXED)).as("len == TASK_SIZE passes, address 0 is under mmap_min_addr")
                .isEqualTo(MmResult.fail(Errno.EPERM));
        assertThat(mm.mmap(0, TASK_SIZE + 0x1000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mapCount()).isEqualTo(1);
    }

    @Test
    void mapFixedNoreplaceRightUnderAVmaIsNoIntersection() {
        MmStruct mm = topDown();
        long a = mm.mmap(0, 0x2000, RW, ANON).value();
        assertThat(mm.mmap(a - 0x1000, 0x1000, PROT_READ, ANON | MAP_FIXED_NOREPLACE)).isEqualTo(MmResult.ok(a - 0x1000));
        assertThat(mm.mmap(a + 0x2000, 0x1000, PROT_READ, ANON | MAP_FIXED_NOREPLACE)).isEqualTo(MmResult.ok(a + 0x2000));
        assertThat(mm.mmap(a + 0x1000, 0x2000, PROT_READ, ANON | MAP_FIXED_NOREPLACE)).isEqualTo(MmResult.fail(Errno.EEXIST));
        assertThat(mm.mapCount()).isEqualTo(4);
    }

    /**
     * fs/proc/task_mmu.c {@code show_map_vma}: [stack] names the VMA holding {@code start_stack},
     * not one above it (an unnamed line keeps the space after the inode); a shmem piece's offset column is its {@code vm_pgoff} in bytes.
     */
    @Test
    void theMapsFileNamesOnlyTheVmaHoldingStartStackAndGivesAPiecesOffset() {
        MmStruct mm = legacy(0x3000);
        long top = TASK_SIZE - 0x3000;
        mm.mmap(top, 0x1000, RW, ANON | MAP_FIXED);
        long x = 0x50000000L;
        mm.mmap(x, 0x2000, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS | MAP_FIXED);
        mm.munmap(x, 0x1000);
        String maps = MapsReport.render(mm, false);
        assertThat(maps).contains(String.format("%08x-%08x rw-p 00000000 00:00 0 \n", top, top + 0x1000));
        assertThat(maps).contains(String.format("%08x-%08x rw-s 00001000 00:01 1 ", x + 0x1000, x + 0x2000));
        assertThat(maps).containsOnlyOnce("[stack]");
    }
}
