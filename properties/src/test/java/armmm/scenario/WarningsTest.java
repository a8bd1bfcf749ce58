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

    /** The second free of an order-2 block: 6.1 (no DEBUG_VM) would free its tail blocks again; the model stops. */
    private static final String TAILS_AGAIN = "board ram=64M\nalloc_pages GFP_KERNEL 2 -> $p\n__free_pages $p 2\n";

    @Test
    void expectFailTakesOnlyTheKernelsReportAndExpectFindingTheModelsRefusalToo() {
        RunReport fail = run(TAILS_AGAIN + "expect-fail __free_pages $p 2\n");
        assertThat(fail.failed()).isEqualTo(1);
        assertThat(fail.messages().get(0)).contains("expect-fail", "6.1 reports nothing here", "armmm model: ");
        RunReport finding = run(TAILS_AGAIN + "expect-finding __free_pages $p 2\n");
        assertThat(finding.messages()).isEmpty();
        assertThat(finding.passed()).isEqualTo(1);
        RunReport debugVm = run(TAILS_AGAIN.replace("ram=64M", "ram=64M debug_vm=y") + "expect-fail __free_pages $p 2\n");
        assertThat(debugVm.messages()).isEmpty();
        RunReport plain = run(TAILS_AGAIN + "__free_pages $p 2\n");
        assertThat(plain.messages()).singleElement().asString().contains("the model's finding (6.1 stays silent): armmm model:");
    }
}
