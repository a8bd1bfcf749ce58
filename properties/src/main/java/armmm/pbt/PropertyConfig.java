package armmm.pbt;

import java.util.SplittableRandom;

/**
 * How hard one property is checked: seed, tries, chain length, shrink time. Read from system
 * properties, with a property's own defaults where a system property is absent or blank (Surefire
 * passes unset properties as empty strings).
 *
 * @param seed the seed of the whole run; same seed, same test cases and same shrunk result
 * @param seedGiven whether the seed was pinned by the property or {@code armmm.seed} (else drawn afresh)
 * @param tries how many test cases to generate
 * @param steps the longest chain a stateful property runs
 * @param shrinkSeconds the time bound of shrinking
 */
public record PropertyConfig(long seed, boolean seedGiven, int tries, int steps, double shrinkSeconds) {
    /** System property: the seed (a long). */
    public static final String SEED = "armmm.seed";
    /** System property: tries per property, overriding the property's default times the scale. */
    public static final String TRIES = "armmm.tries";
    /** System property: steps per chain, overriding the property's default. */
    public static final String STEPS = "armmm.steps";
    /** System property: the shrink time bound in seconds (default 10). */
    public static final String SHRINK_SECONDS = "armmm.shrink.seconds";
    /** System property: multiplies every property's default tries (the campaign profile sets 20). */
    public static final String SCALE = "armmm.scale";

    private static final double DEFAULT_SHRINK_SECONDS = 10;

    /** Validates the counts. */
    public PropertyConfig {
        if (tries < 1 || steps < 0 || shrinkSeconds < 0) {
            throw new IllegalArgumentException("tries " + tries + ", steps " + steps + ", shrink seconds "
                    + shrinkSeconds + ": expected tries >= 1, steps >= 0, shrink seconds >= 0");
        }
    }

    /**
     * The configuration from system properties, falling back to the given defaults.
     *
     * @param defaultTries tries before scaling by {@code armmm.scale}
     * @param defaultSteps chain length when {@code armmm.steps} is unset
     * @param fixedSeed a seed the property pins, or null; a pinned seed wins over {@code armmm.seed},
     *     because the test's author chose it and its reports already name it
     */
    public static PropertyConfig fromSystemProperties(int defaultTries, int defaultSteps, Long fixedSeed) {
        String seedText = property(SEED);
        boolean given = seedText != null || fixedSeed != null;
        long seed = fixedSeed != null ? fixedSeed
                : seedText != null ? Long.parseLong(seedText) : new SplittableRandom().nextLong();
        int scale = integer(SCALE, 1);
        int tries = integer(TRIES, Math.multiplyExact(defaultTries, scale));
        int steps = integer(STEPS, defaultSteps);
        String shrink = property(SHRINK_SECONDS);
        double seconds = shrink == null ? DEFAULT_SHRINK_SECONDS : Double.parseDouble(shrink);
        return new PropertyConfig(seed, given, tries, steps, seconds);
    }

    /** This configuration with another seed. */
    public PropertyConfig withSeed(long newSeed) {
        return new PropertyConfig(newSeed, true, tries, steps, shrinkSeconds);
    }

    private static int integer(String name, int fallback) {
        String text = property(name);
        return text == null ? fallback : Integer.parseInt(text);
    }

    /** The trimmed property, or null when unset, blank, or an unresolved Maven placeholder. */
    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            return null;
        }
        return value.trim();
    }
}
