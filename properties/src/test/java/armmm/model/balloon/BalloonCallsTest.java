package armmm.model.balloon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneType;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The balloon calls one by one on a 64 MiB virt board (all lowmem: every balloon page comes from
 * ZONE_DMA), worked from drivers/virtio/virtio_balloon.c and mm/balloon_compaction.c:
 * {@code fill_balloon} and {@code leak_balloon} move at most {@code VIRTIO_BALLOON_ARRAY_PFNS_MAX}
 * (256) pfns a call, {@code leak_balloon} no more than {@code num_pages}; {@code fill_balloon}
 * pushes each page on a local stack, pops and enqueues each at the head of the balloon's list (so
 * the first allocated ends at the head); {@code leak_balloon} dequeues from the head; every page in
 * the balloon is off its zone's managed count ({@code adjust_managed_page_count}, no
 * DEFLATE_ON_OOM); a freed page goes to the head of its CPU's per-CPU list and is the next one
 * that CPU allocates ({@code free_unref_page}, {@code rmqueue_pcplist}).
 */
class BalloonCallsTest {
    private static Kernel board() {
        return Kernel.boot(Board.virt(64L << 20));
    }

    private static long value(Result r) {
        return ((Result.Value) r).value();
    }

    private static long managed(Kernel k) {
        return k.zones().orElseThrow().zone(ZoneType.DMA).managedPages();
    }

    private static List<Long> pfns(Kernel k) {
        return k.state(Balloon.class).pfns();
    }

    private static OptionalLong observe(Kernel k, String field, String index) {
        return BalloonSubsystem.INSTANCE.observe(k.state(Balloon.class), k,
                new ObservablePath(List.of(new ObservablePath.Segment("balloon", null), new ObservablePath.Segment(field, index))));
    }

