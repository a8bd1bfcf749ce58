package armmm.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.Violation;
import armmm.model.memblock.MemblockOp;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's entry points outside {@link Kernel#apply}: a bare kernel against a booted one
 * (the linear map of arch/arm/include/asm/memory.h, {@code PAGE_OFFSET} 0xc0000000 over
 * {@code PHYS_OFFSET} 0x40000000 on virt), the registry's look-ups, the reports by name.
 */
class KernelEntryTest {

    @Test
    void aBareKernelIsAnEmptyMemblockWithIdentityAddressing() {
        Kernel k = Kernel.bare();
        assertThat(k.bugs()).isEqualTo(Bugs.NONE);
        assertThat(k.booted()).isEmpty();
        assertThat(k.zones()).isEmpty();
        assertThat(k.pages()).isNull();
        assertThat(k.boardLine()).isEmpty();
        assertThat(k.memblock()).isNotNull();
        assertThat(k.physToVirt(0x4000_0000L)).isEqualTo(0x4000_0000L);
        assertThat(k.virtToPhys(0xc000_0000L)).isEqualTo(0xc000_0000L);
        assertThat(k.has(PageAllocator.class)).isFalse();
        assertThat(k.observe(ObservablePath.of("zone[DMA]", "managed"))).isEmpty();
        assertThat(k.observe(ObservablePath.of("memblock", "memory", "cnt"))).hasValue(1);
        assertThat(k.check()).isEmpty();
        assertThatThrownBy(() -> Kernel.boot(null)).isInstanceOf(NullPointerException.class).hasMessage("board");
    }

