package armmm.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.boot.BootedSystem;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.SeededBug;
import armmm.model.core.Violation;
import armmm.model.layout.LayoutBug;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.MemblockBug;
import armmm.model.memblock.MemblockOp;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageBug;
import armmm.model.page.PageOp;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import armmm.model.zone.NodeZones;
import armmm.model.zone.ZoneBug;
import armmm.model.zone.ZoneOp;
import armmm.model.zone.ZoneType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The four subsystems of this package as the registry sees them (their declarations read directly,
 * not through the registry's lists, which are built once) and their step hooks: what boot's
 * hand-over ({@code mem_init}) leaves, what each hook does around a call.
 */
class KernelSubsystemWiringTest {

    private static List<String> ids(Subsystem<?> s) {
        return s.invariants().stream().map(Invariant::id).toList();
    }

    private static List<String> reportNames(Subsystem<?> s) {
        return s.reports().stream().map(Report::name).toList();
    }

    /** A kernel holding only the states given. */
    private static KernelState only(Map<Class<?>, Object> states) {
        return new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type.cast(states.get(type));
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
    }

    @Test
    void eachSubsystemDeclaresItsCatalogueInvariantsReportsBugsAndHandles() {
        assertThat(ids(LayoutSubsystem.INSTANCE)).containsExactly(
                "INV-LAYOUT-01", "INV-LAYOUT-02", "INV-LAYOUT-03", "INV-LAYOUT-04", "INV-LAYOUT-05");
        assertThat(ids(MemblockSubsystem.INSTANCE)).hasSize(12).allMatch(id -> id.startsWith("INV-MEMBLOCK-"));
        assertThat(ids(ZoneSubsystem.INSTANCE)).containsExactly("INV-ZONE-01", "INV-ZONE-02", "INV-ZONE-03",
                "INV-ZONE-04", "INV-ZONE-05", "INV-ZONE-06", "INV-ZONE-07", "INV-ZONE-08", "INV-CALL-05");
        assertThat(ids(BuddySubsystem.INSTANCE)).containsExactly("INV-BUDDY-01", "INV-BUDDY-02", "INV-BUDDY-03",
                "INV-BUDDY-04", "INV-BUDDY-05", "INV-BUDDY-06", "INV-BUDDY-07", "INV-BUDDY-08", "INV-PAGE-01",
                "INV-PAGE-02", "INV-GFP-01", "INV-GFP-02", "INV-GFP-03", "INV-CALL-01", "INV-CALL-02", "INV-CALL-03",
                "INV-CALL-04");
        assertThat(reportNames(LayoutSubsystem.INSTANCE)).containsExactly("layout");
        assertThat(reportNames(MemblockSubsystem.INSTANCE)).containsExactly("memblock");
        assertThat(reportNames(ZoneSubsystem.INSTANCE)).containsExactly("zoneinfo", "meminfo");
        assertThat(reportNames(BuddySubsystem.INSTANCE)).containsExactly("buddyinfo", "pagetypeinfo");
        assertThat(LayoutSubsystem.INSTANCE.bugs()).containsExactly((SeededBug[]) LayoutBug.values());
        assertThat(MemblockSubsystem.INSTANCE.bugs()).containsExactly((SeededBug[]) MemblockBug.values());
        assertThat(ZoneSubsystem.INSTANCE.bugs()).containsExactly((SeededBug[]) ZoneBug.values());
        assertThat(BuddySubsystem.INSTANCE.bugs()).containsExactly((SeededBug[]) PageBug.values());
        assertThat(MemblockSubsystem.INSTANCE.handleKinds()).extracting(HandleKind::name)
                .containsExactly("memblock virtual address", "memblock physical address");
        assertThat(BuddySubsystem.INSTANCE.handleKinds()).extracting(HandleKind::name).containsExactly("page", "page address");
        // the registry's lists are these, subsystem after subsystem
        assertThat(Subsystems.bugs()).containsExactlyElementsOf(
                Subsystems.ALL.stream().flatMap(s -> s.bugs().stream()).toList());
        assertThat(Subsystems.bugs()).contains(LayoutBug.values()[0], PageBug.values()[0]);
        assertThat(Subsystems.handleKinds()).containsExactlyElementsOf(
                Subsystems.ALL.stream().flatMap(s -> s.handleKinds().stream()).toList());
        assertThat(Subsystems.handleKinds()).extracting(HandleKind::name).contains("page", "memblock virtual address");
    }

    @Test
    void eachSubsystemAnswersOnlyItsOwnObservables() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        ObservablePath memblockCnt = ObservablePath.of("memblock", "memory", "cnt");
        ObservablePath zoneManaged = ObservablePath.of("zone[DMA]", "managed");
        ObservablePath layoutVa = ObservablePath.of("layout", "va[0x40000000]");
        BootedSystem booted = k.booted().orElseThrow();
        assertThat(LayoutSubsystem.INSTANCE.observe(booted, k, layoutVa)).hasValue(0xc000_0000L);
        assertThat(LayoutSubsystem.INSTANCE.observe(booted, k, memblockCnt)).isEmpty();
        assertThat(MemblockSubsystem.INSTANCE.observe(k.memblock(), k, memblockCnt)).hasValue(1);
        assertThat(MemblockSubsystem.INSTANCE.observe(k.memblock(), k, layoutVa)).isEmpty();
        assertThat(MemblockSubsystem.INSTANCE.observe(k.memblock(), k, zoneManaged)).isEmpty();
        assertThat(BuddySubsystem.INSTANCE.observe(k.pages(), k, memblockCnt)).isEmpty();
        assertThat(BuddySubsystem.INSTANCE.observe(k.pages(), k, ObservablePath.of("pcp[0]", "count")))
                .hasValue(k.pages().pcpCount(0));
        assertThat(k.observe(zoneManaged)).hasValue(k.zones().orElseThrow().zone(ZoneType.DMA).managedPages());
    }

    /** The allocator exists only where both the zones and boot's layout do; either alone gives none. */
    @Test
    void theBuddyAllocatorNeedsBothTheZonesAndTheBootLayout() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Board board = k.booted().orElseThrow().board();
        KernelState bootOnly = only(Map.of(BootedSystem.class, k.booted().orElseThrow(), Memblock.class, k.memblock()));
        KernelState zonesOnly = only(Map.of(NodeZones.class, k.state(NodeZones.class), Memblock.class, k.memblock()));
        assertThat(BuddySubsystem.INSTANCE.create(bootOnly, board, Bugs.NONE)).isNull();
        assertThat(BuddySubsystem.INSTANCE.create(zonesOnly, board, Bugs.NONE)).isNull();
        assertThat(ZoneSubsystem.INSTANCE.create(only(Map.of()), board, Bugs.NONE)).isNull();
        assertThat(LayoutSubsystem.INSTANCE.create(only(Map.of()), null, Bugs.NONE)).isNull();
    }

    /**
     * Before {@code mem_init} no allocator counts: zoneinfo and meminfo read every managed page as
     * free (armmp-1024M: HighMem managed 65536, so "pages free     65536").
     */
    @Test
    void zoneReportsWithoutAnAllocatorReadEveryManagedPageAsFree() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        KernelState beforeMemInit = only(Map.of(NodeZones.class, k.state(NodeZones.class),
                BootedSystem.class, k.booted().orElseThrow()));
        Report zoneinfo = ZoneSubsystem.INSTANCE.reports().get(0);
        String text = zoneinfo.render().apply(beforeMemInit).orElseThrow();
        assertThat(text).contains("Node 0, zone  HighMem\n  pages free     65536\n");
        assertThat(zoneinfo.render().apply(only(Map.of()))).isEmpty();
    }

    /**
     * {@code mem_init} ends boot for the allocator's seeded bugs (they act from the first call),
     * takes the board's CONFIG_DEBUG_VM, and makes slab available: a memblock allocation now warns
     * ({@code WARN_ON_ONCE(slab_is_available())}) and is a {@code kzalloc_node} from the buddy
     * allocator.
     */
    @Test
    void theHandOverEndsBootAtTheFirstCallTakesDebugVmAndMakesSlabAvailable() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        PageAllocator pa = k.pages();
        assertThat(pa.handedOver()).isFalse();
        assertThat(pa.debugVm()).isFalse();
        assertThat(k.memblock().slabAvailable()).isTrue();
        assertThat(Kernel.boot(Board.virt(64L << 20).withBuild(BuildConfig.armmp().withDebugVm(true))).pages().debugVm())
                .isTrue();
        Result r = k.apply(new MemblockOp.Alloc(8192, 4096));
        assertThat(pa.handedOver()).isTrue();
        assertThat(r).isInstanceOf(Result.Warned.class);
        assertThat(((Result.Warned) r).warning()).isEqualTo("WARN_ON_ONCE(slab_is_available())");
        // kmalloc_large's get_order(8192): one order-1 block, zeroed, held once
        long pfn = k.virtToPhys(r.value()) >>> 12;
        assertThat(pa.order(pfn)).isEqualTo(1);
        assertThat(pa.refcount(pfn)).isEqualTo(1);
        assertThat(pa.isBuddy(pfn)).isFalse();
        assertThat(k.check()).isEmpty();
    }

    /**
     * {@code memblock_double_array} once slab is up: the new array is a {@code kmalloc}, and the
     * previous one, if slab gave it too, goes back with {@code kfree}. 129 reserved regions double
     * the static array into a slab page (256 x 12 bytes), 257 double that into an order-1 block
     * (512 x 12) and free the page: its refcount drops to 0.
     */
    @Test
    void aSlabArrayReplacedByTheNextDoublingIsFreedToTheBuddyAllocator() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        k.apply(new MemblockOp.AllowResize());
        Memblock mb = k.memblock();
        int i = 0;
        while (mb.reserved().size() <= 128) {
            k.apply(new MemblockOp.Reserve(0x9000_0000L + (i++) * 0x2000L, 0x1000));
        }
        long first = mb.regionsPhys(true);
        assertThat(first).isNotNegative();
        PageAllocator pa = k.pages();
        assertThat(pa.refcount(first >>> 12)).isEqualTo(1);
        while (mb.reserved().size() <= 256) {
            k.apply(new MemblockOp.Reserve(0x9000_0000L + (i++) * 0x2000L, 0x1000));
        }
        long second = mb.regionsPhys(true);
        assertThat(second).isNotEqualTo(first);
        assertThat(pa.order(second >>> 12)).isEqualTo(1);
        assertThat(pa.refcount(first >>> 12)).isZero();
        assertThat(k.check()).isEmpty();
    }

    /** A vm.min_free_kbytes write reaches the allocator's own zones at once: one struct zone in 6.1. */
    @Test
    void aSysctlWriteRetunesTheAllocatorsZonesAndIsRecordedForItsCallCheck() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        NodeZones node = k.state(NodeZones.class);
        assertThat(k.apply(new ZoneOp.Sysctl("vm.min_free_kbytes", "4096")).isRefused()).isFalse();
        // pages_min 1024, all of it on the one lowmem zone (DMA); HighMem keeps its clamp
        assertThat(k.zones().orElseThrow().zone(ZoneType.DMA).min()).isEqualTo(1024);
        assertThat(k.pages().zone(ZoneType.DMA).config().min()).isEqualTo(1024);
        assertThat(node.lastCall().path()).isEqualTo("vm.min_free_kbytes");
        assertThat(node.lastCall().text()).isEqualTo("4096");
        assertThat(node.lastCall().result()).isEqualTo(Result.VOID);
        k.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0));
        assertThat(node.lastCall()).isNull();
        // a refused percpu_pagelist_high_fraction write that keeps the value: INV-CALL-05 sees the record
        Kernel buggy = Kernel.boot(Board.virt(64L << 20), Bugs.of(ZoneBug.ZONE_FRACTION_EINVAL_KEEPS_VALUE));
        assertThat(buggy.apply(new ZoneOp.Sysctl("vm.percpu_pagelist_high_fraction", "4")).isRefused()).isTrue();
        assertThat(buggy.check()).extracting(Violation::id).contains("INV-CALL-05");
    }

    /**
     * The one-argument step hook runs a pending kswapd pass ({@code beginStep}): on 56 MiB a
     * reclaimable order-5 GFP_KERNEL allocation steals below pageblock_order, boosts ZONE_DMA by a
     * pageblock and, with ALLOC_KSWAPD, wakes kswapd ({@code steal_suitable_fallback}); the pass
     * reclaims nothing ({@code kswapd_failures++}) and takes the boost back.
     */
    @Test
    void theStepHookRunsTheKswapdPassAStealWoke() {
        Kernel k = Kernel.boot(Board.virt(56L << 20));
        k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, 5, 0));
        PageAllocator pa = k.pages();
        assertThat(pa.zone(ZoneType.DMA).watermarkBoost()).isEqualTo(2048);
        int failures = pa.kswapdFailures();
        BuddySubsystem.INSTANCE.beforeStep(pa);
        assertThat(pa.zone(ZoneType.DMA).watermarkBoost()).isZero();
        assertThat(pa.kswapdFailures()).isEqualTo(failures + 1);
    }

    /**
     * A {@code Bad page state} report left by a direct caller (a double free drained outside any
     * kernel call) is forgotten when the next call begins: only reports printed during a call go
     * with its result.
     */
    @Test
    void reportsLeftOutsideACallDoNotGoWithTheNextCallsResult() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        PageAllocator pa = k.pages();
        long pfn = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        pa.freePagesPfn(pfn, 0, 0);
        assertThat(pa.freePagesPfn(pfn, 0, 0).isModelFinding()).isTrue();
        pa.drainLocalPages(0);
        assertThat(k.apply(new PageOp.RefreshVmStats())).isEqualTo(Result.VOID);
    }

    /** A hand-made allocator installed in a bare kernel: page calls and memblock's kzalloc run on it. */
    @Test
    void anAllocatorInstalledInABareKernelServesItsCallsAndMemblocksSlab() {
        Kernel k = Kernel.bare();
        PageAllocator pa = new PageAllocator(List.of(new armmm.model.zone.ZoneConfig(ZoneType.DMA, 0x40000, 16384, 16384,
                16384, 128, 160, 192, new long[4], 60, 15)), armmm.model.page.MemMapLayout.virt(0xef000000L, 0x44000), 1);
        pa.memblockFreeRange(0x40000, 0x44000);
        pa.setupPerCpuPagesets();
        k.installPageAllocator(pa);
        assertThat(k.pages()).isSameAs(pa);
        assertThat(k.memblock().slabAvailable()).isTrue();
        long allocated = pa.zone(ZoneType.DMA).allocatedPages();
        long virt = k.memblock().kzallocNode(3 * 4096);
        assertThat(virt).isNotZero();
        assertThat(pa.zone(ZoneType.DMA).allocatedPages()).isEqualTo(allocated + 4);
        assertThat(k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value()).isNotZero();
        assertThat(pa.zone(ZoneType.DMA).allocatedPages()).isEqualTo(allocated + 8);
    }
}
