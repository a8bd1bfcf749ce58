package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The TLB flushes each highmem call asks for, as a TLB model will consume them
 * ({@link Highmem#flushEvents()}): the local flush after each kmap_local PTE write
 * (arch/arm/include/asm/highmem.h) and the broadcast flush of the pkmap range when
 * {@code flush_all_zero_pkmaps} frees a slot (mm/highmem.c).
 */
class HighmemFlushEventsTest {
    private final Kernel kernel = Kernel.boot(Board.virt(1024L << 20).withCpus(2));
    private final Highmem h = kernel.state(Highmem.class);

    private long highPage() {
        return kernel.pages().layout().pfnToPage(kernel.pages().allocPagesPfn(Gfp.GFP_HIGHUSER, 0, 0));
    }

    @Test
    void kmapAtomicAndItsUnmapEachFlushTheirSlotOnTheirCpuOnly() {
        long p = highPage();
        long a = kernel.apply(new HighmemOp.KmapAtomic(p, false, 1)).value();
        assertThat(a).isEqualTo(0xffefe000L - 16 * 4096L);
        assertThat(h.flushEvents()).containsExactly(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, 1, a, a + 4096));
        kernel.apply(new HighmemOp.KunmapAtomic(a, false, 1));
        assertThat(h.flushEvents()).containsExactly(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, 1, a, a + 4096));
        kernel.apply(new HighmemOp.PageAddress(p));
        assertThat(h.flushEvents()).as("a call that writes no PTE asks for no flush").isEmpty();
    }

    @Test
    void aContextSwitchFlushesTheLeavingAndTheComingTasksLevels() {
        long l = kernel.apply(new HighmemOp.KmapLocalPage(highPage(), false, 0)).value();
        kernel.apply(new HighmemOp.SchedOut(0));
        assertThat(h.flushEvents()).containsExactly(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, 0, l, l + 4096));
        kernel.apply(new HighmemOp.SchedIn(0, 0));
        assertThat(h.flushEvents()).containsExactly(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, 0, l, l + 4096));
        assertThat(kernel.check()).isEmpty();
    }

    @Test
    void theWrapFlushesThePkmapRangeOnceAndOnlyWhenItFreedASlot() {
        long first = highPage();
        kernel.apply(new HighmemOp.Kmap(first, false, 0));
        assertThat(h.flushEvents()).as("kmap writes a pkmap PTE but flushes nothing").isEmpty();
        kernel.apply(new HighmemOp.Kunmap(first, false, 0));
        for (int i = 2; i < Pkmap.LAST_PKMAP; i++) {
            kernel.apply(new HighmemOp.Kmap(highPage(), false, 0));
            assertThat(h.flushEvents()).isEmpty();
        }
        kernel.apply(new HighmemOp.Kmap(highPage(), false, 0));
        long base = h.pkmap().pkmapBase();
        assertThat(h.flushEvents()).containsExactly(new FlushEvent(FlushEvent.Kind.RANGE, -1, base, base + (512L << 12)));
        assertThat(h.pkmap().pageAddress(kernel.pages().layout().pageToPfn(first))).isEmpty();
        assertThat(kernel.checkComplete()).isEmpty();
    }
}
