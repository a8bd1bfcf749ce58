/**
 * memblock, the early boot allocator: {@code mm/memblock.c} and {@code include/linux/memblock.h}
 * of Linux 6.1, with a 32-bit {@code phys_addr_t} (non-LPAE ARM) and no NUMA.
 */
package armmm.model.memblock;
