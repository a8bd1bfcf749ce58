package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Health checks (Hypothesis' HealthCheck): a run that checked (almost) nothing fails instead of
 * passing vacuously, naming the generator; assumptions discard; weak runs warn, or fail on request.
 */
class HealthCheckTest {
    @Test
    void aFilterThatRejectsEverythingFailsNamingTheGenerator() {
        PropertyResult<Integer> result = Property.forAll(Gens.ints(0, 100).filter(v -> v < 0)).named("HealthVacuous")
                .seed(1).run(v -> false);
        assertThat(result.passed()).as("0 tries is no pass").isFalse();
        assertThat(result.tries()).isZero();
        assertThat(result.failure().id()).isEqualTo("health:discards");
        assertThat(result.failure().details()).contains("HealthCheckTest.aFilterThatRejectsEverythingFailsNamingTheGenerator",
                "HealthCheckTest.java:");
    }

    @Test
    void aChainWhoseInitialStateAlwaysDiscardsFails() {
        ChainSpec<List<Integer>, Integer> spec = ChainSpec.<List<Integer>, Integer>builder("HealthInitialDiscards")
                .initialState(Gens.ints(0, 9).filter(v -> v > 100).map(v -> new ArrayList<Integer>()))
                .action("add", 1, s -> Gens.ints(0, 9))
                .executor((s, v) -> s.add(v))
                .invariant("TOY-ALWAYS", s -> List.of(new Failure("TOY-ALWAYS", "always fails", "")))
                .seed(3).tries(20).build();
        ChainResult result = Chains.run(spec);
        assertThat(result.passed()).isFalse();
        assertThat(result.health()).extracting(Failure::id).containsExactly("health:discards");
        assertThat(result.message()).contains("HealthCheckTest.aChainWhoseInitialStateAlwaysDiscardsFails");
    }

    @Test
    void assumeInAPropertyBodyDiscardsTheCase() {
        PropertyResult<Integer> result = Property.forAll(Gens.ints(0, 1000)).named("HealthAssumeBody").seed(5)
                .runThrowing(v -> {
                    Property.assume(v % 2 == 0);
                    assertThat(v % 2).isZero();
                });
        assertThat(result.passed()).isTrue();
        assertThat(result.discarded()).isPositive();
        assertThat(result.tries()).isEqualTo(100);
    }

    @Test
    void assumeInsideAnActionDiscardsTheChain() {
        ChainSpec<List<Integer>, Integer> spec = ChainSpec.<List<Integer>, Integer>builder("HealthAssumeAction")
                .initialState(() -> new ArrayList<Integer>())
                .action("add", 1, s -> Gens.ints(0, 9))
                .executor((s, v) -> {
                    Property.assume(v != 7);
                    return s.add(v);
                })
                .invariant("TOY-NO-7", s -> s.contains(7) ? List.of(new Failure("TOY-NO-7", "7 added", "")) : List.of())
                .seed(11).tries(50).build();
        ChainResult result = Chains.run(spec);
        assertThat(result.passed()).as("a Discard in an action is no failure").isTrue();
        assertThat(result.stats().discarded()).isPositive();
        assertThat(result.stats().discardReasons()).containsKey("assumption failed");
    }

    @Test
    void tooFewDistinctCasesWarnsAndFailsWhenStrict() {
        PropertyResult<Boolean> lenient = Property.forAll(Gens.booleans()).named("HealthFewDistinct").seed(1).run(b -> true);
        assertThat(lenient.passed()).isTrue();
        PropertyResult<Boolean> strict = Property.forAll(Gens.booleans()).named("HealthFewDistinctStrict").seed(1)
                .strictHealth().run(b -> true);
        assertThat(strict.passed()).isFalse();
        assertThat(strict.failure().id()).isEqualTo("health:warning");
        assertThat(strict.failure().details()).contains("too few distinct test cases: 2 in 100 tries");
    }

    @Test
    void anActionThatNeverRunsWarnsAndFailsWhenRequired() {
        ChainSpec.Builder<List<Integer>, Integer> b = ChainSpec.<List<Integer>, Integer>builder("HealthNeverEnabled")
                .initialState(() -> new ArrayList<Integer>())
                .action("add", 1, s -> Gens.ints(0, 9))
                .action("remove", 1, s -> s.size() > 100, s -> Gens.constant(-1))
                .executor((s, v) -> v < 0 ? s.remove(0) : s.add(v))
                .seed(2).tries(10);
        ChainResult lenient = Chains.run(b.build());
        assertThat(lenient.passed()).isTrue();
        assertThat(lenient.stats().warnings()).contains("action remove never ran in 10 chains");
        ChainResult strict = Chains.run(b.requireEveryAction().build());
        assertThat(strict.passed()).isFalse();
        assertThat(strict.health()).extracting(Failure::id).containsExactly("health:action-never-ran");
    }
}
