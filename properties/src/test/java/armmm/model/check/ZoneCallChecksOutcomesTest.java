package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.memblock.Region;
import armmm.model.zone.SysctlCall;
import armmm.model.zone.ZoneInputs;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneTuning;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-CALL-05 on sysctl writes recorded by hand against zones whose sysctls are set by hand, so
 * that each write can be made to change exactly one other sysctl, or to store exactly what the
 * handler stores (kernel/sysctl.c {@code vm_table}; mm/page_alloc.c
 * {@code min_free_kbytes_sysctl_handler} sets {@code user_min_free_kbytes} to what it stored,
 * {@code lowmem_reserve_ratio_sysctl_handler} ignores {@code proc_dointvec_minmax}'s error, keeps
 * the values read before a bad one, makes each ratio below 1 zero and returns 0;
 * {@code proc_dointvec} converts to int: INT_MIN..INT_MAX).
 */
class ZoneCallChecksOutcomesTest {
    private static final Result OK = Result.of(0);
    private static final Result EINVAL = new Result.Refused("-EINVAL", "sysctl: setting key: Invalid argument");
    private static final Result ENOENT = new Result.Refused("-ENOENT", "sysctl: cannot stat");
    private static final int[] RATIOS = {256, 32, 0, 0};
    /** Zones of a small board; the checks read only min_free_kbytes and the sysctls, set below. */
    private static final ZoneSetup ZONES = ZoneSetup.compute(ZoneInputs.of(List.of(new Region(0x4000_0000L, 0x300_0000L, 0)),
            List.of(new Region(0x4000_0000L, 0x10_0000L, 0)), 0x42000, 0x43000, List.of(), 1, List.of()));
    private static final long MIN_FREE = 712;

    private static ZoneTuning tuning(long user, int wsf, int[] ratios, int fraction, long boost) {
        ZoneTuning t = ZONES.tuning();
        return new ZoneTuning(user, wsf, ratios, fraction, t.wmarkManaged(), t.reserveManaged(), t.pcpManaged(), boost);
    }

    private static final ZoneTuning BEFORE = tuning(-1, 10, RATIOS, 0, 15000);

    private static ZoneSetup now(long minFree, ZoneTuning t) {
        return new ZoneSetup(ZONES.inputs(), ZONES.spans(), ZONES.managed(), minFree, ZONES.zones(), ZONES.statThreshold(), t);
    }

    private static List<Violation> judge(String path, String text, Result r, long minFreeNow, ZoneTuning now) {
        List<Violation> v = ZoneCallChecks.outcome(new SysctlCall(path, text, MIN_FREE, BEFORE, r), now(minFreeNow, now));
        assertThat(v).allSatisfy(x -> assertThat(x.id()).isEqualTo("INV-CALL-05"));
        return v;
    }

    private static List<String> reasons(String path, String text, Result r, long minFreeNow, ZoneTuning now) {
        return judge(path, text, r, minFreeNow, now).stream().map(Violation::reason).toList();
    }

