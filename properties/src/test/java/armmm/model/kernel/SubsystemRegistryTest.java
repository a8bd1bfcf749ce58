package armmm.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.memblock.MemblockBug;
import armmm.model.memblock.MemblockOp;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The registry describes every call once, and a seeded bug lives in one kernel only. */
class SubsystemRegistryTest {

    @Test
    void everyCallsHandleKindAgreesWithTheStemItsRecordDeclares() {
        for (OpSpec spec : OpTable.all()) {
            Op op = spec.factory().make(new long[spec.args().size()], 0);
            HandleKind kind = Subsystems.handleProducedBy(spec.name());
            assertThat(kind == null ? null : kind.stem()).as("handle stem of %s", spec.name()).isEqualTo(op.resultStem());
        }
    }

    @Test
    void everyHandleUseNamesACallAndOneOfItsHandleArguments() {
        for (HandleKind kind : Subsystems.handleKinds()) {
            for (String call : kind.producedBy()) {
                assertThat(OpTable.spec(call)).as("%s produces %s", call, kind.name()).isNotNull();
            }
            for (HandleKind.Use use : kind.uses()) {
                OpSpec spec = OpTable.spec(use.call());
                assertThat(spec).as("%s takes %s", use.call(), kind.name()).isNotNull();
                assertThat(spec.args().get(use.arg())).as("argument %d of %s", use.arg(), use.call()).isEqualTo(ArgKind.HANDLE);
            }
        }
    }

    @Test
    void everyBugNameResolvesToItsSubsystemsBugAndAnUnknownNameIsAnError() {
        assertThat(Subsystems.bugs()).extracting(b -> b.cliName()).doesNotHaveDuplicates();
        for (var bug : Subsystems.bugs()) {
            assertThat(Subsystems.bugsNamed(bug.cliName()).planted()).as(bug.cliName()).containsExactly(bug);
        }
        assertThat(Subsystems.bugsNamed("memblock-no-merge").planted()).containsExactly(MemblockBug.MEMBLOCK_NO_MERGE);
        assertThat(Subsystems.bugsNamed("BUDDY_NO_MERGE").planted()).extracting(b -> b.cliName()).containsExactly("buddy-no-merge");
        assertThat(Subsystems.bugsNamed(" ")).isEqualTo(Bugs.NONE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Subsystems.bugsNamed("no-such-bug"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown seeded bug 'no-such-bug'");
    }

    @Test
    void kernelsWithAndWithoutABugRunSideBySideInParallel() {
        CompletableFuture<List<Violation>> buggy = CompletableFuture.supplyAsync(() -> twoAdjacentAdds(Bugs.of(MemblockBug.MEMBLOCK_NO_MERGE)));
        CompletableFuture<List<Violation>> clean = CompletableFuture.supplyAsync(() -> twoAdjacentAdds(Bugs.NONE));
        assertThat(buggy.join()).extracting(Violation::id).contains("INV-MEMBLOCK-02");
        assertThat(clean.join()).isEmpty();
    }

    private static List<Violation> twoAdjacentAdds(Bugs bugs) {
        Kernel k = Kernel.bare(bugs);
        k.apply(new MemblockOp.Add(0x1000, 0x1000));
        k.apply(new MemblockOp.Add(0x2000, 0x1000));
        return k.check();
    }
}
