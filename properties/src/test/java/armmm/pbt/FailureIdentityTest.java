package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failure is its invariant id, reason and the failing step's call: shrinking never slides from one
 * bug to another with the same id, and distinct failures of one run are reported separately.
 */
class FailureIdentityTest {
    /** Pushes values; one invariant id with two reasons: five elements, or any element of 50 or more. */
    private static ChainSpec.Builder<List<Integer>, Integer> twoBugsOneId(String name) {
        return ChainSpec.<List<Integer>, Integer>builder(name)
                .initialState(() -> new ArrayList<Integer>())
                .action("push", 1, s -> Gens.uniformInts(0, 99))
                .executor((s, v) -> s.add(v))
                .invariant("TOY-LIST-01", s -> s.size() >= 5 ? List.of(new Failure("TOY-LIST-01", "five elements", ""))
                        : s.stream().anyMatch(v -> v >= 50) ? List.of(new Failure("TOY-LIST-01", "a big element", ""))
                        : List.of());
    }

    @Test
    void shrinkingKeepsTheReasonItStartedFrom() {
        for (long seed = 1; seed <= 10; seed++) {
            ChainResult result = Chains.run(twoBugsOneId("IdentityNoSlip").seed(seed).tries(100).build());
            for (Counterexample cx : result.counterexamples()) {
                if (cx.failure().reason().equals("five elements")) {
                    // a one-step "push 50" fails with the same id, but it is another bug
                    assertThat(cx.steps()).as("seed %d", seed).containsExactly("0", "0", "0", "0", "0");
                } else {
                    assertThat(cx.steps()).as("seed %d", seed).containsExactly("50");
                }
            }
        }
    }

    @Test
    void distinctFailuresOfOneRunAreReportedSeparately() {
        ChainSpec<List<Integer>, Integer> spec = ChainSpec.<List<Integer>, Integer>builder("IdentityTwoCalls")
                .initialState(() -> new ArrayList<Integer>())
                .action("push", 3, s -> Gens.uniformInts(0, 9))
                .action("pop", 1, s -> !s.isEmpty(), s -> Gens.constant(-1))
                .executor((s, v) -> {
                    if (v < 0) {
                        s.remove(s.size() - 1);
                        if (s.size() == 2) {
                            throw new IllegalStateException("pop left two");
                        }
                        return null;
                    }
                    s.add(v);
                    if (s.size() == 4) {
                        throw new IllegalStateException("push made four");
                    }
                    return null;
                })
                .seed(8).tries(200).steps(10).build();
        ChainResult result = Chains.run(spec);
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexamples()).hasSize(2);
        assertThat(result.counterexamples()).extracting(cx -> cx.failure().details())
                .containsExactlyInAnyOrder("pop left two", "push made four");
        for (Counterexample cx : result.counterexamples()) {
            assertThat(cx.file(".scn")).exists();
        }
        assertThat(result.message()).contains("1 other distinct failure(s)");
    }

    @Test
    void twoAssertionsOnDifferentLinesAreTwoFailures() {
        PropertyResult<Integer> result = Property.forAll(Gens.uniformInts(0, 1000)).named("IdentityTwoLines").seed(2)
                .tries(300).runThrowing(v -> {
                    assertThat(v).isLessThan(900);
                    assertThat(v % 7).isNotEqualTo(3);
                });
        assertThat(result.passed()).isFalse();
        assertThat(result.others()).hasSize(1);
    }
}
