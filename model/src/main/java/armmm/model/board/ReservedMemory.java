package armmm.model.board;

/**
 * A device-tree {@code /reserved-memory} child node with a static {@code reg}
 * (drivers/of/of_reserved_mem.c, {@code __reserved_mem_reserve_reg}).
 *
 * @param base first byte
 * @param size length in bytes
 * @param kind plain, {@code no-map} or {@code reusable}
 */
public record ReservedMemory(long base, long size, Kind kind) {
    /** The node's properties that change what the kernel does with it. */
    public enum Kind {
        /** No property: {@code memblock_reserve}. */
        RESERVED,
        /** {@code no-map}: {@code memblock_mark_nomap}, left out of the linear map and of managed pages. */
        NO_MAP,
        /** {@code reusable} with {@code compatible = "shared-dma-pool"}: a CMA area ({@code rmem_cma_setup}). */
        REUSABLE
    }

    public ReservedMemory {
        if (base < 0 || size <= 0 || base + size > (1L << 32)) {
            throw new BoardException("--reserve", String.format("expected a range inside 4 GiB with size > 0, found %#x:%#x", base, size));
        }
        if (kind == null) {
            throw new BoardException("--reserve", "a reserved-memory node needs a kind");
        }
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }

    /** Parses {@code BASE:SIZE[:no-map|:reusable]}. */
    public static ReservedMemory parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new BoardException("--reserve", "expected BASE:SIZE[:no-map|:reusable], found '" + text + "'");
        }
        Kind kind = Kind.RESERVED;
        if (parts.length == 3) {
            kind = switch (parts[2]) {
                case "no-map" -> Kind.NO_MAP;
                case "reusable" -> Kind.REUSABLE;
                default -> throw new BoardException("--reserve", "expected no-map or reusable after BASE:SIZE, found '" + parts[2] + "'");
            };
        }
        return new ReservedMemory(Memparse.strict("--reserve", parts[0]), Memparse.strict("--reserve", parts[1]), kind);
    }
}