    /**
     * A write that leaves its own sysctl as it was (the value read back is the value written, or
     * -ENOENT for no sysctl) and changes one other: min_free_kbytes, watermark_scale_factor, one
     * ratio, percpu_pagelist_high_fraction or watermark_boost_factor. Each write's handler touches
     * only its own (min_free_kbytes and watermark_scale_factor recompute the watermarks, the ratios
     * the protection, the fraction the pcp sizes, none of them another sysctl).
     */
    @Test
    void everyWriteKeepsEveryOtherSysctl() {
        String[][] writes = {{"vm.min_free_kbytes", "712"}, {"vm.watermark_scale_factor", "10"},
            {"vm.lowmem_reserve_ratio", "256 32 0 0"}, {"vm.percpu_pagelist_high_fraction", "0"},
            {"vm.watermark_boost_factor", "15000"}, {"vm.nr_hugepages", "1"}};
        for (String[] w : writes) {
            String path = w[0];
            Result r = path.equals("vm.nr_hugepages") ? ENOENT : OK;
            long user = path.equals("vm.min_free_kbytes") ? 712 : -1;
            assertThat(judge(path, w[1], r, MIN_FREE, tuning(user, 10, RATIOS, 0, 15000))).as(path).isEmpty();
            List<Object[]> others = new java.util.ArrayList<>();
            others.add(new Object[] {"min_free_kbytes", 713L, tuning(user, 10, RATIOS, 0, 15000)});
            others.add(new Object[] {"watermark_scale_factor", MIN_FREE, tuning(user, 11, RATIOS, 0, 15000)});
            others.add(new Object[] {"lowmem_reserve_ratio", MIN_FREE, tuning(user, 10, new int[] {256, 32, 0, 1}, 0, 15000)});
            others.add(new Object[] {"percpu_pagelist_high_fraction", MIN_FREE, tuning(user, 10, RATIOS, 8, 15000)});
            others.add(new Object[] {"watermark_boost_factor", MIN_FREE, tuning(user, 10, RATIOS, 0, 0)});
            for (Object[] o : others) {
                if (path.equals("vm." + o[0])) {
                    continue;
                }
                assertThat(reasons(path, w[1], r, (Long) o[1], (ZoneTuning) o[2])).as("%s changing %s", path, o[0])
                        .containsExactly("a write changed another sysctl");
            }
        }
        // the report shows both sets of sysctls
        assertThat(judge("vm.watermark_scale_factor", "10", OK, 713, tuning(-1, 10, new int[] {256, 32, 0, 1}, 8, 0)))
                .singleElement().extracting(Violation::details).isEqualTo("vm.watermark_scale_factor 10: min_free_kbytes 712 -> 713,"
                        + " sysctls wsf 10, ratio [256, 32, 0, 0], fraction 0, boost factor 15000"
                        + " -> wsf 10, ratio [256, 32, 0, 1], fraction 8, boost factor 0");
    }

    /**
     * {@code min_free_kbytes_sysctl_handler}: a write taken sets user_min_free_kbytes to the value
     * (min_free_kbytes is then never recomputed from lowmem); a refused one leaves it. Its bounds
     * are 0..INT_MAX (extra1 SYSCTL_ZERO, an int), INT_MAX included.
     */
    @Test
    void aMinFreeKbytesWriteTakenIsRememberedAsTheUsersValue() {
        assertThat(judge("vm.min_free_kbytes", "1024", OK, 1024, tuning(1024, 10, RATIOS, 0, 15000))).isEmpty();
        List<Violation> forgotten = judge("vm.min_free_kbytes", "1024", OK, 1024, tuning(-1, 10, RATIOS, 0, 15000));
        assertThat(forgotten.stream().map(Violation::reason)).containsExactly("user_min_free_kbytes not the value written");
        assertThat(forgotten.get(0).details()).isEqualTo("vm.min_free_kbytes 1024: user_min_free_kbytes -1");
        // refused: nothing is remembered, and nothing has to be
        assertThat(judge("vm.min_free_kbytes", "-1", EINVAL, MIN_FREE, tuning(-1, 10, RATIOS, 0, 15000))).isEmpty();
        long intMax = Integer.MAX_VALUE;
        assertThat(judge("vm.min_free_kbytes", "2147483647", OK, intMax, tuning(intMax, 10, RATIOS, 0, 15000))).isEmpty();
        assertThat(reasons("vm.min_free_kbytes", "2147483647", EINVAL, MIN_FREE, BEFORE))
                .containsExactly("write within bounds not taken");
        assertThat(reasons("vm.min_free_kbytes", "2147483648", EINVAL, MIN_FREE, BEFORE)).isEmpty();
    }

