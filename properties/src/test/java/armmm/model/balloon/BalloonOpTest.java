package armmm.model.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The balloon calls as a scenario spells them (spec/balloon.md: {@code balloon_inflate N},
 * {@code balloon_deflate N}, {@code balloon_migratepage INDEX}), their refusal without a board, and
 * INV-BALLOON-01's applicability and change signal (it moves with every balloon call).
 */
class BalloonOpTest {
    @Test
    void eachCallPrintsAsItsScenarioLine() {
        assertThat(new BalloonOp.Inflate(3, 0).toString()).isEqualTo("balloon_inflate 3");
        assertThat(new BalloonOp.Deflate(2, 0).toString()).isEqualTo("balloon_deflate 2");
        assertThat(new BalloonOp.Migrate(1, 0).toString()).isEqualTo("balloon_migratepage 1");
        assertThat(new BalloonOp.Inflate(3, 0).args()).hasSize(1);
        assertThat(new BalloonOp.Deflate(3, 0).args()).hasSize(1);
        assertThat(new BalloonOp.Migrate(3, 0).args()).hasSize(1);
        assertThat(new BalloonOp.Deflate(3, 0).name()).isEqualTo("balloon_deflate");
        assertThat(new BalloonOp.Migrate(3, 0).name()).isEqualTo("balloon_migratepage");
        assertThat(new BalloonOp.Inflate(3, 0).name()).isEqualTo("balloon_inflate");
        assertThat(Kernel.bare().apply(new BalloonOp.Inflate(1, 0))).isEqualTo(BalloonOp.NO_BALLOON);
    }

    @Test
    void theCheckAppliesWithABalloonAndItsStampMovesWithEachCall() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        assertThat(BalloonChecks.PAGES_HELD.appliesTo(k)).isTrue();
        assertThat(BalloonChecks.PAGES_HELD.appliesTo(Kernel.bare())).isFalse();
        long s0 = BalloonChecks.PAGES_HELD.stamp(k);
        k.apply(new BalloonOp.Inflate(1, 0));
        long s1 = BalloonChecks.PAGES_HELD.stamp(k);
        assertThat(s1).isGreaterThan(s0);
        k.apply(new BalloonOp.Migrate(5, 0));
        assertThat(BalloonChecks.PAGES_HELD.stamp(k)).as("a refused call counts too").isGreaterThan(s1);
        assertThat(BalloonBug.BALLOON_DEFLATE_KEEPS_LISTED.facts().invariant()).isEqualTo("INV-BALLOON-01");
    }

    /** The balloon's own change count: one a call, refused or not. */
    @Test
    void theBalloonCountsEachCall() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Balloon b = k.state(Balloon.class);
        assertThat(b.stamp()).isZero();
        k.apply(new BalloonOp.Inflate(2, 0));
        assertThat(b.stamp()).isEqualTo(1);
        k.apply(new BalloonOp.Deflate(1, 0));
        assertThat(b.stamp()).isEqualTo(2);
        k.apply(new BalloonOp.Migrate(0, 0));
        k.apply(new BalloonOp.Migrate(9, 0));
        assertThat(b.stamp()).isEqualTo(4);
        // only "balloon.*" is the balloon's
        armmm.model.core.ObservablePath other = new armmm.model.core.ObservablePath(java.util.List.of(
                new armmm.model.core.ObservablePath.Segment("mm", null),
                new armmm.model.core.ObservablePath.Segment("num_pages", null)));
        assertThat(BalloonSubsystem.INSTANCE.observe(b, k, other)).isEmpty();
    }
}
