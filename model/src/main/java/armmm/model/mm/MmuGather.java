package armmm.model.mm;

import java.util.ArrayList;
import java.util.List;

/**
 * What a begun address-space call holds until its TLB flush completed ({@code struct mmu_gather},
 * mm/mmu_gather.c): the frames it unmapped ({@code __tlb_remove_page}, {@code pte_free_tlb}),
 * which {@code tlb_flush_mmu_free} releases after {@code tlb_flush_mmu_tlbonly}, and the files of
 * the VMAs it removed, whose {@code fput} ({@code remove_vma}) comes after {@code unmap_region}:
 * a shmem file stays open, and its page cache stays, until then. {@link Processes#finishGather}
 * releases both.
 */
public final class MmuGather {
    final List<Long> pfns = new ArrayList<>();
    final List<Long> files = new ArrayList<>();

    /** Whether the gather holds nothing (no free step is needed). */
    public boolean isEmpty() {
        return pfns.isEmpty() && files.isEmpty();
    }

    /** The frames it holds. */
    public int pages() {
        return pfns.size();
    }
}
