package armmm.model.boot;

import armmm.model.board.BuildConfig;
import java.util.List;

/**
 * The first per-CPU chunk as {@code setup_per_cpu_areas} embeds it (mm/percpu.c
 * {@code pcpu_embed_first_chunk}, {@code pcpu_setup_first_chunk}, {@code pcpu_alloc_first_chunk}):
 * one group, one unit per CPU, atom PAGE_SIZE.
 */
final class Percpu {
    /** {@code sizeof(struct pcpu_chunk)} without its populated bitmap in this build. */
    static final long PCPU_CHUNK_SIZE = 92;
    /** {@code sizeof(struct pcpu_block_md)}. */
    static final long PCPU_BLOCK_MD_SIZE = 32;
    /** {@code sizeof(struct pcpu_alloc_info)} plus one {@code pcpu_group_info}, before the unit map. */
    static final long PCPU_ALLOC_INFO_SIZE = 44;
    private static final long PAGE = EarlyMemblock.PAGE;

    private Percpu() {
    }

    /** {@code pcpu_embed_first_chunk} and {@code pcpu_setup_first_chunk} (mm/percpu.c), one group. */
    static void embedFirstChunk(EarlyMemblock em, BuildConfig build, int cpus, long fromDma, List<String> log) {
        long sizeSum = build.pcpuStaticSize() + build.pcpuReservedSize() + build.pcpuDynamicSize();
        long unit = Math.max(EarlyMemblock.pageAlign(sizeSum), 32L << 10);
        long cache = build.smpCacheBytes();
        long ai = em.alloc("pcpu_embed_first_chunk", EarlyMemblock.pageAlign(PCPU_ALLOC_INFO_SIZE + 4L * cpus), PAGE, 0, 0, EarlyAllocation.Kind.TRY_NID);
        long areas = em.alloc("pcpu_embed_first_chunk", PAGE, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        long base = em.alloc("pcpu_embed_first_chunk", cpus * unit, PAGE, fromDma, 0, EarlyAllocation.Kind.TRY_NID);
        for (int i = 0; i < cpus; i++) {
            em.physFree(base + i * unit + sizeSum, unit - sizeSum, "pcpu_embed_first_chunk");
        }
        log.add(String.format("percpu: Embedded %d pages/cpu s%d r%d d%d u%d", sizeSum >> 12, build.pcpuStaticSize(),
                build.pcpuReservedSize(), build.pcpuDynamicSize(), unit));
        // pcpu_setup_first_chunk: group offsets and sizes, unit map and offsets, chunk slots
        em.alloc("pcpu_setup_first_chunk", 4, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("pcpu_setup_first_chunk", 4, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("pcpu_setup_first_chunk", 4L * cpus, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("pcpu_setup_first_chunk", 4L * cpus, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        long slot = Math.max(64 - Long.numberOfLeadingZeros(unit) - 5 + 2, 1);
        em.alloc("pcpu_setup_first_chunk", (slot + 4) * 8, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        allocFirstChunk(em, build, build.pcpuStaticSize(), build.pcpuReservedSize());
        allocFirstChunk(em, build, build.pcpuStaticSize() + build.pcpuReservedSize(), build.pcpuDynamicSize());
        em.physFree(ai, EarlyMemblock.pageAlign(PCPU_ALLOC_INFO_SIZE + 4L * cpus), "pcpu_embed_first_chunk");
        em.physFree(areas, PAGE, "pcpu_embed_first_chunk");
    }

    /** {@code pcpu_alloc_first_chunk}: the chunk, its allocation and boundary maps and block metadata. */
    private static void allocFirstChunk(EarlyMemblock em, BuildConfig build, long offset, long mapSize) {
        long cache = build.smpCacheBytes();
        long regionSize = EarlyMemblock.roundUp((offset & (PAGE - 1)) + mapSize, PAGE);
        long pages = regionSize >>> 12;
        long regionBits = regionSize >>> 2;
        em.alloc("pcpu_alloc_first_chunk", PCPU_CHUNK_SIZE + 4 * ((pages + 31) / 32), cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("pcpu_alloc_first_chunk", 4 * ((regionBits + 31) / 32), cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("pcpu_alloc_first_chunk", 4 * ((regionBits + 1 + 31) / 32), cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
        em.alloc("pcpu_alloc_first_chunk", pages * PCPU_BLOCK_MD_SIZE, cache, 0, 0, EarlyAllocation.Kind.TRY_NID);
    }
}
