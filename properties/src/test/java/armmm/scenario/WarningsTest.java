package armmm.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a call that warns and goes on counts (spec/scenario-language.md, "Warnings"). */
class WarningsTest {
    private static final String SETUP = "memblock_add 0x40100000 SZ_1M\nmemblock_mark_nomap 0x40100000 SZ_1M\n";

    private static RunReport run(String text) {
        return Runner.run(Parser.parse("w.scn", text));
    }

    @Test
    void aPlainCallThatWarnsIsAFailureAndItsValueIsBound() {
        RunReport r = run(SETUP + "memblock_add 0x40000000 SZ_4M\nexpect memblock.memory.cnt == 3\n");
        assertThat(r.messages()).containsExactly(
                "w.scn:3: memblock_add 0x40000000 SZ_4M: the kernel warned: WARN_ON(flags != rgn->flags)");
        assertThat(r.passed()).isEqualTo(1);
    }

    @Test
    void expectFailDoesNotAcceptAWarning() {
        RunReport r = run(SETUP + "expect-fail memblock_add 0x40000000 SZ_4M\n");
        assertThat(r.messages()).containsExactly("w.scn:3: expect-fail memblock_add 0x40000000 SZ_4M: the call went on, "
                + "returning 0x0, with the kernel warned: WARN_ON(flags != rgn->flags)");
    }

    @Test
    void expectWarnNeedsTheKernelsWarningAndExpectFindingTheModels() {
        RunReport none = run("expect-warn memblock_add 0x40000000 SZ_4M\n");
        assertThat(none.messages()).containsExactly("w.scn:1: expect-warn memblock_add 0x40000000 SZ_4M: no warning, returning 0x0");
        RunReport other = run(SETUP + "expect-finding memblock_add 0x40000000 SZ_4M\n");
        assertThat(other.failed()).isEqualTo(1);
        assertThat(other.messages().get(0)).contains("expect-finding", "the kernel warned");
        RunReport ok = run(SETUP + "expect-warn memblock_add 0x40000000 SZ_4M\n");
        assertThat(ok.passed()).isEqualTo(1);
        assertThat(ok.messages()).isEmpty();
    }
}
