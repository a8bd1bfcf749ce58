package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The checks' bookkeeping of touched frames (no kernel counterpart; the per-step buddy checks of
 * {@code BuddyChecks} read only these frames, so a frame missing here is a change no step check sees):
 * each call's frames sorted and once each, the overflow that makes every check scan all frames, the
 * change signal, and the one full scan each invariant owes after boot's hand-over.
 */
class DirtyFramesTest {

    @Test
    void aCallsFramesAreListedSortedAndOnceEach() {
        DirtyFrames d = new DirtyFrames();
        d.begin();
        for (int f : new int[] {7, 3, 7, 5, 3, 0}) {
            d.mark(f);
        }
        assertThat(d.frames()).containsExactly(0, 3, 5, 7);
        assertThat(d.marks()).isEqualTo(6);
        int[] first = d.frames();
        first[0] = 99;
        assertThat(d.frames()).as("a copy each time").containsExactly(0, 3, 5, 7);
        d.mark(1);
        assertThat(d.frames()).containsExactly(0, 1, 3, 5, 7);
        d.begin();
        assertThat(d.marksAtBegin()).isEqualTo(7);
        assertThat(d.frames()).isEmpty();
        d.mark(2);
        assertThat(d.frames()).containsExactly(2);
        assertThat(d.overflow()).isFalse();
    }

    @Test
    void moreThan16384MarksInOneCallOverflowUntilTheNextCall() {
        DirtyFrames d = new DirtyFrames();
        d.begin();
        for (int f = 0; f < 1 << 14; f++) {
            d.mark(f);
        }
        assertThat(d.overflow()).isFalse();
        assertThat(d.frames()).hasSize(1 << 14);
        assertThat(d.needsFullScan("INV-BUDDY-01")).isFalse();
        d.mark(1 << 14);
        assertThat(d.overflow()).isTrue();
        assertThat(d.needsFullScan("INV-BUDDY-01")).isTrue();
        assertThat(d.marks()).isEqualTo((1 << 14) + 1);
        d.begin();
        assertThat(d.overflow()).isFalse();
        assertThat(d.frames()).isEmpty();
    }

    @Test
    void afterBootEachInvariantScansEverythingOnceByValueOfItsId() {
        DirtyFrames d = new DirtyFrames();
        assertThat(d.needsFullScan("INV-BUDDY-01")).isFalse();
        long before = d.marks();
        d.startBootScan();
        assertThat(d.marks()).as("the hand-over is a change").isEqualTo(before + 1);
        for (int i = 0; i < 40; i++) {
            assertThat(d.needsFullScan("INV-" + i)).isTrue();
        }
        for (int i = 0; i < 40; i++) {
            // an equal id built anew, not the same string
            assertThat(d.needsFullScan(new String("INV-" + i))).isFalse();
        }
        d.startBootScan();
        assertThat(d.needsFullScan("INV-0")).as("a new hand-over owes a new scan").isTrue();
        assertThat(d.needsFullScan("INV-0")).isFalse();
    }
}
