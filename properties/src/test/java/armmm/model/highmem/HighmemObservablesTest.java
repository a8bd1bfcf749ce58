package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.MemMapLayout;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The {@code highmem.*} observables ({@link HighmemObservables}) and the switched-out lines of
 * {@code print kmaps}, through kernel calls on a 1 GiB board with 2 CPUs (PKMAP_BASE 0xbfe00000,
 * LAST_PKMAP 512, FIX_KMAP_BEGIN 1, KM_MAX_IDX 16; arch/arm/include/asm/highmem.h and fixmap.h).
 * Expected values follow mm/highmem.c: {@code map_new_virtual} advances {@code last_pkmap_nr}
 * before taking a slot (the first kmap gets slot 1) and sets its count to 1, {@code kmap_high}
 * then adds the user (2); {@code kunmap_high} drops it back to 1, leaving the PTE until
 * {@code flush_all_zero_pkmaps}, which clears every slot at 1 and counts one flush;
 * {@code __kmap_local_pfn_prot} pushes the running task's {@code kmap_ctrl.idx} and ARM's
 * {@code arch_kmap_local_post_map} flushes the new slot's page locally (one TLB flush event), a
 * lowmem page takes no slot; {@code __kmap_atomic} also disables preemption and page faults; a
 * task switched out keeps its {@code kmap_ctrl} while its CPU runs the idle task (16 + cpu here).
 */
class HighmemObservablesTest {
    private static final long HIGH = 0x7e905L;
    private static final long LOW = 0x40100L;

    private final Kernel kernel = Kernel.boot(Board.virt(1024L << 20).withCpus(2));
    private final Highmem h = kernel.state(Highmem.class);
    private final MemMapLayout mm = h.memMap();

    private long page(long pfn) {
        return mm.pfnToPage(pfn);
    }

    private static ObservablePath path(String... names) {
        return ObservablePath.of(names);
    }

    private OptionalLong read(String name) {
        return HighmemObservables.observe(h, path("highmem", name));
    }

    @Test
    void everyObservableOfAFreshKernelAndItsIndexBounds() {
        assertThat(HighmemObservables.knows(path("highmem", "last_pkmap_nr"))).isTrue();
        assertThat(HighmemObservables.knows(path("tlb[0]", "entries"))).isFalse();
        assertThat(read("last_pkmap_nr")).hasValue(0);
        assertThat(read("pkmap_in_use")).hasValue(0);
        assertThat(read("pkmap_flushes")).hasValue(0);
        assertThat(read("flush_events")).hasValue(0);
        assertThat(read("pkmap_count[0]")).hasValue(0);
        assertThat(read("pkmap_count[511]")).hasValue(0);
        assertThat(read("pkmap_count[512]")).isEmpty();
        assertThat(read("kmap_depth[0]")).hasValue(0);
        assertThat(read("kmap_depth[1]")).hasValue(0);
        assertThat(read("kmap_depth[2]")).isEmpty();
        assertThat(read("kmap_atomic_depth[1]")).hasValue(0);
        assertThat(read("kmap_atomic_depth[2]")).isEmpty();
        assertThat(read("current[0]")).hasValue(0);
        assertThat(read("current[1]")).hasValue(1);
        assertThat(read("current[2]")).isEmpty();
        // tasks 0..15 and the idle tasks of the 2 CPUs, 16 and 17
        assertThat(read("task_depth[0]")).hasValue(0);
        assertThat(read("task_depth[17]")).hasValue(0);
        assertThat(read("task_depth[18]")).isEmpty();
        assertThat(read("nosuch")).isEmpty();
        assertThat(read("nosuch[0]")).isEmpty();
        assertThat(read("kmap_depth")).as("an indexed name without index").isEmpty();
        assertThat(read("last_pkmap_nr[0]")).as("a plain name with an index").isEmpty();
        assertThat(HighmemObservables.observe(h, path("highmem"))).isEmpty();
        assertThat(HighmemObservables.observe(h, path("highmem", "pkmap_count[1]", "x"))).isEmpty();
        assertThat(HighmemSubsystem.INSTANCE.observe(h, kernel, path("highmem", "last_pkmap_nr"))).hasValue(0);
        assertThat(HighmemSubsystem.INSTANCE.observe(h, kernel, path("zone[0]", "last_pkmap_nr"))).isEmpty();
    }

