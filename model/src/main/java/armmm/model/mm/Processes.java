package armmm.model.mm;

import armmm.model.core.Result;
import armmm.model.core.Values;
import armmm.model.mmu.Access;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The processes of the modelled kernel, each an {@link MmStruct} ({@code struct mm_struct},
 * include/linux/mm_types.h), named by a handle as a scenario holds a task: {@code mm_create}
 * is what {@code execve} of a small static binary leaves ({@code mm_alloc},
 * {@code arch_pick_mmap_layout}, {@code setup_arg_pages}; fs/exec.c, fs/binfmt_elf.c), and
 * {@code exit_mm} drops it ({@code mmput}, kernel/fork.c). The layout's randomness comes from one
 * seeded {@link RandomSource}, drawn in creation order, so a run replays exactly.
 */
public final class Processes {
    /** The end of a small static binary's bss, where the heap starts before randomisation. */
    static final long ELF_BRK = 0x00022000L;
    /** The stack {@code setup_arg_pages} leaves: 128 KiB plus the argument page ({@code stack_expand}). */
    static final long STACK_BYTES = 0x21000L;

    private final UserLayoutConfig config;
    private final RandomSource random;
    private final Set<VmaDefect> defects;
    private final Map<Long, MmStruct> mms = new LinkedHashMap<>();
    /** The VMA invariants' change signal (the checks' bookkeeping, see {@link VmaSignal}). */
    final VmaSignal vmaSignal = new VmaSignal();
    /** What each VMA invariant last found in each mm (the checks' bookkeeping, see {@link VmaCheckMemo}). */
    final VmaCheckMemo vmaMemo = new VmaCheckMemo(VmaChecks.ALL.size());
    private final Map<Long, MmTables> tables = new HashMap<>();
    /**
     * {@code mm->mm_count} of every mm whose pgd is still allocated: one for {@code mm_users}
     * while the mm lives, plus one per {@link #mmgrab}. An exited mm stays here (its tables
     * empty, its pgd allocated) until the last {@link #mmdrop}: {@code __mmdrop} frees the pgd.
     */
    private final Map<Long, Integer> mmCount = new HashMap<>();
    private final UserMemory memory;
    private final long seed;
    private long nextId = 1;
    private long nextShmem = 1;
    /** {@code nr_cpu_ids}: the CPUs a calling task can run on ({@code cpu=N}). */
    private int nrCpuIds = 1;
    /** Which mm each CPU runs ({@code active_mm}, -1 for none yet), when a TLB model keeps CPUs; else null. */
    private java.util.function.IntToLongFunction runningMm;
    /** The TLB in front of the fault handler, when a TLB model keeps CPUs; else null. */
    private UserAccessPath userAccess;
    /** Who holds CPUs and mmap_locks between steps ({@link #holder}), or null. */
    private Holder holder;

    /**
     * @param config  the build's and sysctls' layout facts
     * @param seed    the seed of {@code get_random_long}
     * @param defects the seeded bugs every mm is built with
     */
    public Processes(UserLayoutConfig config, long seed, Set<VmaDefect> defects) {
        this(config, seed, defects, null);
    }

    /**
     * Processes with page tables: each mm gets a pgd from {@code memory}'s page allocator and
     * its faults, forks and exits take and give back frames there.
     */
    public Processes(UserLayoutConfig config, long seed, Set<VmaDefect> defects, UserMemory memory) {
        this.config = config;
        this.seed = seed;
        this.random = RandomSource.seeded(seed);
        this.defects = defects.isEmpty() ? EnumSet.noneOf(VmaDefect.class) : EnumSet.copyOf(defects);
        this.memory = memory;
    }

    /** Calls of this state's mutating methods so far (see {@link #changeCount}). */
    private long changes;
    /** Writes to {@link #mms} and {@link #tables} so far (see {@link #liveChanges}). */
    private long liveChanges;
    /** The change counts of the mms that have exited, so that {@link #changeCount} never goes back. */
    private long retiredChanges;

