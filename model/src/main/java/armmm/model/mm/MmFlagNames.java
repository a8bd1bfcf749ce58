package armmm.model.mm;

import java.util.Map;
import java.util.OptionalLong;

/**
 * How a scenario spells the {@code mmap}/{@code mprotect} arguments: {@code PROT_*} and
 * {@code MAP_*} names joined by {@code |} (values of include/uapi/asm-generic/mman-common.h and
 * include/uapi/linux/mman.h, as {@link VmFlags} holds them), and {@code RLIM_INFINITY}.
 */
public final class MmFlagNames {
    private static final Map<String, Long> NAMES = Map.ofEntries(
            Map.entry("PROT_NONE", 0L),
            Map.entry("PROT_READ", (long) VmFlags.PROT_READ),
            Map.entry("PROT_WRITE", (long) VmFlags.PROT_WRITE),
            Map.entry("PROT_EXEC", (long) VmFlags.PROT_EXEC),
            Map.entry("PROT_SEM", (long) VmFlags.PROT_SEM),
            Map.entry("MAP_SHARED", (long) VmFlags.MAP_SHARED),
            Map.entry("MAP_PRIVATE", (long) VmFlags.MAP_PRIVATE),
            Map.entry("MAP_FIXED", (long) VmFlags.MAP_FIXED),
            Map.entry("MAP_ANONYMOUS", (long) VmFlags.MAP_ANONYMOUS),
            Map.entry("MAP_NORESERVE", (long) VmFlags.MAP_NORESERVE),
            Map.entry("MAP_FIXED_NOREPLACE", (long) VmFlags.MAP_FIXED_NOREPLACE),
            Map.entry("RLIM_INFINITY", ExecParams.RLIM_INFINITY));

    private MmFlagNames() {
    }

    /** The value of {@code word} ({@code PROT_READ|PROT_WRITE}); empty when a part is no such name. */
    public static OptionalLong parse(String word) {
        long v = 0;
        for (String part : word.split("\\|", -1)) {
            Long bit = NAMES.get(part);
            if (bit == null) {
                return OptionalLong.empty();
            }
            v |= bit;
        }
        return OptionalLong.of(v);
    }
}
