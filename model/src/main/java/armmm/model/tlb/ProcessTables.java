package armmm.model.tlb;

import armmm.model.core.Gfp;
import armmm.model.mm.MmStruct;
import armmm.model.mm.Processes;
import armmm.model.mm.UserLayoutConfig;
import armmm.model.mm.Vma;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link PageTables} over the tables the model has today: the kernel's walk through
 * {@code swapper_pg_dir} ({@link KernelPageTables}, which vmalloc writes), and for each process
 * its {@code pgd} (16 KiB from the buddy allocator, {@code __pgd_alloc}, arch/arm/mm/pgd.c) and
 * the pages a user access faulted in ({@code do_anonymous_page}, mm/memory.c: a frame of
 * {@code GFP_HIGHUSER_MOVABLE}). A user PTE's permissions are its VMA's, as
 * {@code change_protection} keeps them: it is gone when the VMA no longer covers it
 * ({@code unmap_region}). The zero page of a first read is not modelled: every first touch
 * allocates as a write fault does. That stand-in is used only when {@code armmm.model.mm} has no
 * page tables (no {@code UserMemory}); otherwise the user half is uspace's own: the pgd is
 * {@link Processes#pgdPhys} ({@code mm->pgd} of arch/arm/mm/pgd.c {@code pgd_alloc}, allocated
 * once, by uspace), a walk is {@link Processes#translate} with TTBR0 = that pgd, and a fault is
 * uspace's {@code do_page_fault} ({@link Processes#touch}) followed by the retried walk.
 */
public final class ProcessTables implements PageTables {
    /** {@code TASK_SIZE} with VMSPLIT_3G: PAGE_OFFSET - 16 MiB (arch/arm/include/asm/memory.h). */
    public static final long TASK_SIZE = UserLayoutConfig.TASK_SIZE;
    static final long PAGE = 4096;

    private final KernelPageTables kernel;
    private final Processes processes;
    private final PageAllocator pages;
    private final Map<Long, Long> pgds = new HashMap<>();
    private final Map<Long, TreeMap<Long, Long>> frames = new HashMap<>();
    private boolean userGlobal;
    /** Whether the user half is uspace's page tables ({@code Processes} with {@code UserMemory}). */
    private final boolean uspace;

    ProcessTables(KernelPageTables kernel, Processes processes, PageAllocator pages) {
        this.kernel = kernel;
        this.processes = processes;
        this.pages = pages;
        this.uspace = processes != null && processes.memory() != null;
    }

    /**
     * {@code check_vmalloc_seq} (arch/arm/include/asm/mmu_context.h), which {@code switch_mm}
     * runs before loading TTBR0: uspace copies the vmalloc pgd entries the mm lags behind.
     */
    void checkVmallocSeq(long mm) {
        if (uspace) {
            processes.checkVmallocSeq(mm);
        }
    }

    /** Whether the user half walks uspace's tables (else this class's stand-in frames). */
    boolean uspace() {
        return uspace;
    }

    /** The kernel PTEs (by address) the current call wrote. */
    long[] kernelPtesWritten() {
        return kernel.touchedPtes();
    }

    /** Plants {@link TlbBug#USER_PTE_GLOBAL}: user PTEs written without nG. */
    void userGlobal(boolean on) {
        userGlobal = on;
    }

    @Override
    public Walk walkKernel(long va) {
        Translation t = kernel.translate(va, Access.READ, Privilege.KERNEL);
        if (!(t instanceof Translation.Mapped m)) {
            return null;
        }
        long size = switch (m.entry()) {
            case SMALL_PAGE -> 1L << 12;
            case LARGE_PAGE -> 1L << 16;
            case SECTION -> 1L << 20;
            case SUPERSECTION -> 1L << 24;
        };
        return new Walk(va & -size, size, m.pa() & -size, !m.notGlobal(), m.ap(), m.xn());
    }

    @Override
    public Walk walkUser(long mm, long va) {
        if (uspace) {
            return uspaceWalk(mm, va);
        }
        TreeMap<Long, Long> f = frames.get(mm);
        Long pfn = f == null ? null : f.get(va / PAGE);
        if (pfn == null) {
            return null;
        }
        Vma vma = vmaAt(mm, va);
        // PROT_NONE leaves the PTE without L_PTE_PRESENT for the hardware (L_PTE_NONE)
        if (vma == null || (vma.flags() & (VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_EXEC)) == 0) {
            return null;
        }
        int ap = (vma.flags() & VmFlags.VM_WRITE) != 0 ? Walk.AP_USER_RW : Walk.AP_USER_RO;
        return new Walk(va & -PAGE, PAGE, pfn * PAGE, userGlobal, ap, (vma.flags() & VmFlags.VM_EXEC) == 0);
    }

    @Override
    public long pgd(long mm) {
        return uspace ? processes.pgdPhys(mm) : pgds.getOrDefault(mm, -1L);
    }

    /**
     * The hardware walk of a user address through uspace's tables (a TLB fill reads what the MMU
     * would: a PTE without young or present has no hardware entry). The permissions cached are
     * the descriptor's, whatever access made the walk.
     */
    private Walk uspaceWalk(long mm, long va) {
        if (!(processes.translate(mm, va, Access.READ, Privilege.USER) instanceof Translation.Mapped m)) {
            // a read the user may not do: the entry may still exist (a kernel-only or no-access AP)
            Translation k = processes.translate(mm, va, Access.READ, Privilege.KERNEL);
            if (!(k instanceof Translation.Mapped km)) {
                return null;
            }
            return toWalk(va, km);
        }
        return toWalk(va, m);
    }

    private Walk toWalk(long va, Translation.Mapped m) {
        long size = switch (m.entry()) {
            case SMALL_PAGE -> 1L << 12;
            case LARGE_PAGE -> 1L << 16;
            case SECTION -> 1L << 20;
            case SUPERSECTION -> 1L << 24;
        };
        return new Walk(va & -size, size, m.pa() & -size, userGlobal || !m.notGlobal(), m.ap(), m.xn());
    }

    private Vma vmaAt(long mm, long va) {
        MmStruct s = processes.mm(mm);
        Vma v = s == null ? null : s.findVma(va);
        return v != null && v.start() <= va ? v : null;
    }

    /** {@code mm_alloc_pgd}: the new mm's first-level table (order 2); false when none could be had. */
    boolean pgdAlloc(long mm, int cpu) {
        if (uspace) {
            // uspace's mm_create and fork allocated it (pgd_alloc); nothing to allocate twice
            return processes.pgdPhys(mm) >= 0;
        }
        long pfn = pages.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.ZERO, 2, cpu);
        if (pfn < 0) {
            return false;
        }
        pgds.put(mm, pfn * PAGE);
        frames.put(mm, new TreeMap<>());
        return true;
    }

    /** {@code pgd_free} at {@code __mmdrop}. */
    void pgdFree(long mm, int cpu) {
        if (uspace) {
            return; // uspace's exit_mm freed it
        }
        Long pgd = pgds.remove(mm);
        if (pgd != null) {
            pages.freePagesPfn(pgd / PAGE, 2, cpu);
        }
        frames.remove(mm);
    }

    /**
     * {@code handle_mm_fault} of a user access the walk could not translate: a page of a VMA that
     * allows the access gets a frame; null when done, else the signal the kernel would deliver.
     */
    String fault(long mm, long va, Access access, int cpu) {
        if (uspace) {
            // do_page_fault (arch/arm/mm/fault.c) through uspace's handle_mm_fault; the retry is the caller's walk
            armmm.model.core.Result r = processes.touch(mm, va, access);
            return r instanceof armmm.model.core.Result.Refused ref ? ref.report().replaceFirst("^touch: ", "") : null;
        }
        Vma vma = vmaAt(mm, va);
        long need = switch (access) {
            case READ -> VmFlags.VM_READ;
            case WRITE -> VmFlags.VM_WRITE;
            case EXEC -> VmFlags.VM_EXEC;
        };
        if (vma == null) {
            return "SIGSEGV (SEGV_MAPERR)";
        }
        if ((vma.flags() & need) == 0) {
            return "SIGSEGV (SEGV_ACCERR)";
        }
        TreeMap<Long, Long> f = frames.get(mm);
        if (f == null) {
            return "SIGSEGV (no pgd)";
        }
        if (!f.containsKey(va / PAGE)) {
            long pfn = pages.allocPagesPfn(Gfp.GFP_HIGHUSER_MOVABLE, 0, cpu);
            if (pfn < 0) {
                return "VM_FAULT_OOM";
            }
            f.put(va / PAGE, pfn);
        }
        return null;
    }

    /**
     * The pages of {@code mm} in {@code [start, end)} no VMA covers any more, removed
     * ({@code unmap_region}'s zap after {@code brk} shrank the heap); {@code span} receives the
     * lowest and the highest end address removed.
     */
    List<Long> zapUnmapped(long mm, long start, long end, long[] span) {
        List<Long> freed = new ArrayList<>();
        TreeMap<Long, Long> f = frames.get(mm);
        if (f == null || end <= start) {
            return freed;
        }
        var range = f.subMap(start / PAGE, true, (end - 1) / PAGE, true);
        for (var it = range.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (vmaAt(mm, e.getKey() * PAGE) == null) {
                freed.add(e.getValue());
                span[0] = Math.min(span[0], e.getKey() * PAGE);
                span[1] = Math.max(span[1], e.getKey() * PAGE + PAGE);
                it.remove();
            }
        }
        return freed;
    }

    /** Every page of {@code mm} in {@code [start, end)}, removed ({@code zap_page_range} of munmap or MAP_FIXED). */
    List<Long> zapRange(long mm, long start, long end) {
        List<Long> freed = new ArrayList<>();
        TreeMap<Long, Long> f = frames.get(mm);
        if (f == null || end <= start) {
            return freed;
        }
        var range = f.subMap(start / PAGE, true, (end - 1) / PAGE, true);
        freed.addAll(range.values());
        range.clear();
        return freed;
    }

    /** Every frame of {@code mm} ({@code exit_mmap}), removed. */
    List<Long> zapAll(long mm) {
        TreeMap<Long, Long> f = frames.get(mm);
        List<Long> freed = f == null ? new ArrayList<>() : new ArrayList<>(f.values());
        if (f != null) {
            f.clear();
        }
        return freed;
    }

    /** Frees user frames after the TLB flush that made them unreachable ({@code tlb_finish_mmu}). */
    void freeFrames(List<Long> pfns, int cpu) {
        for (long pfn : pfns) {
            pages.freePagesPfn(pfn, 0, cpu);
        }
    }
}
