package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.properties.FakeKernelState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SlubSubsystem} as the kernel registry sees it: {@code kmem_cache_init} (mm/slub.c) runs
 * only on a kernel with a buddy allocator and a board, reads the board's {@code slub_*} command
 * line and plants the kernel's SLUB bugs; each INV-SLUB invariant reports only its own id; the
 * complete check reads every cache, the per-step one only those the step's calls touched.
 */
class SlubSubsystemWiringTest {

    private static KernelState kernel(Object... states) {
        return FakeKernelState.of(states);
    }

    @Test
    void kmemCacheInitNeedsTheBuddyAllocatorAndABoardAndReadsTheCommandLine() {
        SlubSubsystem sub = SlubSubsystem.INSTANCE;
        Board board = Board.of(List.of(new Bank(0x4000_0000L, 32L << 20)), List.of(), "slub_debug=F,kmalloc-64", 1);
        PageAllocator pa = SlubBoards.pages(8192, 1);
        assertThat(sub.create(kernel(), board, Bugs.NONE)).isNull();
        assertThat(sub.create(kernel(pa), null, Bugs.NONE)).isNull();
        SlubAllocator a = sub.create(kernel(pa), board, Bugs.of(SlubBug.BULK_MISSING_TID_BUMP));
        assertThat(a).isNotNull();
        assertThat(a.pages()).isSameAs(pa);
        assertThat(a.caches().byName("kmalloc-64").flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS).isNotZero();
        assertThat(a.caches().byName("kmalloc-128").flags() & SlabFlags.DEBUG).isZero();
        // the planted bug acts: the bulk refill leaves the CPU freelist unpublished
        KmemCache k128 = a.caches().byName("kmalloc-128");
        assertThat(a.kmemCacheAllocBulk(k128, Gfp.GFP_KERNEL, k128.layout().objects() + 1, 0)).isNotEmpty();
        assertThat(a.node(k128).cpu[0].staleWindow).isNotNull();
        SlubAllocator clean = sub.create(kernel(SlubBoards.pages(8192, 1)), board, Bugs.NONE);
        KmemCache c128 = clean.caches().byName("kmalloc-128");
        assertThat(clean.kmemCacheAllocBulk(c128, Gfp.GFP_KERNEL, c128.layout().objects() + 1, 0)).isNotEmpty();
        assertThat(clean.node(c128).cpu[0].staleWindow).isNull();

        assertThat(sub.name()).isEqualTo("slub");
        assertThat(sub.stateType()).isEqualTo(SlubAllocator.class);
        assertThat(sub.calls()).isSameAs(SlubOp.SPECS).extracting(OpSpec::name).contains("kmalloc", "kfree");
        assertThat(sub.bugs()).containsExactly((armmm.model.core.SeededBug[]) SlubBug.values());
        assertThat(sub.reports()).extracting(r -> r.name()).containsExactly("slabinfo");
        assertThat(sub.reports().get(0).render().apply(kernel(a))).hasValueSatisfying(
                t -> assertThat(t).contains("kmalloc-64"));
        assertThat(sub.reports().get(0).render().apply(kernel())).isEmpty();
    }

    @Test
    void eachInvariantReportsItsOwnIdFromTheStepsCachesAndTheCompleteCheckReadsAll() throws Exception {
        SlubSubsystem sub = SlubSubsystem.INSTANCE;
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        KmemCache foo = a.cache((int) a.kmemCacheCreate("foo", 64, 0, 0, true).value());
        a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0);
        CpuSlab c = a.node(foo).cpu[0];
        c.slab.inuse--;
        c.staleWindow = "here";
        KernelState k = kernel(a);
        List<Invariant> invs = sub.invariants();
        assertThat(invs).extracting(Invariant::id).containsExactly("INV-SLUB-01", "INV-SLUB-02", "INV-SLUB-03",
                "INV-SLUB-04", "INV-SLUB-05", "INV-SLUB-06", "INV-SLUB-07", "INV-SLUB-08");
        for (Invariant inv : invs) {
            List<Violation> vs = inv.check(k);
            if (inv.id().equals("INV-SLUB-02") || inv.id().equals("INV-SLUB-07")) {
                assertThat(vs).as(inv.id()).hasSize(1).allMatch(v -> v.id().equals(inv.id()));
            } else {
                assertThat(vs).as(inv.id()).isEmpty();
            }
        }
        // a new step: foo untouched, the per-step walk does not read it; the complete check does
        sub.beforeStep(a);
        for (Invariant inv : invs) {
            assertThat(inv.check(k)).as(inv.id()).isEmpty();
        }
        assertThat(sub.completeCheck(a, k)).extracting(Violation::id).containsExactlyInAnyOrder("INV-SLUB-02",
                "INV-SLUB-07");
    }

    @Test
    void aSlabTheCpuDroppedFullReadsUnfrozen() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        KmemCache foo = a.cache((int) a.kmemCacheCreate("foo", 64, 0, 0, true).value());
        int per = foo.layout().objects();
        long firstObject = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        for (int i = 1; i <= per; i++) {
            a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0);
        }
        // get_freelist found the first slab empty: c->slab dropped, slab->frozen cleared
        var path = new armmm.model.core.ObservablePath(List.of(
                new armmm.model.core.ObservablePath.Segment("slab", Long.toString(firstObject)),
                new armmm.model.core.ObservablePath.Segment("frozen", null)));
        assertThat(SlubSubsystem.INSTANCE.observe(a, null, path)).hasValue(0);
        var inuse = new armmm.model.core.ObservablePath(List.of(
                new armmm.model.core.ObservablePath.Segment("slab", Long.toString(firstObject)),
                new armmm.model.core.ObservablePath.Segment("inuse", null)));
        assertThat(SlubSubsystem.INSTANCE.observe(a, null, inuse)).hasValue(per);
    }
}