    /**
     * The mm subsystem's change signal for the per-step checks: the calls of this state's
     * mutating methods plus those of every mm's own ({@link MmStruct#changeCount}), counting the
     * exited mms' too so that the sum only grows. It moves whenever a VMA, a user page table or
     * a user page may have changed through this state.
     */
    public long changeCount() {
        long sum = changes + retiredChanges;
        for (MmStruct mm : mms.values()) {
            sum += mm.changeCount();
        }
        return sum;
    }

    /** Sets {@code nr_cpu_ids}, the board's CPUs (the subsystem's create). */
    void nrCpuIds(int cpus) {
        nrCpuIds = Math.max(1, cpus);
    }

    /**
     * Hands over which mm each CPU runs ({@code active_mm}, -1 before its first switch): the TLB
     * model of another subsystem, which owns the CPUs' registers, says it.
     */
    public void runningMm(java.util.function.IntToLongFunction perCpu) {
        runningMm = perCpu;
    }

    /**
     * Installs the TLB in front of the fault handler ({@link UserAccessPath}): the TLB model of
     * another subsystem, which owns the CPUs, does it; without one {@code touch} enters the fault
     * handler directly.
     */
    public void userAccessPath(UserAccessPath path) {
        userAccess = path;
    }

    /**
     * {@code touch MM VA ACCESS cpu=N}: refused on a CPU that runs another mm ({@link #checkRunsOn});
     * on the CPU that runs {@code handle}, through the installed {@link UserAccessPath} (TLB, walk,
     * fault handler); else, and for what is no user access of a live mm with page tables, the fault
     * handler as the hardware would enter it ({@link #touch}).
     */
    Result touchOn(long handle, long va, Access access, int cpu) {
        Result elsewhere = checkRunsOn(handle, cpu);
        if (elsewhere != null) {
            return elsewhere;
        }
        if (userAccess != null && mms.containsKey(handle) && tables.containsKey(handle) && va >= 0
                && va < config.taskSize()) {
            // the TLB path consults the holder itself: a TLB hit or a walk needs no lock, the fault does
            Result r = userAccess.access(handle, va, access, cpu, () -> touch(handle, va, access));
            if (r != null) {
                return r;
            }
        }
        Result held = checkHeld("touch", handle, cpu, true);
        return held != null ? held : touch(handle, va, access);
    }

    /**
     * Who holds a CPU or an {@code mmap_lock} between steps (a call begun and not yet returned,
     * which the TLB model of another subsystem steps): null when {@code call} of a task of
     * {@code mm} on {@code cpu} may run now, else why it cannot. {@code fault} says the call takes
     * {@code mmap_lock} for reading only ({@code do_page_fault}), which a holder that downgraded
     * its write lock ({@code __vm_munmap}) lets through.
     */
    @FunctionalInterface
    public interface Holder {
        /** Null when the call may run; else the reason it waits. */
        String blocks(String call, long mm, int cpu, boolean fault);
    }

    /** Hands over who holds CPUs and {@code mmap_lock}s between steps (the TLB model; none by default). */
    public void holder(Holder h) {
        holder = h;
    }

    /** Null when a task can call {@code call} on {@code cpu}; else the refusal (no such CPU). */
    Result checkCpu(String call, int cpu) {
        return cpu < 0 || cpu >= nrCpuIds
                ? Result.refused(call + ": cpu " + cpu + " is not possible (nr_cpu_ids " + nrCpuIds + ")") : null;
    }

    /** Null when {@code call} on {@code mm} from {@code cpu} can run now; else the refusal ({@link Holder}). */
    Result checkHeld(String call, long mm, int cpu, boolean fault) {
        String why = holder == null ? null : holder.blocks(call, mm, cpu, fault);
        return why == null ? null : Result.refused(call + ": " + why);
    }

