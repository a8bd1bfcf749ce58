/**
 * The invariants, one class of named checks per subsystem, each with its id in
 * {@code spec/invariants.md}, and the seeded bugs that prove each can fail. The checks mirror
 * what the kernel's own debug checks assert: {@code bad_page} and {@code VM_BUG_ON_PAGE}
 * (mm/page_alloc.c, include/linux/mmdebug.h), {@code memblock_dump_all} (mm/memblock.c).
 */
package armmm.model.check;
