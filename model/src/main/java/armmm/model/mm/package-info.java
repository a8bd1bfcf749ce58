/**
 * User address spaces: the layout {@code arch_pick_mmap_layout} chooses (mm/util.c
 * {@code mmap_base}, {@code arch_mmap_rnd}, {@code randomize_stack_top}, {@code randomize_page},
 * {@code arch_randomize_brk}; arch/arm/mm/mmap.c and arch/arm/include/asm/memory.h for the ARM
 * constants), and the VMAs of an mm with the rules of mm/mmap.c and mm/mprotect.c
 * ({@code find_vma}, {@code vma_merge}, {@code __split_vma}, {@code get_unmapped_area},
 * {@code do_mmap}, {@code do_munmap}, {@code mprotect_fixup}, {@code brk}). The randomness comes
 * from a seeded {@link armmm.model.mm.RandomSource}, so a run replays exactly. Each process has
 * its own page tables ({@link armmm.model.mm.UserPageTables}: arch/arm/mm/pgd.c {@code pgd_alloc},
 * {@code pte_alloc}, mm/memory.c {@code free_pgtables}), takes page faults
 * ({@link armmm.model.mm.PageFault}: arch/arm/mm/fault.c {@code do_page_fault}, mm/memory.c
 * {@code handle_mm_fault}), forks with copy-on-write and exits ({@link armmm.model.mm.Processes}:
 * kernel/fork.c {@code dup_mm}, mm/mmap.c {@code exit_mmap}).
 */
package armmm.model.mm;