    /**
     * Null when a task of {@code mm} can run user code on {@code cpu}; else the refusal. A task
     * runs on a CPU only after {@code context_switch} loaded its mm there ({@code switch_mm},
     * kernel/sched/core.c), so a user-mode access from a CPU whose {@code active_mm} is another mm
     * is one the kernel cannot make. A CPU that has run no mm yet (a scenario that never
     * switches) is not checked.
     */
    Result checkRunsOn(long mm, int cpu) {
        long running = runningMm == null ? -1 : runningMm.applyAsLong(cpu);
        return running >= 0 && running != mm
                ? Result.refused(String.format("touch: cpu %d runs mm %d, not mm %d: a task runs user code on a CPU only"
                        + " after switch_mm to its mm", cpu, running, mm)) : null;
    }

    /** The seed of {@code get_random_long} this kernel's layouts are drawn from. */
    public long seed() {
        return seed;
    }

    /** The page-table side shared by every mm, or null for VMAs alone. */
    public UserMemory memory() {
        return memory;
    }

    /**
     * Changes of the set of live mms and of their page tables so far: every write to
     * {@link #mms} or {@link #tables} counts. The user page-table checks' own bookkeeping
     * ({@code UptShadow}) re-lists the mms only when it moved; no kernel counterpart.
     */
    long liveChanges() {
        return liveChanges;
    }

    /** {@code handle}'s tables and RSS counters, or null (no such mm, or no page tables in this kernel). */
    MmTables mmTables(long handle) {
        return tables.get(handle);
    }

    /** {@code handle}'s page tables, or null (no such mm, or no page tables in this kernel). */
    public UserPageTables pageTables(long handle) {
        MmTables t = tables.get(handle);
        return t == null ? null : t.pt;
    }

    /**
     * The TLB model's entry point: {@code mm->pgd}'s physical address (what {@code switch_mm}
     * writes to TTBR0), or -1 when {@code handle} is no live mm with page tables.
     */
    public long pgdPhys(long handle) {
        MmTables t = tables.get(handle);
        return t == null ? -1 : t.pt.pgdPhys();
    }

    /**
     * The hardware walk of {@code va} in {@code handle}'s address space (TTBR0 = its pgd), as a
     * TLB fill would do it; null when there is no such mm. Changes nothing.
     */
    public Translation translate(long handle, long va, Access access, Privilege mode) {
        MmTables t = tables.get(handle);
        return t == null ? null : t.pt.translate(va, access, mode);
    }

    /**
     * A call starts: the last call's TLB flush records and every mm's mprotect record are forgotten. {@code Kernel.apply} does
     * this through {@code MmSubsystem.beforeStep}; a caller driving this state directly (a
     * benchmark, a plain-model test) calls it itself.
     */
    public void beginCall() {
        for (MmStruct mm : mms.values()) {
            mm.beginCall();
        }
        if (memory != null) {
            memory.beginStep();
        }
    }

    /** The TLB flushes the current call made (every mm), in order. */
    public java.util.List<TlbFlush> tlbFlushes() {
        return memory == null ? java.util.List.of() : memory.flushes();
    }

    /** {@code MM_ANONPAGES} of {@code handle}. */
    public long anonRss(long handle) {
        MmTables t = tables.get(handle);
        return t == null ? 0 : t.anonRss;
    }

    /** {@code MM_SHMEMPAGES} of {@code handle}. */
    public long shmemRss(long handle) {
        MmTables t = tables.get(handle);
        return t == null ? 0 : t.shmemRss;
    }

    /**
     * {@code check_vmalloc_seq} (arch/arm/include/asm/mmu_context.h), which {@code switch_mm}
     * runs before loading TTBR0: when the mm's {@code vmalloc_seq} is behind init_mm's, copy the
     * vmalloc pgd entries. For the TLB model's {@code switch_mm}; false when there is no such mm.
     */
    public boolean checkVmallocSeq(long handle) {
        changes++;
        MmTables t = tables.get(handle);
        if (t == null) {
            return false;
        }
        if (t.pt.vmallocSeq() != memory.vmallocSeq()) {
            t.pt.syncVmalloc(memory.vmallocStart, memory.vmallocEnd, memory.vmallocSeq());
        }
        return true;
    }

