package armmm.model.memblock;

import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import java.util.OptionalLong;

/**
 * The scenario observables under {@code memblock.}: the fields of {@code struct memblock} and its
 * two {@code struct memblock_type}s (mm/memblock.c, include/linux/memblock.h), as the kernel's
 * memblock test suite reads them (tools/testing/memblock/tests/).
 */
final class MemblockObservables {
    private MemblockObservables() {
    }

    /**
     * Reads {@code memblock.memory.cnt|total_size|max|regions}, {@code memblock.memory[i].base|size|flags},
     * the same under {@code reserved}, {@code memblock.bottom_up} and
     * {@code memblock.current_limit}; empty for other names, {@link ObservableException} for an
     * index out of range.
     */
    static OptionalLong observe(Memblock mb, ObservablePath path) {
        if (!path.is(0, "memblock") || path.length() < 2) {
            return OptionalLong.empty();
        }
        ObservablePath.Segment seg = path.at(1);
        if (path.length() == 2 && seg.index() == null) {
            switch (seg.name()) {
                case "bottom_up":
                    return OptionalLong.of(mb.bottomUp() ? 1 : 0);
                case "current_limit":
                    return OptionalLong.of(mb.currentLimit());
                default:
                    return OptionalLong.empty();
            }
        }
        MemblockType type = "memory".equals(seg.name()) ? mb.memory
                : "reserved".equals(seg.name()) ? mb.reserved : null;
        if (type == null || path.length() != 3 || path.at(2).index() != null) {
            return OptionalLong.empty();
        }
        String field = path.at(2).name();
        if (seg.index() == null) {
            return typeField(type, field);
        }
        if (!field.equals("base") && !field.equals("size") && !field.equals("flags")) {
            return OptionalLong.empty();
        }
        long i = seg.numericIndex();
        if (i >= type.cnt) {
            throw new ObservableException(String.format(
                    "memblock.%s[%d]: index out of range, memblock.%s.cnt is %d",
                    type.name, i, type.name, type.cnt));
        }
        int k = (int) i;
        switch (field) {
            case "base":
                return OptionalLong.of(type.base[k]);
            case "size":
                return OptionalLong.of(type.size[k]);
            default:
                return OptionalLong.of(type.flags[k]);
        }
    }

    /** {@code memblock.<type>.cnt|total_size|max|regions}. */
    private static OptionalLong typeField(MemblockType type, String field) {
        switch (field) {
            case "cnt":
                return OptionalLong.of(type.cnt);
            case "total_size":
                return OptionalLong.of(type.totalSize);
            case "max":
                return OptionalLong.of(type.max);
            case "regions":
                // __pa(type->regions) once memblock_double_array moved it; the static array has
                // no address in this model, so 0
                return OptionalLong.of(Math.max(type.arrayPhys, 0));
            default:
                return OptionalLong.empty();
        }
    }
}
