package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.check.BuddyChecks;
import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * {@code mem_init}'s hand-over through {@link PageAllocatorBoot} on booted virt boards: the same
 * allocator as the kernel's own buddy subsystem builds, and {@code build_all_zonelists}' grouping by
 * mobility, off when {@code vm_total_pages} (managed minus high watermark over the zones) is below
 * pageblock_nr_pages x MIGRATE_TYPES = 2048 x 6 = 12288 pages (mm/page_alloc.c).
 */
class PageAllocatorBootHandOverTest {
    private static PageAllocator handOver(Kernel k) {
        ZoneSetup zones = k.zones().orElseThrow();
        return PageAllocatorBoot.handOver(zones, PageAllocatorBoot.memMap(k.booted().orElseThrow().layout()), 1);
    }

    @Test
    void theHandOverFreesEachZonesManagedPages() {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        PageAllocator pa = handOver(k);
        PageAllocator own = k.pages();
        assertThat(pa.basePfn()).isEqualTo(own.basePfn());
        assertThat(pa.frameCount()).isEqualTo(own.frameCount());
        // managed_pages counts exactly what memblock_free_all, free_highpages, the CMA areas and the late
        // frees give the buddy allocator; nothing is allocated yet
        for (ZoneType t : ZoneType.values()) {
            if (own.zone(t) != null) {
                BuddyZone z = pa.zone(t);
                assertThat(z.freePages() + z.pcpListPages()).as("%s", t).isEqualTo(z.config().managedPages());
                assertThat(z.allocatedPages()).isZero();
                // every CMA pageblock is free after cma_init_reserved_areas
                assertThat(z.freeCmaPages()).as("%s", t)
                        .isEqualTo(pa.pageblockCounts(t)[MigrateType.CMA.ordinal()] * PageAllocator.PAGEBLOCK_NR_PAGES);
            }
        }
        assertThat(pa.handedOver()).isTrue();
        // setup_per_cpu_pageset ran: an order-0 free goes to the CPU's list
        long p = pa.allocPagesPfn(armmm.model.core.Gfp.GFP_KERNEL, 0, 0);
        assertThat(pa.freePagesPfn(p, 0, 0).isRefused()).isFalse();
        assertThat(pa.isOnPcp(p)).isTrue();
        assertThat(pa.mobilityGroupingDisabled()).isFalse();
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
    }

    @Test
    void aBoardBelowSixPageblocksOfMemoryGroupsNothingByMobility() {
        // 32 MiB: 8192 pages, fewer than 12288 even before the watermarks are taken off
        Kernel k = Kernel.boot(Board.virt(32L << 20));
        PageAllocator pa = handOver(k);
        assertThat(pa.mobilityGroupingDisabled()).isTrue();
        assertThat(k.pages().mobilityGroupingDisabled()).isTrue();
    }
}
