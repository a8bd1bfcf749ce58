package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.zone.SysctlCall;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneTuning;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-CALL-05 judging sysctl writes recorded by hand against the zones of a booted 1 GiB virt
 * board, with the bounds of kernel/sysctl.c's {@code vm_table} and mm/page_alloc.c's handlers:
 * watermark_scale_factor 1..3000, min_free_kbytes and watermark_boost_factor 0..INT_MAX,
 * percpu_pagelist_high_fraction 0 or 8..INT_MAX (MIN_PERCPU_PAGELIST_HIGH_FRACTION), lowmem_reserve_ratio
 * never refused, each ratio below 1 stored as 0; a write within bounds returns 0 and reads back,
 * one outside returns -EINVAL and keeps the value, and no write changes another sysctl.
 */
class ZoneCallChecksTest {
    private static final Result EINVAL = new Result.Refused("-EINVAL", "sysctl: setting key: Invalid argument");
    private final ZoneSetup now = Kernel.boot(Board.virt(1L << 30)).zones().orElseThrow();
    private final ZoneTuning t = now.tuning();

    private List<String> judge(String path, String text, Result r) {
        return judge(path, text, r, t);
    }

    private List<String> judge(String path, String text, Result r, ZoneTuning before) {
        return ZoneCallChecks.outcome(new SysctlCall(path, text, now.minFreeKbytes(), before, r), now).stream()
                .map(Violation::reason).toList();
    }

    private ZoneTuning withScaleFactor(int wsf) {
        return new ZoneTuning(t.userMinFreeKbytes(), wsf, t.lowmemReserveRatio(), t.percpuPagelistHighFraction(),
                t.wmarkManaged(), t.reserveManaged(), t.pcpManaged(), t.watermarkBoostFactor());
    }

    @Test
    void theScaleFactorsBoundsAreOneAndThreeThousand() {
        int wsf = t.watermarkScaleFactor();
        assertThat(judge("vm.watermark_scale_factor", Integer.toString(wsf), Result.of(0))).isEmpty();
        assertThat(judge("vm.watermark_scale_factor", Integer.toString(wsf), Result.of(1)))
                .containsExactly("write within bounds not taken");
        assertThat(judge("vm.watermark_scale_factor", Integer.toString(wsf), EINVAL)).containsExactly("write within bounds not taken");
        // the value written is not the value read back
        assertThat(judge("vm.watermark_scale_factor", "1", Result.of(0))).containsExactly("write within bounds not taken");
        assertThat(judge("vm.watermark_scale_factor", "3000", Result.of(0))).containsExactly("write within bounds not taken");
        // outside the bounds: -EINVAL and the value kept is right, anything else is not
        assertThat(judge("vm.watermark_scale_factor", "0", EINVAL)).isEmpty();
        assertThat(judge("vm.watermark_scale_factor", "3001", EINVAL)).isEmpty();
        assertThat(judge("vm.watermark_scale_factor", "0", Result.of(0)))
                .containsExactly("write outside bounds not refused with the value kept");
        assertThat(judge("vm.watermark_scale_factor", "3001", new Result.Refused("-ERANGE", "x")))
                .containsExactly("write outside bounds not refused with the value kept");
        assertThat(judge("vm.watermark_scale_factor", "0", EINVAL, withScaleFactor(wsf + 1)))
                .containsExactly("write outside bounds not refused with the value kept");
        // not a plain number: left unjudged
        assertThat(judge("vm.watermark_scale_factor", "0x10", Result.of(0))).isEmpty();
    }

