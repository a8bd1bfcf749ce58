package armmm.model.highmem;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * Bugs that can be planted in the highmem model ({@code mm/highmem.c}) to show that its
 * invariants and properties catch them; the {@link Highmem} state is handed the set it runs with.
 */
public enum HighmemBug implements SeededBug {
    /**
     * {@code kunmap_local_indexed} pops {@code kmap_ctrl.idx} before it clears the slot's PTE: an
     * interrupt taken between the two pushes its own {@code kmap_atomic} into the slot just
     * popped, and the interrupted code then clears the interrupt's live mapping (6.1 clears the
     * PTE first, then pops). The model runs the deferred clear after the next call on that CPU
     * when that call is made in interrupt context ({@code irq}), else before it.
     */
    HIGHMEM_POP_BEFORE_PTE_CLEAR(
            "INV-HIGHMEM-04", null, "kunmap_local_indexed pops kmap_ctrl.idx before pte_clear: a kmap_atomic from an interrupt in between takes the popped slot and its mapping is cleared under it"),
    /**
     * {@code __kmap_to_page} without the search of {@code current->kmap_ctrl.pteval[]}: a
     * {@code kmap_local_page} address falls through to {@code virt_to_page}, a struct page that
     * is not the mapped one. Fixed by commit ef6e06b2ef87 ("highmem: fix kmap_to_page() for
     * kmap_local_page() addresses").
     */
    HIGHMEM_KMAP_TO_PAGE_IGNORES_KMAP_LOCAL(
            "INV-HIGHMEM-06", "ef6e06b2ef87 (\"highmem: fix kmap_to_page() for kmap_local_page() addresses\")", "__kmap_to_page does not search current->kmap_ctrl: a kmap_local_page address goes to virt_to_page (fixed by ef6e06b2ef87, \"highmem: fix kmap_to_page() for kmap_local_page() addresses\")"),
    /**
     * {@code flush_all_zero_pkmaps} frees the slots at count 1 but skips
     * {@code flush_tlb_kernel_range}: a slot is handed to another page while a TLB may still hold
     * its translation to the old one (the reason count 1 exists, comment above
     * {@code pkmap_count} in mm/highmem.c).
     */
    HIGHMEM_PKMAP_REUSE_WITHOUT_FLUSH(
            "INV-HIGHMEM-05", null, "flush_all_zero_pkmaps frees the count-1 slots without flush_tlb_kernel_range: a slot is reused while a TLB may still translate it to the old page"),
    /**
     * {@code __kmap_local_sched_in} does not restore the task's PTEs that
     * {@code __kmap_local_sched_out} cleared: after a context switch back, a live
     * {@code kmap_local_page} address faults. (Our own; the pair of hooks came with commit
     * 5fbda3ecd14a, "sched: highmem: Store local kmaps in task struct".)
     */
    HIGHMEM_SCHED_IN_SKIPS_RESTORE(
            "INV-HIGHMEM-03", null, "__kmap_local_sched_in does not restore the task's kmap_local PTEs: a live kmap_local address faults after a context switch back (our own; the hooks came with 5fbda3ecd14a)"),
    /**
     * {@code flush_all_zero_pkmaps} clears the PTE and the count but leaves the page in
     * {@code page_address_htable} ({@code set_page_address(page, NULL)} forgotten): page_address
     * of a page no slot maps is a pkmap address, and a later kmap of it reuses a cleared slot.
     * (Our own.)
     */
    HIGHMEM_FLUSH_KEEPS_HASH(
            "INV-HIGHMEM-01", null, "flush_all_zero_pkmaps leaves the page in page_address_htable: page_address of an unmapped page is a stale pkmap address (our own)"),
    /**
     * {@code kmap_high} goes straight to {@code map_new_virtual} without looking the page up in
     * {@code page_address_htable}: a page kmapped twice holds two pkmap slots. (Our own.)
     */
    HIGHMEM_KMAP_SKIPS_LOOKUP(
            "INV-HIGHMEM-02", null, "kmap_high does not look the page up in page_address_htable: a page kmapped twice holds two pkmap slots (our own)"),
    /**
     * {@code map_new_virtual} probes {@code last_pkmap_nr} before it advances: the first kmap
     * after boot takes slot 0 instead of slot 1, and a slot just taken is probed again. Every
     * slot it hands out is free and mapped consistently, so no state invariant notices; only the
     * call's result, compared with 6.1's scan, does. (Our own.)
     */
    HIGHMEM_KMAP_SCAN_WITHOUT_ADVANCE(
            "INV-HIGHMEM-07", null, "map_new_virtual probes last_pkmap_nr before advancing it: the first kmap after boot takes slot 0, not slot 1 (our own)");

    private final BugFacts facts;

    HighmemBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
