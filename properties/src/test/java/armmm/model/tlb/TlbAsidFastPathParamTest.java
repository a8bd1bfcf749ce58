package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.asid.AsidConfig;
import armmm.model.board.Board;
import org.junit.jupiter.api.Test;

/** The model's {@code armmm_asid_fastpath=} boot parameter (spec/scenario-language.md). */
class TlbAsidFastPathParamTest {
    @Test
    void cmpxchgOnTheCommandLineAppliesArm64sFastPathAndAnythingElseKeepsSixOnes() {
        Board two = Board.virt(256L << 20).withCpus(2);
        assertThat(TlbSubsystem.asidFastPath(two)).isEqualTo(AsidConfig.FastPath.XCHG_6_1);
        assertThat(TlbSubsystem.asidFastPath(two.withArgs("armmm_asid_bits=2 armmm_asid_fastpath=cmpxchg")))
                .isEqualTo(AsidConfig.FastPath.CMPXCHG_ARM64);
        assertThat(TlbSubsystem.asidFastPath(two.withArgs("armmm_asid_fastpath=cmpxchg armmm_asid_fastpath=xchg")))
                .isEqualTo(AsidConfig.FastPath.XCHG_6_1);
        assertThat(TlbSubsystem.asidFastPath(two.withArgs("armmm_asid_fastpath=CAS"))).isEqualTo(AsidConfig.FastPath.XCHG_6_1);
    }

    @Test
    void theObservableShowsWhichFastPathTheBoardRuns() {
        for (String[] c : new String[][] {{"armmm_asid_bits=2", "0"}, {"armmm_asid_bits=2 armmm_asid_fastpath=cmpxchg", "1"}}) {
            String text = "board ram=256M cpus=2 cmdline=\"" + c[0] + "\"\nexec cpu=1 -> $a\nexpect asid.fastpath == " + c[1] + "\n";
            armmm.scenario.RunReport report = armmm.scenario.Runner.run(armmm.scenario.Parser.parse("fastpath.scn", text));
            assertThat(report.messages()).as(c[0]).isEmpty();
            assertThat(report.passed()).as(c[0]).isEqualTo(1);
        }
    }
}