    /** percpu_pagelist_high_fraction 0 or 8..INT_MAX, watermark_boost_factor 0..INT_MAX: INT_MAX itself is taken. */
    @Test
    void theUpperBoundIsIntMaxItself() {
        assertThat(judge("vm.percpu_pagelist_high_fraction", "2147483647", OK, MIN_FREE,
                tuning(-1, 10, RATIOS, Integer.MAX_VALUE, 15000))).isEmpty();
        assertThat(reasons("vm.percpu_pagelist_high_fraction", "2147483647", EINVAL, MIN_FREE, BEFORE))
                .containsExactly("write within bounds not taken");
        assertThat(judge("vm.watermark_boost_factor", "2147483647", OK, MIN_FREE,
                tuning(-1, 10, RATIOS, 0, Integer.MAX_VALUE))).isEmpty();
        assertThat(judge("vm.watermark_boost_factor", "0", OK, MIN_FREE, tuning(-1, 10, RATIOS, 0, 0))).isEmpty();
        // a taken write that reads back another value, or returns other than 0
        assertThat(reasons("vm.watermark_boost_factor", "0", OK, MIN_FREE, BEFORE)).containsExactly("write within bounds not taken");
        assertThat(reasons("vm.watermark_boost_factor", "15000", Result.of(-22), MIN_FREE, BEFORE))
                .containsExactly("write within bounds not taken");
        assertThat(reasons("vm.percpu_pagelist_high_fraction", "8", OK, MIN_FREE, BEFORE))
                .containsExactly("write within bounds not taken");
    }

    /**
     * The ratios stored: each value read as an int (INT_MIN..INT_MAX), a value below 1 as 0, 1 as
     * 1; a value outside an int stops the read there and the ratios after it keep their values.
     */
    @Test
    void ratiosAreStoredUpToTheFirstValueOutsideAnInt() {
        assertThat(judge("vm.lowmem_reserve_ratio", "1 2147483647 -2147483648 5", OK, MIN_FREE,
                tuning(-1, 10, new int[] {1, Integer.MAX_VALUE, 0, 5}, 0, 15000))).isEmpty();
        assertThat(judge("vm.lowmem_reserve_ratio", "1 2147483647 -2147483648 5", OK, MIN_FREE,
                tuning(-1, 10, new int[] {0, Integer.MAX_VALUE, 0, 5}, 0, 15000)).stream().map(Violation::details))
                .containsExactly("vm.lowmem_reserve_ratio 1 2147483647 -2147483648 5: ratio[0] 256 -> 0, expected 1");
        assertThat(reasons("vm.lowmem_reserve_ratio", "1 2147483647 -2147483648 5", OK, MIN_FREE,
                tuning(-1, 10, new int[] {1, Integer.MAX_VALUE, Integer.MIN_VALUE, 5}, 0, 15000)))
                .containsExactly("lowmem_reserve_ratio not as written");
        // 2147483648 is no int: 7 stored, 32 and the rest kept, 9 never read
        assertThat(judge("vm.lowmem_reserve_ratio", "7 2147483648 9", OK, MIN_FREE,
                tuning(-1, 10, new int[] {7, 32, 0, 0}, 0, 15000))).isEmpty();
        assertThat(reasons("vm.lowmem_reserve_ratio", "7 2147483648 9", OK, MIN_FREE,
                tuning(-1, 10, new int[] {7, 32, 9, 0}, 0, 15000))).containsExactly("lowmem_reserve_ratio not as written");
        // nor is -2147483649: everything kept
        assertThat(judge("vm.lowmem_reserve_ratio", "-2147483649 9", OK, MIN_FREE, BEFORE)).isEmpty();
        assertThat(reasons("vm.lowmem_reserve_ratio", "-2147483649 9", OK, MIN_FREE,
                tuning(-1, 10, new int[] {0, 9, 0, 0}, 0, 15000))).hasSize(2);
        // a ratio below 1 is stored as 0, not as itself
        assertThat(judge("vm.lowmem_reserve_ratio", "-5", OK, MIN_FREE, tuning(-1, 10, new int[] {0, 32, 0, 0}, 0, 15000)))
                .isEmpty();
        assertThat(reasons("vm.lowmem_reserve_ratio", "-5", OK, MIN_FREE, tuning(-1, 10, new int[] {-5, 32, 0, 0}, 0, 15000)))
                .containsExactly("lowmem_reserve_ratio not as written");
    }