    /** The layout facts every mm shares. */
    public UserLayoutConfig config() {
        return config;
    }

    /** The live mms by handle, in creation order. */
    public Map<Long, MmStruct> mms() {
        return Collections.unmodifiableMap(mms);
    }

    /** The mm named {@code handle}, or null. */
    public MmStruct mm(long handle) {
        return mms.get(handle);
    }

    /** {@code mm_create RLIMIT_STACK}: a new mm as exec leaves it; its handle. */
    public Result mmCreate(long rlimitStack) {
        changes++;
        if (rlimitStack < 0 || rlimitStack > ExecParams.RLIM_INFINITY) {
            return Result.refused("mm_create: rlimit_stack 0x" + Long.toHexString(rlimitStack) + " is not an rlim_t");
        }
        UserLayout layout = MmapLayout.pick(config, new ExecParams(rlimitStack, 0, ELF_BRK), random);
        long pgd = -1;
        if (memory != null) {
            pgd = memory.allocPgd();
            if (pgd < 0) {
                // mm_init: pgd_alloc failed, execve returns -ENOMEM
                return Result.refused("mm_create: -ENOMEM");
            }
        }
        long id = nextId++;
        MmStruct mm = MmStruct.exec(config, layout, STACK_BYTES, defects);
        mm.rlimitStack(rlimitStack);
        mm.shmemIds(() -> nextShmem++);
        liveChanges++;
        mms.put(id, mm);
        if (memory != null) {
            // mm_alloc zeroes the mm: context.vmalloc_seq starts at 0, whatever pgd_alloc copied
            liveChanges++;
            tables.put(id, new MmTables(id, mm, UserPageTables.pgdAlloc(pgd << 12, memory.swapper, 0, copyWords()), memory));
            mmCount.put(id, 1);
        }
        return Result.of(id);
    }

    private int copyWords() {
        return 2 * (armmm.model.mmu.Pgtable2Level.PTRS_PER_PGD - UserPageTables.USER_PTRS_PER_PGD);
    }

    /** {@code exit_mm}: the last user drops the mm ({@code mmput}, {@code exit_mmap}). */
    public Result exitMm(long handle) {
        changes++;
        liveChanges++;
        MmStruct mm = mms.remove(handle);
        if (mm == null) {
            return noMm("exit_mm", handle);
        }
        retiredChanges += mm.changeCount();
        MmTables t = tables.get(handle);
        if (t != null) {
            teardown(t, mm);
            reapShmem();
            // mmput's mmdrop of mm_users' reference on mm_count (the mm is out of mms already)
            mmdrop(handle);
        }
        return Result.of(0);
    }

    /**
     * {@code mmgrab} (include/linux/sched/mm.h): one more reference on {@code mm_count}, as
     * {@code exit_mm} takes for the exiting task's lazy {@code active_mm} and
     * {@code context_switch} (kernel/sched/core.c) for a kernel thread borrowing the previous
     * task's mm. False when the mm's pgd is already freed.
     */
    public boolean mmgrab(long handle) {
        Integer n = mmCount.get(handle);
        if (n == null) {
            return false;
        }
        mmCount.put(handle, n + 1);
        return true;
    }

    /**
     * {@code mmdrop}: one reference on {@code mm_count} less; at zero {@code __mmdrop}
     * (kernel/fork.c) frees the pgd ({@code mm_free_pgd}, {@code pgd_free} of arch/arm/mm/pgd.c).
     * A CPU still running an exited mm (lazy TLB) holds a reference, so its TTBR0 keeps pointing
     * at an allocated pgd until it switches away.
     */
    public void mmdrop(long handle) {
        Integer n = mmCount.get(handle);
        if (n == null || (n == 1 && mms.containsKey(handle))) {
            // no such pgd, or mm_users' own reference, which only exit_mm's mmput drops
            return;
        }
        if (n > 1) {
            mmCount.put(handle, n - 1);
            return;
        }
        mmCount.remove(handle);
        liveChanges++;
        memory.free(tables.remove(handle).pt.pgdPhys() >>> 12, 2);
    }

