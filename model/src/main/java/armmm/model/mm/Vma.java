package armmm.model.mm;

/**
 * A {@code struct vm_area_struct} (include/linux/mm_types.h) as the model keeps it: the range,
 * {@code vm_flags}, {@code vm_pgoff} and the identity of {@code vm_file} (0 for private anonymous
 * memory; a shared anonymous mapping gets its own shmem file from {@code shmem_zero_setup}).
 *
 * @param start  {@code vm_start}
 * @param end    {@code vm_end} (exclusive)
 * @param flags  {@code vm_flags}
 * @param pgoff  {@code vm_pgoff}, in pages
 * @param file   the shmem file's id, or 0
 */
public record Vma(long start, long end, long flags, long pgoff, long file) {
    /** Validates the range. */
    public Vma {
        if (start < 0 || end <= start || end > 0x100000000L) {
            throw new IllegalArgumentException("vma: found [0x" + Long.toHexString(start) + ", 0x"
                    + Long.toHexString(end) + "), expected a non-empty 32-bit range");
        }
    }

    /** {@code vma_pages}. */
    public long pages() {
        return (end - start) / UserLayoutConfig.PAGE_SIZE;
    }

    /** The same VMA over [{@code newStart}, {@code newEnd}), its pgoff following the start. */
    public Vma resize(long newStart, long newEnd) {
        return new Vma(newStart, newEnd, flags, pgoff + (newStart - start) / UserLayoutConfig.PAGE_SIZE, file);
    }

    /** The same VMA with other flags. */
    public Vma withFlags(long newFlags) {
        return new Vma(start, end, newFlags, pgoff, file);
    }

    @Override
    public String toString() {
        return String.format("%08x-%08x flags 0x%x pgoff 0x%x%s", start, end, flags, pgoff,
                file == 0 ? "" : " shmem " + file);
    }
}