    @Test
    void theObservablesFollowKmapsKmapLocalAndScheduling() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        assertThat(read("last_pkmap_nr")).hasValue(1);
        assertThat(read("pkmap_count[1]")).hasValue(2);
        assertThat(read("pkmap_in_use")).hasValue(1);
        assertThat(read("flush_events")).as("a never-used slot needs no flush").hasValue(0);
        kernel.apply(new HighmemOp.Kmap(page(HIGH - 1), false, 0));
        kernel.apply(new HighmemOp.Kunmap(page(HIGH - 1), false, 0));
        assertThat(read("pkmap_count[2]")).hasValue(1);
        assertThat(read("pkmap_in_use")).as("count 1: unused, PTE still set").hasValue(2);
        h.pkmap().flushAllZeroPkmaps();
        assertThat(read("pkmap_flushes")).hasValue(1);
        assertThat(read("pkmap_count[2]")).hasValue(0);
        assertThat(read("pkmap_in_use")).hasValue(1);

        Result a = kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1));
        assertThat(a.value()).isEqualTo(0xffeff000L - (17L << 12));
        assertThat(read("flush_events")).as("post_map's local page flush").hasValue(1);
        assertThat(read("kmap_depth[1]")).hasValue(1);
        assertThat(read("kmap_depth[0]")).hasValue(0);
        assertThat(read("task_depth[1]")).hasValue(1);
        Result low = kernel.apply(new HighmemOp.KmapAtomic(page(LOW), false, 1));
        assertThat(low.value()).isEqualTo(0xc0100000L);
        assertThat(read("kmap_atomic_depth[1]")).hasValue(1);
        assertThat(read("kmap_atomic_depth[0]")).hasValue(0);
        assertThat(read("kmap_depth[1]")).as("a lowmem page takes no slot").hasValue(1);
        kernel.apply(new HighmemOp.KunmapAtomic(0xc0100000L, false, 1));
        assertThat(read("kmap_atomic_depth[1]")).hasValue(0);

        kernel.apply(new HighmemOp.SchedOut(1));
        assertThat(read("current[1]")).hasValue(17);
        assertThat(read("kmap_depth[1]")).as("the idle task's").hasValue(0);
        assertThat(read("task_depth[1]")).hasValue(1);
        assertThat(KmapsReport.render(h)).isEqualTo(String.format(
                "pkmap: PKMAP_BASE bfe00000, pkmap flushes 1%n"
                        + "last_pkmap_nr 2%n"
                        + "  1 bfe01000 pfn 7e905 count 2%n"
                        + "cpu 0: task 0, kmap_ctrl.idx 0, kmap_atomic 0%n"
                        + "cpu 1: task idle/1, kmap_ctrl.idx 0, kmap_atomic 0%n"
                        + "task 1 (switched out, pinned to cpu 1): kmap_ctrl.idx 1%n"));
        kernel.apply(new HighmemOp.SchedIn(1, 1));
        assertThat(read("current[1]")).hasValue(1);
        assertThat(read("kmap_depth[1]")).hasValue(1);
        assertThat(KmapsReport.render(h)).endsWith(String.format(
                "cpu 1: task 1, kmap_ctrl.idx 1, kmap_atomic 0%n  fixidx  17 ffeee000 pfn 7e905%n"));
    }

    @Test
    void pageHighMemIsOneFromMaxLowPfnOn() {
        // max_low_pfn 0x70000 on this board (HighmemChecksStatesTest works it by hand)
        assertThat(read("page_highmem[" + page(HIGH) + "]")).hasValue(1);
        assertThat(read("page_highmem[" + page(LOW) + "]")).hasValue(0);
        assertThat(read("page_highmem[" + page(0x6ffffL) + "]")).hasValue(0);
        assertThat(read("page_highmem[" + page(0x70000L) + "]")).hasValue(1);
        // an address inside a struct page is none, and so is one past the node's last frame
        assertThat(read("page_highmem[" + (page(HIGH) + 4) + "]")).isEmpty();
        assertThat(read("page_highmem[" + page(h.maxPfn() - 1) + "]")).hasValue(1);
        assertThat(read("page_highmem[" + page(h.maxPfn()) + "]")).isEmpty();
        assertThat(read("page_highmem[" + String.format("0x%x", page(HIGH)) + "]")).hasValue(1);
    }
}
