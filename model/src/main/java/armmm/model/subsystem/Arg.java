package armmm.model.subsystem;

/**
 * One argument of a kernel call: its value and how a scenario writes it.
 *
 * @param value the value, unsigned 64-bit as the scenario language reads values
 * @param kind  how it prints and parses
 * @param text  the argument's own spelling, or null: a {@link ArgKind#NAME}'s string, or a
 *              {@link ArgKind#FLAGS} value as its subsystem names the bits
 */
public record Arg(long value, ArgKind kind, String text) {

    /** An argument that prints as its kind prints its value. */
    public Arg(long value, ArgKind kind) {
        this(value, kind, null);
    }

    /** A name ({@code kmem_cache_create}'s cache name): a word, in double quotes when it needs them. */
    public static Arg name(String s) {
        return new Arg(0, ArgKind.NAME, s);
    }

    /** Flag bits that print as {@code spelling} (their subsystem's names joined by {@code |}). */
    public static Arg flags(long v, String spelling) {
        return new Arg(v, ArgKind.FLAGS, spelling);
    }

    /** A size, printed as {@code SZ_*} where it is one, else in hex. */
    public static Arg size(long v) {
        return new Arg(v, ArgKind.SIZE);
    }

    /** An address or other value best read in hex. */
    public static Arg addr(long v) {
        return new Arg(v, ArgKind.ADDR);
    }

    /** A small count or order, printed in decimal. */
    public static Arg number(long v) {
        return new Arg(v, ArgKind.NUMBER);
    }

    /** A boolean, printed {@code 1} or {@code 0}. */
    public static Arg bool(boolean v) {
        return new Arg(v ? 1 : 0, ArgKind.BOOL);
    }

    /** A value an earlier call returned (a page, an object): printed as its {@code $name}. */
    public static Arg handle(long v) {
        return new Arg(v, ArgKind.HANDLE);
    }

    /** A GFP mask, printed as flag names joined by {@code |}. */
    public static Arg gfp(long v) {
        return new Arg(v, ArgKind.GFP);
    }

    /** Prints this argument as a scenario token. */
    public String render(HandleNames names) {
        if (kind == ArgKind.NAME) {
            return ArgKind.quoted(text == null ? "" : text);
        }
        return text != null ? text : kind.render(value, names);
    }
}
