package armmm.model.mm;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The seeded bugs of the user address-space subsystem ({@link MmSubsystem}): mistakes of
 * mm/mmap.c and mm/mprotect.c an {@link MmStruct} can be built with, so that tests show the VMA
 * invariants catch them. Planted with {@code -Darmmm.bug=NAME} like every subsystem's bugs.
 */
public enum VmaDefect implements SeededBug {
    /** {@code mprotect_fixup} without its {@code vma_merge}: it only splits, never merges. */
    MPROTECT_NO_MERGE("INV-VMA-04", "mprotect_fixup without its vma_merge: it only splits, never merges"),
    /** {@code __split_vma} starts the upper part one page late: a page at the boundary is lost. */
    SPLIT_LOSES_PAGE("INV-VMA-05", "__split_vma starts the upper part one page late: a page at the boundary is lost"),
    /** {@code mmap_region} without its {@code do_mas_munmap}: {@code MAP_FIXED} lays a VMA over others. */
    MAP_FIXED_KEEPS_OLD("INV-VMA-01", "mmap_region without its do_mas_munmap: MAP_FIXED lays a VMA over others"),
    /** {@code get_unmapped_area} without {@code security_mmap_addr}: a fixed mapping under {@code mmap_min_addr}. */
    NO_MMAP_MIN_ADDR_CHECK("INV-VMA-03", "get_unmapped_area without security_mmap_addr: a fixed mapping under mmap_min_addr"),
    /** {@code brk} growing the heap to the requested byte instead of {@code PAGE_ALIGN} of it. */
    BRK_NOT_PAGE_ALIGNED("INV-VMA-02", "brk growing the heap to the requested byte instead of PAGE_ALIGN of it"),
    /**
     * 6c28ca6485dd undone ("mmap: fix do_brk_flags() modifying obviously incorrect VMAs", 6.1-rc8):
     * {@code do_brk_flags} expands the VMA {@code brk} found below the old break whenever its flags
     * are the heap's, without asking that it end at the old break (nor {@code can_vma_merge_after}):
     * after a munmap of the heap's top, the VMA is stretched over the hole. (The code before the
     * fix also refused a VMA whose anon_vma chain had more than one entry; the model keeps no
     * anon_vma chains, so the reenactment leaves that clause out.)
     */
    /**
     * 2fcd07b7ccd5 undone ("mm/mprotect: Fix successful vma_merge() of next in
     * do_mprotect_pkey()", mainline, 6.3-rc1): after {@code mprotect_fixup} merged the range's
     * VMA with the next one, {@code do_mprotect_pkey} goes on from the end of the range's VMA, not
     * from the end of the merged VMA, and sees a gap that does not exist: -ENOMEM for a call that
     * changed the whole range (and later VMAs of the range left unchanged). The bug came with
     * 2286a6914c77 ("mm: change mprotect_fixup to vma iterator"); in 6.1's loop the same step is
     * the {@code nstart = prev->vm_end} catch-up, which the reenactment drops.
     */
    MPROTECT_MERGED_NEXT_SEEN_AS_GAP("INV-VMA-06",
            "2fcd07b7ccd5 (\"mm/mprotect: Fix successful vma_merge() of next in do_mprotect_pkey()\")",
            "do_mprotect_pkey goes on from the end of the VMA it changed, not of the VMA mprotect_fixup merged it into: after a merge with the next VMA it sees a gap that does not exist and returns -ENOMEM"),
    /**
     * 58c5d0d6d522 undone ("mm/mmap: regression fix for unmapped_area{_topdown}", mainline; in
     * the 6.1 and 6.2 stable series as backports): {@code unmapped_area} and
     * {@code unmapped_area_topdown} return the first free range the maple tree finds, without
     * checking it against {@code vm_start_gap} of the VMA above it and searching again. The code
     * 3499a13168da ("mm/mmap: use maple tree for unmapped_area{_topdown}") brought in 6.1-rc: an
     * mmap without MAP_FIXED may end inside the guard gap below a stack.
     */
    UNMAPPED_AREA_IGNORES_STACK_GAP("INV-VMA-07",
            "58c5d0d6d522 (\"mm/mmap: regression fix for unmapped_area{_topdown}\")",
            "unmapped_area returns the first free range that fits without the vm_start_gap retry: an mmap without MAP_FIXED ends inside the stack guard gap"),
    BRK_EXPANDS_UNADJACENT_VMA("INV-VMA-05",
            "6c28ca6485dd (\"mmap: fix do_brk_flags() modifying obviously incorrect VMAs\")",
            "do_brk_flags expands the VMA below the old break when only its flags match: a heap whose top was munmapped is stretched over the hole, total_vm counting only the new pages");

    private final BugFacts facts;

    VmaDefect(String invariant, String summary) {
        this(invariant, null, summary);
    }

    VmaDefect(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
