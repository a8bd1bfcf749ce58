package armmm.model.zone;

import static armmm.model.zone.VirtBoards.mem;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.check.ZoneChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every zone invariant holds on sound boards and catches the seeded bug planted for it. */
class ZoneChecksTest {

    private static List<String> violatedIds(ZoneBug bug, ZoneInputs in) {
        return ZoneChecks.check(ZoneSetup.compute(in, Bugs.of(bug))).stream().map(Violation::id).distinct().toList();
    }

    @Test
    void everyInvariantHoldsOnSoundBoards() {
        for (long mb : new long[] {64, 256, 512, 768, 1024, 2048, 3072}) {
            for (int cpus : new int[] {1, 2, 8}) {
                assertThat(ZoneChecks.check(ZoneSetup.compute(VirtBoards.virt(mb, cpus))))
                        .as(mb + "M " + cpus + " cpus").isEmpty();
                assertThat(ZoneChecks.check(ZoneSetup.compute(VirtBoards.virt(mb, cpus).withMovablecore(0x4000))))
                        .as(mb + "M movablecore").isEmpty();
            }
        }
    }

    @Test
    void aMovableZoneLeftInsideHighMemIsCaught() {
        ZoneInputs in = VirtBoards.virt(2048, 1).withMovablecore(0x8000);
        assertThat(violatedIds(ZoneBug.ZONE_MOVABLE_NOT_CARVED, in)).contains("INV-ZONE-01");
    }

    @Test
    void nomapMemoryCountedAsAHoleIsCaught() {
        ZoneInputs in = VirtBoards.board(List.of(mem(0x4000_0000L, 0x1000_0000L, false),
                mem(0x5000_0000L, 0x580_0000L, true), mem(0x5580_0000L, 0x2a80_0000L, false)), 1);
        assertThat(violatedIds(ZoneBug.ZONE_NOMAP_ABSENT, in)).contains("INV-ZONE-02");
    }

    @Test
    void cmaPagesNeverGivenBackAreCaught() {
        assertThat(violatedIds(ZoneBug.ZONE_CMA_NOT_MANAGED, VirtBoards.virt(1024, 1))).contains("INV-ZONE-03");
    }

    /**
     * The ids violated after a write of {@code text} to {@code path} on zones set up from {@code in}
     * with {@code bug} planted; boot alone must violate none of them.
     */
    private static List<String> violatedAfterWrite(ZoneBug bug, ZoneInputs in, String path, String text) {
        NodeZones z = new NodeZones(ZoneSetup.compute(in, Bugs.of(bug)), Bugs.of(bug));
        assertThat(ZoneChecks.check(z.setup())).as("boot with %s", bug).isEmpty();
        z.sysctl(path, text);
        return ZoneChecks.check(z.setup()).stream().map(Violation::id).distinct().toList();
    }

    @Test
    void swappedWatermarksAreCaught() {
        assertThat(violatedAfterWrite(ZoneBug.ZONE_WMARK_SWAPPED, VirtBoards.virt(1024, 1), "vm.min_free_kbytes", "4096"))
                .contains("INV-ZONE-04");
    }

    @Test
    void watermarksFromAStaleManagedCountAreCaught() {
        assertThat(violatedAfterWrite(ZoneBug.ZONE_WMARK_FROM_FINAL_MANAGED, VirtBoards.virt(3072, 1),
                "vm.watermark_scale_factor", "10")).contains("INV-ZONE-05");
    }

    @Test
    void aNonCumulativeLowmemReserveIsCaught() {
        // needs a zone above HighMem with pages: Movable carved out of HighMem
        ZoneInputs in = VirtBoards.virt(2048, 1).withMovablecore(0x8000);
        assertThat(violatedAfterWrite(ZoneBug.ZONE_RESERVE_NOT_CUMULATIVE, in, "vm.lowmem_reserve_ratio", "256 32 0 0"))
                .contains("INV-ZONE-06");
    }

    @Test
    void aClampedMinFreeKbytesWriteIsCaught() {
        assertThat(violatedAfterWrite(ZoneBug.ZONE_MIN_FREE_WRITE_CLAMPED, VirtBoards.virt(1024, 1),
                "vm.min_free_kbytes", "100")).contains("INV-ZONE-07");
    }

    @Test
    void minFreeKbytesFromTheFinalManagedCountIsCaught() {
        assertThat(violatedIds(ZoneBug.ZONE_MIN_FREE_FROM_FINAL, VirtBoards.virt(1024, 1))).contains("INV-ZONE-07");
    }

    @Test
    void aPcpHighWithoutItsFloorIsCaught() {
        assertThat(violatedAfterWrite(ZoneBug.ZONE_PCP_HIGH_NO_FLOOR, VirtBoards.virt(1024, 8), "vm.min_free_kbytes",
                "3475")).contains("INV-ZONE-08");
    }

    /**
     * The empty Movable zone of the 1 GiB board (low watermark 32, the highmem floor; batch 1; one
     * CPU): its pcp high is 32 from boot, 4 (4 x batch) after a watermark write with a fraction set,
     * and the fraction's handler leaves it; any other value is INV-ZONE-08's.
     */
    @Test
    void anEmptyZonesPcpHighIsChecked() {
        armmm.model.kernel.Kernel k = armmm.model.kernel.Kernel.boot(armmm.model.board.Board.virt(1L << 30));
        ZoneSetup s = k.zones().orElseThrow();
        assertThat(s.zone(ZoneType.MOVABLE).pcpHigh()).isEqualTo(32);
        k.apply(new ZoneOp.Sysctl("vm.percpu_pagelist_high_fraction", "8"));
        k.apply(new ZoneOp.Sysctl("vm.min_free_kbytes", "4096"));
        assertThat(k.zones().orElseThrow().zone(ZoneType.MOVABLE).pcpHigh()).isEqualTo(4);
        k.apply(new ZoneOp.Sysctl("vm.percpu_pagelist_high_fraction", "0"));
        assertThat(k.zones().orElseThrow().zone(ZoneType.MOVABLE).pcpHigh()).isEqualTo(4);
        assertThat(ZoneChecks.check(k.zones().orElseThrow())).isEmpty();
        java.util.List<ZoneConfig> tampered = new java.util.ArrayList<>();
        for (ZoneConfig c : s.zones()) {
            tampered.add(c.type() != ZoneType.MOVABLE ? c : new ZoneConfig(c.type(), c.startPfn(), c.spannedPages(),
                    c.presentPages(), c.managedPages(), c.min(), c.low(), c.high(), c.lowmemReserve(), 7, c.pcpBatch()));
        }
        assertThat(ZoneChecks.check(s.retuned(s.minFreeKbytes(), s.tuning(), tampered)).stream().map(v -> v.id()))
                .containsExactly("INV-ZONE-08");
    }
}