    @Test
    void theOtherScalarsAndTheirBounds() {
        assertThat(judge("vm.min_free_kbytes", "-1", EINVAL)).isEmpty();
        assertThat(judge("vm.min_free_kbytes", "0", EINVAL)).containsExactly("write within bounds not taken");
        assertThat(judge("vm.min_free_kbytes", "2147483648", EINVAL)).isEmpty();
        assertThat(judge("vm.percpu_pagelist_high_fraction", "7", EINVAL)).isEmpty();
        assertThat(judge("vm.percpu_pagelist_high_fraction", "8", EINVAL)).containsExactly("write within bounds not taken");
        assertThat(judge("vm.percpu_pagelist_high_fraction", "0", Result.of(0))).isEmpty();
        assertThat(judge("vm.percpu_pagelist_high_fraction", "2147483648", EINVAL)).isEmpty();
        assertThat(judge("vm.watermark_boost_factor", Long.toString(t.watermarkBoostFactor()), Result.of(0))).isEmpty();
        assertThat(judge("vm.watermark_boost_factor", "-1", EINVAL)).isEmpty();
        assertThat(judge("vm.watermark_boost_factor", "0", EINVAL)).containsExactly("write within bounds not taken");
        assertThat(judge("vm.watermark_boost_factor", "2147483648", EINVAL)).isEmpty();
        assertThat(judge("vm.watermark_boost_factor", "2147483647", EINVAL)).containsExactly("write within bounds not taken");
    }

    @Test
    void ratiosAreNeverRefusedAndReadBackAsWritten() {
        int[] r = t.lowmemReserveRatio();
        StringBuilder same = new StringBuilder();
        for (int x : r) {
            same.append(x).append(' ');
        }
        assertThat(judge("vm.lowmem_reserve_ratio", same.toString().trim(), Result.of(0))).isEmpty();
        assertThat(judge("vm.lowmem_reserve_ratio", same.toString().trim(), EINVAL)).containsExactly("lowmem_reserve_ratio write refused");
        // only the first ratio written; a ratio below 1 is stored as 0
        assertThat(judge("vm.lowmem_reserve_ratio", Integer.toString(r[0] + 1), Result.of(0)))
                .containsExactly("lowmem_reserve_ratio not as written");
        if (r[0] == 0) {
            assertThat(judge("vm.lowmem_reserve_ratio", "-5", Result.of(0))).isEmpty();
        }
    }

    @Test
    void unknownNamesAreENOENTAndNoWriteChangesAnotherSysctl() {
        assertThat(judge("vm.nr_hugepages", "1", new Result.Refused("-ENOENT", "sysctl: cannot stat"))).isEmpty();
        assertThat(judge("vm.nr_hugepages", "1", Result.of(0))).containsExactly("write to no sysctl accepted");
        assertThat(judge("vm.nr_hugepages", "1", EINVAL)).containsExactly("write to no sysctl accepted");
        ZoneTuning other = withScaleFactor(t.watermarkScaleFactor() + 1);
        assertThat(judge("vm.nr_hugepages", "1", new Result.Refused("-ENOENT", "x"), other))
                .containsExactly("a write changed another sysctl");
        assertThat(judge("vm.min_free_kbytes", "-1", EINVAL, other)).containsExactly("a write changed another sysctl");
        assertThat(judge("vm.percpu_pagelist_high_fraction", "7", EINVAL, other)).containsExactly("a write changed another sysctl");
        assertThat(judge("vm.watermark_boost_factor", "-1", EINVAL, other)).containsExactly("a write changed another sysctl");
        assertThat(judge("vm.lowmem_reserve_ratio", "0x1", Result.of(0), other)).containsExactly("a write changed another sysctl");
        ZoneTuning boost = new ZoneTuning(t.userMinFreeKbytes(), t.watermarkScaleFactor(), t.lowmemReserveRatio(),
                t.percpuPagelistHighFraction(), t.wmarkManaged(), t.reserveManaged(), t.pcpManaged(), t.watermarkBoostFactor() + 1);
        assertThat(judge("vm.watermark_scale_factor", "0", EINVAL, boost)).containsExactly("a write changed another sysctl");
        assertThat(judge("vm.watermark_boost_factor", "-1", EINVAL, boost))
                .containsExactly("write outside bounds not refused with the value kept");
        assertThat(ZoneCallChecks.outcome(null, now)).isEmpty();
        assertThat(ZoneCallChecks.outcome(new SysctlCall("vm.min_free_kbytes", "1", 0, t, null), now)).isEmpty();
    }
}
