package armmm.model.slub;

import armmm.model.core.Result;
import armmm.model.page.PageAllocator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What the parts of the SLUB allocator share (mm/slub.c keeps it in {@code struct kmem_cache},
 * its per-node and per-CPU structures and the page allocator underneath): the caches with their
 * {@link CacheNode}s, the page allocator, {@code nr_cpu_ids}, the random source of
 * {@code init_cache_random_seq} and {@code shuffle_freelist}, the seeded bugs, and the model's
 * bookkeeping for the per-step checks (no kernel counterpart): the call count, the caches a
 * step touched, and the slab the last object came from.
 */
final class SlubState {
    final SlabCaches caches;
    final PageAllocator pages;
    final int cpus;
    final SplittableRandom rng;
    final Set<SlubBug> bugs;
    final Map<KmemCache, CacheNode> nodes = new LinkedHashMap<>();
    final SlubStats stats = new SlubStats();
    /** The caches the calls since {@code beginStep} touched: what a per-step check reads. */
    final LinkedHashSet<KmemCache> touched = new LinkedHashSet<>();
    /** Whether a large kmalloc happened since {@code beginStep}. */
    boolean largeTouched;
    /** Counts calls that may change state: a cached check result is valid while it stands still. */
    long opCount;
    /** The slab the last object came from. */
    Slab lastSlab;

    SlubState(SlabCaches caches, PageAllocator pages, long seed, Set<SlubBug> bugs) {
        this.caches = caches;
        this.pages = pages;
        this.cpus = pages.nrCpus();
        this.rng = new SplittableRandom(seed);
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(SlubBug.class) : EnumSet.copyOf(bugs);
        caches.plantLayoutBugs(this.bugs);
    }

    /** A misuse the kernel would not report: counted, and refused with origin MODEL. */
    Result modelFinding(String what) {
        stats.report("model finding");
        return Result.modelRefusal(what);
    }

    /** Counts the call; a CPU beyond {@code nr_cpu_ids} is refused, else null. */
    Result checkCpu(int cpu) {
        opCount++;
        if (cpu < 0 || cpu >= cpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + cpus + ")");
        }
        return null;
    }

    /** The first line of a report. */
    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