    /**
     * The kernel reads at most PAGE_SIZE - 1 bytes of a write: a text of 4095 bytes (leading
     * blanks, then the number) is judged, one of 4096 is left unjudged.
     */
    @Test
    void aTextOfMoreThanAPageLessOneByteIsLeftUnjudged() {
        String judged = " ".repeat(4094) + "0";
        String unjudged = " ".repeat(4095) + "0";
        assertThat(reasons("vm.watermark_scale_factor", judged, OK, MIN_FREE, BEFORE))
                .containsExactly("write outside bounds not refused with the value kept");
        assertThat(judge("vm.watermark_scale_factor", unjudged, OK, MIN_FREE, BEFORE)).isEmpty();
    }

    /**
     * A text that is not a plain decimal (hex, a sign and blanks inside, a word) is left to the
     * parser's own tests on every scalar sysctl: nothing is judged but the other sysctls.
     */
    @Test
    void textsThatAreNotPlainDecimalsAreNotJudged() {
        for (String path : List.of("vm.min_free_kbytes", "vm.watermark_scale_factor", "vm.percpu_pagelist_high_fraction",
                "vm.watermark_boost_factor", "vm.lowmem_reserve_ratio")) {
            for (String text : List.of("0x10", "- 5", "ten")) {
                assertThat(judge(path, text, OK, MIN_FREE, BEFORE)).as("%s %s", path, text).isEmpty();
            }
            // min_free_kbytes is another sysctl for all but its own write, which must keep watermark_scale_factor
            boolean own = path.equals("vm.min_free_kbytes");
            assertThat(reasons(path, "0x10", OK, own ? MIN_FREE : 713, own ? tuning(-1, 11, RATIOS, 0, 15000) : BEFORE))
                    .as(path).containsExactly("a write changed another sysctl");
        }
    }

    /** A write to a name vm_table does not have: -ENOENT and nothing changed, min_free_kbytes included. */
    @Test
    void aWriteToNoSysctlChangesNothing() {
        assertThat(judge("vm.nr_hugepages", "1", ENOENT, MIN_FREE, BEFORE)).isEmpty();
        assertThat(reasons("vm.nr_hugepages", "1", ENOENT, 713, BEFORE)).containsExactly("a write changed another sysctl");
        assertThat(reasons("vm.nr_hugepages", "1", ENOENT, MIN_FREE, tuning(5, 10, RATIOS, 0, 15000)))
                .containsExactly("a write changed another sysctl");
        assertThat(reasons("vm.nr_hugepages", "1", new Result.Refused("-EPERM", "x"), MIN_FREE, BEFORE))
                .containsExactly("write to no sysctl accepted");
    }

    /** Outside the bounds: -EINVAL (no other error), the value kept. */
    @Test
    void aWriteOutsideTheBoundsIsEinvalWithTheValueKept() {
        assertThat(judge("vm.watermark_scale_factor", "3001", EINVAL, MIN_FREE, BEFORE)).isEmpty();
        assertThat(reasons("vm.watermark_scale_factor", "3001", OK, MIN_FREE, BEFORE))
                .containsExactly("write outside bounds not refused with the value kept");
        assertThat(reasons("vm.watermark_scale_factor", "3001", new Result.Refused("-ERANGE", "x"), MIN_FREE, BEFORE))
                .containsExactly("write outside bounds not refused with the value kept");
        assertThat(reasons("vm.watermark_scale_factor", "3001", EINVAL, MIN_FREE, tuning(-1, 3001, RATIOS, 0, 15000)))
                .containsExactly("write outside bounds not refused with the value kept");
    }
}
