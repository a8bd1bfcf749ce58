package armmm.model.highmem;

import armmm.model.mmu.Fixmap;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code kmap_local_page}/{@code kmap_atomic}, {@code kunmap_local_indexed} and the context-switch
 * hooks {@code __kmap_local_sched_out}/{@code __kmap_local_sched_in} of {@code mm/highmem.c} (6.1).
 * The stack is per task ({@code current->kmap_ctrl}: {@code idx} and {@code pteval[KM_MAX_IDX]});
 * level {@code i} of a task running on CPU {@code c} uses fixmap slot
 * {@code FIX_KMAP_BEGIN + i + KM_MAX_IDX * c} ({@code kmap_local_calc_idx}) at
 * {@code __fix_to_virt} = FIXADDR_TOP - (slot &lt;&lt; PAGE_SHIFT). The PTE is set before the
 * address is handed out and cleared before the pop; ARM flushes the slot from the local TLB after
 * each ({@code arch_kmap_local_post_map}, {@code arch_kmap_local_post_unmap}).
 *
 * <p>Tasks are numbered 0 to {@link #MAX_TASKS} - 1; CPU {@code c} starts running task {@code c}
 * and, after {@code sched_out}, its idle task ({@link #idleTask}). An interrupt has no stack of
 * its own: it pushes onto the interrupted task's.
 */
public final class KmapLocal {
    /** {@code KM_MAX_IDX} of this build. */
    public static final int KM_MAX_IDX = Fixmap.KM_MAX_IDX;
    /** {@code FIX_KMAP_BEGIN} ({@code arch/arm/include/asm/fixmap.h}). */
    public static final int FIX_KMAP_BEGIN = Fixmap.FIX_KMAP_BEGIN;
    /** {@code FIX_KMAP_END}: KM_MAX_IDX * NR_CPUS slots. */
    public static final int FIX_KMAP_END = Fixmap.FIX_KMAP_END;
    /** {@code FIXADDR_TOP}. */
    public static final long FIXADDR_TOP = Fixmap.FIXADDR_TOP;
    /** Tasks a scenario may schedule ({@code sched_in TASK}); the idle tasks come after them. */
    public static final int MAX_TASKS = 16;

    private final KernelPageTables tables;
    private final Pkmap pkmap;
    private final int cpus;
    private final long pageOffset;
    /** Per task: pfn + 1 of each level ({@code kmap_ctrl.pteval}), 0 above the top. */
    private final long[][] pteval;
    private final int[] idx;
    /** Per task: kmap_atomic levels held (the preempt and pagefault disables they keep). */
    private final int[] atomic;
    /** Per task: the CPU it is pinned to by migrate_disable while it holds kmap_local levels, -1 when none. */
    private final int[] pinned;
    private final int[] current;
    private final List<FlushEvent> events;
    private Set<HighmemBug> bugs = EnumSet.noneOf(HighmemBug.class);
    /** {@link HighmemBug#HIGHMEM_POP_BEFORE_PTE_CLEAR}: a popped slot whose clear is still to come, or 0. */
    private long pendingClearVa;
    private int pendingClearCpu = -1;
    private boolean clearAfterThisCall;
    /**
     * Per CPU, a bit per level: slots whose PTE a warned out-of-order unmap changed or left behind
     * (the passed address cleared, the popped top still mapped). 6.1 keeps no such record; the
     * model keeps it so the checks can tell the kernel's own result of that misuse from a model
     * error. A slot's bit goes when a correct path writes its PTE again.
     */
    private final int[] disturbed;

    /** One CPU; {@code pkmap} gives PageHighMem and linear addresses. */
    public KmapLocal(KernelPageTables tables, Pkmap pkmap) {
        this(tables, pkmap, 1, 0xc0000000L, new ArrayList<>());
    }

    /**
     * @param events where the local TLB flushes are recorded (shared with the pkmap's)
     */
    KmapLocal(KernelPageTables tables, Pkmap pkmap, int cpus, long pageOffset, List<FlushEvent> events) {
        this.tables = tables;
        this.pkmap = pkmap;
        this.cpus = cpus;
        this.pageOffset = pageOffset;
        this.events = events;
        int n = MAX_TASKS + cpus;
        pteval = new long[n][KM_MAX_IDX];
        idx = new int[n];
        atomic = new int[n];
        pinned = new int[n];
        java.util.Arrays.fill(pinned, -1);
        current = new int[cpus];
        disturbed = new int[Fixmap.NR_CPUS];
        for (int c = 0; c < cpus; c++) {
            current[c] = c < MAX_TASKS ? c : idleTask(c);
        }
    }

    void plant(Set<HighmemBug> planted) {
        bugs = planted.isEmpty() ? EnumSet.noneOf(HighmemBug.class) : EnumSet.copyOf(planted);
    }

    /** {@code __fix_to_virt}. */
    public static long fixToVirt(int slot) {
        return FIXADDR_TOP - ((long) slot << Pkmap.PAGE_SHIFT);
    }

    /** The idle task of {@code cpu}. */
    public static int idleTask(int cpu) {
        return MAX_TASKS + cpu;
    }

    /** The CPUs. */
    public int cpus() {
        return cpus;
    }

    /** The task running on {@code cpu}. */
    public int current(int cpu) {
        return current[cpu];
    }

    /** {@code kmap_ctrl.idx} of {@code task}. */
    public int taskDepth(int task) {
        return idx[task];
    }

    /** {@code kmap_ctrl.idx} of the task running on CPU 0. */
    public int depth() {
        return idx[current[0]];
    }

    /** {@code kmap_ctrl.idx} of the task running on {@code cpu}. */
    public int cpuDepth(int cpu) {
        return idx[current[cpu]];
    }

    /** pfn + 1 of level {@code level} of {@code task}'s stack, 0 when empty. */
    public long pteval(int task, int level) {
        return pteval[task][level];
    }

    /** kmap_atomic levels {@code task} holds. */
    public int atomicDepth(int task) {
        return atomic[task];
    }

    /** The CPU {@code task} is pinned to by its kmap_local levels, -1 when none. */
    public int pinnedCpu(int task) {
        return pinned[task];
    }

    /** The CPU {@code task} runs on, -1 when it is switched out. */
    public int runningOn(int task) {
        for (int c = 0; c < cpus; c++) {
            if (current[c] == task) {
                return c;
            }
        }
        return -1;
    }

    /**
     * True when level {@code level}'s slot on {@code cpu} holds what a warned out-of-order
     * {@code kunmap_local} left there, not what the stack says ({@link #kunmapLocal}).
     */
    public boolean disturbedByMisuse(int cpu, int level) {
        return (disturbed[cpu] >>> level & 1) != 0;
    }

    /** Number of tasks, idle tasks included. */
    public int tasks() {
        return idx.length;
    }

    /**
     * {@code kmap_local_page} (or, with {@code isAtomic}, {@code kmap_atomic}) on {@code cpu}: a
     * lowmem page's linear address without a push, else a push. Returns the address, or -1 when
     * the kernel would {@code BUG_ON(idx >= KM_MAX_IDX)}, -2 for {@code BUG_ON(!pte_none(*kmap_pte))}
     * (state unchanged). {@code kmap_local_idx_push} increments {@code idx} before it tests it, so
     * a task holds at most KM_MAX_IDX - 1 levels: the 16th push BUGs and slot FIX_KMAP_BEGIN + 15
     * of a CPU is never used.
     */
    public long kmapLocalPage(long pfn, int cpu, boolean isAtomic) {
        int t = current[cpu];
        if (!pkmap.pageHighMem(pfn)) {
            if (isAtomic) {
                atomic[t]++;
            }
            return pkmap.lowmemPageAddress(pfn);
        }
        if (idx[t] + 1 >= KM_MAX_IDX) {
            return -1;
        }
        long va = fixToVirt(FIX_KMAP_BEGIN + idx[t] + KM_MAX_IDX * cpu);
        if (tables.linuxPte(va) != 0) {
            return -2;
        }
        tables.setPteExt(va, pfn, MemType.MT_MEMORY_RW.protPte(), 0);
        events.add(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, cpu, va, va + 4096));
        disturbed[cpu] &= ~(1 << idx[t]);
        pteval[t][idx[t]] = pfn + 1;
        idx[t]++;
        pinned[t] = cpu;
        if (isAtomic) {
            atomic[t]++;
        }
        return va;
    }

    /** {@link #kmapLocalPage(long, int, boolean)} as {@code kmap_local_page}. */
    public long kmapLocalPage(long pfn, int cpu) {
        return kmapLocalPage(pfn, cpu, false);
    }

    /** What {@link #kunmapLocal} found. */
    public enum Unmap {
        /** Unmapped the top level, or a no-op for an address outside the kmap fixmap range. */
        OK,
        /** {@code WARN_ON_ONCE(addr < PAGE_OFFSET)}: a user address, nothing done. */
        WARN_USER_ADDR,
        /**
         * {@code WARN_ON_ONCE(addr != __fix_to_virt(FIX_KMAP_BEGIN + idx))}: the PTE of the address
         * passed is cleared and the top popped, its slot still mapped.
         */
        WARN_NOT_TOP,
        /**
         * Nothing was mapped: the same warning, the PTE of the address given cleared and flushed
         * all the same, then {@code BUG_ON(idx < 0)} in kmap_local_idx_pop; refused (the task dies
         * there), the stack unchanged.
         */
        BUG_EMPTY,
        /**
         * As {@link #BUG_EMPTY} without the warning: with idx -1, {@code __fix_to_virt(FIX_KMAP_BEGIN
         * + idx + KM_MAX_IDX * cpu)} is the last slot of the CPU before, and the address was that one.
         */
        BUG_EMPTY_NO_WARN
    }

    /**
     * {@code kunmap_local_indexed} on {@code cpu} (with {@code isAtomic}, {@code __kunmap_atomic},
     * which also gives back one preempt/pagefault disable): outside the kmap fixmap range a no-op
     * (with the kernel's {@code WARN_ON_ONCE} for a user address); inside it clears the PTE of
     * {@code va}, flushes it locally and pops the top level. When {@code va} is not the top, 6.1
     * warns and goes on the same way: with {@code CONFIG_KMAP_LOCAL_NON_LINEAR_PTE_ARRAY=y}
     * ({@code kmap_get_pte} is {@code virt_to_kpte(addr)}) it clears the address it was given, which
     * may be a lower level or another CPU's slot, and the popped top stays mapped, so the next push
     * there BUGs on {@code !pte_none}. The slots so changed are recorded ({@link #disturbedByMisuse}).
     */
    public Unmap kunmapLocal(long va, int cpu, boolean isAtomic) {
        int t = current[cpu];
        long addr = va & ~0xfffL;
        if (addr < fixToVirt(FIX_KMAP_END) || addr > fixToVirt(FIX_KMAP_BEGIN)) {
            if (isAtomic && atomic[t] > 0) {
                atomic[t]--;
            }
            return addr < pageOffset ? Unmap.WARN_USER_ADDR : Unmap.OK;
        }
        if (idx[t] == 0) {
            // kunmap_local_indexed clears virt_to_kpte(addr) before kmap_local_idx_pop's BUG
            boolean warn = addr != fixToVirt(FIX_KMAP_BEGIN - 1 + KM_MAX_IDX * cpu);
            clearSlot(addr, cpu);
            markDisturbed(addr);
            return warn ? Unmap.BUG_EMPTY : Unmap.BUG_EMPTY_NO_WARN;
        }
        int level = idx[t] - 1;
        long top = fixToVirt(FIX_KMAP_BEGIN + level + KM_MAX_IDX * cpu);
        Unmap result = addr != top ? Unmap.WARN_NOT_TOP : Unmap.OK;
        if (result == Unmap.WARN_NOT_TOP) {
            disturbed[cpu] |= 1 << level;
            markDisturbed(addr);
        }
        if (bugs.contains(HighmemBug.HIGHMEM_POP_BEFORE_PTE_CLEAR)) {
            pendingClearVa = addr;
            pendingClearCpu = cpu;
        } else {
            clearSlot(addr, cpu);
        }
        if (result == Unmap.OK) {
            disturbed[cpu] &= ~(1 << level);
        }
        pteval[t][level] = 0;
        idx[t]--;
        if (idx[t] == 0) {
            pinned[t] = -1;
        }
        if (isAtomic && atomic[t] > 0) {
            atomic[t]--;
        }
        return result;
    }

    /** {@link #kunmapLocal(long, int, boolean)} as {@code kunmap_local}; null or the WARN/BUG text. */
    public String kunmapLocal(long va, int cpu) {
        return text(kunmapLocal(va, cpu, false));
    }

    /** The kernel's words for {@code u}, null for {@link Unmap#OK}. */
    public static String text(Unmap u) {
        return switch (u) {
            case OK -> null;
            case WARN_USER_ADDR -> "WARNING: mm/highmem.c kunmap_local_indexed: WARN_ON_ONCE(addr < PAGE_OFFSET)";
            case WARN_NOT_TOP -> "WARNING: mm/highmem.c kunmap_local_indexed: WARN_ON_ONCE(addr != __fix_to_virt(FIX_KMAP_BEGIN + idx))";
            case BUG_EMPTY -> "WARNING: mm/highmem.c kunmap_local_indexed: WARN_ON_ONCE(addr != __fix_to_virt(FIX_KMAP_BEGIN + idx)), then "
                    + "kernel BUG at mm/highmem.c: kmap_local_idx_pop: BUG_ON(current->kmap_ctrl.idx < 0)";
            case BUG_EMPTY_NO_WARN -> "kernel BUG at mm/highmem.c: kmap_local_idx_pop: BUG_ON(current->kmap_ctrl.idx < 0)";
        };
    }

    /** Marks the kmap slot at {@code va} (any CPU's) as changed by a warned unmap. */
    private void markDisturbed(long va) {
        int slot = (int) ((FIXADDR_TOP - va) >>> Pkmap.PAGE_SHIFT) - FIX_KMAP_BEGIN;
        disturbed[slot / KM_MAX_IDX] |= 1 << (slot % KM_MAX_IDX);
    }

    private void clearSlot(long va, int cpu) {
        tables.pteClear(va);
        events.add(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, cpu, va, va + 4096));
    }

    /**
     * {@link HighmemBug#HIGHMEM_POP_BEFORE_PTE_CLEAR}: the clear a buggy unmap left for after the
     * pop, run at the start of the next call; when that call is an interrupt on the same CPU it
     * runs in the window, in front of the clear, which then comes after it ({@link #endStep}).
     * Until then the slot is popped but still mapped.
     */
    void beginStep(int irqCpu) {
        if (pendingClearCpu >= 0) {
            if (pendingClearCpu == irqCpu) {
                clearAfterThisCall = true;
            } else {
                runPendingClear();
            }
        }
    }

    /** The end of a call: an interrupt that ran in the window is over, the interrupted unmap clears its slot. */
    void endStep() {
        if (clearAfterThisCall) {
            clearAfterThisCall = false;
            runPendingClear();
        }
    }

    private void runPendingClear() {
        clearSlot(pendingClearVa, pendingClearCpu);
        pendingClearCpu = -1;
    }

    /** True when {@code cpu}'s running task may not be scheduled out: it holds kmap_atomic levels. */
    public boolean inAtomic(int cpu) {
        return atomic[current[cpu]] > 0;
    }

    /** {@code __kmap_local_sched_out}: clears the PTEs of the running task's levels. */
    private void schedOutCurrent(int cpu) {
        int t = current[cpu];
        for (int i = 0; i < idx[t]; i++) {
            long va = fixToVirt(FIX_KMAP_BEGIN + i + KM_MAX_IDX * cpu);
            clearSlot(va, cpu);
        }
        disturbed[cpu] &= ~((1 << idx[t]) - 1);
    }

    /** {@code __kmap_local_sched_in}: sets the PTEs of {@code task}'s levels again on {@code cpu}. */
    private void schedInTask(int task, int cpu) {
        if (bugs.contains(HighmemBug.HIGHMEM_SCHED_IN_SKIPS_RESTORE)) {
            return;
        }
        disturbed[cpu] &= ~((1 << idx[task]) - 1);
        for (int i = 0; i < idx[task]; i++) {
            long va = fixToVirt(FIX_KMAP_BEGIN + i + KM_MAX_IDX * cpu);
            tables.setPteExt(va, pteval[task][i] - 1, MemType.MT_MEMORY_RW.protPte(), 0);
            events.add(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, cpu, va, va + 4096));
        }
    }

    /**
     * A context switch on {@code cpu} to {@code task} (its idle task when {@code task} is -1):
     * {@code __kmap_local_sched_out} of the running task, {@code __kmap_local_sched_in} of the
     * next. The caller has checked that the switch is allowed.
     */
    void contextSwitch(int task, int cpu) {
        int next = task < 0 ? idleTask(cpu) : task;
        if (current[cpu] == next) {
            return;
        }
        schedOutCurrent(cpu);
        current[cpu] = next;
        schedInTask(next, cpu);
    }
}
