package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

/** Properties written as JUnit tests take a {@link PropertyRunner} and are named after the test. */
class PropertyRunnerTest {
    @PropertyTest
    void aSimplePropertyIsNamedAfterItsTest(PropertyRunner runner) {
        runner.forAll(Gens.ints(-100, 100)).check(x -> x * x >= 0);
        assertThat(Path.of("target/armmm-stats/PropertyRunnerTest.aSimplePropertyIsNamedAfterItsTest.json")).exists();
    }

    @PropertyTest
    void aChainIsNamedAfterItsTestAndRerunByIt(PropertyRunner runner) {
        ChainSpec<ToyStack, ToyStack.Op> spec = ChainSpec.<ToyStack, ToyStack.Op>builder()
                .initialState(() -> new ToyStack(true))
                .action("push", 1, s -> !s.full(), s -> Gens.ints(0, 9).map(ToyStack.Push::new))
                .action("pop", 1, s -> !s.empty(), s -> Gens.constant(new ToyStack.Pop()))
                .executor(ToyStack::apply)
                .postcondition(ToyStack::popReturnsLastPush)
                .seed(3)
                .build();
        assertThatThrownBy(() -> runner.check(spec))
                .hasMessageContaining("-Dtest='PropertyRunnerTest#aChainIsNamedAfterItsTestAndRerunByIt'");
        assertThat(Path.of("target/counterexamples/PropertyRunnerTest.aChainIsNamedAfterItsTestAndRerunByIt.scn"))
                .exists();
    }

    @PropertyTest
    void aFailingSimplePropertyReportsShrunkValueAndSeed(PropertyRunner runner) {
        assertThatThrownBy(() -> runner.forAll(Gens.ints(0, 1000)).seed(8).check(x -> x < 100))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("shrunk:    100")
                .hasMessageContaining("seed:      8")
                .hasMessageContaining("-Darmmm.seed=8");
    }
}
