package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.MemMapLayout;
import org.junit.jupiter.api.Test;

/**
 * The refusals and preconditions of the highmem call layer ({@link Highmem}) and the
 * {@code print kmaps} report ({@link KmapsReport}) on a 1 GiB board at PHYS_OFFSET 0x40000000 with
 * 2 CPUs: {@code nr_cpu_ids} 2, {@code max_pfn} 0x80000,
 * {@code PKMAP_BASE} = PAGE_OFFSET - PMD_SIZE = 0xbfe00000 (arch/arm/include/asm/highmem.h),
 * {@code __fix_to_virt(x)} = FIXADDR_TOP 0xffeff000 - (x << 12), FIX_KMAP_BEGIN 1, KM_MAX_IDX 16
 * (arch/arm/include/asm/fixmap.h, include/asm-generic/kmap_size.h). Every expected value is worked
 * by hand from those and from mm/highmem.c ({@code kmap_high}, {@code kunmap_high},
 * {@code kunmap_local_indexed}, {@code kmap_local_idx_pop}).
 */
class HighmemCallRefusalsTest {
    private static final long HIGH = 0x7e905L;
    private static final long LOW = 0x40100L;

    private final Kernel kernel = Kernel.boot(Board.virt(1024L << 20).withCpus(2));
    private final Highmem h = kernel.state(Highmem.class);
    private final MemMapLayout mm = h.memMap();

    private long page(long pfn) {
        return mm.pfnToPage(pfn);
    }

    private static String reason(Result r) {
        assertThat(r).isInstanceOf(Result.Refused.class);
        return ((Result.Refused) r).reason();
    }

    @Test
    void theBoardsLimitsAreTheKernels() {
        assertThat(h.maxPfn()).isEqualTo(0x80000L);
        // HIGH is above and LOW below lowmem's end (arm_lowmem_limit, at most 0x70000000 physical here)
        assertThat(h.pkmap().pageHighMem(HIGH)).isTrue();
        assertThat(h.pkmap().pageHighMem(LOW)).isFalse();
        assertThat(mm.archPfnOffset()).isEqualTo(0x40000L);
        assertThat(h.pkmap().pkmapBase()).isEqualTo(0xbfe00000L);
        assertThat(h.local().cpus()).isEqualTo(2);
    }

    @Test
    void aCpuOutsideNrCpuIdsIsRefusedByEveryCall() {
        long p = page(HIGH);
        String two = "cpu 2 is not possible (nr_cpu_ids 2)";
        String minus = "cpu -1 is not possible (nr_cpu_ids 2)";
        assertThat(reason(h.kmap(p, 2, false))).isEqualTo(two);
        assertThat(reason(h.kmap(p, -1, false))).isEqualTo(minus);
        assertThat(reason(h.kunmap(p, 2))).isEqualTo(two);
        assertThat(reason(h.kunmap(p, -1))).isEqualTo(minus);
        assertThat(reason(h.kmapLocal(p, 2, true))).isEqualTo(two);
        assertThat(reason(h.kmapLocal(p, -1, false))).isEqualTo(minus);
        assertThat(reason(h.kunmapLocal(0xffefe000L, 2, false))).isEqualTo(two);
        assertThat(reason(h.kunmapLocal(0xffefe000L, -1, true))).isEqualTo(minus);
        assertThat(reason(h.kmapToPage(0xc0000000L, 2))).isEqualTo(two);
        assertThat(reason(h.kmapToPage(0xc0000000L, -1))).isEqualTo(minus);
        // nothing was mapped by the refused calls
        assertThat(h.pkmap().pageAddress(HIGH)).isEmpty();
        assertThat(h.local().cpuDepth(0)).isZero();
        assertThat(h.local().cpuDepth(1)).isZero();
        // the last possible CPU is accepted: its first kmap_local slot is FIX_KMAP_BEGIN + 16
        assertThat(h.kmapLocal(p, 1, false)).isEqualTo(Result.of(0xffeff000L - (17L << 12)));
    }

    @Test
    void aPointerOutsideMemMapIsNotAStructPage() {
        long below = page(0x3ffffL);
        long past = page(0x80000L);
        assertThat(reason(h.kmap(past, 0, false))).isEqualTo(String.format("kmap: 0x%x is not a struct page", past));
        assertThat(reason(h.kmap(below, 0, false))).isEqualTo(String.format("kmap: 0x%x is not a struct page", below));
        assertThat(reason(h.kunmap(past, 0))).isEqualTo(String.format("kunmap: 0x%x is not a struct page", past));
        assertThat(reason(h.kmapLocal(past, 0, true))).isEqualTo(String.format("kmap_atomic: 0x%x is not a struct page", past));
        assertThat(reason(h.kmapLocal(past, 0, false))).isEqualTo(String.format("kmap_local_page: 0x%x is not a struct page", past));
        // the first and the last frame are pages: the first is lowmem (its linear address), the last a pkmap slot
        assertThat(h.kmap(page(0x40000L), 0, false)).isEqualTo(Result.of(0xc0000000L));
        assertThat(h.kmap(page(0x7ffffL), 0, false)).isEqualTo(Result.of(0xbfe01000L));
    }

