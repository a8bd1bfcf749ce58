package armmm.model.slub;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code slub_debug} boot parameter as mm/slub.c reads it ({@code setup_slub_debug},
 * {@code parse_slub_debug_flags}) and applies it to each new cache ({@code kmem_cache_flags}):
 * global letters, and blocks of letters restricted to a list of cache names
 * ({@code slub_debug=FZ,kmalloc-64;U,dentry*}).
 *
 * @param global              {@code slub_debug}: the flags every cache gets
 * @param blocks              the blocks that name caches, in command-line order
 * @param higherOrderDisable  {@code O} was given: debugging that raises a cache's minimum order is dropped
 */
public record SlubDebug(int global, List<Block> blocks, boolean higherOrderDisable) {

    /** One {@code FLAGS,name1,name2} block; a name ending in {@code *} is a prefix. */
    public record Block(int flags, List<String> names) {
        public Block {
            names = List.copyOf(names);
        }
    }

    public SlubDebug {
        blocks = List.copyOf(blocks);
    }

    /** No {@code slub_debug} on the command line (CONFIG_SLUB_DEBUG_ON is off in this build). */
    public static SlubDebug off() {
        return new SlubDebug(0, List.of(), false);
    }

    /**
     * Reads the text after {@code slub_debug} in a command-line word (including the {@code =},
     * or empty): no value at all switches on full debugging, as {@code setup_slub_debug} does.
     */
    public static SlubDebug parse(String afterName) {
        if (!afterName.startsWith("=") || afterName.length() == 1) {
            return new SlubDebug(SlabFlags.DEBUG_DEFAULT, List.of(), false);
        }
        String str = afterName.substring(1);
        int global = 0;
        boolean globalChanged = false;
        boolean higherOrder = false;
        List<Block> blocks = new ArrayList<>();
        for (String part : str.split(";")) {
            if (part.isEmpty()) {
                continue;
            }
            int comma = part.indexOf(',');
            String letters = comma < 0 ? part : part.substring(0, comma);
            int flags = comma == 0 ? SlabFlags.DEBUG_DEFAULT : 0;
            for (char c : letters.toCharArray()) {
                switch (Character.toLowerCase(c)) {
                    case '-' -> flags = 0;
                    case 'f' -> flags |= SlabFlags.SLAB_CONSISTENCY_CHECKS;
                    case 'z' -> flags |= SlabFlags.SLAB_RED_ZONE;
                    case 'p' -> flags |= SlabFlags.SLAB_POISON;
                    case 'u' -> flags |= SlabFlags.SLAB_STORE_USER;
                    case 't' -> flags |= SlabFlags.SLAB_TRACE;
                    case 'a' -> flags |= SlabFlags.SLAB_FAILSLAB;
                    case 'o' -> higherOrder = true;
                    default -> {
                        // the kernel prints "slub_debug option 'c' unknown. skipped" and goes on
                    }
                }
            }
            if (comma < 0) {
                global = flags;
                globalChanged = true;
            } else {
                List<String> names = new ArrayList<>(List.of(part.substring(comma + 1).split(",", -1)));
                blocks.add(new Block(flags, names));
            }
        }
        // A slab list alone leaves the global setting at its default (off in this build).
        return new SlubDebug(globalChanged || blocks.isEmpty() ? global : 0, blocks, higherOrder);
    }

    /** {@code kmem_cache_flags}: the debug flags the cache called {@code name} gets on top of {@code flags}. */
    public int apply(int flags, String name) {
        if ((flags & SlabFlags.SLAB_NO_USER_FLAGS) != 0) {
            return flags;
        }
        int local = global;
        if ((flags & SlabFlags.SLAB_NOLEAKTRACE) != 0) {
            local &= ~SlabFlags.SLAB_STORE_USER;
        }
        for (Block b : blocks) {
            for (String pattern : b.names()) {
                int glob = pattern.indexOf('*');
                boolean match = glob >= 0
                        ? name.startsWith(pattern.substring(0, glob))
                        : name.equals(pattern);
                if (match) {
                    return flags | b.flags();
                }
            }
        }
        return flags | local;
    }

    /** Whether any cache can get debugging from the command line ({@code slub_debug_enabled}). */
    public boolean enabled() {
        return global != 0 || !blocks.isEmpty();
    }
}
