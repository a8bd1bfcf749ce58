package armmm.model.slub;

import java.util.ArrayDeque;

/**
 * {@code struct kmem_cache_cpu} (include/linux/slub_def.h) of one cache on one CPU: the CPU
 * slab, its lockless freelist (taken whole from the slab when the CPU takes the slab), the
 * per-CPU partial list and the transaction id.
 */
final class CpuSlab {
    /** {@code c->slab}, or null. */
    Slab slab;
    /** {@code c->freelist} as an object index of {@link #slab}, -1 for NULL. */
    int freelist = -1;
    /** {@code c->partial}: frozen slabs this CPU keeps, newest first. */
    final ArrayDeque<Slab> partial = new ArrayDeque<>();
    /** {@code c->tid}: bumped by every operation that changes the CPU freelist. */
    long tid;

    /** The freelist and slab as of the last tid bump: what a lockless fast path would trust. */
    int publishedFreelist = -1;
    Slab publishedSlab;
    /** The first point where the CPU could be interrupted while its freelist was unpublished, or null. */
    String staleWindow;

    CpuSlab(int cpu) {
        this.tid = cpu;
    }

    /** {@code next_tid}: publishes the current freelist. */
    void bump(int cpus) {
        tid += cpus;
        publishedFreelist = freelist;
        publishedSlab = slab;
    }

    /**
     * A point where interrupts may run a fast path on this CPU (the slow path can re-enable
     * them): a freelist changed since the last tid bump there lets a racing
     * {@code this_cpu_cmpxchg_double} commit on stale data.
     */
    void window(String where) {
        if (staleWindow == null && (freelist != publishedFreelist || slab != publishedSlab)) {
            staleWindow = where + ": c->freelist changed without a tid bump (tid " + tid + ")";
        }
    }
}