    @Test
    void oneCallMovesAtMost256PagesAndADeflateNoMoreThanTheBalloonHolds() {
        Kernel k = board();
        long before = managed(k);
        assertThat(value(k.apply(new BalloonOp.Inflate(300, 0)))).isEqualTo(256);
        assertThat(k.state(Balloon.class).numPages()).isEqualTo(256);
        assertThat(new HashSet<>(pfns(k))).hasSize(256);
        assertThat(managed(k)).isEqualTo(before - 256);
        assertThat(value(k.apply(new BalloonOp.Inflate(10, 0)))).isEqualTo(10);
        assertThat(value(k.apply(new BalloonOp.Deflate(300, 0)))).isEqualTo(256);
        assertThat(k.state(Balloon.class).numPages()).isEqualTo(10);
        assertThat(value(k.apply(new BalloonOp.Deflate(300, 0)))).isEqualTo(10);
        assertThat(value(k.apply(new BalloonOp.Deflate(1, 0)))).as("an empty balloon").isZero();
        assertThat(value(k.apply(new BalloonOp.Inflate(0, 0)))).isZero();
        assertThat(k.state(Balloon.class).numPages()).isZero();
        assertThat(managed(k)).isEqualTo(before);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aDeflateTakesTheHeadFreesItLastAndAFillPutsItsFirstPageAtTheHead() {
        Kernel k = board();
        value(k.apply(new BalloonOp.Inflate(1, 0)));
        long older = pfns(k).get(0);
        value(k.apply(new BalloonOp.Inflate(2, 0)));
        List<Long> three = pfns(k);
        assertThat(three).hasSize(3).endsWith(older);
        // deflate the head, then inflate one on the same CPU: the per-CPU list gives that frame back
        long head = three.get(0);
        assertThat(value(k.apply(new BalloonOp.Deflate(1, 0)))).isEqualTo(1);
        assertThat(pfns(k)).containsExactly(three.get(1), older);
        assertThat(value(k.apply(new BalloonOp.Inflate(1, 0)))).isEqualTo(1);
        assertThat(pfns(k)).containsExactlyElementsOf(three);
        // two pages deflated: the head first, the next after; freed in reverse order of dequeue,
        // so the head is freed last, lies at the top of the per-CPU list and comes back first
        assertThat(value(k.apply(new BalloonOp.Deflate(2, 0)))).isEqualTo(2);
        assertThat(pfns(k)).containsExactly(older);
        assertThat(value(k.apply(new BalloonOp.Inflate(1, 0)))).isEqualTo(1);
        assertThat(pfns(k)).containsExactly(head, older);
        assertThat(observe(k, "num_pages", null)).hasValue(2);
        assertThat(observe(k, "page", "0")).hasValue(head);
        assertThat(observe(k, "page", "1")).hasValue(older);
        // both out again (head freed last, so on top), then both in: the fill allocates the head
        // first and puts that first page at the head: the list is as it was
        assertThat(value(k.apply(new BalloonOp.Deflate(2, 0)))).isEqualTo(2);
        assertThat(value(k.apply(new BalloonOp.Inflate(2, 0)))).isEqualTo(2);
        assertThat(pfns(k)).containsExactly(head, older);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aMigrationReplacesThePageInItsZoneAndRefusesAnIndexPastTheBalloon() {
        Kernel k = board();
        value(k.apply(new BalloonOp.Inflate(2, 0)));
        List<Long> two = pfns(k);
        long before = managed(k);
        for (long bad : new long[] {2, -1}) {
            Result r = k.apply(new BalloonOp.Migrate(bad, 0));
            assertThat(r).isEqualTo(new Result.Refused("-EINVAL", "no balloon page at index " + bad + " (the balloon holds 2)"));
        }
        assertThat(value(k.apply(new BalloonOp.Migrate(1, 0)))).isZero();
        List<Long> after = pfns(k);
        assertThat(after).hasSize(2).doesNotContain(two.get(1));
        assertThat(after.get(1)).as("the new page joins at the head").isEqualTo(two.get(0));
        assertThat(managed(k)).as("both pages in ZONE_DMA").isEqualTo(before);
        assertThat(k.state(Balloon.class).numPages()).isEqualTo(2);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theObservablesAndTheirErrors() {
        Kernel k = board();
        value(k.apply(new BalloonOp.Inflate(1, 0)));
        assertThat(observe(k, "num_pages", null)).hasValue(1);
        assertThat(observe(k, "num_pages", "0")).isEmpty();
        assertThat(observe(k, "page", null)).isEmpty();
        assertThat(observe(k, "pages", null)).isEmpty();
        assertThatThrownBy(() -> observe(k, "page", "1")).isInstanceOf(ObservableException.class)
                .hasMessage("balloon.page[1]: the balloon holds 1 pages");
        Balloon b = k.state(Balloon.class);
        ObservablePath other = new ObservablePath(List.of(new ObservablePath.Segment("zone", "DMA"),
                new ObservablePath.Segment("managed", null)));
        assertThat(BalloonSubsystem.INSTANCE.observe(b, k, other)).isEmpty();
        ObservablePath indexed = new ObservablePath(List.of(new ObservablePath.Segment("balloon", "0"),
                new ObservablePath.Segment("num_pages", null)));
        assertThat(BalloonSubsystem.INSTANCE.observe(b, k, indexed)).isEmpty();
        ObservablePath longer = new ObservablePath(List.of(new ObservablePath.Segment("balloon", null),
                new ObservablePath.Segment("num_pages", null), new ObservablePath.Segment("x", null)));
        assertThat(BalloonSubsystem.INSTANCE.observe(b, k, longer)).isEmpty();
        assertThat(BalloonSubsystem.INSTANCE.name()).isEqualTo("balloon");
        assertThat(BalloonSubsystem.INSTANCE.stateType()).isEqualTo(Balloon.class);
        assertThat(BalloonSubsystem.INSTANCE.invariants()).extracting(i -> i.id()).containsExactly("INV-BALLOON-01");
        assertThat(BalloonSubsystem.INSTANCE.calls()).hasSize(3);
        assertThat(BalloonSubsystem.INSTANCE.bugs()).containsExactly((armmm.model.core.SeededBug[]) BalloonBug.values());
    }

    /**
     * INV-BALLOON-01 on the states a planted deflate leaves: the page still listed after it was
     * freed is held by nobody (refcount 0, on the per-CPU list) and {@code num_pages} no longer
     * counts the list; the next inflate on that CPU takes the same frame, listed twice.
     */
    @Test
    void eachConditionOfTheBalloonCheck() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.of(BalloonBug.BALLOON_DEFLATE_KEEPS_LISTED));
        value(k.apply(new BalloonOp.Inflate(2, 0)));
        assertThat(k.check()).isEmpty();
        long head = pfns(k).get(0);
        value(k.apply(new BalloonOp.Deflate(1, 0)));
        List<String> what = BalloonChecks.pagesHeld(k.state(Balloon.class), k.pages()).stream().map(Violation::toString)
                .toList();
        assertThat(what).hasSize(2);
        assertThat(what.get(0)).contains("a balloon page not held by the balloon")
                .contains(String.format("balloon page pfn %#x: refcount 0, on a per-CPU list", head));
        assertThat(what.get(1)).contains("num_pages is not the list's length").contains("num_pages 1, 2 pages listed");
        value(k.apply(new BalloonOp.Inflate(1, 0)));
        assertThat(BalloonChecks.pagesHeld(k.state(Balloon.class), k.pages()).stream().map(Violation::toString))
                .anyMatch(v -> v.contains("a page twice in the balloon")
                        && v.contains(String.format("balloon page pfn %#x", head)));
        assertThat(BalloonChecks.PAGES_HELD.toString()).isEqualTo("INV-BALLOON-01");
    }
}
