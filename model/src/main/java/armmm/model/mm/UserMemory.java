package armmm.model.mm;

import armmm.model.core.Gfp;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Pgtable2Level;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What every process's page tables share: the page allocator the frames come from,
 * {@code swapper_pg_dir} (the MMU subsystem's {@link KernelPageTables}), {@code empty_zero_page}
 * (the last {@code early_alloc} of {@code paging_init}, arch/arm/mm/mmu.c),
 * {@code init_mm.context.vmalloc_seq} (bumped by {@code arch_sync_kernel_mappings},
 * arch/arm/kernel/traps.c, whenever vmalloc populates a pmd in its range: CONFIG_VMAP_STACK), the
 * user pages' {@code struct page} state ({@link UserPages}), the highmem hook, and the TLB
 * flushes of the current call.
 */
public final class UserMemory {
    /** {@code GFP_PGTABLE_USER | __GFP_HIGHMEM}: {@code pte_alloc_one} with CONFIG_HIGHPTE. */
    static final long GFP_PTE_USER = Gfp.GFP_KERNEL | Gfp.ZERO | Gfp.ACCOUNT | Gfp.HIGHMEM;
    /** {@code __get_free_pages(GFP_KERNEL, 2)}: the first-level table. */
    static final long GFP_PGD = Gfp.GFP_KERNEL;
    /** {@code GFP_HIGHUSER_MOVABLE}: an anonymous or shmem page. */
    static final long GFP_USER_PAGE = Gfp.GFP_HIGHUSER_MOVABLE;

    final PageAllocator pages;
    final KernelPageTables swapper;
    final long zeroPfn;
    final long maxLowPfn;
    final long vmallocStart;
    final long vmallocEnd;
    final Set<PgtableDefect> defects;
    final UserPages userPages = new UserPages();
    private HighmemHook highmem = new HighmemHook.Counting();
    private final List<TlbFlush> flushes = new ArrayList<>();
    /** The begun call's {@code mmu_gather}, null when frees are immediate. */
    private MmuGather gather;
    /** Files a begun call's gather keeps open ({@link MmuGather}), with how many gathers hold each. */
    private final java.util.Map<Long, Integer> pinnedFiles = new java.util.HashMap<>();
    private int vmallocSeq;
    private long swapperVersion;
    private long highUserPages;
    /** The per-step user page-table checks' own record of the tables (no kernel counterpart). */
    private UptShadow uptShadow;

    /**
     * @param pages        the buddy allocator
     * @param swapper      init_mm's tables
     * @param zeroPfn      {@code empty_zero_page}'s frame
     * @param vmallocStart {@code VMALLOC_START}
     * @param vmallocEnd   {@code VMALLOC_END}
     * @param defects      planted bugs
     */
    public UserMemory(PageAllocator pages, KernelPageTables swapper, long zeroPfn, long vmallocStart, long vmallocEnd,
            Set<PgtableDefect> defects) {
        this.pages = pages;
        this.swapper = swapper;
        this.zeroPfn = zeroPfn;
        this.maxLowPfn = pages.layout().maxLowPfn();
        this.vmallocStart = vmallocStart;
        this.vmallocEnd = vmallocEnd;
        this.defects = defects.isEmpty() ? EnumSet.noneOf(PgtableDefect.class) : EnumSet.copyOf(defects);
    }

    boolean has(PgtableDefect d) {
        return defects.contains(d);
    }

    /** A zeroed user page ({@code vma_alloc_zeroed_movable_folio}: the allocation, then {@code clear_user_highpage}); -1 for NULL. */
    long allocUserPage() {
        long pfn = pages.allocPagesPfn(GFP_USER_PAGE, 0, 0);
        if (pfn >= 0) {
            if (pfn >= maxLowPfn) {
                highUserPages++;
            }
            highmem.clearUserHighpage(pfn, pfn >= maxLowPfn);
        }
        return pfn;
    }

    /** A user page for copy-on-write, filled by {@code copy_user_highpage}; -1 for NULL. */
    long allocCopyOf(long fromPfn) {
        long pfn = pages.allocPagesPfn(GFP_USER_PAGE, 0, 0);
        if (pfn >= 0) {
            if (pfn >= maxLowPfn) {
                highUserPages++;
            }
            highmem.copyUserHighpage(pfn, pfn >= maxLowPfn, fromPfn, fromPfn >= maxLowPfn);
        }
        return pfn;
    }

    /** {@code pte_alloc_one}: a zeroed PTE page, possibly HighMem; -1 for NULL. */
    long allocPteTable() {
        return pages.allocPagesPfn(GFP_PTE_USER, 0, 0);
    }

    /** {@code __pgd_alloc}: the 16 KiB first-level table; -1 for NULL. */
    long allocPgd() {
        return pages.allocPagesPfn(GFP_PGD, 2, 0);
    }

    /** {@code free_pages}/{@code put_page} of a block this subsystem took. */
    void free(long pfn, int order) {
        pages.freePagesPfn(pfn, order, 0);
    }

    /**
     * Frees a frame whose translations the current call removed and which the kernel releases
     * only after the TLB flush covering them: {@code zap_pte_range}'s {@code __tlb_remove_page}
     * and {@code free_pgtables}' {@code pte_free_tlb} (on this non-LPAE build a plain
     * {@code tlb_remove_page}, arch/arm/include/asm/tlb.h), both released by {@code tlb_flush_mmu}
     * after {@code tlb_flush_mmu_tlbonly} (mm/mmu_gather.c); {@code wp_page_copy}'s
     * {@code put_page} of the old page after {@code ptep_clear_flush}; the page cache's pages at the
     * last {@code fput}, after the unmap. At once unless a begun call gathers ({@link #gatherFrees}).
     */
    void freeAfterFlush(long pfn) {
        if (gather != null) {
            gather.pfns.add(pfn);
        } else {
            free(pfn, 0);
        }
    }

    /** A VMA of {@code file} (0: anonymous) is removed: a begun call's gather keeps the file open until its free step. */
    void removedVmaFile(long file) {
        if (gather != null && file != 0) {
            gather.files.add(file);
            pinnedFiles.merge(file, 1, Integer::sum);
        }
    }

    /** Whether a begun call's gather still keeps {@code file} open. */
    boolean pinned(long file) {
        return pinnedFiles.containsKey(file);
    }

    /** The gather releases {@code file} ({@code remove_vma}'s {@code fput}). */
    void unpin(long file) {
        pinnedFiles.computeIfPresent(file, (f, n) -> n == 1 ? null : n - 1);
    }

    /**
     * From now on {@link #freeAfterFlush} keeps the frames, and removed VMAs their files, for the
     * caller, who releases them after the call's flush completed ({@link #takeGather},
     * {@link Processes#finishGather}): a begun call whose shootdown other CPUs see step by step.
     */
    public void gatherFrees() {
        gather = new MmuGather();
    }

    /** What was gathered since {@link #gatherFrees}; frees are immediate again. */
    public MmuGather takeGather() {
        MmuGather out = gather == null ? new MmuGather() : gather;
        gather = null;
        return out;
    }

    /** Records a TLB flush the current call makes, for the TLB model to replay. */
    void flush(long mm, TlbFlush.Kind kind, long start, long end, TlbFlush.Site site) {
        flushes.add(new TlbFlush(mm, kind, start, end, site));
    }

    /** A call starts: forget the last call's flushes. */
    void beginStep() {
        flushes.clear();
    }

    /**
     * A call ended: {@code arch_sync_kernel_mappings} for every pmd the call populated in swapper's
     * vmalloc range (one bump per call is what the kernel's per-range call amounts to).
     */
    void afterStep() {
        int lo = Pgtable2Level.pgdIndex(vmallocStart) * 2;
        int hi = Pgtable2Level.pgdIndex(vmallocEnd) * 2;
        int[] touched = swapper.touchedL1();
        if (touched.length > 0) {
            swapperVersion++;
        }
        for (int i : touched) {
            if (i >= lo && i < hi) {
                vmallocSeq++;
                return;
            }
        }
    }

    /** Counts the calls that wrote a first-level word of swapper_pg_dir (so a check can tell an unchanged kernel half). */
    public long swapperVersion() {
        return swapperVersion;
    }

    /** {@code init_mm.context.vmalloc_seq}. */
    public int vmallocSeq() {
        return vmallocSeq;
    }

    /** The TLB flushes the current call made, in order. */
    public List<TlbFlush> flushes() {
        return Collections.unmodifiableList(flushes);
    }

    /** {@code empty_zero_page}'s frame. */
    public long zeroPfn() {
        return zeroPfn;
    }

    /** The INV-UPT checks' record of what they last read, created at their first run. */
    UptShadow uptShadow() {
        if (uptShadow == null) {
            uptShadow = new UptShadow();
        }
        return uptShadow;
    }

    /** The user pages' refcounts and map counts. */
    public UserPages userPages() {
        return userPages;
    }

    /** The buddy allocator. */
    public PageAllocator pages() {
        return pages;
    }

    /** {@code swapper_pg_dir}. */
    public KernelPageTables swapper() {
        return swapper;
    }

    /** {@code VMALLOC_START}. */
    public long vmallocStart() {
        return vmallocStart;
    }

    /** {@code VMALLOC_END}. */
    public long vmallocEnd() {
        return vmallocEnd;
    }

    /** Replaces the highmem hook (the highmem subsystem, when registered, sees every kmap of a user page). */
    public void highmemHook(HighmemHook hook) {
        this.highmem = hook;
    }

    /** The highmem hook. */
    public HighmemHook highmemHook() {
        return highmem;
    }

    /** User pages taken from HighMem so far (anonymous, shmem and copy-on-write copies). */
    public long highUserPages() {
        return highUserPages;
    }
}
