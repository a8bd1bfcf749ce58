package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * SLUB's tables and boot knobs at their edges, each value worked from the kernel:
 * {@code __kmalloc_index} (include/linux/slab.h), {@code kmalloc_slab}, {@code size_index} after
 * {@code setup_kmalloc_cache_index_table}, {@code kmalloc_info} and {@code create_kmalloc_caches}
 * (mm/slab_common.c) for KMALLOC_MIN_SIZE 64 and KMALLOC_SHIFT_HIGH 13; the {@code SLAB_*} bits
 * (include/linux/slab.h); {@code setup_slub_min_order}, {@code setup_slub_max_order},
 * {@code setup_slub_min_objects} with {@code get_option} (lib/cmdline.c), {@code slab_nomerge}
 * and {@code slab_merge}, and {@code calculate_order}'s {@code 4 * (fls(nr_cpus) + 1)} (mm/slub.c).
 */
class SlubTablesTest {

    @Test
    void kmallocIndexFollowsTheLadderOfSlabH() {
        long[][] sizeIndex = {{0, 0}, {1, 6}, {64, 6}, {65, 7}, {96, 7}, {128, 7}, {129, 2}, {192, 2}, {193, 8},
                {256, 8}, {257, 9}, {512, 9}, {513, 10}, {4096, 12}, {4097, 13}, {8192, 13}, {8193, 14},
                {1 << 20, 20}, {(1 << 20) + 1, 21}, {1 << 21, 21}, {(1 << 21) + 1, -1}};
        for (long[] si : sizeIndex) {
            assertThat(KmallocIndex.kmallocIndex(si[0])).as("kmalloc_index(%d)", si[0]).isEqualTo((int) si[1]);
        }
    }

    @Test
    void kmallocSlabUsesTheSizeIndexTableUpTo192ThenFls() {
        long[][] sizeIndex = {{0, 0}, {1, 6}, {8, 6}, {56, 6}, {57, 6}, {64, 6}, {65, 7}, {72, 7}, {96, 7}, {97, 7},
                {128, 7}, {129, 2}, {136, 2}, {192, 2}, {193, 8}, {256, 8}, {257, 9}, {1024, 10}, {1025, 11},
                {8192, 13}, {8193, -1}, {1L << 32, -1}};
        for (long[] si : sizeIndex) {
            assertThat(KmallocIndex.slabIndex(si[0])).as("kmalloc_slab(%d)", si[0]).isEqualTo((int) si[1]);
        }
    }

    @Test
    void kmallocInfoNamesAndTheCreationOrder() {
        assertThat(KmallocIndex.size(1)).isEqualTo(96);
        assertThat(KmallocIndex.size(2)).isEqualTo(192);
        assertThat(KmallocIndex.size(6)).isEqualTo(64);
        assertThat(KmallocIndex.size(13)).isEqualTo(8192);
        assertThat(KmallocIndex.shortSize(2)).isEqualTo("192");
        assertThat(KmallocIndex.shortSize(9)).isEqualTo("512");
        assertThat(KmallocIndex.shortSize(10)).isEqualTo("1k");
        assertThat(KmallocIndex.shortSize(13)).isEqualTo("8k");
        assertThat(KmallocIndex.createdIndices()).containsExactly(6, 7, 2, 8, 9, 10, 11, 12, 13);
        assertThat(KmallocIndex.MAX_SIZE).as("KMALLOC_SHIFT_MAX = MAX_ORDER + PAGE_SHIFT - 1").isEqualTo(1L << 23);
    }

    @Test
    void slabFlagsPrintByNameWithUnnamedBitsInHex() {
        assertThat(SlabFlags.format(0)).isEqualTo("0");
        assertThat(SlabFlags.format(SlabFlags.SLAB_HWCACHE_ALIGN | SlabFlags.SLAB_PANIC))
                .isEqualTo("SLAB_HWCACHE_ALIGN|SLAB_PANIC");
        // SLAB_TEMPORARY is SLAB_RECLAIM_ACCOUNT's alias: printed once, by the first name
        assertThat(SlabFlags.format(SlabFlags.SLAB_TEMPORARY)).isEqualTo("SLAB_RECLAIM_ACCOUNT");
        assertThat(SlabFlags.format(0x1)).isEqualTo("0x1");
        assertThat(SlabFlags.format(SlabFlags.SLAB_POISON | 0x4000_0000)).isEqualTo("SLAB_POISON|0x40000000");
        assertThat(SlabFlags.format(SlabFlags.OBJECT_POISON)).isEqualTo("0x80000000");
        assertThat(SlabFlags.format(SlabFlags.SLAB_CONSISTENCY_CHECKS | SlabFlags.SLAB_SKIP_KFENCE))
                .isEqualTo("SLAB_CONSISTENCY_CHECKS|SLAB_SKIP_KFENCE");
    }

