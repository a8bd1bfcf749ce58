package armmm.pbt;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs test cases under a per-case deadline: each case runs on a worker thread while the caller
 * waits at most the deadline. A case that overruns (a hanging executor, a call that loops) becomes a
 * failure with id {@value #DEADLINE_ID} naming the call it was in; its worker is abandoned (a daemon
 * thread, interrupted) and a fresh one takes the next case. The deadline is wall-clock by nature,
 * so it is a safety net: it says when it cut in, and a case that hits it is not shrunk.
 */
final class CaseRunner implements AutoCloseable {
    /** The failure id of a case that overran its deadline. */
    static final String DEADLINE_ID = "deadline";

    private final long deadlineNanos;
    private ExecutorService worker;

    CaseRunner(double deadlineSeconds) {
        this.deadlineNanos = (long) (deadlineSeconds * 1e9);
    }

    /**
     * Runs one case with {@code stats} current (null: none) and target scores collected into
     * {@code scores} (null: none).
     */
    Trial.Outcome run(Trial trial, Choices choices, Stats stats, Map<String, Double> scores) {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "armmm-case");
                t.setDaemon(true);
                return t;
            });
        }
        Future<Trial.Outcome> future = worker.submit(() -> {
            try (Stats.Scope s = Stats.activate(stats);
                    Stats.Scope t = Targets.collect(scores == null ? Targets.scores() : scores)) {
                return Trial.execute(trial, choices);
            }
        });
        try {
            return future.get(deadlineNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // read the call before cancelling: an interrupted call may return and the case go on
            String call = choices.call();
            choices.cancel();
            future.cancel(true);
            worker.shutdownNow();
            worker = null;
            Failure failure = new Failure(DEADLINE_ID, "test case exceeded its deadline",
                    String.format("still running after %.1f s in %s", deadlineNanos / 1e9,
                            call.isEmpty() ? "generation" : call));
            return new Trial.Outcome(snapshot(choices), failure, false, call, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a test case ran", e);
        } catch (ExecutionException e) {
            // Trial.execute turns everything the case throws into an outcome; anything else is an Error
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The choices of a case whose thread may still be writing them; empty if they cannot be read. */
    private static ChoiceSequence snapshot(Choices choices) {
        try {
            return choices.toSequence();
        } catch (RuntimeException concurrent) {
            return Choices.replay(new long[0]).toSequence();
        }
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdown();
            worker = null;
        }
    }
}
