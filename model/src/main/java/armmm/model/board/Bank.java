package armmm.model.board;

/**
 * One RAM bank: a device-tree {@code /memory} {@code reg} entry (base, size), as firmware or QEMU
 * describes it, before the kernel trims it ({@code early_init_dt_add_memory_arch}, drivers/of/fdt.c).
 *
 * @param base first byte (64-bit cells: may lie above 4 GiB)
 * @param size length in bytes
 */
public record Bank(long base, long size) {
    public Bank {
        if (base < 0 || size <= 0) {
            throw new BoardException("--memory", String.format("a bank needs base >= 0 and size > 0, found %#x:%#x", base, size));
        }
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }
}
