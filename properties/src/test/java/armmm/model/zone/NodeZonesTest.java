package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.balloon.BalloonOp;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeZones} on its own, with a recording stand-in for the buddy allocator's half of
 * {@code struct zone}: a write reads {@code zone_managed_pages} from the allocator when one is
 * attached ({@code __setup_per_zone_wmarks} reads the zones as they are at the write), only
 * {@code min_free_kbytes} and {@code watermark_scale_factor} reset the boosts
 * ({@code __setup_per_zone_wmarks} sets {@code watermark_boost} 0), {@code adjust_managed_page_count}
 * recomputes nothing; and the sysctl(8) messages of a refused write. Expected watermarks worked
 * from {@code __setup_per_zone_wmarks} (mm/page_alloc.c).
 */
class NodeZonesTest {
    private record Retune(ZoneSetup setup, boolean watermarks) {
    }

    private static final class Recorder implements NodeZones.Attached {
        final List<Retune> calls = new ArrayList<>();
        final PerZone managed;

        Recorder(PerZone managed) {
            this.managed = managed;
        }

        @Override
        public PerZone managedPages() {
            return managed;
        }

        @Override
        public void retuned(ZoneSetup now, boolean watermarks) {
            calls.add(new Retune(now, watermarks));
        }
    }

    private static NodeZones zones() {
        return new NodeZones(ZoneSetup.compute(VirtBoards.virt(1024, 1)), Bugs.NONE);
    }

    @Test
    void writesCountInTheStampAndRefusalsSayWhy() {
        NodeZones z = zones();
        assertThat(z.stamp()).isZero();
        assertThat(z.sysctl("vm.min_free_kbytes", "8192")).isEqualTo(new Result.Value(0));
        assertThat(z.stamp()).isEqualTo(1);
        assertThat(z.setup().minFreeKbytes()).isEqualTo(8192);
        assertThat(z.sysctl("vm.min_free_kbytes", "x")).isEqualTo(
                new Result.Refused("-EINVAL", "sysctl: setting key \"vm.min_free_kbytes\": Invalid argument"));
        assertThat(z.sysctl("vm.no_such", "1")).isEqualTo(
                new Result.Refused("-ENOENT", "sysctl: cannot stat /proc/sys/vm/no_such: No such file or directory"));
        assertThat(z.stamp()).as("refusals change nothing").isEqualTo(1);
        z.adjustManagedPageCount(ZoneType.DMA, -3);
        assertThat(z.stamp()).isEqualTo(2);
    }

    /**
     * The allocator says DMA manages 100000 pages and HighMem 50000: min_free_kbytes 8192 is 2048
     * pages, all of them DMA's (the only lowmem zone): min 2048, step max(512, 100) = 512; HighMem
     * min clamp(48, 32, 128) = 48, its share 2048 x 50000 / 100000 = 1024, step max(256, 50) = 256.
     */
    @Test
    void anAttachedAllocatorGivesTheManagedCountsAndTakesEveryRecompute() {
        NodeZones z = zones();
        Recorder a = new Recorder(PerZone.of(100000, 0, 50000, 0));
        z.attach(a);
        assertThatThrownBy(() -> z.attach(a)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the zones already have a buddy allocator");
        z.sysctl("vm.min_free_kbytes", "8192");
        ZoneConfig dma = z.setup().zone(ZoneType.DMA);
        ZoneConfig high = z.setup().zone(ZoneType.HIGHMEM);
        assertThat(new long[] {dma.min(), dma.low(), dma.high()}).containsExactly(2048, 2560, 3072);
        assertThat(new long[] {high.min(), high.low(), high.high()}).containsExactly(48, 304, 560);
        assertThat(a.calls).containsExactly(new Retune(z.setup(), true));
        z.sysctl("vm.watermark_scale_factor", "20");
        assertThat(a.calls.get(1).watermarks()).isTrue();
        z.sysctl("vm.lowmem_reserve_ratio", "256 32 0 0");
        assertThat(a.calls.get(2).watermarks()).isFalse();
        assertThat(z.setup().zone(ZoneType.DMA).lowmemReserve()).as("50000 / 256").containsExactly(0, 0, 195, 195);
        z.sysctl("vm.percpu_pagelist_high_fraction", "8");
        assertThat(a.calls.get(3).watermarks()).isFalse();
        z.sysctl("vm.watermark_boost_factor", "0");
        assertThat(a.calls.get(4).watermarks()).isFalse();
        z.sysctl("vm.watermark_boost_factor", "x");
        assertThat(a.calls).hasSize(5);
        ZoneConfig beforeAdjust = z.setup().zone(ZoneType.HIGHMEM);
        z.adjustManagedPageCount(ZoneType.HIGHMEM, -5);
        assertThat(z.setup().zone(ZoneType.HIGHMEM)).as("only the managed count moves")
                .isEqualTo(beforeAdjust.withManagedPages(beforeAdjust.managedPages() - 5));
        assertThat(z.setup().zone(ZoneType.DMA).managedPages()).isEqualTo(dma.managedPages());
        assertThat(a.calls).hasSize(6);
        assertThat(a.calls.get(5)).isEqualTo(new Retune(z.setup(), false));
    }

    @Test
    void theStepHooksRecordASysctlWriteAndForgetEveryOtherCall() {
        NodeZones z = zones();
        assertThat(z.lastCall()).isNull();
        ZoneTuning before = z.setup().tuning();
        z.recordBefore(new ZoneOp.Sysctl("vm.min_free_kbytes", "100"));
        assertThat(z.lastCall()).isEqualTo(new SysctlCall("vm.min_free_kbytes", "100", z.setup().minFreeKbytes(), before,
                null));
        Result r = z.sysctl("vm.min_free_kbytes", "100");
        z.recordResult(r);
        assertThat(z.lastCall().result()).isEqualTo(new Result.Value(0));
        assertThat(z.lastCall().minFreeBefore()).isNotEqualTo(100);
        z.recordBefore(new BalloonOp.Inflate(1, 0));
        assertThat(z.lastCall()).isNull();
        z.recordResult(new Result.Value(1));
        assertThat(z.lastCall()).isNull();
    }
}
