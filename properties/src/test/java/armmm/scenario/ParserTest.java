package armmm.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParserTest {

    private static RunReport run(String text) {
        return Runner.run(Parser.parse("t.scn", text));
    }

    private static ScenarioException error(String text) {
        try {
            run(text);
        } catch (ScenarioException e) {
            return e;
        }
        throw new AssertionError("no error for: " + text);
    }

    @Test
    void commentsAndBlankLinesDoNothing() {
        RunReport r = run("# only a comment\n\n   # indented comment\n");
        assertThat(r.passed()).isZero();
        assertThat(r.failed()).isZero();
    }

    @Test
    void valuesReadTheKernelsSuffixesAndSizes() {
        RunReport r = run("""
                expect 4K == 4096
                expect 0x10M == 0x1000000
                expect SZ_4K == 4096
                expect SZ_2G == 0x80000000
                expect SZ_4G == 0x100000000
                expect 1G == SZ_1G
                expect true == 1
                expect false == 0
                expect HighMem == 2
                """);
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(9);
    }

    @Test
    void multiplicationBindsTighterThanAddition() {
        RunReport r = run("expect 1 + 2 * 3 == 7\nexpect 10 - 2 - 3 == 5\n");
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(2);
    }

    @Test
    void valuesAreUnsignedSixtyFourBit() {
        RunReport r = run("expect 0 - 1 > 0\nexpect 0 - 1 == 0xffffffffffffffff\n");
        assertThat(r.messages()).isEmpty();
    }

    @Test
    void aMissedExpectationIsOneFailureWithItsLine() {
        RunReport r = run("expect 1 == 1\n\nexpect 2 < 1\n");
        assertThat(r.passed()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.messages()).singleElement().asString().isEqualTo("t.scn:3: expected 0x2 < 0x1");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void anUnknownCallIsBadInputWithLineAndColumn() {
        ScenarioException e = error("expect 1 == 1\n  frobnicate 1 2\n");
        assertThat(e.format("t.scn")).isEqualTo("t.scn:2:3: unknown kernel call 'frobnicate'");
    }

    @Test
    void anUnboundNameIsBadInput() {
        ScenarioException e = error("expect $a == 0\n");
        assertThat(e.format("t.scn")).isEqualTo("t.scn:1:8: '$a' is not bound by an earlier call");
    }

    @Test
    void aMissingComparisonIsBadInput() {
        assertThat(error("expect 1 2\n").format("t.scn")).isEqualTo("t.scn:1:10: expected a comparison (== != < <= > >=), found '2'");
        assertThat(error("expect 1\n").format("t.scn")).isEqualTo("t.scn:1:10: expected a comparison (== != < <= > >=) at the end of the line");
    }

    @Test
    void anUnknownValueIsBadInput() {
        assertThat(error("expect 1 == bogus\n").format("t.scn")).isEqualTo("t.scn:1:13: unknown value 'bogus'");
    }

    @Test
    void anUnknownObservableIsBadInputWhenRead() {
        assertThat(error("expect nothing.here == 0\n").format("t.scn")).isEqualTo("t.scn:1:8: unknown observable 'nothing.here'");
    }

    /** A kernel powered on stepwise has a board but no state yet: the error says why, not "needs a board line". */
    @Test
    void whatAKernelStillBootingLacksSaysItIsStillBooting() {
        assertThat(error("board ram=256M boot=stepwise\nexpect layout.vmalloc_start == 0\n").format("t.scn"))
                .isEqualTo("t.scn:2:8: unknown observable 'layout.vmalloc_start' (the kernel is still booting,"
                        + " setup_arch runs next)");
        assertThat(error("board ram=256M boot=stepwise\nsetup_arch\nprint slabinfo\n").format("t.scn"))
                .isEqualTo("t.scn:3:7: report 'slabinfo' needs a booted board (the kernel is still booting,"
                        + " mm_init runs next)");
        // a misspelt boot key is named with the keys a board line takes, boot=stepwise among them
        assertThat(error("board ram=256M BOOT=stepwise\n").format("t.scn")).isEqualTo("t.scn:1:1: board: BOOT: unknown"
                + " board parameter, expected one of ram, memory, reserve, cmdline, cpus, dma_zone_size, debug_vm"
                + " or boot=stepwise");
        // without boot=stepwise the old wording stays
        assertThat(error("print slabinfo\n").format("t.scn"))
                .isEqualTo("t.scn:1:7: report 'slabinfo' needs a booted board (a board line)");
    }

    @Test
    void aWrongArgumentCountIsBadInput() {
        assertThat(error("memblock_add 0x1000\n").format("t.scn"))
                .isEqualTo("t.scn:1:1: memblock_add takes 2 arguments (ADDR SIZE), found 1");
        assertThat(error("memblock_add 0x1000 SZ_4K 7\n").format("t.scn")).isEqualTo("t.scn:1:27: unexpected '7'");
    }

    @Test
    void cpuAppliesOnlyToPerCpuCalls() {
        assertThat(error("memblock_add 0x1000 SZ_4K cpu=1\n").format("t.scn"))
                .isEqualTo("t.scn:1:27: memblock_add is not a per-CPU call: cpu= does not apply");
    }

    @Test
    void aBoardLineMustComeFirst() {
        assertThat(error("expect 1 == 1\nboard ram=1024M\n").format("t.scn"))
                .isEqualTo("t.scn:2:1: a board line must come before every other statement");
    }

    @Test
    void boardParametersKeepQuotedValuesWhole() {
        Scenario s = Parser.parse("t.scn", "board ram=1024M cmdline=\"mem=700M vmalloc=128M\" cpus=2 # the board\n");
        assertThat(s.board()).containsEntry("ram", "1024M").containsEntry("cmdline", "mem=700M vmalloc=128M")
                .containsEntry("cpus", "2");
    }

    @Test
    void anUnterminatedStringIsBadInput() {
        assertThat(error("board cmdline=\"mem=1M\n").format("t.scn")).isEqualTo("t.scn:1:7: unterminated string");
    }

    @Test
    void anUnknownReportIsBadInput() {
        assertThat(error("print nonsense\n").format("t.scn")).startsWith("t.scn:1:7: unknown report 'nonsense'");
    }

    @Test
    void expectFailWithoutACallIsBadInput() {
        assertThat(error("expect-fail\n").format("t.scn")).isEqualTo("t.scn:1:1: expect-fail needs a kernel call");
    }
}