    /** {@code mm_count} of {@code handle}, 0 when its pgd is freed (or it never had page tables). */
    public int mmCount(long handle) {
        return mmCount.getOrDefault(handle, 0);
    }

    /**
     * {@code exit_mmap}: {@code unmap_vmas} over every VMA, {@code free_pgtables} from
     * {@code FIRST_USER_ADDRESS} to {@code USER_PGTABLES_CEILING}, and the full-mm TLB flush
     * (none for an mm without a VMA: mm/mmap.c returns before gathering). The
     * pgd stays: {@code pgd_free} is {@code __mmdrop}'s, when {@code mm_count} reaches zero.
     */
    private void teardown(MmTables t, MmStruct mm) {
        java.util.List<Vma> all = mm.vmas();
        for (Vma v : all) {
            t.zap(v.start(), v.end());
            memory.removedVmaFile(v.file());
        }
        if (!all.isEmpty()) {
            t.freePgtables(all, config.firstUserAddress(), config.taskSize());
            // an mm with no VMA returns before tlb_gather_mmu_fullmm: no tlb_finish_mmu, no flush
            memory.flush(t.handle, TlbFlush.Kind.MM, 0, config.taskSize(), TlbFlush.Site.EXIT_MMAP);
        }
    }

    /**
     * {@code tlb_flush_mmu_free} and the {@code fput}s after a begun call's flush completed: the
     * gathered frames go back to the buddy allocator, the files of the removed VMAs are released,
     * and a shmem file nothing maps any more loses its page cache.
     */
    public void finishGather(MmuGather g) {
        for (long pfn : g.pfns) {
            memory.free(pfn, 0);
        }
        for (long file : g.files) {
            memory.unpin(file);
        }
        reapShmem();
    }

    /** Shmem files no live VMA maps (and no begun call's gather keeps open) lose their page cache (the last {@code fput}). */
    private void reapShmem() {
        if (memory == null || !memory.userPages.hasCachedFiles()) {
            return;
        }
        Set<Long> live = new HashSet<>();
        for (MmStruct mm : mms.values()) {
            for (Vma v : mm.vmas()) {
                if (v.file() != 0) {
                    live.add(v.file());
                }
            }
        }
        for (Long file : new java.util.ArrayList<>(memory.userPages.cachedFiles())) {
            if (!live.contains(file) && !memory.pinned(file)) {
                for (long pfn : memory.userPages.dropFile(file)) {
                    memory.freeAfterFlush(pfn);
                }
            }
        }
    }

    /**
     * {@code fork}'s {@code dup_mm} (kernel/fork.c): a new pgd, a copy of every VMA, and
     * {@code copy_page_range} for the private ones that have pages ({@code vma_needs_copy}: a
     * shared anonymous VMA's child faults the shmem pages in again): each present PTE is
     * copied old ({@code pte_mkold}), an anonymous page gains a reference and a map count and
     * stops being exclusive, and a writable PTE of a copy-on-write mapping is write-protected in
     * both. The parent's TLB is flushed ({@code flush_tlb_mm} at the end of {@code dup_mmap}).
     * The child's handle, or -ENOMEM with nothing left behind.
     */
    public Result fork(long handle) {
        changes++;
        MmStruct parent = mms.get(handle);
        if (parent == null) {
            return noMm("fork", handle);
        }
        MmStruct child = parent.dup();
        child.shmemIds(() -> nextShmem++);
        MmTables pt = tables.get(handle);
        if (memory == null || pt == null) {
            long id = nextId++;
            liveChanges++;
            mms.put(id, child);
            return Result.of(id);
        }
        long pgd = memory.allocPgd();
        if (pgd < 0) {
            return Result.refused("fork: -ENOMEM");
        }
        long id = nextId++;
        // dup_mm copies the parent's mm_struct, context.vmalloc_seq included
        MmTables ct = new MmTables(id, child, UserPageTables.pgdAlloc(pgd << 12, memory.swapper, pt.pt.vmallocSeq(),
                copyWords()), memory);
        for (Vma v : parent.vmas()) {
            if ((v.flags() & VmFlags.VM_SHARED) == 0 && !copyPteRange(pt, ct, v)) {
                // dup_mmap flushes the parent on its way out, failed or not; only then does
                // dup_mm's free_pt drop the child (mmput, exit_mmap) (kernel/fork.c)
                memory.flush(handle, TlbFlush.Kind.MM, 0, config.taskSize(), TlbFlush.Site.DUP_MMAP);
                teardown(ct, child);
                memory.free(ct.pt.pgdPhys() >>> 12, 2); // the child's mm never lived: mmput drops it at once
                return Result.refused("fork: -ENOMEM");
            }
        }
        memory.flush(handle, TlbFlush.Kind.MM, 0, config.taskSize(), TlbFlush.Site.DUP_MMAP);
        liveChanges++;
        mms.put(id, child);
        liveChanges++;
        tables.put(id, ct);
        mmCount.put(id, 1);
        return Result.of(id);
    }

