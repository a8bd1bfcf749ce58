package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every vmalloc call through {@code Kernel.apply} on a booted 64 MiB board with 1 CPU, each
 * result worked by hand from mm/vmalloc.c's lowest-fit placement ({@code alloc_vmap_area} after
 * boot's IRQ stack at [0xc4800000, 0xc4803000), VMALLOC_START 0xc4800000, VMALLOC_END
 * 0xff800000; a guard page after each area; vmalloc_user at SHMLBA, 16 KiB; ioremap aligned by
 * its size's power of two and returned with the offset in its first page, refusing RAM,
 * {@code __arm_ioremap_caller}'s {@code last_addr} test), {@code vmap}'s struct pages,
 * {@code __vunmap}'s warnings, the lazy purge's TLB flush, and the subsystem's registry entries.
 */
class VmallocKernelCallsTest {
    private static final long K = 1024;
    private static final long START = 0xc480_0000L;
    private static final long END = 0xff80_0000L;

    private final Kernel kernel = Kernel.boot(Board.virt(64L << 20));
    private final Vmalloc v = kernel.state(Vmalloc.class);
    private final PageAllocator pa = kernel.state(PageAllocator.class);

    private Result apply(Op op) {
        return kernel.apply(op);
    }

    private long value(Op op) {
        Result r = apply(op);
        assertThat(r.isRefused()).as(op.toString()).isFalse();
        return r.value();
    }

    private String refusal(Op op) {
        Result r = apply(op);
        assertThat(r).as(op.toString()).isInstanceOf(Result.Refused.class);
        return ((Result.Refused) r).reason();
    }

