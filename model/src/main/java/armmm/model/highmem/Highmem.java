package armmm.model.highmem;

import armmm.model.core.Result;
import armmm.model.layout.Layout;
import armmm.model.mmu.KernelPageTables;
import armmm.model.page.MemMapLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The highmem subsystem's state: the persistent kmaps ({@link Pkmap}), the per-task kmap_local
 * stacks ({@link KmapLocal}), the struct page layout that turns a {@code struct page *} into a
 * frame, and the TLB flushes each call asked for ({@link #flushEvents()}). The calls of
 * {@code mm/highmem.c} and {@code include/linux/highmem*.h} run here and return {@link Result}s.
 */
public final class Highmem {
    private final Pkmap pkmap;
    private final KmapLocal local;
    private final MemMapLayout memMap;
    private final KernelPageTables tables;
    private final long maxPfn;
    private final List<FlushEvent> events = new BoundedEvents();
    private boolean pkmapCall;
    private boolean localCall;
    private boolean switchCall;
    private Set<HighmemBug> bugs = EnumSet.noneOf(HighmemBug.class);
    private Lookup lastLookup;
    /** What the current call found, for INV-HIGHMEM-07 (read by the check's own code before the call). */
    private HighmemCallChecks.Before before;
    private HighmemCallChecks.Call lastCall;
    /** The checker's record of what a TLB may hold for each pkmap slot (INV-HIGHMEM-05), fed after each step. */
    private final PkmapTlbShadow tlbShadow = new PkmapTlbShadow();
    /** INV-MMU-05's incremental copy of the kernel half's mappings (the check's own, no kernel counterpart). */
    private NoDoubleMappingShadow noDoubleShadow;
    /** Counts the calls begun ({@link #beginStep}): INV-MMU-05 and 06 read the tables once per call. */
    private long steps;
    /**
     * Per fixmap slot, the frame + 1 the last {@code __set_fixmap} that mapped it named (0: none,
     * or cleared since): the callers' own record (patch_map's page, earlycon's base), since 6.1
     * keeps none beside the PTE. Kept from the calls' values, not from the PTE (INV-MMU-06).
     */
    private final long[] fixmapNamed = new long[armmm.model.mmu.Fixmap.END_OF_FIXED_ADDRESSES];
    /**
     * {@code vectors_page} (arch/arm/kernel/traps.c {@code early_trap_init}): the frame of the
     * vectors page {@code devicemaps_init} mapped at 0xffff0000 (the stubs page follows), read
     * once when this state is made after boot; -1 when nothing was mapped there.
     */
    private final long vectorsPfn;

    /**
     * A lookup call's result, kept for the step's check (INV-HIGHMEM-06).
     *
     * @param call   {@code kmap_to_page} or {@code page_address}
     * @param arg    its argument (an address, a struct page pointer)
     * @param result what it returned
     * @param cpu    the CPU it ran on
     */
    public record Lookup(String call, long arg, long result, int cpu, boolean finding) {
    }

    /**
     * @param tables   swapper_pg_dir with boot's pkmap and fixmap PTE tables
     * @param memMap   mem_map's layout: struct page pointers, {@code max_low_pfn}
     * @param pkmapBase {@code PKMAP_BASE} from the layout
     * @param maxPfn   one past the last frame
     * @param cpus     the CPUs
     */
    public Highmem(KernelPageTables tables, MemMapLayout memMap, long pkmapBase, long maxPfn, int cpus) {
        this.tables = tables;
        this.memMap = memMap;
        this.maxPfn = maxPfn;
        this.pkmap = new Pkmap(tables, pkmapBase, memMap.pageOffset(), memMap.physOffset(), memMap.maxLowPfn(), events);
        this.local = new KmapLocal(tables, pkmap, cpus, memMap.pageOffset(), events);
        // what boot allocated for vectors_page, not what the entry INV-MMU-06 judges maps
        this.vectorsPfn = tables.vectorsPage() < 0 ? -1 : tables.vectorsPage() >>> 12;
    }

    /** {@code vectors_page}'s frame, -1 when boot mapped none. */
    long vectorsPfn() {
        return vectorsPfn;
    }

    /** The calls begun so far. */
    long steps() {
        return steps;
    }

    /** The frame the last {@code __set_fixmap} of slot {@code idx} that mapped it named, -1 when none (or cleared since). */
    long fixmapNamed(int idx) {
        return fixmapNamed[idx] - 1;
    }

    /**
     * After a call: a {@code set_fixmap}/{@code set_fixmap_io} the kernel did not refuse names the
     * frame its slot is for; {@code clear_fixmap} names none.
     */
    void observeFixmapCall(armmm.model.subsystem.Op op, Result result) {
        if (result.isRefused()) {
            return;
        }
        if (op instanceof armmm.model.mmu.MmuOp.SetFixmap f) {
            fixmapNamed[(int) f.idx()] = (f.phys() >>> 12) + 1;
        } else if (op instanceof armmm.model.mmu.MmuOp.SetFixmapIo f) {
            fixmapNamed[(int) f.idx()] = (f.phys() >>> 12) + 1;
        } else if (op instanceof armmm.model.mmu.MmuOp.ClearFixmap c) {
            fixmapNamed[(int) c.idx()] = 0;
        }
    }

    /** Plants {@code planted}. */
    public void plant(Set<HighmemBug> planted) {
        bugs = planted.isEmpty() ? EnumSet.noneOf(HighmemBug.class) : EnumSet.copyOf(planted);
        pkmap.plant(bugs);
        local.plant(bugs);
    }

    /** INV-MMU-05's own record, made at its first check. */
    NoDoubleMappingShadow noDoubleShadow() {
        if (noDoubleShadow == null) {
            noDoubleShadow = new NoDoubleMappingShadow();
        }
        return noDoubleShadow;
    }

    /** The persistent kmaps. */
    public Pkmap pkmap() {
        return pkmap;
    }

    /** The kmap_local/kmap_atomic stacks. */
    public KmapLocal local() {
        return local;
    }

    /** mem_map's layout. */
    public MemMapLayout memMap() {
        return memMap;
    }

    /** swapper_pg_dir. */
    public KernelPageTables tables() {
        return tables;
    }

    /** One past the last frame ({@code max_pfn}). */
    public long maxPfn() {
        return maxPfn;
    }

    /** The TLB flushes the last call asked for, in order (for a TLB model to consume). */
    public List<FlushEvent> flushEvents() {
        return Collections.unmodifiableList(events);
    }

    /** The last call's lookup, or null when it made none. */
    public Lookup lastLookup() {
        return lastLookup;
    }

    /**
     * The flushes of the current call. A caller that drives this state without
     * {@code Kernel.apply} (a benchmark) never starts a step: past {@link #MAX_EVENTS} the list
     * starts again rather than grow without bound.
     */
    private static final class BoundedEvents extends ArrayList<FlushEvent> {
        @Override
        public boolean add(FlushEvent e) {
            if (size() >= MAX_EVENTS) {
                clear();
            }
            return super.add(e);
        }
    }

    /** The most flush events kept (one call makes at most 2 * KM_MAX_IDX + 2). */
    public static final int MAX_EVENTS = 256;

    /** True when the current call is a persistent-kmap call ({@code kmap}, {@code kunmap}). */
    public boolean pkmapCallThisStep() {
        return pkmapCall;
    }

    /**
     * True when the current call is a context switch ({@code sched_out}, {@code sched_in}): the
     * kmap_local slots' owners change to the next task's levels, not always by a write (INV-MMU-06).
     */
    boolean switchCallThisStep() {
        return switchCall;
    }

    /** True when the current call is any other highmem call (kmap_local, kmap_atomic, lookups, helpers, scheduling). */
    public boolean localCallThisStep() {
        return localCall;
    }

    /** Before every kernel call: forget the last call's flushes and lookup; a buggy unmap's clear may run now. */
    void beginStep(HighmemOp op) {
        steps++;
        events.clear();
        pkmapCall = op instanceof HighmemOp.Kmap || op instanceof HighmemOp.Kunmap;
        localCall = op != null && !pkmapCall;
        switchCall = op instanceof HighmemOp.SchedIn || op instanceof HighmemOp.SchedOut;
        lastLookup = null;
        lastCall = null;
        local.beginStep(op != null && op.irq() ? op.cpu() : -1);
        before = op == null ? null : HighmemCallChecks.before(this, op);
    }

    /**
     * After every kernel call: a buggy unmap's clear that an interrupt ran in front of runs now;
     * then the checks' records take in the call: its result with what it found (INV-HIGHMEM-07),
     * and, when it concerned the pkmap area, its PTEs and flushes (INV-HIGHMEM-05).
     */
    void endStep(Result result) {
        local.endStep();
        lastCall = before == null ? null : new HighmemCallChecks.Call(before, result);
        before = null;
        if (HighmemChecks.concerns(this, true)) {
            tlbShadow.observe(tables, pkmap.pkmapBase(), events);
        }
    }

    /** The step's kmap or unmap call with what it found and returned, or null (INV-HIGHMEM-07). */
    HighmemCallChecks.Call lastCall() {
        return lastCall;
    }

    /** The checker's record of what a TLB may hold for each pkmap slot (INV-HIGHMEM-05). */
    PkmapTlbShadow tlbShadow() {
        return tlbShadow;
    }

    // ---- the calls ----------------------------------------------------------------------------

    /** The frame of struct page pointer {@code page}, or -1 when it is none of this kernel's. */
    private long pfnOf(long page) {
        long pfn = memMap.pageToPfn(page);
        return pfn < memMap.archPfnOffset() || pfn >= maxPfn ? -1 : pfn;
    }

    private static Result notAPage(String call, long page) {
        return Result.refused(String.format("%s: 0x%x is not a struct page", call, page));
    }

    private Result badCpu(int cpu) {
        return cpu < 0 || cpu >= local.cpus()
                ? Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + local.cpus() + ")") : null;
    }

    private boolean atomicContext(int cpu, boolean irq) {
        return irq || local.inAtomic(cpu);
    }

    /** {@code kmap(page)} on {@code cpu}, from an interrupt when {@code irq}. */
    public Result kmap(long page, int cpu, boolean irq) {
        Result bad = badCpu(cpu);
        long pfn = pfnOf(page);
        if (bad != null || pfn < 0) {
            return bad != null ? bad : notAPage("kmap", page);
        }
        KmapResult r = pkmap.kmap(pfn);
        boolean atomic = atomicContext(cpu, irq);
        if (r instanceof KmapResult.WouldBlock) {
            return atomic
                    ? new Result.Refused("scheduling while atomic",
                            "BUG: scheduling while atomic: kmap_high sleeps on pkmap_map_wait (every pkmap slot in use)")
                    : new Result.Refused("would block",
                            "kmap_high would sleep on pkmap_map_wait: every one of the " + Pkmap.LAST_PKMAP + " pkmap slots is in use");
        }
        long va = ((KmapResult.Mapped) r).vaddr();
        if (atomic && pkmap.pageHighMem(pfn)) {
            return Result.finding(va, "kmap of a highmem page in atomic context (" + (irq ? "hardirq" : "kmap_atomic held")
                    + "): 6.1 (CONFIG_DEBUG_ATOMIC_SLEEP off) says nothing unless kmap_high has to sleep");
        }
        return Result.of(va);
    }

    /**
     * Whether {@code kmap} or {@code kunmap} of struct page {@code page} takes {@code kmap_lock}:
     * a highmem page ({@code kmap_high}, {@code kunmap_high}); a lowmem one returns at once.
     */
    public boolean takesKmapLock(long page) {
        long pfn = pfnOf(page);
        return pfn >= 0 && pkmap.pageHighMem(pfn);
    }

    /** {@code kunmap(page)}. */
    public Result kunmap(long page, int cpu) {
        Result bad = badCpu(cpu);
        long pfn = pfnOf(page);
        if (bad != null || pfn < 0) {
            return bad != null ? bad : notAPage("kunmap", page);
        }
        String bug = pkmap.kunmap(pfn);
        return bug == null ? Result.VOID : new Result.Refused("kernel BUG", bug);
    }

    /** {@code kmap_atomic(page)} ({@code atomic}) or {@code kmap_local_page(page)}. */
    public Result kmapLocal(long page, int cpu, boolean atomic) {
        Result bad = badCpu(cpu);
        long pfn = pfnOf(page);
        if (bad != null || pfn < 0) {
            return bad != null ? bad : notAPage(atomic ? "kmap_atomic" : "kmap_local_page", page);
        }
        return pushed(local.kmapLocalPage(pfn, cpu, atomic));
    }

    private static Result pushed(long va) {
        if (va == -1) {
            return new Result.Refused("kernel BUG", "kernel BUG at mm/highmem.c: kmap_local_idx_push: BUG_ON(current->kmap_ctrl.idx >= KM_MAX_IDX)");
        }
        if (va == -2) {
            return new Result.Refused("kernel BUG", "kernel BUG at mm/highmem.c: __kmap_local_pfn_prot: BUG_ON(!pte_none(*kmap_pte))");
        }
        return Result.of(va);
    }

    /** {@code kunmap_atomic(addr)} ({@code atomic}) or {@code kunmap_local(addr)}. */
    public Result kunmapLocal(long addr, int cpu, boolean atomic) {
        Result bad = badCpu(cpu);
        if (bad != null) {
            return bad;
        }
        KmapLocal.Unmap u = local.kunmapLocal(addr, cpu, atomic);
        return switch (u) {
            case OK -> Result.VOID;
            case WARN_USER_ADDR, WARN_NOT_TOP -> Result.warned(0, KmapLocal.text(u));
            case BUG_EMPTY, BUG_EMPTY_NO_WARN -> new Result.Refused("kernel BUG", KmapLocal.text(u));
        };
    }

    /**
     * {@code kmap_to_page(addr)} ({@code __kmap_to_page}): a pkmap address gives the page its PTE
     * maps and a kmap_local address the page the running task's stack holds there, each with 6.1's
     * {@code WARN_ON_ONCE}; anything else {@code virt_to_page}, which is only meaningful in the
     * linear map: below it and from lowmem's end to the fixmap the model marks the call as the
     * caller's misuse (a finding).
     */
    public Result kmapToPage(long addr, int cpu) {
        Result bad = badCpu(cpu);
        if (bad != null) {
            return bad;
        }
        Result r = kmapToPageOf(addr, cpu);
        lastLookup = new Lookup("kmap_to_page", addr, r.value(), cpu,
                r instanceof Result.Warned w && w.origin() == Result.Origin.MODEL);
        return r;
    }

    private Result kmapToPageOf(long addr, int cpu) {
        if (pkmap.isPkmapAddr(addr)) {
            return Result.warned(page(pkmap.kmapToPfn(addr)),
                    "WARNING: mm/highmem.c __kmap_to_page: WARN_ON_ONCE(addr in the pkmap area)");
        }
        long base = addr & ~0xfffL;
        if (base >= KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_END) && base < KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN)) {
            String warn = "WARNING: mm/highmem.c __kmap_to_page: WARN_ON_ONCE(addr in the kmap_local fixmap area)";
            int t = local.current(cpu);
            if (!bugs.contains(HighmemBug.HIGHMEM_KMAP_TO_PAGE_IGNORES_KMAP_LOCAL)) {
                for (int i = 0; i < local.taskDepth(t); i++) {
                    if (KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN + i + KmapLocal.KM_MAX_IDX * cpu) == base) {
                        return Result.warned(page(local.pteval(t, i) - 1), warn);
                    }
                }
            }
            return Result.warned(page(pkmap.virtToPfn(addr)), warn);
        }
        int t = local.current(cpu);
        if (base == KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN) && cpu == 0 && local.taskDepth(t) > 0) {
            // 6.1 tests base < __fix_to_virt(FIX_KMAP_BEGIN): the highest kmap slot, level 0 on cpu 0, is left out
            return Result.finding(page(pkmap.virtToPfn(addr)), String.format(
                    "kmap_to_page(%08x): 6.1's __kmap_to_page leaves out the slot at __fix_to_virt(FIX_KMAP_BEGIN)"
                            + " (base < where <= is meant), so this live kmap_local address of pfn %x goes to virt_to_page",
                    addr, local.pteval(t, 0) - 1));
        }
        long pfn = pkmap.virtToPfn(addr);
        if (addr < memMap.pageOffset() || pfn >= memMap.maxLowPfn() && addr < Layout.FIXADDR_START) {
            // armmp has no DEBUG_VIRTUAL: virt_to_page of a user, module or vmalloc address is __pa's
            // arithmetic, unchecked; the caller's misuse, which INV-HIGHMEM-06 must not take for a wrong
            // answer (the fixmap's edges around the kmap_local slots are 6.1's own range test, above)
            return Result.finding(page(pfn), String.format("kmap_to_page(%08x): not a lowmem, pkmap or kmap_local"
                    + " address; 6.1's virt_to_page gives the struct page of pfn %x by __pa's arithmetic"
                    + " (vmalloc_to_page looks up a vmalloc address)", addr, pfn));
        }
        return Result.of(page(pfn));
    }

    /** {@code pfn_to_page}, truncated to 32 bits as the kernel's pointer arithmetic is. */
    private long page(long pfn) {
        return memMap.pfnToPage(pfn) & 0xffffffffL;
    }

    /** {@code page_address(page)}: the linear address of a lowmem page, the pkmap address of a kmapped highmem page, else 0. */
    public Result pageAddress(long page) {
        long pfn = pfnOf(page);
        if (pfn < 0) {
            return notAPage("page_address", page);
        }
        long va = pkmap.pageAddress(pfn).orElse(0);
        lastLookup = new Lookup("page_address", page, va, 0, false);
        return Result.of(va);
    }

    /**
     * {@code clear_highpage}, {@code copy_highpage}, {@code memcpy_to_page}: each maps its pages
     * with {@code kmap_local_page} (the source first for a copy), works on them, and unmaps in
     * reverse order. Page contents are not modelled; the mappings, their PTEs and flushes are.
     *
     * @param pages the pages to map, in the order the kernel maps them
     */
    public Result throughKmapLocal(String call, int cpu, long... pages) {
        Result bad = badCpu(cpu);
        if (bad != null) {
            return bad;
        }
        long[] pfns = new long[pages.length];
        for (int i = 0; i < pages.length; i++) {
            pfns[i] = pfnOf(pages[i]);
            if (pfns[i] < 0) {
                return notAPage(call, pages[i]);
            }
        }
        long[] vas = new long[pages.length];
        for (int i = 0; i < pages.length; i++) {
            vas[i] = local.kmapLocalPage(pfns[i], cpu, false);
            if (vas[i] < 0) {
                for (int j = i - 1; j >= 0; j--) {
                    local.kunmapLocal(vas[j], cpu, false);
                }
                return pushed(vas[i]);
            }
        }
        for (int i = pages.length - 1; i >= 0; i--) {
            local.kunmapLocal(vas[i], cpu, false);
        }
        return Result.VOID;
    }

    /**
     * {@code memcpy_to_page(page, offset, from, len)}: through a kmap_local mapping; an
     * {@code offset + len} past the page is 6.1's {@code VM_BUG_ON}, silent with
     * CONFIG_DEBUG_VM off, so the model's finding.
     */
    public Result memcpyToPage(long page, long offset, long len, int cpu) {
        Result r = throughKmapLocal("memcpy_to_page", cpu, page);
        if (!r.isRefused() && Long.compareUnsigned(offset + len, 4096) > 0) {
            return Result.finding(0, "memcpy_to_page: offset + len = " + (offset + len)
                    + " runs past the page (VM_BUG_ON, silent with CONFIG_DEBUG_VM off)");
        }
        return r;
    }

    /** {@code sched_out} on {@code cpu}: the running task leaves, the CPU runs its idle task. */
    public Result schedOut(int cpu) {
        return schedule(-1, cpu);
    }

    /** {@code sched_in TASK} on {@code cpu}: a context switch from the running task to {@code task}. */
    public Result schedIn(long task, int cpu) {
        if (task < 0 || task >= KmapLocal.MAX_TASKS) {
            return Result.refused("no task " + task + " (tasks 0.." + (KmapLocal.MAX_TASKS - 1) + ")");
        }
        return schedule((int) task, cpu);
    }

    /**
     * The refusal of a context switch on {@code cpu} while its task holds kmap_atomic levels
     * (preemption disabled: {@code __schedule_bug}), or null when the CPU may schedule. The TLB
     * subsystem's {@code switch_mm} and {@code exec} ask it too.
     */
    public Result schedulingWhileAtomic(int cpu) {
        if (cpu < 0 || cpu >= local.cpus() || !local.inAtomic(cpu)) {
            return null;
        }
        return new Result.Refused("scheduling while atomic",
                "BUG: scheduling while atomic: task " + local.current(cpu) + " holds kmap_atomic (preemption disabled)");
    }

    private Result schedule(int task, int cpu) {
        Result bad = badCpu(cpu);
        if (bad != null) {
            return bad;
        }
        Result atomic = schedulingWhileAtomic(cpu);
        if (atomic != null) {
            return atomic;
        }
        if (task >= 0 && task != local.current(cpu)) {
            int on = local.runningOn(task);
            if (on >= 0) {
                return new Result.Refused("task is running on another CPU", "task " + task + " is running on cpu " + on);
            }
            int pin = local.pinnedCpu(task);
            if (pin >= 0 && pin != cpu) {
                return new Result.Refused("migrate_disable", "task " + task
                        + " holds kmap_local mappings: migrate_disable keeps it on cpu " + pin);
            }
        }
        local.contextSwitch(task, cpu);
        return Result.VOID;
    }
}