    @Test
    void slabFlagsParseNamesNumbersAndTheirUnion() {
        assertThat(SlabFlags.parse("0")).isZero();
        assertThat(SlabFlags.parse("SLAB_TEMPORARY")).isEqualTo(0x20000);
        assertThat(SlabFlags.parse("SLAB_POISON | SLAB_RED_ZONE")).isEqualTo(0xc00);
        assertThat(SlabFlags.parse("0x2000|SLAB_PANIC")).isEqualTo(0x42000);
        assertThat(SlabFlags.parse("017")).isEqualTo(15);
        assertThat(SlabFlags.parse(SlabFlags.format(SlabFlags.PERMITTED))).isEqualTo(SlabFlags.PERMITTED);
        assertThatThrownBy(() -> SlabFlags.parse("SLAB_POISON|BOGUS")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown slab flag 'BOGUS', expected SLAB_* names joined by | or a number");
        assertThatThrownBy(() -> SlabFlags.parse("SLAB_POISON|")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown slab flag ''");
    }

    @Test
    void commandLineKnobsAreReadAsGetOptionReadsThem() {
        SlubParams p = SlubParams.parse("console=ttyAMA0 slub_min_order=2 slub_max_order=20 slub_min_objects=0x10", 2);
        assertThat(p.minOrder()).isEqualTo(2);
        assertThat(p.maxOrder()).as("clamped to MAX_ORDER - 1").isEqualTo(11);
        assertThat(p.minObjects()).isEqualTo(16);
        assertThat(p.cpus()).isEqualTo(2);
        assertThat(p.nomerge()).isFalse();
        assertThat(SlubParams.parse("slub_max_order=5 slub_max_order=1", 1).maxOrder()).as("the last word wins").isEqualTo(1);
        assertThat(SlubParams.parse("slub_max_order=11", 1).maxOrder()).isEqualTo(11);
        // get_option stores simple_strtoull's 0 before it finds that no digit was read; an empty value stores nothing
        assertThat(SlubParams.parse("slub_max_order=abc", 1).maxOrder()).as("no digits: 0").isZero();
        assertThat(SlubParams.parse("slub_min_objects=7 slub_min_objects=-", 1).minObjects()).as("a bare minus: 0").isZero();
        assertThat(SlubParams.parse("slub_max_order=5 slub_max_order=", 1).maxOrder()).as("empty: unchanged").isEqualTo(5);
        // 99999999999999999999 wraps modulo 2^64 to 7766279631452241919 (0x6bc75e2d630fffff): 0x630fffff
        assertThat(SlubParams.parse("slub_min_objects=99999999999999999999", 1).minObjects()).isEqualTo(0x630f_ffffL);
        assertThat(SlubParams.parse("slub_nomerge slab_merge", 1).nomerge()).isFalse();
        assertThat(SlubParams.parse("slab_nomerge slub_merge", 1).nomerge()).isFalse();
        assertThat(SlubParams.parse("slub_min_order=-1", 1).minOrder()).as("an unsigned int").isEqualTo(0xFFFF_FFFFL);
        assertThat(SlubParams.parse("slub_min_objects=010", 1).minObjects()).as("octal").isEqualTo(8);
        assertThat(SlubParams.parse("slub_min_objects=0X1f", 1).minObjects()).isEqualTo(31);
        assertThat(SlubParams.parse("slub_min_objects=7 slub_min_objects=08", 1).minObjects())
                .as("base 8 reads the 0, stops at the 8").isZero();
        assertThat(SlubParams.parse("slub_min_objects=12abc", 1).minObjects()).isEqualTo(12);
        assertThat(SlubParams.parse("slub_min_order=0", 1).minOrder()).isZero();
        assertThat(SlubParams.parse("slub_nomerge", 1).nomerge()).isTrue();
        assertThat(SlubParams.parse("slab_nomerge", 1).nomerge()).isTrue();
        assertThat(SlubParams.parse("slab_nomerge slub_merge", 1).nomerge()).isFalse();
        // 99999999999999999999 wraps modulo 2^64 to 7766279631452241919 (0x6bc75e2d630fffff): 0x630fffff
        assertThat(SlubParams.parse("slub_min_objects=99999999999999999999", 1).minObjects()).isEqualTo(0x630f_ffffL);
        assertThat(SlubParams.parse("slub_nomerge slab_merge", 1).nomerge()).isFalse();
        assertThat(SlubParams.parse("  ", 1)).isEqualTo(SlubParams.defaults(1));
        assertThat(SlubParams.parse("slub_debug", 1).debug()).isNotEqualTo(SlubDebug.off());
        assertThat(SlubParams.defaults(4)).isEqualTo(new SlubParams(0, 3, 0, false, SlubDebug.off(), 4));
        assertThatThrownBy(() -> new SlubParams(0, 3, 0, false, SlubDebug.off(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expected at least one CPU, found 0");
    }

    @Test
    void calculateOrderAimsForFourTimesFlsOfTheCpusPlusOne() {
        assertThat(SlubParams.defaults(1).targetMinObjects()).isEqualTo(8);
        assertThat(SlubParams.defaults(2).targetMinObjects()).isEqualTo(12);
        assertThat(SlubParams.defaults(3).targetMinObjects()).isEqualTo(12);
        assertThat(SlubParams.defaults(4).targetMinObjects()).isEqualTo(16);
        assertThat(SlubParams.defaults(8).targetMinObjects()).isEqualTo(20);
        assertThat(SlubParams.parse("slub_min_objects=5", 8).targetMinObjects()).isEqualTo(5);
    }
}
