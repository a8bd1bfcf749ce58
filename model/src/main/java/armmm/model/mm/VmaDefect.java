package armmm.model.mm;

/** Bugs an {@link MmStruct} can be built with, so that tests show the VMA invariants catch them. */
public enum VmaDefect {
    /** {@code mprotect_fixup} without its {@code vma_merge}: it only splits, never merges. */
    MPROTECT_NO_MERGE,
    /** {@code __split_vma} starts the upper part one page late: a page at the boundary is lost. */
    SPLIT_LOSES_PAGE
}
