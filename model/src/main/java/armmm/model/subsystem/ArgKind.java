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
    WIDTH,
    /**
     * A string ({@code kmem_cache_create}'s NAME): one word, or in double quotes when it holds
     * white space or {@code #}; the value is 0 and the string is the {@link Arg}'s text.
     */
    NAME,
    /**
     * Flag bits: the owning subsystem's names joined by {@code |} ({@code SLAB_HWCACHE_ALIGN|SLAB_ACCOUNT}),
     * or a number; prints as the {@link Arg}'s spelling, else in hex.
     */
    FLAGS,
    /** An optional {@code ctor} word: the cache has a constructor (1) or not (0, printed as nothing). */
    CTOR;

    /** The value of an optional value argument left out, or empty when the argument must be written. */
    public java.util.OptionalLong omitted() {
        return this == WIDTH ? java.util.OptionalLong.of(4) : java.util.OptionalLong.empty();
    }

    /** The words of an optional keyword argument, in value order; empty for value arguments. */
    public java.util.List<String> keywords() {
        return switch (this) {
            case ACCESS -> java.util.List.of("read", "write", "exec");
            case MODE -> java.util.List.of("kernel", "user");
            case CTOR -> java.util.List.of("", "ctor");
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
            case ACCESS, MODE, CTOR, CONTEXT -> keywords().get((int) value);
            case NAME -> "\"\"";
            case FLAGS -> Values.hex(value);
        };
    }

    /** {@code s} as a scenario word: as it is, or in double quotes when it is empty or holds white space or {@code #}. */
    static String quoted(String s) {
        boolean plain = !s.isEmpty();
        for (int i = 0; i < s.length() && plain; i++) {
            char c = s.charAt(i);
            plain = !Character.isWhitespace(c) && c != '#' && c != '[' && c != ']';
        }
        return plain ? s : "\"" + s + "\"";
    }
}
