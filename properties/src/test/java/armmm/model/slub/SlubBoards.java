package armmm.model.slub;

import armmm.model.page.MemMapLayout;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import java.util.Set;

/** Small boards for SLUB tests: one lowmem zone of {@code pages} frames, the first 2 MiB reserved. */
final class SlubBoards {
    static final long RAM = 0x40000;

    private SlubBoards() {
    }

    static PageAllocator pages(long pages, int cpus) {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, pages, pages, pages - 512, 16, 20, 24,
                new long[] {0, 0, 0, 0}, 30, 7);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 0, 0, 0, 0, 32, 32, 32, new long[4], 0, 1);
        PageAllocator pa = new PageAllocator(List.of(dma, normal, high), MemMapLayout.virt(0xef000000L, RAM + pages),
                cpus);
        pa.memblockFreeRange(RAM + 512, RAM + pages);
        pa.setupPerCpuPagesets();
        pa.clearDirty();
        return pa;
    }

    /** SLUB with {@code cmdline} on a board of {@code pages} frames and {@code cpus} CPUs. */
    static SlubAllocator slub(String cmdline, long pages, int cpus, long seed, Set<SlubBug> bugs) throws Exception {
        SlabCaches caches = SlabCaches.boot(SlubParams.parse(cmdline, cpus));
        return new SlubAllocator(caches, pages(pages, cpus), seed, bugs);
    }
}
