package armmm.pbt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs test cases under a per-case deadline. A case runs on the calling thread (no hand-off per
 * case: under load a hand-off costs a scheduling slot, which dominated the time to a counterexample).
 * One watchdog thread serves every runner of the JVM ({@link Watchdog}): it sleeps until the
 * earliest deadline of a running case and does nothing else unless a case overruns. Then it records
 * the call the case is in, cancels its choices (the next draw gives up) and interrupts the case's
 * thread; the case becomes a failure with id {@value #DEADLINE_ID} naming that call. Stopping is
 * cooperative: a call that neither draws nor heeds the interrupt gets one more deadline; if it is
 * still running then (a loop that never draws, such as a walk around a corrupted list), the watchdog
 * abandons it: {@link #guard} runs a whole property run (search, shrinking and the report's
 * replays) on a case thread of its own and returns to its caller with the abandoned case as the
 * failure, leaving that thread to spin as a daemon. Case threads are long-lived and reused across
 * runs ({@link #CASE_THREADS}): a run costs one hand-off, not a thread; an abandoned thread is
 * simply never handed another run. The deadline is wall-clock by nature, so it is a safety net: it
 * says when it cut in, and a case that hits it is not shrunk.
 */
final class CaseRunner implements AutoCloseable {
    /** The failure id of a case that overran its deadline. */
    static final String DEADLINE_ID = "deadline";

    /**
     * The threads guarded runs execute on: created when none is idle (runs in parallel, one left
     * spinning by an abandoned case, or now and then the last run's thread not yet back in the pool
     * when the next run is handed over), kept a minute when idle, daemons so they never hold the
     * JVM. Thread creation per run (a search and two report replays: six threads with their
     * watchdogs) was a measurable share of a small property's run.
     */
    private static final ExecutorService CASE_THREADS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60,
            TimeUnit.SECONDS, new SynchronousQueue<>(), body -> {
                Thread thread = new Thread(body, "armmm-run");
                thread.setDaemon(true);
                return thread;
            });

    private final long deadlineNanos;
    /** Guarded by this: the running case, its thread and start; the call it overran in, or null. */
    private Choices current;
    private Thread caseThread;
    private long startedAt;
    private String overranIn;
    /** Completed by the watchdog with the failure of a case that ignored its cancel and interrupt. */
    private final CompletableFuture<Trial.Outcome> abandoned = new CompletableFuture<>();

    /** A runner watched from now until {@link #close()}. */
    CaseRunner(double deadlineSeconds) {
        this.deadlineNanos = (long) (deadlineSeconds * 1e9);
        Watchdog.INSTANCE.watch(this);
    }

    /**
     * Runs one case with {@code stats} current (null: none) and target scores collected into
     * {@code scores} (null: none; observing is then a no-op).
     */
    Trial.Outcome run(Trial trial, Choices choices, Stats stats, Map<String, Double> scores) {
        EngineCounters.CASES.increment();
        synchronized (this) {
            current = choices;
            caseThread = Thread.currentThread();
            startedAt = System.nanoTime();
            overranIn = null;
        }
        Trial.Outcome outcome;
        String overran;
        // swapped by hand, not by scopes: this runs once a case, and shrinking runs hundreds a seed
        Stats previousStats = Stats.swap(stats);
        Map<String, Double> previousScores = Targets.swap(scores);
        try {
            outcome = Trial.execute(trial, choices);
        } finally {
            Targets.swap(previousScores);
            Stats.swap(previousStats);
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
     * Called by the watchdog at {@code now}: stops the running case at its deadline and abandons
     * it one deadline later. Returns how long the watchdog may sleep before this runner needs it
     * again (a deadline when no case runs: a case started meanwhile is seen before its own).
     */
    private synchronized long check(long now) {
        if (current == null) {
            return deadlineNanos;
        }
        long elapsed = now - startedAt;
        if (overranIn == null && elapsed >= deadlineNanos) {
            // read the call before cancelling: an interrupted call may return and the case go on
            overranIn = current.call();
            current.cancel();
            caseThread.interrupt();
            return deadlineNanos;
        }
        if (overranIn != null && elapsed >= 2 * deadlineNanos) {
            if (!abandoned.isDone()) {
                abandoned.complete(abandon(current, overranIn, elapsed));
            }
            return deadlineNanos;
        }
        return (overranIn == null ? deadlineNanos : 2 * deadlineNanos) - elapsed;
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
     * Runs {@code body}, which runs its cases through this runner, on a case thread and returns its
     * value; or, when the watchdog abandons one of those cases, {@code onAbandoned}'s value for that
     * case's failure, leaving the body's thread behind (a daemon).
     */
    <T> T guard(Supplier<T> body, Function<Trial.Outcome, T> onAbandoned) {
        CompletableFuture<T> done = new CompletableFuture<>();
        CASE_THREADS.execute(() -> {
            try {
                done.complete(body.get());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
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
        Watchdog.INSTANCE.forget(this);
    }

    /**
     * The one watchdog thread of the JVM: sleeps until the earliest moment a watched runner needs it
     * (a running case's deadline, or one deadline when none runs), then lets each runner check its
     * case. Started with the first runner and never stopped (a daemon asleep without runners).
     * Lock order: the watchdog's monitor, then a runner's; a runner never asks the watchdog while
     * holding its own.
     */
    private static final class Watchdog implements Runnable {
        static final Watchdog INSTANCE = new Watchdog();

        private final Set<CaseRunner> runners = new LinkedHashSet<>();
        private Thread thread;
        /** When the sleep in progress ends (System.nanoTime), or Long.MAX_VALUE while it waits for a runner. */
        private long wakesAt = Long.MAX_VALUE;

        synchronized void watch(CaseRunner runner) {
            runners.add(runner);
            if (thread == null) {
                thread = new Thread(this, "armmm-deadline");
                thread.setDaemon(true);
                thread.start();
            }
            // the new runner's first case can overrun a deadline from now at the earliest: wake the
            // watchdog only when it would sleep past that (a shorter deadline than the others'), not
            // every run (a wake-up is a context switch)
            if (wakesAt == Long.MAX_VALUE || System.nanoTime() + runner.deadlineNanos - wakesAt < 0) {
                notifyAll();
            }
        }

        synchronized void forget(CaseRunner runner) {
            runners.remove(runner);
        }

        @Override
        public synchronized void run() {
            while (true) {
                long wait = Long.MAX_VALUE;
                long now = System.nanoTime();
                for (CaseRunner runner : new ArrayList<>(runners)) {
                    wait = Math.min(wait, runner.check(now));
                }
                try {
                    if (wait == Long.MAX_VALUE) {
                        wakesAt = Long.MAX_VALUE;
                        wait();
                    } else {
                        long millis = Math.max(1, (wait + 999_999) / 1_000_000);
                        wakesAt = now + millis * 1_000_000;
                        wait(millis);
                    }
                } catch (InterruptedException e) {
                    // nobody else holds this thread: an interrupt is spurious; keep watching
                }
            }
        }
    }
}
