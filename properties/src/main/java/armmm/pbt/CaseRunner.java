package armmm.pbt;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs test cases under a per-case deadline. A case runs on the calling thread (no hand-off per
 * case: under load a hand-off costs a scheduling slot, which dominated the time to a counterexample);
 * one watchdog thread per runner sleeps until the running case's deadline and does nothing else
 * unless a case overruns. Then it records the call the case is in, cancels its choices (the next
 * draw gives up) and interrupts the calling thread; the case becomes a failure with id
 * {@value #DEADLINE_ID} naming that call. Stopping is cooperative: a call that neither draws nor
 * heeds the interrupt gets one more deadline; if it is still running then (a loop that never
 * draws, such as a walk around a corrupted list), the watchdog abandons it: {@link #guard} runs a
 * whole search on one thread of its own (one hand-off a run, not a case) and returns to its caller
 * with the abandoned case as the failure, leaving that thread to spin as a daemon. The deadline is
 * wall-clock by nature, so it is a safety net: it says when it cut in, and a case that hits it is
 * not shrunk.
 */
final class CaseRunner implements AutoCloseable {
    /** The failure id of a case that overran its deadline. */
    static final String DEADLINE_ID = "deadline";

    private final long deadlineNanos;
    private Thread watchdog;
    /** Guarded by this: the running case, its thread and start; the call it overran in, or null. */
    private Choices current;
    private Thread caseThread;
    private long startedAt;
    private String overranIn;
    private boolean closed;
    /** Completed by the watchdog with the failure of a case that ignored its cancel and interrupt. */
    private final CompletableFuture<Trial.Outcome> abandoned = new CompletableFuture<>();

    CaseRunner(double deadlineSeconds) {
        this.deadlineNanos = (long) (deadlineSeconds * 1e9);
    }

    /**
     * Runs one case with {@code stats} current (null: none) and target scores collected into
     * {@code scores} (null: none).
     */
    Trial.Outcome run(Trial trial, Choices choices, Stats stats, Map<String, Double> scores) {
        synchronized (this) {
            if (watchdog == null) {
                watchdog = new Thread(this::watch, "armmm-deadline");
                watchdog.setDaemon(true);
                watchdog.start();
            }
            current = choices;
            caseThread = Thread.currentThread();
            startedAt = System.nanoTime();
            overranIn = null;
        }
        Trial.Outcome outcome;
        String overran;
        try (Stats.Scope s = Stats.activate(stats);
                Stats.Scope t = Targets.collect(scores == null ? Targets.scores() : scores)) {
            outcome = Trial.execute(trial, choices);
        } finally {
            synchronized (this) {
                overran = overranIn;
                current = null;
                caseThread = null;
                overranIn = null;
            }
            if (overran != null) {
                // the watchdog interrupted this thread (under the lock, so before we got it): clear it
                Thread.interrupted();
            }
        }
        if (overran == null) {
            return outcome;
        }
        return overrun(choices.toSequence(), overran, String.format("%.1f s", deadlineNanos / 1e9), "");
    }

    /** The failure of a case still running after {@code after} in {@code call}. */
    private static Trial.Outcome overrun(ChoiceSequence sequence, String call, String after, String how) {
        Failure failure = new Failure(DEADLINE_ID, "test case exceeded its deadline",
                "still running after " + after + " in " + (call.isEmpty() ? "generation" : call) + how);
        return new Trial.Outcome(sequence, failure, false, call, null);
    }

    /**
     * The watchdog: wakes at the running case's deadline (at most once a deadline when none runs),
     * and, for a case that overran and is still running one deadline later, abandons it.
     */
    private synchronized void watch() {
        while (!closed) {
            long wait = deadlineNanos;
            if (current != null) {
                long elapsed = System.nanoTime() - startedAt;
                if (overranIn == null && elapsed >= deadlineNanos) {
                    // read the call before cancelling: an interrupted call may return and the case go on
                    overranIn = current.call();
                    current.cancel();
                    caseThread.interrupt();
                    wait = deadlineNanos;
                } else if (overranIn != null && elapsed >= 2 * deadlineNanos) {
                    if (!abandoned.isDone()) {
                        abandoned.complete(abandon(current, overranIn, elapsed));
                    }
                } else {
                    wait = (overranIn == null ? deadlineNanos : 2 * deadlineNanos) - elapsed;
                }
            }
            try {
                wait(Math.max(1, (wait + 999_999) / 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The failure of a case that neither drew nor heeded the interrupt after its deadline. */
    private static Trial.Outcome abandon(Choices choices, String call, long elapsed) {
        ChoiceSequence sequence;
        try {
            sequence = choices.toSequence();
        } catch (RuntimeException concurrent) {
            // the case's thread may be writing them still
            sequence = Choices.replay(new long[0]).toSequence();
        }
        return overrun(sequence, call, String.format("%.1f s", elapsed / 1e9), ", ignoring the interrupt: abandoned");
    }

    /**
     * Runs {@code body}, which runs its cases through this runner, on a thread of its own and
     * returns its value; or, when the watchdog abandons one of those cases, {@code onAbandoned}'s
     * value for that case's failure, leaving the body's thread behind (a daemon).
     */
    <T> T guard(Supplier<T> body, Function<Trial.Outcome, T> onAbandoned) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                done.complete(body.get());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "armmm-run");
        thread.setDaemon(true);
        thread.start();
        try {
            CompletableFuture.anyOf(done, abandoned).join();
        } catch (CompletionException e) {
            // the body threw: rethrow it as it was thrown
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
        return done.isDone() ? done.join() : onAbandoned.apply(abandoned.join());
    }

    @Override
    public void close() {
        Thread stopped;
        synchronized (this) {
            closed = true;
            stopped = watchdog;
            watchdog = null;
            notifyAll();
        }
        if (stopped != null) {
            stopped.interrupt();
        }
    }
}
