package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Invariant;
import armmm.pbt.ChainResult;
import armmm.pbt.PropertyRunner;
import org.junit.jupiter.api.Test;

/**
 * An invariant is counted as checked only where it had something to check: on a bare memblock
 * there is no layout, no zone and no buddy allocator, so their invariants count as not applicable.
 */
class InvariantApplicabilityTest {
    /** A bare memblock has memblock and nothing else: every other subsystem's state needs a board. */
    private static boolean needsABoard(String id) {
        return !id.startsWith("INV-MEMBLOCK-");
    }

    @Test
    void aBareMemblockHasOnlyMemblockInvariantsToCheckAndABootedKernelHasAll() {
        Kernel bare = Kernel.bare();
        Kernel booted = Kernel.boot(Board.virt(256L << 20));
        for (Invariant inv : Kernel.invariants()) {
            assertThat(inv.appliesTo(bare)).as("%s on a bare memblock", inv.id()).isEqualTo(!needsABoard(inv.id()));
            assertThat(inv.appliesTo(booted)).as("%s on a booted kernel", inv.id()).isTrue();
        }
    }

    @Test
    void memblockChainsCountNoBuddyCheckAndReportItAsNotApplicable() {
        ChainResult result = new PropertyRunner("InvariantApplicabilityTest", "memblockChains", (k, v) -> { })
                .run(MemblockChains.spec().seed(3).tries(5).steps(10).build());
        assertThat(result.passed()).isTrue();
        assertThat(result.stats().invariantChecks().keySet()).as("invariants counted as checked")
                .noneMatch(InvariantApplicabilityTest::needsABoard)
                .contains("INV-MEMBLOCK-01", "INV-MEMBLOCK-11");
        assertThat(result.stats().invariantNotApplicable()).as("invariants that did not apply")
                .containsKeys("INV-BUDDY-01", "INV-ZONE-01", "INV-LAYOUT-01")
                .doesNotContainKey("INV-MEMBLOCK-01");
        assertThat(result.stats().invariantNotApplicable().get("INV-BUDDY-01"))
                .isEqualTo(result.stats().invariantChecks().get("INV-MEMBLOCK-01"));
    }
}
