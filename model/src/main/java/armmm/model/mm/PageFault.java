package armmm.model.mm;

import static armmm.model.mmu.Pgtable2Level.L_PTE_DIRTY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_YOUNG;

import armmm.model.core.Result;
import armmm.model.mmu.Access;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;

/**
 * A user access and the page fault it may take: the hardware walk of the mm's tables
 * ({@link UserPageTables#translate}); on a fault, ARM's {@code do_page_fault}
 * (arch/arm/mm/fault.c: the VMA lookup with stack growth, the access check against
 * {@code VM_READ|VM_WRITE|VM_EXEC}, SIGSEGV with {@code SEGV_MAPERR} or {@code SEGV_ACCERR}) and
 * {@code handle_mm_fault} (mm/memory.c): {@code __pte_alloc}, {@code do_anonymous_page} (the
 * zero page for a read, a new zeroed page for a write), {@code shmem_fault} for shared anonymous
 * memory, {@code do_wp_page} (reuse of an exclusive page, else {@code wp_page_copy}) and the
 * young/dirty update of {@code handle_pte_fault}; then the access again.
 */
final class PageFault {
    private static final long PAGE = UserLayoutConfig.PAGE_SIZE;

    private PageFault() {
    }

    /**
     * {@code touch MM VA ACCESS} from user mode: the physical address reached, or the signal.
     * {@code first} is the hardware walk of the access as the tables are now (the caller made it
     * to tell a fault from a hit; a walk changes nothing, so it is not repeated).
     */
    static Result touch(MmTables t, long va, Access access, Translation first) {
        Translation tr = first;
        if (tr instanceof Translation.Mapped m) {
            return Result.of(m.pa());
        }
        Result signal = doUserFault(t, va, access);
        if (signal != null) {
            return signal;
        }
        tr = t.pt.translate(va, access, Privilege.USER);
        if (tr instanceof Translation.Mapped m) {
            return Result.of(m.pa());
        }
        // the kernel would take the same fault again forever; the model reports it instead
        return new Result.Refused("fault not resolved", String.format(
                "touch: the fault at %08x was handled, yet the access faults again: %s", va,
                ((Translation.Fault) tr).describe()));
    }

    private static Result segv(long va, String code) {
        return new Result.Refused("SIGSEGV " + code, String.format("touch: SIGSEGV (%s) at %08x", code, va));
    }

    /** {@code do_page_fault} for a user-mode abort at {@code va}: null when handled, else the signal or OOM. */
    private static Result doUserFault(MmTables t, long va, Access access) {
        MmStruct mm = t.mm;
        if (va >= mm.config().taskSize()) {
            // do_translation_fault / do_kernel_address_page_fault from user mode: bad_area
            return segv(va, "SEGV_MAPERR");
        }
        long needed = switch (access) {
            case WRITE -> VmFlags.VM_WRITE;
            case EXEC -> VmFlags.VM_EXEC;
            case READ -> VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_EXEC;
        };
        Vma vma = mm.findVma(va);
        if (vma != null && vma.start() > va) {
            vma = (vma.flags() & VmFlags.VM_GROWSDOWN) != 0 ? mm.expandDownwards(vma, va) : null;
        }
        if (vma == null) {
            return segv(va, "SEGV_MAPERR");
        }
        if ((vma.flags() & needed) == 0) {
            return segv(va, "SEGV_ACCERR");
        }
        return handleMmFault(t, vma, va & -PAGE, access == Access.WRITE);
    }

    private static Result oom(long va) {
        return new Result.Refused("VM_FAULT_OOM", String.format("touch: VM_FAULT_OOM at %08x (pagefault_out_of_memory)", va));
    }

