package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page allocator's calls as scenarios write them ({@link PageOp#SPECS}): each spelling builds
 * its record with the arguments in kernel order (include/linux/gfp.h, mm/page_alloc.c,
 * mm/vmstat.c), prints back as the same scenario line, binds its result to the right stem, is
 * refused on a kernel without a page allocator, and runs its own allocator method.
 */
class PageOpCallsTest {
    private final PageAllocator pa = TestBoards.small(2);
    private final Kernel kernel = TestBoards.kernel(pa);

    private static OpSpec spec(String name) {
        return PageOp.SPECS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static Op make(String name, int cpu, long... args) {
        return spec(name).factory().make(args, cpu);
    }

    @Test
    void eachSpellingBuildsItsRecord() {
        long g = Gfp.GFP_KERNEL;
        assertThat(make("alloc_pages", 1, g, 2)).isEqualTo(new PageOp.AllocPages(g, 2, 1));
        assertThat(make("alloc_page", 1, g)).isEqualTo(new PageOp.AllocPage(g, 1));
        assertThat(make("__get_free_pages", 1, g, 3)).isEqualTo(new PageOp.GetFreePages(g, 3, 1));
        assertThat(make("__free_pages", 1, 0xef000000L, 4)).isEqualTo(new PageOp.FreePages(0xef000000L, 4, 1));
        assertThat(make("free_pages", 1, 0xc0000000L, 5)).isEqualTo(new PageOp.FreePagesVirt(0xc0000000L, 5, 1));
        assertThat(make("split_page", 0, 0xef000000L, 6)).isEqualTo(new PageOp.SplitPage(0xef000000L, 6));
        assertThat(make("vmstat_update", 1)).isEqualTo(new PageOp.VmstatUpdate(1));
        assertThat(make("refresh_vm_stats", 0)).isEqualTo(new PageOp.RefreshVmStats());
        assertThat(make("drain_local_pages", 1)).isEqualTo(new PageOp.DrainLocalPages(1));
        assertThat(PageOp.SPECS).hasSize(9);
        // split_page and refresh_vm_stats name no CPU; the others take cpu=N
        for (OpSpec s : PageOp.SPECS) {
            assertThat(s.perCpu()).as(s.name()).isEqualTo(!s.name().equals("split_page") && !s.name().equals("refresh_vm_stats"));
        }
        assertThat(spec("__free_pages").args()).containsExactly(ArgKind.HANDLE, ArgKind.NUMBER);
        assertThat(spec("alloc_pages").args()).containsExactly(ArgKind.GFP, ArgKind.NUMBER);
    }

    @Test
    void eachCallPrintsAsItsScenarioLine() {
        assertThat(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 1)).hasToString("alloc_pages GFP_KERNEL 2 cpu=1");
        assertThat(new PageOp.AllocPage(Gfp.GFP_ATOMIC, 0)).hasToString("alloc_page GFP_ATOMIC");
        assertThat(new PageOp.GetFreePages(Gfp.GFP_KERNEL, 0, 0)).hasToString("__get_free_pages GFP_KERNEL 0");
        assertThat(new PageOp.FreePages(0xef000024L, 3, 0)).hasToString("__free_pages 0xef000024 3");
        assertThat(new PageOp.FreePagesVirt(0xc0001000L, 1, 1)).hasToString("free_pages 0xc0001000 1 cpu=1");
        assertThat(new PageOp.SplitPage(0xef000048L, 2)).hasToString("split_page 0xef000048 2");
        assertThat(new PageOp.VmstatUpdate(1)).hasToString("vmstat_update cpu=1");
        assertThat(new PageOp.RefreshVmStats()).hasToString("refresh_vm_stats");
        assertThat(new PageOp.DrainLocalPages(0)).hasToString("drain_local_pages");
        // pages bind to $p, linear-map addresses to $a; the other calls return no handle
        assertThat(new PageOp.AllocPages(0, 0, 0).resultStem()).isEqualTo("p");
        assertThat(new PageOp.AllocPage(0, 0).resultStem()).isEqualTo("p");
        assertThat(new PageOp.GetFreePages(0, 0, 0).resultStem()).isEqualTo("a");
        assertThat(new PageOp.FreePages(0, 0, 0).resultStem()).isNull();
        assertThat(new PageOp.SplitPage(0, 0).resultStem()).isNull();
    }

    @Test
    void withoutAPageAllocatorEveryCallIsRefused() {
        Kernel bare = Kernel.bare();
        for (Op op : List.<Op>of(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0), new PageOp.AllocPage(Gfp.GFP_KERNEL, 0),
                new PageOp.GetFreePages(Gfp.GFP_KERNEL, 0, 0), new PageOp.FreePages(0xef000000L, 0, 0),
                new PageOp.FreePagesVirt(0xc0000000L, 0, 0), new PageOp.SplitPage(0xef000000L, 0),
                new PageOp.VmstatUpdate(0), new PageOp.RefreshVmStats(), new PageOp.DrainLocalPages(0))) {
            assertThat(op.applyTo(bare)).as("%s", op).isEqualTo(PageOp.NO_ALLOCATOR);
        }
    }

    @Test
    void eachCallRunsItsAllocatorMethod() {
        long page = kernel.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 1)).value();
        long pfn = pa.layout().pageToPfn(page);
        assertThat(pa.isAllocated(pfn)).isTrue();
        assertThat(pa.order(pfn)).isZero();
        long two = kernel.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value();
        assertThat(pa.order(pa.layout().pageToPfn(two))).isEqualTo(2);
        long addr = kernel.apply(new PageOp.GetFreePages(Gfp.GFP_KERNEL, 1, 0)).value();
        long apfn = pa.layout().virtToPfn(addr);
        assertThat(pa.order(apfn)).isEqualTo(1);
        assertThat(kernel.apply(new PageOp.SplitPage(two, 2))).isEqualTo(Result.VOID);
        assertThat(pa.refcount(pa.layout().pageToPfn(two) + 3)).isEqualTo(1);
        assertThat(kernel.apply(new PageOp.FreePagesVirt(addr, 1, 0))).isEqualTo(Result.VOID);
        assertThat(pa.isAllocated(apfn)).isFalse();
        // CPU 1's list has the rest of its refill and the page freed back on CPU 1
        assertThat(kernel.apply(new PageOp.FreePages(page, 0, 1))).isEqualTo(Result.VOID);
        assertThat(pa.pcpList(ZoneType.DMA, 1, 0)).contains(pfn);
        assertThat(kernel.apply(new PageOp.DrainLocalPages(1))).isEqualTo(Result.VOID);
        assertThat(pa.pcpCount(1)).isZero();
        assertThat(pa.pcpCount(0)).isPositive();
        assertThat(kernel.apply(new PageOp.VmstatUpdate(1))).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).vmstat().diff(1, ZoneVmstat.NR_FREE_PAGES)).isZero();
        assertThat(kernel.apply(new PageOp.RefreshVmStats())).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).vmstat().diff(0, ZoneVmstat.NR_FREE_PAGES)).isZero();
        assertThat(pa.zone(ZoneType.DMA).vmstat().global(ZoneVmstat.NR_FREE_PAGES))
                .isEqualTo(pa.zone(ZoneType.DMA).freePages());
    }
}