    @Test
    void aBootedKernelHasEveryStateItsBoardLineAndTheLinearMap() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20), Bugs.NONE);
        assertThat(k.booted()).isPresent();
        assertThat(k.zones()).isPresent();
        assertThat(k.pages()).isNotNull();
        assertThat(k.boardLine()).hasValue("board ram=1024M");
        assertThat(k.physToVirt(0x4000_0000L)).isEqualTo(0xc000_0000L);
        assertThat(k.physToVirt(0x6fff_f000L)).isEqualTo(0xefff_f000L);
        assertThat(k.virtToPhys(0xc000_1000L)).isEqualTo(0x4000_1000L);
        // 1 GiB: 768 MiB of lowmem in ZONE_DMA (armmp-1024M's zoneinfo: managed 189461 of 196608 present)
        assertThat(k.observe(ObservablePath.of("zone[DMA]", "present"))).hasValue(196608);
        assertThat(k.observe(ObservablePath.of("no_such_thing"))).isEmpty();
        assertThatThrownBy(() -> k.install(BuddySubsystem.INSTANCE, k.pages()))
                .isInstanceOf(IllegalStateException.class).hasMessage("this kernel already has a buddy state");
    }

    @Test
    void theRegistryNamesItsSubsystemsInBootOrderAndLooksUpCallsHandlesAndBugs() {
        assertThat(Subsystems.names()).isEqualTo(
                "[layout, mmu, memblock, zone, buddy, balloon, slub, vmalloc, highmem, mm, tlb]");
        assertThat(OpTable.spec("memblock_add").name()).isEqualTo("memblock_add");
        assertThat(OpTable.spec("no_such_call")).isNull();
        assertThat(OpTable.all()).hasSize(Subsystems.ALL.stream().mapToInt(s -> s.calls().size()).sum());
        assertThat(Subsystems.handleProducedBy("alloc_pages").stem()).isEqualTo("p");
        assertThat(Subsystems.handleProducedBy("memblock_add")).isNull();
        assertThat(Subsystems.handlesUsedBy("__free_pages")).extracting(HandleKind::name).containsExactly("page");
        assertThat(Subsystems.handlesUsedBy("memblock_add")).isEmpty();
        assertThat(Subsystems.bug("memblock-no-merge")).isPresent();
        assertThat(Subsystems.bug("no-such-bug")).isEmpty();
        assertThat(Subsystems.bugsNamed(null)).isEqualTo(Bugs.NONE);
        assertThat(Subsystems.bugsNamed("")).isEqualTo(Bugs.NONE);
        assertThatThrownBy(() -> Subsystems.bugsNamed(" no-such-bug "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Darmmm.bug: unknown seeded bug 'no-such-bug', expected one of ")
                .hasMessageContaining("memblock-no-merge, ");
        Invariant foreign = Invariant.of("INV-TEST-99", k -> List.of());
        assertThat(Subsystems.indexOf(foreign)).isEqualTo(-1);
        assertThat(Subsystems.indexOf(Subsystems.invariants().get(0))).isZero();
        int last = Subsystems.invariants().size() - 1;
        assertThat(Subsystems.indexOf(Subsystems.invariants().get(last))).isEqualTo(last);
        assertThat(Kernel.invariants()).isSameAs(Subsystems.invariants());
    }

    @Test
    void theBugOfTheSystemPropertyIsPlantedAndNoneWithoutIt() {
        String before = System.getProperty("armmm.bug");
        try {
            System.clearProperty("armmm.bug");
            assertThat(Subsystems.bugsFromSystemProperty()).isEqualTo(Bugs.NONE);
            System.setProperty("armmm.bug", "MEMBLOCK_NO_MERGE");
            assertThat(Subsystems.bugsFromSystemProperty().planted()).extracting(b -> b.cliName())
                    .containsExactly("memblock-no-merge");
        } finally {
            if (before == null) {
                System.clearProperty("armmm.bug");
            } else {
                System.setProperty("armmm.bug", before);
            }
        }
    }

    @Test
    void reportsRenderByNameAndRefuseUnknownNamesAndRanges() {
        Kernel bare = Kernel.bare();
        assertThat(Reports.names()).contains("layout", "memblock", "zoneinfo", "meminfo", "buddyinfo", "pagetypeinfo");
        assertThat(Reports.exists("buddyinfo")).isTrue();
        assertThat(Reports.exists("slabinfo2")).isFalse();
        // a report that does not apply to a bare kernel is empty; memblock applies to every kernel
        assertThat(Reports.render("zoneinfo", bare)).isEmpty();
        assertThat(Reports.render("buddyinfo", bare)).isEmpty();
        assertThat(Reports.render("layout", bare)).isEmpty();
        assertThat(Reports.render("memblock", bare)).hasValue("memory:\nreserved:\n");
        bare.apply(new MemblockOp.Add(0x1000, 0x1000));
        assertThat(Reports.render("memblock", bare)).hasValue("memory:\n   0: 0x00001000..0x00001fff\nreserved:\n");
        assertThatThrownBy(() -> Reports.render("nope", bare)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown report nope, expected one of [");
        assertThat(Reports.maxArgs("buddyinfo")).isZero();
        assertThat(Reports.maxArgs("nope")).isZero();
        assertThatThrownBy(() -> Reports.render("buddyinfo", bare, 0, 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("report buddyinfo takes no address range");
        assertThatThrownBy(() -> Reports.render("nope", bare, 0, 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("report nope takes no address range");
        String ranged = Reports.names().stream().filter(n -> Reports.maxArgs(n) > 0).findFirst().orElseThrow();
        assertThat(Reports.maxArgs(ranged)).isBetween(1, 2);
        // a ranged report renders through its subsystem's ranged rendering
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        armmm.model.subsystem.Report pt = Subsystems.ALL.stream().flatMap(s -> s.reports().stream())
                .filter(r -> r.name().equals("pagetables")).findFirst().orElseThrow();
        assertThat(Reports.maxArgs("pagetables")).isEqualTo(2);
        assertThat(Reports.render("pagetables", k, 0xc000_0000L, 0xc020_0000L)).isPresent()
                .isEqualTo(pt.ranged().render(k, 0xc000_0000L, 0xc020_0000L));
    }

    @Test
    void theBootedReportsAreTheRenderersOfTheStatesBootLeft() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        assertThat(Reports.render("layout", k).orElseThrow()).startsWith("Virtual kernel memory layout:\n")
                .contains("    lowmem  : 0xc0000000 - 0xf0000000   ( 768 MB)\n");
        assertThat(Reports.render("zoneinfo", k).orElseThrow()).startsWith("Node 0, zone      DMA\n  pages free     ");
        // once the allocator runs, zoneinfo's free count is its NR_FREE_PAGES, not every managed page
        k.apply(new armmm.model.page.PageOp.AllocPages(armmm.model.core.Gfp.GFP_KERNEL, 5, 0));
        k.apply(new armmm.model.page.PageOp.RefreshVmStats());
        long free = armmm.model.report.BuddyinfoReport.pagesFree(k.pages(), armmm.model.zone.ZoneType.DMA);
        assertThat(free).isLessThan(k.zones().orElseThrow().zone(armmm.model.zone.ZoneType.DMA).managedPages());
        assertThat(Reports.render("zoneinfo", k).orElseThrow()).startsWith("Node 0, zone      DMA\n  pages free     " + free + "\n");
        assertThat(Reports.render("meminfo", k).orElseThrow()).contains("VmallocTotal:     245760 kB\n");
        assertThat(Reports.render("buddyinfo", k).orElseThrow()).startsWith("Node 0, zone      DMA ");
        assertThat(Reports.render("pagetypeinfo", k).orElseThrow()).startsWith("Page block order: 11\n");
        assertThat(Reports.render("memblock", k).orElseThrow()).startsWith("memory:\n   0: 0x40000000..0x7fffffff\nreserved:\n");
    }

    /**
     * {@code kzalloc_node} once slab is up: {@code kmalloc_large} takes {@code get_order(size)}
     * pages, NULL from order MAX_ORDER (12 here: 8 MiB is order 11, one byte more is order 12);
     * {@code kmalloc(0)} is ZERO_SIZE_PTR (16).
     */
    @Test
    void kzallocNodeTakesTheOrderOfItsSizeAndKfreeGivesItBack() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        PageAllocator pa = k.pages();
        assertThat(BuddySubsystem.kzallocNode(pa, 0)).isEqualTo(16);
        assertThat(BuddySubsystem.kzallocNode(pa, (8L << 20) + 1)).isZero();
        long[][] cases = {{1, 0}, {4096, 0}, {4097, 1}, {8192, 1}, {8193, 2}, {8L << 20, 11}};
        for (long[] c : cases) {
            long virt = BuddySubsystem.kzallocNode(pa, c[0]);
            assertThat(virt).as("kzalloc %d", c[0]).isNotZero();
            long pfn = k.virtToPhys(virt) >>> 12;
            assertThat(pa.order(pfn)).as("order of kzalloc %d", c[0]).isEqualTo((int) c[1]);
            assertThat(pfn % (1L << c[1])).isZero();
            assertThat(pa.isBuddy(pfn)).isFalse();
            BuddySubsystem.kfree(pa, k.virtToPhys(virt), c[0]);
            assertThat(pa.refcount(pfn)).as("refcount after kfree of %d", c[0]).isZero();
        }
        assertThat(armmm.model.check.BuddyChecks.fullScan(pa)).isEmpty();
    }

    @Test
    void theCompleteCheckOfABootedKernelRunsEveryInvariantWithoutStamps() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        assertThat(k.checkComplete()).isEmpty();
        for (Invariant inv : Kernel.invariants()) {
            List<Violation> v = k.check(inv);
            assertThat(v).as(inv.id()).isEmpty();
        }
        assertThat(k.check(Invariant.of("INV-TEST-98", x -> List.of(new Violation("INV-TEST-98", "r", "d")))))
                .extracting(Violation::id).containsExactly("INV-TEST-98");
    }
}
