package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Coverage requirements (QuickCheck's checkCoverage): a label's share of cases below its requirement fails. */
class CoverageRequirementTest {
    private static ChainSpec.Builder<List<Integer>, Integer> chain(String name) {
        return ChainSpec.<List<Integer>, Integer>builder(name)
                .initialState(() -> new ArrayList<Integer>())
                .action("add", 1, s -> Gens.uniformInts(0, 99))
                .executor((s, v) -> {
                    Stats.label(v < 50 ? "small" : "large");
                    if (v == 99) {
                        Stats.label("ninety-nine");
                    }
                    return s.add(v);
                })
                .seed(4).tries(200).steps(5);
    }

    @Test
    void aRequirementTheGeneratorsMeetPasses() {
        ChainResult result = Chains.run(chain("CoverageMet").cover("small", 50).cover("large", 50).build());
        assertThat(result.passed()).isTrue();
        // a chain counts once however many of its steps attach the label
        assertThat(result.stats().casesWithLabel().get("small")).isLessThanOrEqualTo(result.stats().tries());
    }

    @Test
    void aRequirementTheGeneratorsMissFailsNamingTheLabel() {
        ChainResult result = Chains.run(chain("CoverageMissed").cover("ninety-nine", 50).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample()).isNull();
        assertThat(result.health()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("coverage:ninety-nine");
            assertThat(f.details()).contains("required 50.0%");
        });
    }

    @Test
    void simplePropertiesTakeRequirementsToo() {
        PropertyResult<Integer> result = Property.forAll(Gens.uniformInts(0, 9)).named("CoverageSimple").seed(3)
                .cover("zero", 30).runThrowing(v -> {
                    if (v == 0) {
                        Stats.label("zero");
                    }
                });
        assertThat(result.passed()).isFalse();
        assertThat(result.failure().id()).isEqualTo("coverage:zero");
    }
}