    @Test
    void kmapOfAHighmemPageInAtomicContextIsAFindingAndOfALowmemPageIsNot() {
        Result irq = h.kmap(page(HIGH), 0, true);
        assertThat(irq).isInstanceOf(Result.Warned.class);
        assertThat(((Result.Warned) irq).origin()).isEqualTo(Result.Origin.MODEL);
        assertThat(irq.value()).isEqualTo(0xbfe01000L);
        assertThat(((Result.Warned) irq).warning()).contains("hardirq");
        assertThat(h.kmap(page(LOW), 0, true)).isEqualTo(Result.of(0xc0100000L));
        // a kmap_atomic held on CPU 1 makes CPU 1 atomic, not CPU 0
        assertThat(h.kmapLocal(page(LOW), 1, true)).isEqualTo(Result.of(0xc0100000L));
        Result held = h.kmap(page(HIGH), 1, false);
        assertThat(held).isInstanceOf(Result.Warned.class);
        assertThat(((Result.Warned) held).warning()).contains("kmap_atomic held");
        assertThat(held.value()).isEqualTo(0xbfe01000L);
        assertThat(h.kmap(page(HIGH), 0, false)).isEqualTo(Result.of(0xbfe01000L));
        assertThat(h.pkmap().report()).isEqualTo(String.format("last_pkmap_nr 1%n  1 bfe01000 pfn 7e905 count 4%n"));
    }

    @Test
    void kunmapOfAHighmemPageWithoutASlotOrPastItsLastUserIsAKernelBug() {
        Result none = h.kunmap(page(HIGH), 0);
        assertThat(reason(none)).isEqualTo("kernel BUG");
        assertThat(((Result.Refused) none).report()).isEqualTo("kernel BUG at mm/highmem.c: kunmap_high: page_address(page) is NULL");
        assertThat(h.kunmap(page(LOW), 0)).as("kunmap of a lowmem page does nothing").isEqualTo(Result.VOID);
        h.kmap(page(HIGH), 0, false);
        assertThat(h.kunmap(page(HIGH), 0)).isEqualTo(Result.VOID);
        Result twice = h.kunmap(page(HIGH), 1);
        assertThat(((Result.Refused) twice).report()).isEqualTo("kernel BUG at mm/highmem.c: kunmap_high: pkmap_count[1] would drop to 0");
    }

    @Test
    void kunmapLocalRefusalsAndWarnings() {
        Result empty = h.kunmapLocal(0xffefe000L, 0, false);
        assertThat(reason(empty)).isEqualTo("kernel BUG");
        assertThat(((Result.Refused) empty).report()).isEqualTo(KmapLocal.text(KmapLocal.Unmap.BUG_EMPTY));
        Result user = h.kunmapLocal(0xbf000000L, 0, false);
        assertThat(user).isEqualTo(Result.warned(0, KmapLocal.text(KmapLocal.Unmap.WARN_USER_ADDR)));
        long a = h.kmapLocal(page(HIGH), 0, false).value();
        long b = h.kmapLocal(page(HIGH - 1), 0, false).value();
        assertThat(a).isEqualTo(0xffefe000L);
        assertThat(b).isEqualTo(0xffefd000L);
        assertThat(h.kunmapLocal(a, 0, false)).isEqualTo(Result.warned(0, KmapLocal.text(KmapLocal.Unmap.WARN_NOT_TOP)));
    }

    @Test
    void printKmapsListsTheSlotsInUseAndEachCpusStack() {
        assertThat(KmapsReport.render(h)).isEqualTo(String.format(
                "pkmap: PKMAP_BASE bfe00000, pkmap flushes 0%n"
                        + "last_pkmap_nr 0%n"
                        + "cpu 0: task 0, kmap_ctrl.idx 0, kmap_atomic 0%n"
                        + "cpu 1: task 1, kmap_ctrl.idx 0, kmap_atomic 0%n"));
        h.kmap(page(HIGH), 0, false);
        h.kmap(page(HIGH), 1, false);
        h.kmap(page(HIGH - 1), 1, false);
        h.kmapLocal(page(LOW), 1, true);
        h.kmapLocal(page(HIGH), 1, false);
        assertThat(KmapsReport.render(h)).isEqualTo(String.format(
                "pkmap: PKMAP_BASE bfe00000, pkmap flushes 0%n"
                        + "last_pkmap_nr 2%n"
                        + "  1 bfe01000 pfn 7e905 count 3%n"
                        + "  2 bfe02000 pfn 7e904 count 2%n"
                        + "cpu 0: task 0, kmap_ctrl.idx 0, kmap_atomic 0%n"
                        // kmap_atomic of a lowmem page disables preemption but takes no slot (page_address)
                        + "cpu 1: task 1, kmap_ctrl.idx 1, kmap_atomic 1%n"
                        + "  fixidx  17 ffeee000 pfn 7e905%n"));
    }
}
