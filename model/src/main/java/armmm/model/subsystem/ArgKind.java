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
    GFP,
    /** An optional access word: {@code read} (the default), {@code write}, {@code exec}; the value is the ordinal. */
    ACCESS,
    /** An optional privilege word: {@code kernel} (the default) or {@code user}; the value is the ordinal. */
    MODE,
    /**
     * An optional execution-context word: {@code task} (the default, process context) or
     * {@code irq} (the call runs in a hardware interrupt on its CPU); the value is the ordinal.
     * Highmem's kmap calls take it.
     */
    CONTEXT,
    /** An optional store width in bytes, decimal ({@code poke}'s 1, 2 or 4); absent means 4, a word store. */
    WIDTH;

    /** The value of an optional value argument left out, or empty when the argument must be written. */
    public java.util.OptionalLong omitted() {
        return this == WIDTH ? java.util.OptionalLong.of(4) : java.util.OptionalLong.empty();
    }

    /** The words of an optional keyword argument, in value order; empty for value arguments. */
    public java.util.List<String> keywords() {
        return switch (this) {
            case ACCESS -> java.util.List.of("read", "write", "exec");
            case MODE -> java.util.List.of("kernel", "user");
            case CONTEXT -> java.util.List.of("task", "irq");
            default -> java.util.List.of();
        };
    }

    String render(long value, HandleNames names) {
        return switch (this) {
            case SIZE -> Values.sizeName(value);
            case ADDR -> Values.hex(value);
            case NUMBER, WIDTH -> Long.toUnsignedString(value);
            case BOOL -> value != 0 ? "1" : "0";
            case HANDLE -> names.nameOf(value).orElse(Values.hex(value));
            case GFP -> Gfp.format(value);
            case ACCESS, MODE, CONTEXT -> keywords().get((int) value);
        };
    }
}
