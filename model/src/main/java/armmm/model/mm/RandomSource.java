package armmm.model.mm;

import java.util.SplittableRandom;

/**
 * {@code get_random_long()} (drivers/char/random.c) on a 32-bit kernel: a uniformly random
 * {@code unsigned long}, here from a seed so that a run replays exactly.
 */
@FunctionalInterface
public interface RandomSource {
    /** The next random {@code unsigned long}, in [0, 2^32). */
    long getRandomLong();

    /** A deterministic source: the same seed gives the same sequence. */
    static RandomSource seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return () -> random.nextInt() & 0xffffffffL;
    }
}
