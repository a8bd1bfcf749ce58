package armmm.model.mm;

/**
 * The layout an exec'd mm starts with: {@code mm->mmap_base}, which {@code get_unmapped_area}
 * it uses, the stack top ({@code mm->start_stack}'s page: the end of the [stack] VMA) and
 * {@code mm->start_brk}.
 *
 * @param mmapBase  {@code mm->mmap_base}
 * @param topDown   true for {@code arch_get_unmapped_area_topdown}, false for the legacy bottom-up
 * @param stackTop  the end of the stack VMA, {@code PAGE_ALIGN(randomize_stack_top(STACK_TOP))}
 * @param startBrk  {@code mm->start_brk}
 */
public record UserLayout(long mmapBase, boolean topDown, long stackTop, long startBrk) {
}
