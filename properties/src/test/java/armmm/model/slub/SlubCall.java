package armmm.model.slub;

import armmm.model.core.Result;
import armmm.model.core.Gfp;

/** One SLUB call of a chain; it prints as its scenario line. */
sealed interface SlubCall {

    /** Runs the call on the world and records what it did to the objects held. */
    Result apply(SlubWorld w);

    record Kmalloc(long size, long gfp, int cpu) implements SlubCall {
        public Result apply(SlubWorld w) {
            Result r = w.slub.kmalloc(size, gfp, cpu);
            if (!r.isRefused() && r.value() > SlubAllocator.ZERO_SIZE_PTR) {
                KmemCache c = w.slub.caches().kmallocSlab(size, gfp);
                w.live.add(new SlubWorld.Live(r.value(), c == null ? -1 : c.id(), true));
            }
            return r;
        }

        public String toString() {
            return "kmalloc " + size + " " + Gfp.format(gfp) + " cpu=" + cpu + " -> $p";
        }
    }

    record Kfree(long addr, int cpu) implements SlubCall {
        public Result apply(SlubWorld w) {
            Result r = w.slub.kfree(addr, cpu);
            if (!r.isRefused()) {
                w.forget(addr);
            }
            return r;
        }

        public String toString() {
            return String.format("kfree 0x%x cpu=%d", addr, cpu);
        }
    }

    record Krealloc(long addr, long size, int cpu) implements SlubCall {
        public Result apply(SlubWorld w) {
            Result r = w.slub.krealloc(addr, size, Gfp.GFP_KERNEL, cpu);
            if (!r.isRefused() && r.value() > SlubAllocator.ZERO_SIZE_PTR && r.value() != addr) {
                w.forget(addr);
                KmemCache c = w.slub.caches().kmallocSlab(size, Gfp.GFP_KERNEL);
                w.live.add(new SlubWorld.Live(r.value(), c == null ? -1 : c.id(), true));
            }
            return r;
        }

        public String toString() {
            return String.format("krealloc 0x%x %d GFP_KERNEL cpu=%d -> $p", addr, size, cpu);
        }
    }

    record CacheCreate(int size, int align, int flags, boolean ctor) implements SlubCall {
        public Result apply(SlubWorld w) {
            Result r = w.slub.kmemCacheCreate("cache" + w.nextName++, size, align, flags, ctor);
            if (!r.isRefused() && !w.created.contains((int) r.value())) {
                w.created.add((int) r.value());
            }
            return r;
        }

        public String toString() {
            return "kmem_cache_create NAME " + size + " " + align + " " + SlabFlags.format(flags) + (ctor ? " ctor" : "")
                    + " -> $c";
        }
    }

    record CacheAlloc(int cache, int cpu) implements SlubCall {
        public Result apply(SlubWorld w) {
            KmemCache c = w.slub.cache(cache);
            if (c == null) {
                return Result.refused("no such cache");
            }
            Result r = w.slub.kmemCacheAlloc(c, Gfp.GFP_KERNEL, cpu);
            if (!r.isRefused() && r.value() != 0) {
                w.live.add(new SlubWorld.Live(r.value(), cache, false));
            }
            return r;
        }

        public String toString() {
            return "kmem_cache_alloc $c" + cache + " GFP_KERNEL cpu=" + cpu + " -> $p";
        }
    }

    record CacheFree(int cache, long addr, int cpu) implements SlubCall {
        public Result apply(SlubWorld w) {
            KmemCache c = w.slub.cache(cache);
            if (c == null) {
                return Result.refused("no such cache");
            }
            Result r = w.slub.kmemCacheFree(c, addr, cpu);
            if (!r.isRefused() || ((Result.Refused) r).reason().equals("Wrong slab cache")
                    && !((Result.Refused) r).report().contains("\n")) {
                w.forget(addr);
            }
            return r;
        }

        public String toString() {
            return String.format("kmem_cache_free $c%d 0x%x cpu=%d", cache, addr, cpu);
        }
    }

    record AllocBulk(int cache, int n, int cpu) implements SlubCall {
        public Result apply(SlubWorld w) {
            KmemCache c = w.slub.cache(cache);
            if (c == null) {
                return Result.refused("no such cache");
            }
            long[] got = w.slub.kmemCacheAllocBulk(c, Gfp.GFP_KERNEL, n, cpu);
            for (long a : got) {
                w.live.add(new SlubWorld.Live(a, cache, false));
            }
            return Result.of(got.length);
        }

        public String toString() {
            return "kmem_cache_alloc_bulk $c" + cache + " GFP_KERNEL " + n + " cpu=" + cpu;
        }
    }

    record Shrink(int cache) implements SlubCall {
        public Result apply(SlubWorld w) {
            KmemCache c = w.slub.cache(cache);
            return c == null ? Result.refused("no such cache") : w.slub.kmemCacheShrink(c);
        }

        public String toString() {
            return "kmem_cache_shrink $c" + cache;
        }
    }

    record Destroy(int cache) implements SlubCall {
        public Result apply(SlubWorld w) {
            KmemCache c = w.slub.cache(cache);
            return c == null ? Result.refused("no such cache") : w.slub.kmemCacheDestroy(c);
        }

        public String toString() {
            return "kmem_cache_destroy $c" + cache;
        }
    }

    record Poke(long addr, long value, int size) implements SlubCall {
        public Result apply(SlubWorld w) {
            return w.slub.poke(addr, value, size);
        }

        public String toString() {
            return String.format("poke 0x%x 0x%x %d", addr, value, size);
        }
    }
}
