package armmm.model.mm;

import armmm.model.layout.Layout;
import static armmm.model.mmu.Pgtable2Level.L_PTE_DIRTY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;

import java.util.List;

/**
 * The page-table side of one mm: its {@link UserPageTables}, the RSS counters
 * {@code MM_ANONPAGES} and {@code MM_SHMEMPAGES} ({@code mm->rss_stat}), and what VMA changes do
 * to the PTEs: {@code unmap_region} ({@code unmap_vmas} → {@code zap_pte_range}, then
 * {@code free_pgtables}, then the TLB flush of {@code tlb_finish_mmu}) and {@code mprotect}'s
 * {@code change_protection} ({@code change_pte_range}, mm/mprotect.c).
 */
final class MmTables implements MmStruct.Listener {
    private static final long PAGE = UserLayoutConfig.PAGE_SIZE;
    private static final long PMD_SIZE = Layout.PMD_SIZE;

    final long handle;
    final MmStruct mm;
    final UserPageTables pt;
    final UserMemory mem;
    long anonRss;
    long shmemRss;

    MmTables(long handle, MmStruct mm, UserPageTables pt, UserMemory mem) {
        this.handle = handle;
        this.mm = mm;
        this.pt = pt;
        this.mem = mem;
        mm.listener(this);
    }

    @Override
    public void unmapped(List<Vma> removed, Vma splitTail, long floor, long ceiling) {
        boolean any = false;
        for (Vma v : removed) {
            mem.removedVmaFile(v.file());
            if (v == splitTail && mem.has(PgtableDefect.MUNMAP_KEEPS_TAIL_PTES)) {
                continue;
            }
            any |= zap(v.start(), v.end());
        }
        freePgtables(removed, floor, ceiling);
        if (any) {
            mem.flush(handle, TlbFlush.Kind.RANGE, removed.get(0).start(), removed.get(removed.size() - 1).end(),
                    TlbFlush.Site.UNMAP_REGION);
        }
    }

    /** {@code zap_pte_range} over [start, end): true when a PTE was cleared. */
    boolean zap(long start, long end) {
        boolean any = false;
        for (long va = start; va < end; va += PAGE) {
            if (pt.ptePfn(va) < 0) {
                va = (va & -PMD_SIZE) + PMD_SIZE - PAGE;
                continue;
            }
            int pte = pt.linuxPte(va);
            if (pte == 0) {
                continue;
            }
            long pfn = Integer.toUnsignedLong(pte) >>> 12;
            pt.pteClear(va);
            any = true;
            if (pfn == mem.zeroPfn) {
                continue; // the zero page: no rmap, no reference, no rss
            }
            // one look-up of the frame's state for both the rss counter and the unmap
            UserPages.Page page = mem.userPages.page(pfn);
            if (page != null && page.file != 0) {
                if (!mem.has(PgtableDefect.ZAP_KEEPS_RSS)) {
                    shmemRss--;
                }
            } else if (!mem.has(PgtableDefect.ZAP_KEEPS_RSS)) {
                anonRss--;
            }
            if (mem.userPages.unmap(pfn, page, true)) {
                mem.freeAfterFlush(pfn);
            }
        }
        return any;
    }

    /**
     * {@code free_pgtables} (mm/memory.c) over the removed VMAs: groups of VMAs less than a pmd
     * apart, each freed by {@code free_pgd_range(addr, end, floor, next ? next->vm_start : ceiling)}.
     */
    void freePgtables(List<Vma> removed, long floor, long ceiling) {
        int i = 0;
        while (i < removed.size()) {
            long addr = removed.get(i).start();
            Vma last = removed.get(i);
            int j = i + 1;
            while (j < removed.size() && removed.get(j).start() <= last.end() + PMD_SIZE) {
                last = removed.get(j);
                j++;
            }
            long groupCeiling = j < removed.size() ? removed.get(j).start() : ceiling;
            freePgdRange(addr, last.end(), floor, groupCeiling);
            i = j;
        }
    }

    /** {@code free_pgd_range}: the PTE tables wholly inside [floor, ceiling) among [addr, end)'s pmds. */
    void freePgdRange(long addr, long end, long floor, long ceiling) {
        addr &= -PMD_SIZE;
        if (addr < floor) {
            addr += PMD_SIZE;
            if (addr == 0) {
                return;
            }
        }
        if (ceiling != 0) {
            ceiling &= -PMD_SIZE;
            if (ceiling == 0) {
                return;
            }
        }
        // "end - 1 > ceiling - 1" in unsigned 32-bit arithmetic (ceiling 0 is the top)
        if (((end - 1) & 0xffffffffL) > ((ceiling - 1) & 0xffffffffL)) {
            end -= PMD_SIZE;
        }
        if (addr > ((end - 1) & 0xffffffffL)) {
            return;
        }
        for (long a = addr; a < end; a += PMD_SIZE) {
            long pfn = pt.freePteTable(a);
            if (pfn >= 0) {
                mem.freeAfterFlush(pfn);
            }
        }
    }

    @Override
    public void protectionChanged(long start, long end, long newFlags) {
        if (mem.has(PgtableDefect.MPROTECT_KEEPS_PTE_PERMS)) {
            return;
        }
        int prot = ProtectionMap.vmGetPageProt(newFlags);
        boolean tryWritable = (newFlags & VmFlags.VM_SHARED) == 0 && (newFlags & VmFlags.VM_WRITE) != 0;
        long first = -1;
        long last = -1;
        for (long va = start; va < end; va += PAGE) {
            if (pt.ptePfn(va) < 0) {
                va = (va & -PMD_SIZE) + PMD_SIZE - PAGE;
                continue;
            }
            int old = pt.linuxPte(va);
            if (old == 0) {
                continue;
            }
            int pte = ProtectionMap.pteModify(old, prot);
            if (tryWritable && (pte & L_PTE_RDONLY) != 0 && canChangeWritable(pte)) {
                pte &= ~L_PTE_RDONLY; // pte_mkwrite
            }
            if (pte != old) {
                pt.setPteAt(va, pte, false);
                first = first < 0 ? va : first;
                last = va;
            }
        }
        if (first >= 0) {
            mem.flush(handle, TlbFlush.Kind.RANGE, first, last + PAGE, TlbFlush.Site.CHANGE_PROTECTION);
        }
    }

    /** {@code can_change_pte_writable} for a private VMA: a dirty PTE of an exclusive anonymous page. */
    private boolean canChangeWritable(int pte) {
        if ((pte & armmm.model.mmu.Pgtable2Level.L_PTE_NONE) != 0 || (pte & L_PTE_DIRTY) == 0) {
            return false;
        }
        long pfn = Integer.toUnsignedLong(pte) >>> 12;
        if (pfn == mem.zeroPfn || !mem.userPages.tracks(pfn) || mem.userPages.inPageCache(pfn)) {
            return false;
        }
        return mem.has(PgtableDefect.MPROTECT_UPGRADES_SHARED) || mem.userPages.exclusive(pfn);
    }

    /** {@code get_mm_rss}: anonymous and shmem pages (no file pages are modelled). */
    long rss() {
        return anonRss + shmemRss;
    }
}
