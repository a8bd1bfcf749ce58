package armmm.model.slub;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import armmm.model.vmalloc.Vmalloc;
import armmm.model.vmalloc.VmFlags;
import java.util.List;
import java.util.function.Function;

/**
 * The SLUB calls (mm/slub.c, mm/slab_common.c, include/linux/slab.h), each a record in kernel
 * argument order. Objects are kernel virtual addresses; a cache is named by the handle
 * {@code kmalloc_slab} returns (its creation index + 1). Every allocating and freeing call takes
 * an optional {@code cpu=N}.
 */
public sealed interface SlubOp extends Op {

    /** What a SLUB call returns on a kernel without SLUB (no board). */
    Result NO_SLUB = Result.refused("no SLUB: the scenario needs a board line");

    /** Runs {@code call} on the kernel's SLUB, or {@link #NO_SLUB} without one. */
    private static Result on(KernelState k, Function<SlubAllocator, Result> call) {
        return Op.onState(k, SlubAllocator.class, NO_SLUB, call);
    }

    /** The cache named by handle {@code h}, or null. */
    static KmemCache cache(SlubAllocator a, long h) {
        return h <= 0 || h > Integer.MAX_VALUE ? null : a.cache((int) h - 1);
    }

    /** A refusal for a handle that names no cache. */
    static Result noCache(long h) {
        return Result.refused("no kmem_cache with handle " + h);
    }

