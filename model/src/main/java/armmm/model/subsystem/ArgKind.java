package armmm.model.subsystem;

import armmm.model.core.Values;
import armmm.model.core.Gfp;

/** How an argument of a kernel call is written in a scenario file. */
public enum ArgKind {
    /** A size: {@code SZ_4K} where it is a power of two of at least 1 KiB, else hex. */
    SIZE,
    /** An address: hex. */
    ADDR,
    /** A count, an order, an id: decimal. */
    NUMBER,
    /** {@code 1} or {@code 0}. */
    BOOL,
    /** A value returned by an earlier call: its {@code $name}, or hex when it has none. */
    HANDLE,
    /** A GFP mask: {@code GFP_KERNEL|__GFP_ZERO}. */
    GFP;

    String render(long value, HandleNames names) {
        return switch (this) {
            case SIZE -> Values.sizeName(value);
            case ADDR -> Values.hex(value);
            case NUMBER -> Long.toUnsignedString(value);
            case BOOL -> value != 0 ? "1" : "0";
            case HANDLE -> names.nameOf(value).orElse(Values.hex(value));
            case GFP -> Gfp.format(value);
        };
    }
}
