package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Statistics reach the JSON file, labels come from action code, configuration reads system properties. */
class StatsAndConfigTest {
    @Test
    void labelsAndCountsAreWrittenAsJson() throws Exception {
        ChainSpec<ToyStack, ToyStack.Op> spec = ToyStack.spec("StatsLabels", false).seed(11).tries(50)
                .executor((s, op) -> {
                    if (op instanceof ToyStack.Push && s.empty()) {
                        Stats.label("push onto empty stack");
                    }
                    return s.apply(op);
                }).build();
        ChainResult result = Chains.run(spec);

        JsonNode json = new ObjectMapper().readTree(Path.of("target/armmm-stats/StatsLabels.json").toFile());
        assertThat(json.get("tries").asInt()).isEqualTo(50);
        assertThat(json.get("labels").get("push onto empty stack").asInt())
                .isEqualTo(result.stats().labels().get("push onto empty stack")).isPositive();
        assertThat(json.get("actions").get("push").asInt()).isPositive();
        assertThat(json.get("invariantChecks").get("INV-STACK-02").asLong())
                .isEqualTo(result.stats().invariantChecks().get("INV-STACK-02"));
        int chains = 0;
        for (JsonNode count : json.get("chainLengths")) {
            chains += count.asInt();
        }
        assertThat(chains).isEqualTo(50);
        assertThat(json.get("seed").asLong()).isEqualTo(11);
    }

    @Test
    void aLabelOutsideARunIsIgnored() {
        Stats.label("nobody listens");
        assertThat(Stats.current()).isNull();
    }

    @Test
    void blankAndPlaceholderPropertiesMeanDefault() {
        withProperties(() -> {
            System.setProperty(PropertyConfig.TRIES, "");
            System.setProperty(PropertyConfig.STEPS, "  ");
            System.setProperty(PropertyConfig.SEED, "${armmm.seed}");
            System.setProperty(PropertyConfig.SCALE, "");
            PropertyConfig config = PropertyConfig.fromSystemProperties(30, 12, 5L);
            assertThat(config.tries()).isEqualTo(30);
            assertThat(config.steps()).isEqualTo(12);
            assertThat(config.seed()).isEqualTo(5);
            assertThat(config.shrinkSeconds()).isEqualTo(120);
        });
    }

    @Test
    void systemPropertiesOverrideAndScaleMultiplies() {
        withProperties(() -> {
            System.setProperty(PropertyConfig.SCALE, "20");
            System.setProperty(PropertyConfig.SEED, "77");
            System.setProperty(PropertyConfig.SHRINK_SECONDS, "2.5");
            PropertyConfig config = PropertyConfig.fromSystemProperties(30, 12, null);
            assertThat(config.tries()).isEqualTo(600);
            assertThat(config.seed()).isEqualTo(77);
            assertThat(PropertyConfig.fromSystemProperties(30, 12, 5L).seed()).as("a pinned seed wins").isEqualTo(5);
            assertThat(config.seedGiven()).isTrue();
            assertThat(config.shrinkSeconds()).isEqualTo(2.5);
            System.setProperty(PropertyConfig.TRIES, "7");
            assertThat(PropertyConfig.fromSystemProperties(30, 12, null).tries()).isEqualTo(7);
        });
    }

    @Test
    void withoutASeedAFreshOneIsDrawn() {
        withProperties(() -> {
            System.clearProperty(PropertyConfig.SEED);
            assertThat(PropertyConfig.fromSystemProperties(1, 1, null).seedGiven()).isFalse();
        });
    }

    /** Runs {@code body} and restores the engine's system properties, so no test leaks into another. */
    private static void withProperties(Runnable body) {
        String[] names = {PropertyConfig.SEED, PropertyConfig.TRIES, PropertyConfig.STEPS, PropertyConfig.SCALE,
                PropertyConfig.SHRINK_SECONDS};
        String[] saved = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            saved[i] = System.getProperty(names[i]);
            System.clearProperty(names[i]);
        }
        try {
            body.run();
        } finally {
            for (int i = 0; i < names.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(names[i]);
                } else {
                    System.setProperty(names[i], saved[i]);
                }
            }
        }
    }
}