    /** {@code kmalloc(size, gfp)}. */
    record Kmalloc(long size, long gfp, int cpu) implements SlubOp {
        @Override public String resultStem() { return "o"; }
        public String name() { return "kmalloc"; }
        public List<Arg> args() { return List.of(Arg.number(size), Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) { return on(k, a -> a.kmalloc(size, gfp, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kzalloc(size, gfp)}. */
    record Kzalloc(long size, long gfp, int cpu) implements SlubOp {
        @Override public String resultStem() { return "o"; }
        public String name() { return "kzalloc"; }
        public List<Arg> args() { return List.of(Arg.number(size), Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) { return on(k, a -> a.kzalloc(size, gfp, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmalloc_array(n, size, gfp)}. */
    record KmallocArray(long n, long size, long gfp, int cpu) implements SlubOp {
        @Override public String resultStem() { return "o"; }
        public String name() { return "kmalloc_array"; }
        public List<Arg> args() { return List.of(Arg.number(n), Arg.number(size), Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) { return on(k, a -> a.kmallocArray(n, size, gfp, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code krealloc(p, size, gfp)}. */
    record Krealloc(long addr, long size, long gfp, int cpu) implements SlubOp {
        @Override public String resultStem() { return "o"; }
        public String name() { return "krealloc"; }
        public List<Arg> args() { return List.of(Arg.handle(addr), Arg.number(size), Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) { return on(k, a -> a.krealloc(addr, size, gfp, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kfree(p)}. */
    record Kfree(long addr, int cpu) implements SlubOp {
        public String name() { return "kfree"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, a -> a.kfree(addr, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code ksize(p)}. */
    record Ksize(long addr) implements SlubOp {
        public String name() { return "ksize"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, a -> a.ksize(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code kvmalloc(size, gfp)} (mm/util.c {@code kvmalloc_node}): kmalloc first, quietly and
     * without retrying above a page; when that gives NULL for more than a page and the mask may
     * sleep ({@code gfpflags_allow_blocking}), {@code __vmalloc_node_range} over the whole vmalloc
     * space with the caller's mask and {@code VM_ALLOW_HUGE_VMAP}. A kernel without vmalloc gets
     * the kmalloc answer alone.
     */
    record Kvmalloc(long size, long gfp, int cpu) implements SlubOp {
        @Override public String resultStem() { return "o"; }
        public String name() { return "kvmalloc"; }
        public List<Arg> args() { return List.of(Arg.number(size), Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                Result r = a.kvmalloc(size, gfp, cpu);
                Vmalloc v = k.state(Vmalloc.class);
                // only a plain NULL falls back: a refusal or a report is the kmalloc's own answer
                if (r.isRefused() || r.isWarned() || r.value() != 0 || size <= CacheLayout.PAGE_SIZE
                        || (gfp & Gfp.DIRECT_RECLAIM) == 0 || v == null) {
                    return r;
                }
                if (size > Integer.MAX_VALUE) {
                    // WARN_ON_ONCE unless the caller asked for quiet
                    return (gfp & Gfp.NOWARN) != 0 ? Result.of(0)
                            : Result.warned(0, "kvmalloc: size " + size + " above INT_MAX");
                }
                return v.vmallocNodeRange(size, 1, v.vmallocStart(), v.vmallocEnd(), gfp, VmFlags.VM_ALLOW_HUGE_VMAP,
                        "kvmalloc_node");
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kvfree(p)} (mm/util.c): {@code vfree} for a vmalloc address ({@code is_vmalloc_addr}), else {@code kfree}. */
    record Kvfree(long addr, int cpu) implements SlubOp {
        public String name() { return "kvfree"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) {
            Vmalloc v = k.state(Vmalloc.class);
            if (v != null && addr >= v.vmallocStart() && addr < v.vmallocEnd()) {
                return v.vfree(addr);
            }
            return on(k, a -> a.kvfree(addr, cpu));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmalloc_slab(size, gfp)}: the cache's handle, 0 for none (size 0 or above 8 KiB). */
    record KmallocSlab(long size, long gfp) implements SlubOp {
        @Override public String resultStem() { return "k"; }
        public String name() { return "kmalloc_slab"; }
        public List<Arg> args() { return List.of(Arg.number(size), Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                KmemCache c = a.caches().kmallocSlab(size, gfp);
                return Result.of(c == null ? 0 : c.id() + 1);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code kmem_cache_create(name, size, align, flags, ctor)} (mm/slab_common.c): the handle of
     * the new cache, or of the existing cache it merged into ({@code __kmem_cache_alias}: the same
     * handle again, its {@code refcount} one higher); refused with -EINVAL for flags outside
     * {@code SLAB_FLAGS_PERMITTED} or a size no slab order holds, -ENOMEM when the cache's own
     * structures cannot be allocated.
     */
    record KmemCacheCreate(String cacheName, long size, long align, long flags, boolean ctor) implements SlubOp {
        public KmemCacheCreate {
            cacheName = cacheName == null ? "" : cacheName;
        }
        @Override public String resultStem() { return "k"; }
        public String name() { return "kmem_cache_create"; }
        public List<Arg> args() {
            return List.of(Arg.name(cacheName), Arg.number(size), Arg.number(align),
                    Arg.flags(flags, SlabFlags.format((int) flags)), new Arg(ctor ? 1 : 0, ArgKind.CTOR));
        }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                if (size > Integer.MAX_VALUE || align > Integer.MAX_VALUE || flags > 0xFFFF_FFFFL) {
                    // unsigned int size and align: far above what MAX_ORDER - 1 holds (the wrap of ALIGN
                    // within a word of 4 GiB is not modelled)
                    return new Result.Refused("-EINVAL", "kmem_cache_create(" + cacheName + ") failed with error -22");
                }
                Result r = a.kmemCacheCreate(cacheName, (int) size, (int) align, (int) flags, ctor);
                return r.isRefused() ? r : Result.of(r.value() + 1);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmem_cache_alloc(s, gfp)}. */
    record CacheAlloc(long cache, long gfp, int cpu) implements SlubOp {
        @Override public String resultStem() { return "o"; }
        public String name() { return "kmem_cache_alloc"; }
        public List<Arg> args() { return List.of(Arg.handle(cache), Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                KmemCache c = SlubOp.cache(a, cache);
                return c == null ? noCache(cache) : a.kmemCacheAlloc(c, gfp, cpu);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmem_cache_free(s, p)}. */
    record CacheFree(long cache, long addr, int cpu) implements SlubOp {
        public String name() { return "kmem_cache_free"; }
        public List<Arg> args() { return List.of(Arg.handle(cache), Arg.handle(addr)); }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                KmemCache c = SlubOp.cache(a, cache);
                return c == null ? noCache(cache) : a.kmemCacheFree(c, addr, cpu);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmem_cache_alloc_bulk(s, gfp, n, p)}: the number allocated (0 or n); the objects stay unnamed. */
    record AllocBulk(long cache, long gfp, long n, int cpu) implements SlubOp {
        public String name() { return "kmem_cache_alloc_bulk"; }
        public List<Arg> args() { return List.of(Arg.handle(cache), Arg.gfp(gfp), Arg.number(n)); }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                KmemCache c = SlubOp.cache(a, cache);
                if (c == null) {
                    return noCache(cache);
                }
                if (n < 0 || n > 1024) {
                    return Result.refused("bulk count " + n + ", expected 0..1024");
                }
                // as every per-CPU call: a CPU beyond nr_cpu_ids is refused, not an index past the per-CPU array
                Result bad = a.checkCpu(cpu);
                if (bad != null) {
                    return bad;
                }
                return Result.of(a.kmemCacheAllocBulk(c, gfp, (int) n, cpu).length);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmem_cache_shrink(s)}. */
    record Shrink(long cache) implements SlubOp {
        public String name() { return "kmem_cache_shrink"; }
        public List<Arg> args() { return List.of(Arg.handle(cache)); }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                KmemCache c = SlubOp.cache(a, cache);
                return c == null ? noCache(cache) : a.kmemCacheShrink(c);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmem_cache_destroy(s)}. */
    record Destroy(long cache) implements SlubOp {
        public String name() { return "kmem_cache_destroy"; }
        public List<Arg> args() { return List.of(Arg.handle(cache)); }
        public Result applyTo(KernelState k) {
            return on(k, a -> {
                KmemCache c = SlubOp.cache(a, cache);
                return c == null ? noCache(cache) : a.kmemCacheDestroy(c);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code poke ADDR VALUE [SIZE]}: a caller's store of 1, 2 or 4 bytes (4 when SIZE is left out) into slab memory. */
    record Poke(long addr, long value, long size) implements SlubOp {
        public String name() { return "poke"; }
        public List<Arg> args() { return List.of(Arg.addr(addr), Arg.addr(value), new Arg(size, ArgKind.WIDTH)); }
        public Result applyTo(KernelState k) { return on(k, a -> a.poke(addr, value, (int) size)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** The scenario spellings of the SLUB calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.perCpu("kmalloc", (a, c) -> new Kmalloc(a[0], a[1], c), ArgKind.NUMBER, ArgKind.GFP),
            OpSpec.perCpu("kzalloc", (a, c) -> new Kzalloc(a[0], a[1], c), ArgKind.NUMBER, ArgKind.GFP),
            OpSpec.perCpu("kmalloc_array", (a, c) -> new KmallocArray(a[0], a[1], a[2], c), ArgKind.NUMBER,
                    ArgKind.NUMBER, ArgKind.GFP),
            OpSpec.perCpu("krealloc", (a, c) -> new Krealloc(a[0], a[1], a[2], c), ArgKind.HANDLE, ArgKind.NUMBER,
                    ArgKind.GFP),
            OpSpec.perCpu("kfree", (a, c) -> new Kfree(a[0], c), ArgKind.HANDLE),
            OpSpec.of("ksize", (a, c) -> new Ksize(a[0]), ArgKind.HANDLE),
            OpSpec.perCpu("kvmalloc", (a, c) -> new Kvmalloc(a[0], a[1], c), ArgKind.NUMBER, ArgKind.GFP),
            OpSpec.perCpu("kvfree", (a, c) -> new Kvfree(a[0], c), ArgKind.HANDLE),
            OpSpec.withText("kmem_cache_create", (a, t, c) -> new KmemCacheCreate(t[0], a[1], a[2], a[3], a[4] != 0),
                    ArgKind.NAME, ArgKind.NUMBER, ArgKind.NUMBER, ArgKind.FLAGS, ArgKind.CTOR),
            OpSpec.of("kmalloc_slab", (a, c) -> new KmallocSlab(a[0], a[1]), ArgKind.NUMBER, ArgKind.GFP),
            OpSpec.perCpu("kmem_cache_alloc", (a, c) -> new CacheAlloc(a[0], a[1], c), ArgKind.HANDLE, ArgKind.GFP),
            OpSpec.perCpu("kmem_cache_free", (a, c) -> new CacheFree(a[0], a[1], c), ArgKind.HANDLE, ArgKind.HANDLE),
            OpSpec.perCpu("kmem_cache_alloc_bulk", (a, c) -> new AllocBulk(a[0], a[1], a[2], c), ArgKind.HANDLE,
                    ArgKind.GFP, ArgKind.NUMBER),
            OpSpec.of("kmem_cache_shrink", (a, c) -> new Shrink(a[0]), ArgKind.HANDLE),
            OpSpec.of("kmem_cache_destroy", (a, c) -> new Destroy(a[0]), ArgKind.HANDLE),
            OpSpec.of("poke", (a, c) -> new Poke(a[0], a[1], a[2]), ArgKind.ADDR, ArgKind.ADDR, ArgKind.WIDTH));
}
