package armmm.pbt;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of the engine's work in this JVM, for measurements (the peers comparison in
 * spec/engine.md): test cases run, shrink replays run and shrink candidates answered by the replay
 * cache. They are functions of the seeds run, the same on every machine, unlike times. Not part of
 * any result; no kernel symbol (the engine is generic).
 */
final class EngineCounters {
    /** Every case a {@link CaseRunner} ran: search, shrink replays and report replays. */
    static final LongAdder CASES = new LongAdder();
    /** Shrink candidates replayed (the replay budget's unit). */
    static final LongAdder SHRINK_REPLAYS = new LongAdder();
    /** Shrink candidates answered by the {@link ReplayCache} without a replay. */
    static final LongAdder CACHE_ANSWERS = new LongAdder();
    /** Shrink starts (a {@link Shrinker} run). */
    static final LongAdder SHRINK_STARTS = new LongAdder();

    private EngineCounters() {}

    /** The four counts, in the order above. */
    static long[] snapshot() {
        return new long[] {CASES.sum(), SHRINK_REPLAYS.sum(), CACHE_ANSWERS.sum(), SHRINK_STARTS.sum()};
    }
}
