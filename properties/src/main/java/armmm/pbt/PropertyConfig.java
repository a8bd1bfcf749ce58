package armmm.pbt;

import java.util.SplittableRandom;

/**
 * How hard one property is checked: seed, tries, chain length, shrink budget, per-case deadline,
 * shard and example database. Read from system properties, with a property's own defaults where a
 * system property is absent or blank (Surefire passes unset properties as empty strings).
 *
 * @param seed the seed of the whole run; same seed, same test cases and same shrunk result
 * @param seedGiven whether the seed was pinned by the property or {@code armmm.seed} (else drawn afresh)
 * @param tries how many test cases to generate
 * @param steps the longest chain a stateful property runs
 * @param shrinkSeconds the wall-clock safety net of shrinking (the replay budget is what bounds it)
 * @param shrinkReplays the shrink budget: at most this many replays, the same on every machine
 * @param deadlineSeconds the longest one test case may run before it is stopped and reported
 * @param shardIndex which shard of the seed range this run covers (0-based)
 * @param shardCount how many shards the seed range is cut into
 * @param database the example database folder, "" for the default under target/, "off" for none
 */
public record PropertyConfig(long seed, boolean seedGiven, int tries, int steps, double shrinkSeconds,
        int shrinkReplays, double deadlineSeconds, int shardIndex, int shardCount, String database) {
    /** System property: the seed (a long). */
    public static final String SEED = "armmm.seed";
    /** System property: tries per property, overriding the property's default times the scale. */
    public static final String TRIES = "armmm.tries";
    /** System property: steps per chain, overriding the property's default. */
    public static final String STEPS = "armmm.steps";
    /** System property: the shrink wall-clock safety net in seconds (default 120). */
    public static final String SHRINK_SECONDS = "armmm.shrink.seconds";
    /** System property: the shrink replay budget (default 5000). */
    public static final String SHRINK_REPLAYS = "armmm.shrink.replays";
    /** System property: the per-case deadline in seconds (default 60). */
    public static final String DEADLINE_SECONDS = "armmm.deadline.seconds";
    /** System property: multiplies every property's default tries (the campaign profile sets 20). */
    public static final String SCALE = "armmm.scale";
    /** System property: {@code I/N}, run shard I (0-based) of N disjoint seed ranges. */
    public static final String SHARD = "armmm.shard";
    /** System property: the example database folder, or {@code off}. */
    public static final String DATABASE = "armmm.database";
    /**
     * System property: {@code true} derandomizes every property (its seed comes from its name),
     * {@code false} none; unset, the properties that ask for it (the seeded-bug hunts) are. The
     * {@code campaign} profile sets {@code false}, so long runs explore fresh seeds everywhere.
     */
    public static final String DERANDOMIZE = "armmm.derandomize";

    /** Default wall-clock safety net of shrinking: only a runaway shrink should ever reach it. */
    static final double DEFAULT_SHRINK_SECONDS = 120;
    /** Default shrink budget in replays. */
    static final int DEFAULT_SHRINK_REPLAYS = 5000;
    /** Default per-case deadline. */
    static final double DEFAULT_DEADLINE_SECONDS = 60;

    /** Validates the counts. */
    public PropertyConfig {
        if (tries < 1 || steps < 0 || shrinkSeconds < 0 || shrinkReplays < 0 || deadlineSeconds <= 0
                || shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) {
            throw new IllegalArgumentException("tries " + tries + ", steps " + steps + ", shrink seconds "
                    + shrinkSeconds + ", shrink replays " + shrinkReplays + ", deadline " + deadlineSeconds
                    + ", shard " + shardIndex + "/" + shardCount + ": expected tries >= 1, steps >= 0, shrink "
                    + "seconds and replays >= 0, deadline > 0, 0 <= shard < shards");
        }
        database = database == null ? "" : database;
    }

    /** A configuration with the default budgets, deadline, no sharding and the default database. */
    public PropertyConfig(long seed, boolean seedGiven, int tries, int steps, double shrinkSeconds) {
        this(seed, seedGiven, tries, steps, shrinkSeconds, DEFAULT_SHRINK_REPLAYS, DEFAULT_DEADLINE_SECONDS, 0, 1, "");
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
                : seedText != null ? parseLong(SEED, seedText) : new SplittableRandom().nextLong();
        int scale = integer(SCALE, 1);
        int tries = integer(TRIES, Math.multiplyExact(defaultTries, scale));
        int steps = integer(STEPS, defaultSteps);
        double seconds = decimal(SHRINK_SECONDS, DEFAULT_SHRINK_SECONDS);
        int replays = integer(SHRINK_REPLAYS, DEFAULT_SHRINK_REPLAYS);
        double deadline = decimal(DEADLINE_SECONDS, DEFAULT_DEADLINE_SECONDS);
        int[] shard = shard(property(SHARD));
        String database = property(DATABASE);
        return new PropertyConfig(seed, given, tries, steps, seconds, replays, deadline, shard[0], shard[1],
                database == null ? "" : database);
    }

    /** This configuration with another seed. */
    public PropertyConfig withSeed(long newSeed) {
        return new PropertyConfig(newSeed, true, tries, steps, shrinkSeconds, shrinkReplays, deadlineSeconds,
                shardIndex, shardCount, database);
    }

    /**
     * This configuration derandomized, as Hypothesis's {@code derandomize} setting is: when no seed
     * was given, the seed is a hash of the property's name, so that every run of the same code
     * tests the same cases and reaches the same verdict on every machine. {@code armmm.derandomize}
     * overrides {@code byDefault} either way; a given seed always wins.
     *
     * @param propertyName the property's full name ({@code Class.property}), hashed into the seed
     * @param byDefault whether the property asks to be derandomized when the system property is unset
     */
    PropertyConfig derandomized(String propertyName, boolean byDefault) {
        String mode = property(DERANDOMIZE);
        if (mode != null && !mode.equals("true") && !mode.equals("false")) {
            throw new IllegalArgumentException(DERANDOMIZE + "=" + mode + ": expected true or false");
        }
        boolean derandomize = mode == null ? byDefault : mode.equals("true");
        return seedGiven || !derandomize ? this : withSeed(seedOf(propertyName));
    }

    /** A stable 64-bit seed from a name: FNV-1a over its UTF-8 bytes, then SplitMix64's finaliser. */
    static long seedOf(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /** This configuration with another shrink budget and safety net. */
    PropertyConfig withShrink(int replays, double seconds) {
        return new PropertyConfig(seed, seedGiven, tries, steps, seconds, replays, deadlineSeconds, shardIndex,
                shardCount, database);
    }

    /** This configuration with another per-case deadline. */
    PropertyConfig withDeadline(double seconds) {
        return new PropertyConfig(seed, seedGiven, tries, steps, shrinkSeconds, shrinkReplays, seconds, shardIndex,
                shardCount, database);
    }

    /** This configuration with another example database ("off" for none). */
    PropertyConfig withDatabase(String folder) {
        return new PropertyConfig(seed, seedGiven, tries, steps, shrinkSeconds, shrinkReplays, deadlineSeconds,
                shardIndex, shardCount, folder);
    }

    /** {@code I/N} as {I, N}; unset is shard 0 of 1. */
    static int[] shard(String text) {
        if (text == null) {
            return new int[] {0, 1};
        }
        String[] parts = text.split("/");
        try {
            if (parts.length == 2) {
                int index = Integer.parseInt(parts[0].trim());
                int count = Integer.parseInt(parts[1].trim());
                if (count >= 1 && index >= 0 && index < count) {
                    return new int[] {index, count};
                }
            }
        } catch (NumberFormatException e) {
            // reported below with the expected shape
        }
        throw new IllegalArgumentException(SHARD + "=" + text + ": expected I/N with 0 <= I < N");
    }

    private static int integer(String name, int fallback) {
        String text = property(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + text + ": expected an integer");
        }
    }

    private static double decimal(String name, double fallback) {
        String text = property(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + text + ": expected a number");
        }
    }

    private static long parseLong(String name, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + text + ": expected a long");
        }
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