    /** {@code copy_pte_range} for one private VMA: false when a PTE page could not be had. */
    private boolean copyPteRange(MmTables src, MmTables dst, Vma v) {
        boolean cow = (v.flags() & (VmFlags.VM_SHARED | VmFlags.VM_MAYWRITE)) == VmFlags.VM_MAYWRITE;
        for (long va = v.start(); va < v.end(); va += UserLayoutConfig.PAGE_SIZE) {
            if (src.pt.ptePfn(va) < 0) {
                va = (va & -(1L << 21)) + (1L << 21) - UserLayoutConfig.PAGE_SIZE;
                continue;
            }
            int pte = src.pt.linuxPte(va);
            if (pte == 0) {
                continue;
            }
            if (dst.pt.ptePfn(va) < 0) {
                long table = memory.allocPteTable();
                if (table < 0) {
                    return false;
                }
                dst.pt.populate(va, table);
            }
            long pfn = Integer.toUnsignedLong(pte) >>> 12;
            if (pfn != memory.zeroPfn && memory.userPages.tracks(pfn)) {
                memory.userPages.map(pfn);
                memory.userPages.page(pfn).exclusive = false;
                dst.anonRss++;
            }
            if (cow && (pte & armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY) == 0) {
                pte |= armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;
                if (!memory.has(PgtableDefect.FORK_PARENT_STAYS_WRITABLE)) {
                    src.pt.setPteAt(va, pte, false);
                }
            }
            dst.pt.setPteAt(va, pte & ~armmm.model.mmu.Pgtable2Level.L_PTE_YOUNG, false);
        }
        return true;
    }

    /** {@code touch MM VA ACCESS}: a user-mode access, faulting as the kernel would. */
    public Result touch(long handle, long va, Access access) {
        MmTables t = tables.get(handle);
        if (!mms.containsKey(handle)) {
            return noMm("touch", handle);
        }
        if (t == null) {
            return Result.refused("touch: no page tables in this kernel");
        }
        if (va < 0 || va > 0xffffffffL) {
            return Result.refused("touch: not a 32-bit virtual address");
        }
        // an access the tables already allow is the hardware walk alone, which writes nothing
        // (translate changes nothing): only a fault moves the change signal
        Translation first = t.pt.translate(va, access, Privilege.USER);
        if (!(first instanceof Translation.Mapped)) {
            changes++;
        }
        return PageFault.touch(t, va, access, first);
    }

