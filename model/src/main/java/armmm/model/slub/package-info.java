/**
 * SLUB: {@code struct kmem_cache}, its object layout and slab order, the kmalloc caches and
 * their routing, cache merging and the {@code slub_*} boot parameters. Models mm/slub.c,
 * mm/slab_common.c, mm/slab.h and include/linux/slab.h of Linux 6.1 as the Debian
 * {@code armmp} build configures them (SLUB_DEBUG compiled in, SLUB_CPU_PARTIAL,
 * MEMCG_KMEM, ZONE_DMA, STACKDEPOT, L1 cache line 64 bytes, no KASAN, one NUMA node).
 * The allocator itself is {@link armmm.model.slub.SlubAllocator}, a facade over classes named
 * after mm/slub.c's function groups (slab pages, allocation, free, debug paths, kmalloc).
 */
package armmm.model.slub;
