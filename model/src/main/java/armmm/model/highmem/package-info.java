/**
 * Highmem mappings of 6.1 on 32-bit ARM, as a subsystem ({@link armmm.model.highmem.HighmemSubsystem}):
 * the persistent kmaps of {@code mm/highmem.c} ({@code kmap_high}, {@code kunmap_high},
 * {@code flush_all_zero_pkmaps}, {@code pkmap_count[]}, {@code page_address_htable}) in the pkmap
 * PTE table of {@code swapper_pg_dir} at {@code PKMAP_BASE}; {@code kmap_local_page},
 * {@code kmap_atomic} and {@code kunmap_local_indexed} on each task's {@code kmap_ctrl} stack of
 * fixmap slots, with {@code __kmap_local_sched_out/in}; {@code __kmap_to_page},
 * {@code page_address}; the helpers of include/linux/highmem.h; the TLB flushes of
 * arch/arm/include/asm/highmem.h as events.
 */
package armmm.model.highmem;