    /**
     * {@code kernel_touch MM VA}: the kernel reads {@code va} while {@code handle}'s tables are
     * loaded (a syscall on that process's behalf). A translation fault at a kernel address whose
     * pmd init_mm has is {@code do_translation_fault}'s lazy copy of that pmd (the vmalloc lag);
     * the physical address, or the oops the kernel would print.
     */
    public Result kernelTouch(long handle, long va) {
        changes++;
        MmTables t = tables.get(handle);
        if (!mms.containsKey(handle)) {
            return noMm("kernel_touch", handle);
        }
        if (t == null) {
            return Result.refused("kernel_touch: no page tables in this kernel");
        }
        if (va < config.taskSize() || va > 0xffffffffL) {
            return Result.refused("kernel_touch: not a kernel address (TASK_SIZE and up)");
        }
        Translation tr = t.pt.translate(va, Access.READ, Privilege.KERNEL);
        if (tr instanceof Translation.Fault f && f.kind() == armmm.model.mmu.FaultKind.TRANSLATION) {
            long word = memory.swapper.l1At(va);
            if (word != 0) {
                t.pt.copyPmd(va, !memory.has(PgtableDefect.VMALLOC_SYNC_ONE_WORD));
                tr = t.pt.translate(va, Access.READ, Privilege.KERNEL);
            }
        }
        if (tr instanceof Translation.Mapped m) {
            return Result.of(m.pa());
        }
        Translation.Fault f = (Translation.Fault) tr;
        return new Result.Refused(f.level() + " " + f.kind().spelling() + " fault",
                String.format("Unable to handle kernel paging request at virtual address %08x: %s", va, f.describe()));
    }

    /** {@code mmap(addr, len, prot, flags, -1, 0)} in {@code handle}'s mm. */
    public Result mmap(long handle, long addr, long len, long prot, long flags) {
        changes++;
        MmStruct mm = mms.get(handle);
        if (mm == null) {
            return noMm("mmap", handle);
        }
        if (prot > 0xffffffffL || flags > 0xffffffffL || prot < 0 || flags < 0) {
            return Result.refused("mmap: -EINVAL");
        }
        Result wide = notUnsignedLong("mmap", addr, len);
        if (wide != null) {
            return wide;
        }
        Result r = result("mmap", mm.mmap(addr, len, (int) prot, (int) flags));
        reapShmem();
        return r;
    }

    /** {@code munmap(addr, len)}. */
    public Result munmap(long handle, long addr, long len) {
        changes++;
        MmStruct mm = mms.get(handle);
        if (mm == null) {
            return noMm("munmap", handle);
        }
        Result wide = notUnsignedLong("munmap", addr, len);
        if (wide != null) {
            return wide;
        }
        Result r = result("munmap", mm.munmap(addr, len));
        reapShmem();
        return r;
    }

    /** {@code mprotect(addr, len, prot)}. */
    public Result mprotect(long handle, long addr, long len, long prot) {
        changes++;
        MmStruct mm = mms.get(handle);
        if (mm == null) {
            return noMm("mprotect", handle);
        }
        if (prot < 0 || prot > 0xffffffffL) {
            return Result.refused("mprotect: -EINVAL");
        }
        Result wide = notUnsignedLong("mprotect", addr, len);
        if (wide != null) {
            return wide;
        }
        return result("mprotect", mm.mprotect(addr, len, (int) prot));
    }

    /** {@code brk(addr)}: the new break, or the old one when refused (the system call never fails). */
    public Result brk(long handle, long addr) {
        changes++;
        MmStruct mm = mms.get(handle);
        if (mm == null) {
            return noMm("brk", handle);
        }
        Result wide = notUnsignedLong("brk", addr, 0);
        return wide != null ? wide : Result.of(mm.brk(addr));
    }

    /**
     * Null when both values fit the system call's {@code unsigned long} (32 bits on ARM32: a
     * register); else the refusal, since no ARM32 task can pass a wider value and the model's
     * mm code takes only 32-bit arguments.
     */
    private static Result notUnsignedLong(String call, long a, long b) {
        for (long v : new long[] {a, b}) {
            if (v < 0 || v > 0xffffffffL) {
                return Result.refused(call + ": " + Values.hex(v) + " does not fit an unsigned long (32 bits on ARM32)");
            }
        }
        return null;
    }

    private static Result result(String call, MmResult r) {
        return r.isOk() ? Result.of(r.value()) : Result.refused(call + ": -" + r.error().name());
    }

    private static Result noMm(String call, long handle) {
        return Result.refused(call + ": 0x" + Long.toHexString(handle) + " is no live mm");
    }
}
