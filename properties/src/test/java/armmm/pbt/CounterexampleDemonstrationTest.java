package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The engine catches a bug that needs a specific sequence (push, push, pop on {@link ToyStack}),
 * shrinks it to the known minimal chain and writes a replayable scenario and a report.
 */
class CounterexampleDemonstrationTest {
    @Test
    void brokenPopIsShrunkToPushPushPop() throws Exception {
        ChainResult result = Chains.run(ToyStack.spec("ToyStackBrokenPop", true).seed(42).build());

        Counterexample cx = result.counterexample();
        assertThat(cx).isNotNull();
        assertThat(cx.failure().id()).isEqualTo("INV-STACK-01");
        assertThat(cx.failure().details()).isEqualTo("popped 0, expected 1");
        assertThat(cx.steps()).containsExactly("push 0", "push 1", "pop -> $r2");
        assertThat(cx.stateBefore()).isEqualTo("stack [0, 1], model [0, 1]");
        assertThat(cx.stateAfter()).isEqualTo("stack [0], model [0]");

        String scn = Files.readString(cx.file(".scn"));
        assertThat(scn).contains("# failure:   INV-STACK-01 pop returned a value other than the last push",
                "# seed:      42",
                "-Darmmm.seed=42");
        // a toy stack is no kernel chain: no replay line naming the kernel CLI
        assertThat(scn).doesNotContain("java -jar", "# replay:");
        assertThat(scn).endsWith("# a bounded stack of capacity 4\npush 0\npush 1\npop -> $r2\n");
        String md = Files.readString(cx.file(".md"));
        assertThat(md).startsWith("# INV-STACK-01: pop returned a value other than the last push")
                .contains("## State before the failing step", "stack [0, 1], model [0, 1]", "Seed 42.");
        assertThat(Path.of("target/armmm-stats/ToyStackBrokenPop.json")).exists();
        // statistics count the search only: one chain length per try, none for the shrinking replays
        assertThat(result.stats().chainLengths().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(result.stats().tries());
    }

    @Test
    void theAssertionErrorReadsLikeABugReport() {
        assertThatThrownBy(() -> Chains.check(ToyStack.spec("ToyStackBrokenPopMessage", true).seed(7).build()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("INV-STACK-01: pop returned a value other than the last push")
                .hasMessageContaining("    push 0\n    push 1\n    pop -> $r2\n")
                .hasMessageContaining("seed:   7")
                .hasMessageContaining("rerun:  mvn")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("replay:"));
    }

    @Test
    void anExceptionFromTheSystemUnderTestIsAFailureNamedByItsClass() {
        ChainSpec<ToyStack, ToyStack.Op> spec = ChainSpec.<ToyStack, ToyStack.Op>builder("ToyStackOverflow")
                .initialState(() -> new ToyStack(false))
                .action("push", 1, s -> Gens.ints(0, 9).map(ToyStack.Push::new)) // no "not full" precondition
                .executor(ToyStack::apply)
                .seed(1)
                .build();
        Counterexample cx = Chains.run(spec).counterexample();
        assertThat(cx.failure().id()).isEqualTo("exception:java.lang.ArrayIndexOutOfBoundsException");
        assertThat(cx.steps()).containsExactly("push 0", "push 0", "push 0", "push 0", "push 0");
    }

    @Test
    void theCorrectStackPassesAndWritesNoCounterexample() {
        ChainResult result = Chains.run(ToyStack.spec("ToyStackCorrect", false).seed(42).build());
        assertThat(result.passed()).isTrue();
        assertThat(result.stats().actions()).containsKeys("push", "pop");
        assertThat(Path.of("target/counterexamples/ToyStackCorrect.scn")).doesNotExist();
    }
}
