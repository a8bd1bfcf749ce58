/**
 * Highmem mappings of 6.1 on 32-bit ARM: the persistent kmaps of {@code mm/highmem.c}
 * ({@code kmap_high}, {@code kunmap_high}, {@code flush_all_zero_pkmaps}, {@code pkmap_count[]},
 * {@code page_address_htable}) written into the pkmap PTE table of {@code swapper_pg_dir} at
 * {@code PKMAP_BASE} ({@code arch/arm/include/asm/highmem.h}).
 */
package armmm.model.highmem;