    /** {@code handle_mm_fault} → {@code handle_pte_fault}: null when the PTE is now there. */
    private static Result handleMmFault(MmTables t, Vma vma, long va, boolean write) {
        UserMemory mem = t.mem;
        if (t.pt.ptePfn(va) < 0) {
            long table = mem.allocPteTable();
            if (table < 0) {
                return oom(va);
            }
            t.pt.populate(va, table);
        }
        int pte = t.pt.linuxPte(va);
        int prot = ProtectionMap.vmGetPageProt(vma.flags());
        boolean vmWrite = (vma.flags() & VmFlags.VM_WRITE) != 0;
        if (pte == 0) {
            if ((vma.flags() & VmFlags.VM_SHARED) != 0) {
                return shmemFault(t, vma, va, write, prot);
            }
            if (!write) {
                // do_anonymous_page: a read maps the zero page (no rmap, no rss)
                t.pt.setPteAt(va, (int) (mem.zeroPfn << 12) | prot, false);
                return null;
            }
            long pfn = mem.allocUserPage();
            if (pfn < 0) {
                return oom(va);
            }
            mem.userPages.newAnon(pfn);
            t.anonRss++;
            t.pt.setPteAt(va, mkWrite((int) (pfn << 12) | prot | L_PTE_DIRTY, vmWrite), false);
            return null;
        }
        if (write && (pte & L_PTE_RDONLY) != 0) {
            return doWpPage(t, vma, va, pte, prot);
        }
        int entry = pte | L_PTE_YOUNG | (write ? L_PTE_DIRTY : 0);
        if (entry != pte) {
            // ptep_set_access_flags, then flush_tlb_fix_spurious_fault
            t.pt.setPteAt(va, entry, false);
            mem.flush(t.handle, TlbFlush.Kind.PAGE, va, va + PAGE, TlbFlush.Site.SET_ACCESS_FLAGS);
        }
        return null;
    }

    private static int mkWrite(int pte, boolean vmWrite) {
        return vmWrite ? pte & ~L_PTE_RDONLY : pte;
    }

    /** {@code shmem_fault} → {@code finish_fault}: the page cache's page, mapped with the VMA's protection. */
    private static Result shmemFault(MmTables t, Vma vma, long va, boolean write, int prot) {
        UserMemory mem = t.mem;
        long index = vma.pgoff() + (va - vma.start()) / PAGE;
        long pfn = mem.userPages.cached(vma.file(), index);
        if (pfn < 0) {
            pfn = mem.allocUserPage();
            if (pfn < 0) {
                return oom(va);
            }
            mem.userPages.newShmem(pfn, vma.file(), index);
        }
        mem.userPages.map(pfn);
        t.shmemRss++;
        int entry = (int) (pfn << 12) | prot;
        if (write) {
            entry = mkWrite(entry | L_PTE_DIRTY, (vma.flags() & VmFlags.VM_WRITE) != 0);
        }
        t.pt.setPteAt(va, entry, false);
        return null;
    }

    /** {@code do_wp_page}: reuse an exclusive (or only) anonymous page, else copy it. */
    private static Result doWpPage(MmTables t, Vma vma, long va, int pte, int prot) {
        UserMemory mem = t.mem;
        long old = Integer.toUnsignedLong(pte) >>> 12;
        if (old != mem.zeroPfn && mem.userPages.tracks(old) && !mem.userPages.inPageCache(old)) {
            UserPages.Page page = mem.userPages.page(old);
            if (page.exclusive || page.refcount == 1) {
                page.exclusive = true; // page_move_anon_rmap
                t.pt.setPteAt(va, (pte | L_PTE_YOUNG | L_PTE_DIRTY) & ~L_PTE_RDONLY, false);
                mem.flush(t.handle, TlbFlush.Kind.PAGE, va, va + PAGE, TlbFlush.Site.WP_PAGE_REUSE);
                return null;
            }
        }
        // wp_page_copy
        boolean fromZero = old == mem.zeroPfn;
        long pfn = fromZero ? mem.allocUserPage() : mem.allocCopyOf(old);
        if (pfn < 0) {
            return oom(va);
        }
        mem.userPages.newAnon(pfn);
        t.pt.pteClear(va); // ptep_clear_flush
        mem.flush(t.handle, TlbFlush.Kind.PAGE, va, va + PAGE, TlbFlush.Site.WP_PAGE_COPY);
        t.pt.setPteAt(va, mkWrite((int) (pfn << 12) | prot | L_PTE_DIRTY | L_PTE_YOUNG, true),
                mem.has(PgtableDefect.COW_COPY_GLOBAL));
        if (fromZero) {
            t.anonRss++;
        } else if (!mem.has(PgtableDefect.COW_KEEPS_OLD_REF) && mem.userPages.unmap(old, true)) {
            mem.freeAfterFlush(old);
        }
        return null;
    }
}
