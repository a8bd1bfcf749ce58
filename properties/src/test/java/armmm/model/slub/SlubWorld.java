package armmm.model.slub;

import java.util.ArrayList;
import java.util.List;

/**
 * The state a SLUB chain runs on: the allocator, the objects the chain holds (with the cache
 * each came from and whether kmalloc gave it), the objects it freed (material for double frees
 * and use-after-free writes) and the caches it created.
 */
final class SlubWorld {
    /** A live object: its address, its cache's id, kmalloc'ed or not. */
    record Live(long addr, int cache, boolean kmalloc) {
    }

    final SlubAllocator slub;
    final String cmdline;
    final int cpus;
    /** The page allocator's size and the freelist randomisation's seed the allocator was built with. */
    final long pages;
    final long seed;
    final List<Live> live = new ArrayList<>();
    final List<Live> freed = new ArrayList<>();
    final List<Integer> created = new ArrayList<>();
    int nextName;
    java.util.Map<String, Long> lastCounters = java.util.Map.of();

    SlubWorld(SlubAllocator slub, String cmdline, int cpus, long pages, long seed) {
        this.slub = slub;
        this.cmdline = cmdline;
        this.cpus = cpus;
        this.pages = pages;
        this.seed = seed;
    }

    /** Every cache handle a call may name: the kmalloc-64 ... kmalloc-8k of each type and the created ones. */
    List<Integer> handles() {
        List<Integer> out = new ArrayList<>();
        for (KmemCache c : slub.caches().newestFirst()) {
            if (slub.cache(c.id()) != null && !c.name().startsWith("kmem_cache")) {
                out.add(c.id());
            }
        }
        return out;
    }

    void forget(long addr) {
        for (int i = 0; i < live.size(); i++) {
            if (live.get(i).addr() == addr) {
                freed.add(live.remove(i));
                if (freed.size() > 16) {
                    freed.remove(0);
                }
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "board pages=" + pages + " cpus=" + cpus + " cmdline=\"" + cmdline + "\" freelist seed=" + seed;
    }
}