    @Test
    void eachAllocatingCallTakesTheLowestFit() {
        assertThat(value(new VmallocOp.VmallocCall(4 * K))).isEqualTo(0xc480_3000L);
        assertThat(value(new VmallocOp.Vzalloc(8 * K))).isEqualTo(0xc480_5000L);
        // SHMLBA: the next 16 KiB boundary at or after 0xc4808000 is 0xc4808000 itself
        assertThat(value(new VmallocOp.VmallocUser(4 * K))).isEqualTo(0xc480_8000L);
        assertThat(value(new VmallocOp.VmallocNodeRange(4 * K, 4 * K, START, END))).isEqualTo(0xc480_a000L);
        assertThat(value(new VmallocOp.GetVmAreaCaller(4 * K, VmFlags.VM_IOREMAP, START, END))).isEqualTo(0xc480_c000L);
        long page = value(new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0));
        long vm = value(new VmallocOp.Vmap(page, 2));
        assertThat(vm).isEqualTo(0xc480_e000L);
        int stride = pa.layout().structPageSize();
        assertThat(value(new VmallocOp.VmallocToPage(vm + 4 * K + 5))).isEqualTo(page + stride);
        assertThat(value(new VmallocOp.VmallocToPage(vm + 8 * K))).as("the guard page").isZero();
        // device memory at an offset: the area's page plus the offset
        long io = value(new VmallocOp.Ioremap(0x0800_0123L, 0x10));
        assertThat(io).isEqualTo(0xc481_1123L);
        assertThat(value(new VmallocOp.FindVmArea(io))).isEqualTo(0xc481_1000L);
        assertThat(value(new VmallocOp.FindVmArea(0xc481_2000L))).as("its guard page is the area's").isEqualTo(0xc481_1000L);
        assertThat(value(new VmallocOp.FindVmArea(0xc481_3000L))).isZero();
        assertThat(value(new VmallocOp.Iounmap(io))).isZero();
        assertThat(value(new VmallocOp.FindVmArea(io))).isZero();
        assertThat(value(new VmallocOp.Vunmap(vm))).isZero();
        // the pages were the caller's: still allocated, free_pages gives them back
        assertThat(value(new PageOp.FreePages(page, 1, 0))).isZero();
        // a range too small for the area and its guard page: NULL
        assertThat(value(new VmallocOp.VmallocNodeRange(8 * K, 4 * K, 0xd000_0000L, 0xd000_2000L))).isZero();
    }

    @Test
    void isVmallocAddrAtTheEdges() {
        assertThat(value(new VmallocOp.IsVmallocAddr(START))).isEqualTo(1);
        assertThat(value(new VmallocOp.IsVmallocAddr(START - 1))).isZero();
        assertThat(value(new VmallocOp.IsVmallocAddr(END - 1))).isEqualTo(1);
        assertThat(value(new VmallocOp.IsVmallocAddr(END))).isZero();
    }

    @Test
    void ioremapRefusesRamAndAnEmptyOrWrappingRangeAndReachesTheTopOfThePhysicalSpace() {
        assertThat(refusal(new VmallocOp.Ioremap(0x4010_0000L, 4 * K))).isEqualTo("ioremap on RAM");
        assertThat(value(new VmallocOp.Ioremap(0x0800_0000L, 0))).isZero();
        assertThat(value(new VmallocOp.Ioremap(0x1000, -1L))).isZero();
        assertThat(value(new VmallocOp.Ioremap(0xffff_f000L, 8 * K))).isZero();
        // last_addr 0xffffffff: the last page of the 32-bit physical space is fine
        assertThat(value(new VmallocOp.Ioremap(0xffff_f000L, 4 * K))).isEqualTo(0xc480_3000L);
    }

    @Test
    void vmapTakesStructPagesOnly() {
        long page = value(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        assertThat(refusal(new VmallocOp.Vmap(page, -1))).isEqualTo("vmap: count -1 is not an unsigned int");
        assertThat(refusal(new VmallocOp.Vmap(page, 1L << 32))).isEqualTo("vmap: count 4294967296 is not an unsigned int");
        assertThat(refusal(new VmallocOp.Vmap(page + 1, 1))).isEqualTo(String.format("vmap: 0x%x is not a struct page", page + 1));
        // vmap tests count > totalram_pages() before it reads a page: NULL, even for pages that are none
        long totalram = v.pages().totalramPages();
        assertThat(value(new VmallocOp.Vmap(page + 1, totalram + 1))).isZero();
        assertThat(value(new VmallocOp.Vmap(page, 0xffff_ffffL))).isZero();
        assertThat(value(new VmallocOp.Vmap(page, 1L << 31))).isZero();
        // the last frame (64 MiB board: pfn 0x43fff) and the one after it
        long last = pa.layout().pfnToPage(0x43fffL);
        int stride = pa.layout().structPageSize();
        assertThat(refusal(new VmallocOp.Vmap(last, 2))).isEqualTo(String.format("vmap: 0x%x is not a struct page", last + stride));
        assertThat(value(new VmallocOp.Vmap(page, 0))).isZero();
        assertThat(value(new VmallocOp.Vmap(last, 1))).isEqualTo(0xc480_3000L);
        BuddyPageSource src = (BuddyPageSource) v.pages();
        assertThat(src.pageToPfn(last)).isEqualTo(0x43fffL);
        assertThat(src.pageToPfn(last + stride)).isEqualTo(-1);
        assertThat(src.pfnToPage(0x43fffL)).isEqualTo(last);
        assertThat(src.isMapMemory(0x4000_0000L)).isTrue();
        assertThat(src.allocator()).isSameAs(pa);
    }

    @Test
    void vfreeWarningsAndTheLazyPurgesFlush() {
        long a = value(new VmallocOp.VmallocCall(4 * K));
        long b = value(new VmallocOp.VmallocCall(4 * K));
        assertThat(value(new VmallocOp.Vfree(0))).isZero();
        assertThat(refusal(new VmallocOp.Vfree(a + 0x10))).isEqualTo("Trying to vfree() bad address");
        assertThat(refusal(new VmallocOp.Vfree(0xd000_0000L))).isEqualTo("Trying to vfree() nonexistent vm area");
        assertThat(refusal(new VmallocOp.Vunmap(0xd000_0000L))).isEqualTo("Trying to vfree() nonexistent vm area");
        assertThat(value(new VmallocOp.Vfree(a))).isZero();
        assertThat(value(new VmallocOp.Vfree(b))).isZero();
        assertThat(kernel.observe(ObservablePath.of("vmalloc", "lazy_nr"))).hasValue(4);
        assertThat(value(new VmallocOp.PurgeVmapAreaLazy())).isZero();
        // one flush over the span of everything lazily freed
        assertThat(v.areas().tlbFlushesSinceStep()).extracting(Object::toString)
                .containsExactly("flush_tlb_kernel_range [c4803000, c4807000) (purge_vmap_area_lazy)");
        assertThat(kernel.observe(ObservablePath.of("vmalloc", "purges"))).hasValue(1);
        // nothing left to purge: no flush, no purge counted
        assertThat(value(new VmallocOp.VmUnmapAliases())).isZero();
        assertThat(v.areas().tlbFlushesSinceStep()).isEmpty();
        assertThat(kernel.observe(ObservablePath.of("vmalloc", "purges"))).hasValue(1);
    }

    @Test
    void theSubsystemsRegistryEntries() {
        VmallocSubsystem s = VmallocSubsystem.INSTANCE;
        assertThat(s.name()).isEqualTo("vmalloc");
        assertThat(s.stateType()).isEqualTo(Vmalloc.class);
        assertThat(s.calls()).isSameAs(VmallocOp.SPECS);
        assertThat(s.invariants()).extracting(Invariant::id).containsExactly("INV-VMALLOC-01", "INV-VMALLOC-02",
                "INV-VMALLOC-03", "INV-VMALLOC-04", "INV-VMALLOC-05", "INV-VMALLOC-06");
        assertThat(s.bugs()).containsExactly((armmm.model.core.SeededBug[]) VmallocBug.values());
        assertThat(s.handleKinds()).extracting(HandleKind::stem).containsExactly("v", "io");
        assertThat(s.reports()).extracting(Report::name).containsExactly("vmallocinfo");
        assertThat(s.reports().get(0).render().apply(kernel)).contains(VmallocinfoReport.render(v.areas()));
        assertThat(s.reports().get(0).render().apply(Kernel.bare())).isEmpty();
        assertThat(s.observe(v, kernel, ObservablePath.of("vmalloc", "start"))).hasValue(START);
        assertThat(s.observe(v, kernel, ObservablePath.of("zone[0]", "start"))).isEmpty();
        assertThat(s.create(Kernel.bare(), Board.virt(64L << 20), Bugs.NONE)).isNull();
        // a planted bug reaches the state: here the guard page forgotten
        Kernel planted = Kernel.boot(Board.virt(64L << 20), Bugs.of(VmallocBug.VMALLOC_NO_GUARD_PAGE));
        planted.apply(new VmallocOp.VmallocCall(4 * K));
        assertThat(planted.apply(new VmallocOp.VmallocCall(4 * K)).value()).isEqualTo(0xc480_4000L);
        List<armmm.model.core.Violation> none = s.completeCheck(v, kernel);
        assertThat(none).isEmpty();
        assertThat(s.completeCheck(planted.state(Vmalloc.class), planted)).isNotEmpty();
    }
}
