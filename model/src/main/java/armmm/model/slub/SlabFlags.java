package armmm.model.slub;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code slab_flags_t} bits of this build (include/linux/slab.h, mm/slab.h) and the masks
 * that mm/slab_common.c and mm/slub.c test them with. With CONFIG_SLUB_DEBUG,
 * CONFIG_FAILSLAB, CONFIG_MEMCG_KMEM and without KASAN or DEBUG_OBJECTS.
 */
public final class SlabFlags {
    public static final int SLAB_CONSISTENCY_CHECKS = 0x00000100;
    public static final int SLAB_RED_ZONE = 0x00000400;
    public static final int SLAB_POISON = 0x00000800;
    public static final int SLAB_KMALLOC = 0x00001000;
    public static final int SLAB_HWCACHE_ALIGN = 0x00002000;
    public static final int SLAB_CACHE_DMA = 0x00004000;
    public static final int SLAB_CACHE_DMA32 = 0x00008000;
    public static final int SLAB_STORE_USER = 0x00010000;
    public static final int SLAB_RECLAIM_ACCOUNT = 0x00020000;
    public static final int SLAB_PANIC = 0x00040000;
    public static final int SLAB_TYPESAFE_BY_RCU = 0x00080000;
    public static final int SLAB_MEM_SPREAD = 0x00100000;
    public static final int SLAB_TRACE = 0x00200000;
    public static final int SLAB_NOLEAKTRACE = 0x00800000;
    public static final int SLAB_FAILSLAB = 0x02000000;
    public static final int SLAB_ACCOUNT = 0x04000000;
    public static final int SLAB_NO_USER_FLAGS = 0x10000000;
    public static final int SLAB_SKIP_KFENCE = 0x20000000;
    /** Internal: the object itself may be poisoned (mm/slub.c). */
    public static final int OBJECT_POISON = 0x80000000;

    /** {@code SLAB_TEMPORARY} is an alias of {@code SLAB_RECLAIM_ACCOUNT}. */
    public static final int SLAB_TEMPORARY = SLAB_RECLAIM_ACCOUNT;

    /** {@code SLAB_CORE_FLAGS} (mm/slab.h; SLAB_DEBUG_OBJECTS is 0 in this build). */
    public static final int CORE = SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_PANIC
            | SLAB_TYPESAFE_BY_RCU;
    /** {@code SLAB_DEBUG_FLAGS} with CONFIG_SLUB_DEBUG (mm/slab.h). */
    public static final int DEBUG = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE
            | SLAB_CONSISTENCY_CHECKS;
    /** {@code SLAB_CACHE_FLAGS} for SLUB (mm/slab.h). */
    public static final int CACHE = SLAB_NOLEAKTRACE | SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT | SLAB_NO_USER_FLAGS;
    /** {@code CACHE_CREATE_MASK} (mm/slab.h): what kmem_cache_create keeps of the caller's flags. */
    public static final int CACHE_CREATE_MASK = CORE | DEBUG | CACHE;
    /** {@code SLAB_FLAGS_PERMITTED} (mm/slab.h): anything else makes kmem_cache_create fail. */
    public static final int PERMITTED = CORE | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE
            | SLAB_CONSISTENCY_CHECKS | SLAB_MEM_SPREAD | SLAB_NOLEAKTRACE | SLAB_RECLAIM_ACCOUNT
            | SLAB_TEMPORARY | SLAB_ACCOUNT | SLAB_NO_USER_FLAGS | SLAB_SKIP_KFENCE;
    /** {@code SLAB_NEVER_MERGE} (mm/slab_common.c; kasan_never_merge() is 0 without KASAN). */
    public static final int NEVER_MERGE = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE
            | SLAB_TYPESAFE_BY_RCU | SLAB_NOLEAKTRACE | SLAB_FAILSLAB;
    /** {@code SLAB_MERGE_SAME} (mm/slab_common.c): these must agree for two caches to merge. */
    public static final int MERGE_SAME = SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_ACCOUNT;
    /** {@code DEBUG_DEFAULT_FLAGS} (mm/slub.c): {@code slub_debug} with no letters. */
    public static final int DEBUG_DEFAULT = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
    /** {@code DEBUG_METADATA_FLAGS} (mm/slub.c): what {@code slub_debug=O} drops from a cache. */
    public static final int DEBUG_METADATA = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;

    private static final Map<String, Integer> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("SLAB_CONSISTENCY_CHECKS", SLAB_CONSISTENCY_CHECKS);
        NAMES.put("SLAB_RED_ZONE", SLAB_RED_ZONE);
        NAMES.put("SLAB_POISON", SLAB_POISON);
        NAMES.put("SLAB_KMALLOC", SLAB_KMALLOC);
        NAMES.put("SLAB_HWCACHE_ALIGN", SLAB_HWCACHE_ALIGN);
        NAMES.put("SLAB_CACHE_DMA", SLAB_CACHE_DMA);
        NAMES.put("SLAB_CACHE_DMA32", SLAB_CACHE_DMA32);
        NAMES.put("SLAB_STORE_USER", SLAB_STORE_USER);
        NAMES.put("SLAB_RECLAIM_ACCOUNT", SLAB_RECLAIM_ACCOUNT);
        NAMES.put("SLAB_PANIC", SLAB_PANIC);
        NAMES.put("SLAB_TYPESAFE_BY_RCU", SLAB_TYPESAFE_BY_RCU);
        NAMES.put("SLAB_MEM_SPREAD", SLAB_MEM_SPREAD);
        NAMES.put("SLAB_TRACE", SLAB_TRACE);
        NAMES.put("SLAB_NOLEAKTRACE", SLAB_NOLEAKTRACE);
        NAMES.put("SLAB_FAILSLAB", SLAB_FAILSLAB);
        NAMES.put("SLAB_ACCOUNT", SLAB_ACCOUNT);
        NAMES.put("SLAB_NO_USER_FLAGS", SLAB_NO_USER_FLAGS);
        NAMES.put("SLAB_SKIP_KFENCE", SLAB_SKIP_KFENCE);
        NAMES.put("SLAB_TEMPORARY", SLAB_TEMPORARY);
    }

    private SlabFlags() {
    }

    /**
     * Parses {@code SLAB_*} names joined by {@code |}, or a number in C notation, or {@code 0}.
     *
     * @throws IllegalArgumentException naming the first unknown word
     */
    public static int parse(String text) {
        int flags = 0;
        for (String word : text.split("\\|", -1)) {
            String w = word.trim();
            Integer bit = NAMES.get(w);
            if (bit != null) {
                flags |= bit;
                continue;
            }
            try {
                flags |= (int) Long.decode(w).longValue();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unknown slab flag '" + w + "', expected SLAB_* names joined by | or a number");
            }
        }
        return flags;
    }

    /** The flags as {@code SLAB_*} names joined by {@code |} ({@code 0} when none); unnamed bits in hex. */
    public static String format(int flags) {
        StringBuilder out = new StringBuilder();
        int rest = flags;
        for (Map.Entry<String, Integer> e : NAMES.entrySet()) {
            if ((rest & e.getValue()) != 0 && !e.getKey().equals("SLAB_TEMPORARY")) {
                out.append(out.isEmpty() ? "" : "|").append(e.getKey());
                rest &= ~e.getValue();
            }
        }
        if (rest != 0) {
            out.append(out.isEmpty() ? "" : "|").append(String.format("%#x", rest));
        }
        return out.isEmpty() ? "0" : out.toString();
    }
}
