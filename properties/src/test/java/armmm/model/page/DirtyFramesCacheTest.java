package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The model's own record of the frames a kernel call touched ({@link DirtyFrames}, no kernel
 * counterpart): {@code frames()} answers for the current call only, whether or not an earlier
 * answer was cached: nothing before any mark, nothing after {@code begin()}, and after a new call
 * that marked as many frames as the last one, the new frames.
 */
class DirtyFramesCacheTest {
    @Test
    void framesIsEmptyBeforeAnyMark() {
        assertThat(new DirtyFrames().frames()).isEmpty();
    }

    @Test
    void framesFollowsEachCallEvenWithTheSameNumberOfMarks() {
        DirtyFrames d = new DirtyFrames();
        d.mark(5);
        assertThat(d.frames()).containsExactly(5);
        d.begin();
        assertThat(d.frames()).isEmpty();
        d.mark(7);
        assertThat(d.frames()).containsExactly(7);
        // one mark in each call, asked only after each: the answer is still the new call's frame
        d.begin();
        d.mark(9);
        assertThat(d.frames()).containsExactly(9);
    }
}
