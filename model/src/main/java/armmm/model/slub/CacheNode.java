package armmm.model.slub;

import java.util.ArrayList;
import java.util.LinkedHashSet;

/**
 * {@code struct kmem_cache_node} (mm/slab.h) for the one node: the partial list, and the full
 * list that only debugging caches keep. Together with every CPU's slabs these are all the
 * cache's slabs.
 */
final class CacheNode {
    /** {@code n->partial}: slabs with free objects no CPU owns, in list order (head first). */
    final ArrayList<Slab> partial = new ArrayList<>();
    /** {@code n->full} (SLUB_DEBUG caches), and in the model every full slab no CPU owns. */
    final LinkedHashSet<Slab> full = new LinkedHashSet<>();
    /** Every slab of the cache, by creation. */
    final LinkedHashSet<Slab> all = new LinkedHashSet<>();
    /** {@code CpuSlab} per CPU. */
    final CpuSlab[] cpu;
    /** The pre-computed random order of a full slab's freelist ({@code s->random_seq}). */
    int[] randomSeq;
    /** {@code s->random}: the freelist pointer key. */
    int random;

    CacheNode(int cpus) {
        cpu = new CpuSlab[cpus];
        for (int i = 0; i < cpus; i++) {
            cpu[i] = new CpuSlab(i);
        }
    }

    int nrPartial() {
        return partial.size();
    }
}
