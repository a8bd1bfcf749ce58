package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Derandomized runs (Hypothesis's {@code derandomize}): the seed comes from the property's name unless
 * one is given, {@code armmm.derandomize} turns it on or off for every property, and two runs of one
 * derandomized property find and shrink the same counterexample.
 */
class DerandomizeTest {
    private static final PropertyConfig FRESH = new PropertyConfig(77, false, 10, 5, 1);

    /** The build's own setting (a campaign sets false), put back for the tests after these. */
    private String outside;

    @BeforeEach
    void clear() {
        outside = System.getProperty(PropertyConfig.DERANDOMIZE);
        System.clearProperty(PropertyConfig.DERANDOMIZE);
    }

    @AfterEach
    void restore() {
        if (outside == null) {
            System.clearProperty(PropertyConfig.DERANDOMIZE);
        } else {
            System.setProperty(PropertyConfig.DERANDOMIZE, outside);
        }
    }

    @Test
    void aPropertyThatAsksGetsTheSeedOfItsNameAndOthersKeepTheirFreshSeed() {
        PropertyConfig hunt = FRESH.derandomized("BuddyProperties.bug_x", true);
        assertThat(hunt.seed()).isEqualTo(PropertyConfig.seedOf("BuddyProperties.bug_x"));
        assertThat(hunt.seedGiven()).isTrue();
        assertThat(FRESH.derandomized("BuddyProperties.bug_y", true).seed()).isNotEqualTo(hunt.seed());
        assertThat(FRESH.derandomized("BuddyProperties.bug_x", false)).isEqualTo(FRESH);
    }

    @Test
    void theSeedOfANameIsFixedAcrossRunsAndMachines() {
        // FNV-1a 64 of "" is its offset basis; the finaliser is SplitMix64's: fixed numbers, not this JVM's hash
        long basis = 0xcbf29ce484222325L;
        long h = (basis ^ (basis >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        assertThat(PropertyConfig.seedOf("")).isEqualTo(h ^ (h >>> 31));
        assertThat(PropertyConfig.seedOf("a")).isEqualTo(PropertyConfig.seedOf(new String("a")))
                .isNotEqualTo(PropertyConfig.seedOf("b"));
    }

    @Test
    void aGivenSeedWinsAndTheSystemPropertyOverridesEitherWay() {
        PropertyConfig given = FRESH.withSeed(5);
        assertThat(given.derandomized("P.q", true)).isEqualTo(given);
        System.setProperty(PropertyConfig.DERANDOMIZE, "false");
        assertThat(FRESH.derandomized("P.q", true)).isEqualTo(FRESH);
        System.setProperty(PropertyConfig.DERANDOMIZE, "true");
        assertThat(FRESH.derandomized("P.q", false).seed()).isEqualTo(PropertyConfig.seedOf("P.q"));
        System.setProperty(PropertyConfig.DERANDOMIZE, "sometimes");
        assertThatThrownBy(() -> FRESH.derandomized("P.q", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("armmm.derandomize=sometimes: expected true or false");
    }

    @Test
    void twoRunsOfADerandomizedHuntFindAndShrinkTheSameCounterexample() {
        PropertyRunner runner = new PropertyRunner("DerandomizeTest", "hunt", (k, v) -> { }).derandomized();
        ChainResult first = runner.run(ToyStack.spec("DerandomizeHunt", true).build());
        ChainResult second = runner.run(ToyStack.spec("DerandomizeHunt", true).build());
        assertThat(first.seed()).isEqualTo(second.seed()).isEqualTo(PropertyConfig.seedOf("DerandomizeHunt"));
        assertThat(second.counterexample().steps()).isEqualTo(first.counterexample().steps());
        assertThat(second.counterexample().originalSteps()).isEqualTo(first.counterexample().originalSteps());
        ChainResult fresh = new PropertyRunner("DerandomizeTest", "fresh", (k, v) -> { })
                .run(ToyStack.spec("DerandomizeFresh", true).build());
        assertThat(fresh.seed()).isNotEqualTo(PropertyConfig.seedOf("DerandomizeFresh"));
    }
}
