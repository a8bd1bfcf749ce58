package armmm.model.boot;

/**
 * A CMA area reserved at boot ({@code struct cma}, mm/cma.c): the default area from
 * {@code cma=}/CONFIG_CMA_SIZE_MBYTES, or a {@code reusable} reserved-memory node.
 *
 * @param name "reserved" for the default area, else the node's name
 * @param base first byte
 * @param size bytes
 */
public record CmaArea(String name, long base, long size) {
    /** One past the last byte. */
    public long end() {
        return base + size;
    }
}
