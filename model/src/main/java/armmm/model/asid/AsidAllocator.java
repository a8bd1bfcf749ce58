package armmm.model.asid;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The ASID allocator of arch/arm/mm/context.c (6.1, classic MMU): {@code asid_generation},
 * {@code asid_map}, {@code cur_idx} of {@code new_context}, {@code cpu_asid_lock},
 * {@code tlb_flush_pending} and the per-CPU state, driven by {@code check_and_switch_context}
 * one observable step at a time ({@link #step(int)}), or a whole switch at once
 * ({@link #switchMm(int, MmContext)}).
 *
 * <p>As in the kernel, an mm's ASID is never given back when the mm dies: {@code asid_map} only
 * empties at a rollover ({@code flush_context}).
 */
public final class AsidAllocator {
    /** {@code TTB_FLAGS_SMP} of arch/arm/mm/proc-v7-2level.S: IRGN WBWA, S, NOS, RGN OC WBWA. */
    public static final long TTB_FLAGS_SMP = 0x6a;

    private final AsidConfig config;
    private final Set<AsidDefect> defects;
    private final long firstVersion;
    private final long asidMask;
    private long asidGeneration;
    private final BitSet asidMap;
    private int curIdx = 1;
    private int lockOwner = -1;
    private final BitSet tlbFlushPending = new BitSet();
    private final CpuAsidState[] cpus;
    private final List<MmContext> mms = new ArrayList<>();
    private final java.util.LinkedHashMap<Integer, MmContext> live = new java.util.LinkedHashMap<>();
    private long rollovers;
    private long fastPaths;
    private long slowPaths;
    /** Told of each {@code local_flush_tlb_all} a switch makes, with the CPU (the TLB model completes it). */
    private java.util.function.IntConsumer localFlushTlbAll = cpu -> { };
    private boolean omitReservedTtbr0;
    /** Whether the fast path is arm64's read-then-cmpxchg ({@link AsidConfig.FastPath#CMPXCHG_ARM64}). */
    private final boolean cmpxchg;

    /** A freshly booted allocator: generation 1, an empty map, every CPU on {@code swapper_pg_dir}. */
    /** See {@link #mutations()}. */
    private long mutations;

    public AsidAllocator(AsidConfig config, Set<AsidDefect> defects) {
        this.config = Objects.requireNonNull(config, "config");
        this.defects = defects.isEmpty() ? EnumSet.noneOf(AsidDefect.class) : EnumSet.copyOf(defects);
        this.firstVersion = config.numUserAsids();
        this.asidMask = config.asidNumberMask();
        this.cmpxchg = config.fastPath() == AsidConfig.FastPath.CMPXCHG_ARM64;
        this.asidGeneration = firstVersion;
        this.asidMap = new BitSet(config.numUserAsids());
        this.cpus = new CpuAsidState[config.nrCpus()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = new CpuAsidState(config.numUserAsids());
            cpus[i].ttbr0 = ttbr1();
        }
    }

    /** A correct allocator. */
    public AsidAllocator(AsidConfig config) {
        this(config, Set.of());
    }

    /**
     * Sets the global state read off a capture ({@code spec/asid.md} says how): the generation
     * value of {@code asid_generation}, the set bits of {@code asid_map} and {@code cur_idx}.
     */
    public void restore(long generation, BitSet map, int nextIndex) {
        mutations++;
        if (generation < firstVersion || (generation & asidMask) != 0) {
            throw new IllegalArgumentException("generation: found 0x" + Long.toHexString(generation)
                    + ", expected a nonzero multiple of 0x" + Long.toHexString(firstVersion));
        }
        if (map.length() > config.numUserAsids() || nextIndex < 1 || nextIndex >= config.numUserAsids()) {
            throw new IllegalArgumentException("asid_map or cur_idx outside the " + config.numUserAsids() + " ASIDs");
        }
        asidGeneration = generation;
        asidMap.clear();
        asidMap.or(map);
        curIdx = nextIndex;
    }

    /** An mm that already has {@code contextId} (restoring a captured state); 0 is a new mm. */
    public MmContext adoptMm(long pgd, long contextId) {
        mutations++;
        if (pgd < 0 || pgd > 0xffffffffL || (pgd & 0x3fff) != 0) {
            throw new IllegalArgumentException("pgd: found 0x" + Long.toHexString(pgd)
                    + ", expected a 16 KiB aligned 32-bit physical address");
        }
        MmContext mm = new MmContext(mms.size(), pgd, contextId);
        mms.add(mm);
        live.put(mm.handle(), mm);
        return mm;
    }

    /** {@code init_new_context}: a new mm whose first-level table is at {@code pgd}, context id 0. */
    public MmContext createMm(long pgd) {
        mutations++;
        return adoptMm(pgd, 0);
    }

    /** Puts CPU {@code cpu} in a captured state: running {@code mm}, with these per-CPU ASIDs. */
    public void restoreCpu(int cpu, MmContext mm, long active, long reserved) {
        mutations++;
        CpuAsidState c = cpus[checkCpu(cpu)];
        c.active = active;
        c.reserved = reserved;
        c.running = mm;
        c.contextidr = mm.contextId() & 0xffffffffL;
        c.ttbr0 = mm.pgd() | TTB_FLAGS_SMP;
        mm.cpumask().set(cpu);
        tag(c, mm);
    }

    /**
     * Releases {@code mm} ({@code __mmdrop}); refused (false) while a CPU runs it or is switching
     * to it, which the kernel's reference counts forbid. Its ASID stays in {@code asid_map}.
     */
    public boolean releaseMm(MmContext mm) {
        mutations++;
        if (!mm.live()) {
            return false;
        }
        for (CpuAsidState c : cpus) {
            if (c.running == mm || c.target == mm) {
                return false;
            }
        }
        mm.release();
        live.remove(mm.handle());
        return true;
    }

    /** Starts {@code switch_mm(mm)} on {@code cpu}; false when the CPU is already switching or the mm is dead. */
    public boolean beginSwitch(int cpu, MmContext mm) {
        mutations++;
        CpuAsidState c = cpus[checkCpu(cpu)];
        if (c.step != SwitchStep.IDLE || !mm.live()) {
            return false;
        }
        c.target = mm;
        c.step = SwitchStep.SET_RESERVED_TTBR0;
        return true;
    }

    /** Whether {@code cpu}'s next step can run now (it is switching and not waiting for the lock). */
    public boolean canStep(int cpu) {
        CpuAsidState c = cpus[checkCpu(cpu)];
        return c.step != SwitchStep.IDLE && !(c.step == SwitchStep.LOCK && lockOwner != -1 && lockOwner != cpu);
    }

    /** Runs a whole switch of {@code cpu} to {@code mm} with no other CPU moving; false if it cannot finish. */
    public boolean switchMm(int cpu, MmContext mm) {
        mutations++;
        if (!beginSwitch(cpu, mm)) {
            return false;
        }
        while (cpus[cpu].step != SwitchStep.IDLE) {
            if (!canStep(cpu)) {
                return false;
            }
            step(cpu);
        }
        return true;
    }

    /**
     * Takes {@code cpu}'s next step of its switch and says what happened, in the kernel's terms
     * ("fast path", "rollover to generation 3", "new asid 5", ...); "spin" while the lock is held.
     */
    public String step(int cpu) {
        mutations++;
        CpuAsidState c = cpus[checkCpu(cpu)];
        MmContext mm = c.target;
        switch (c.step) {
            case IDLE:
                return "idle";
            case SET_RESERVED_TTBR0:
                if (!omitReservedTtbr0) {
                    c.ttbr0 = ttbr1();
                    c.running = null;
                }
                c.step = SwitchStep.READ_CONTEXT_ID;
                return "cpu_set_reserved_ttbr0";
            case READ_CONTEXT_ID:
                c.localAsid = mm.contextId();
                c.step = cmpxchg ? SwitchStep.READ_ACTIVE_ARM64 : SwitchStep.READ_GENERATION;
                return "read context.id 0x" + Long.toHexString(c.localAsid);
            case READ_ACTIVE_ARM64:
                // arm64 reads active_asids before the generation; a zero entry is left alone
                c.oldActive = c.active;
                if (c.oldActive == 0) {
                    return toLock(c, "read active_asids 0");
                }
                c.step = SwitchStep.READ_GENERATION;
                return "read active_asids 0x" + Long.toHexString(c.oldActive);
            case READ_GENERATION:
                if (!sameGeneration(c.localAsid, asidGeneration)) {
                    c.step = SwitchStep.LOCK;
                    return "generation differs";
                }
                if (cmpxchg) {
                    c.step = SwitchStep.CMPXCHG_ACTIVE;
                } else {
                    c.step = defects.contains(AsidDefect.FASTPATH_READ_THEN_WRITE) ? SwitchStep.READ_ACTIVE
                            : SwitchStep.XCHG_ACTIVE;
                }
                return "generation matches";
            case CMPXCHG_ACTIVE: {
                long found = c.active;
                // the defect turns the compare-and-exchange into a plain write of what the read saw
                if (found == c.oldActive || defects.contains(AsidDefect.FASTPATH_READ_THEN_WRITE)) {
                    c.active = c.localAsid;
                    return fastPath(c);
                }
                return found != 0 ? fastPath(c) : toLock(c, "cmpxchg found active_asids 0");
            }
            case XCHG_ACTIVE: {
                long old = c.active;
                c.active = c.localAsid;
                return old != 0 ? fastPath(c) : toLock(c, "xchg found active_asids 0");
            }
            case READ_ACTIVE:
                if (c.active == 0) {
                    return toLock(c, "read found active_asids 0");
                }
                c.step = SwitchStep.WRITE_ACTIVE;
                return "read active_asids 0x" + Long.toHexString(c.active);
            case WRITE_ACTIVE:
                c.active = c.localAsid;
                return fastPath(c);
            case LOCK:
                if (lockOwner != -1 && lockOwner != cpu) {
                    return "spin";
                }
                lockOwner = cpu;
                slowPaths++;
                c.step = SwitchStep.CHECK_GENERATION;
                return "lock cpu_asid_lock";
            case CHECK_GENERATION: {
                c.localAsid = mm.contextId();
                c.step = SwitchStep.FLUSH_PENDING;
                if (sameGeneration(c.localAsid, asidGeneration)) {
                    return "generation current";
                }
                long id = newContext(mm);
                if (id >= 0) {
                    c.localAsid = id;
                    mm.setContextId(id);
                    return "context.id 0x" + Long.toHexString(id);
                }
                // no free ASID: atomic64_add_return on the generation, then flush_context CPU by CPU
                asidGeneration += firstVersion;
                rollovers++;
                asidMap.clear();
                c.flushCpu = 0;
                c.step = SwitchStep.FLUSH_CONTEXT;
                return "rollover to generation " + (asidGeneration >> config.asidBits());
            }
            case FLUSH_CONTEXT: {
                int visited = c.flushCpu++;
                flushContextOf(cpus[visited]);
                if (c.flushCpu < cpus.length) {
                    return "flush_context cpu " + visited;
                }
                tlbFlushPending.set(0, cpus.length);
                c.localAsid = allocate(mm, asidMap.nextClearBit(1));
                mm.setContextId(c.localAsid);
                c.step = SwitchStep.FLUSH_PENDING;
                return "flush_context cpu " + visited + ", context.id 0x" + Long.toHexString(c.localAsid);
            }
            case FLUSH_PENDING: {
                c.step = SwitchStep.SET_ACTIVE_UNLOCK;
                if (tlbFlushPending.get(cpu) && !defects.contains(AsidDefect.PENDING_FLUSH_IGNORED)) {
                    tlbFlushPending.clear(cpu);
                    c.flushTags();
                    c.localTlbFlushes++;
                    localFlushTlbAll.accept(cpu);
                    return "local_flush_tlb_all";
                }
                return "no flush pending";
            }
            case SET_ACTIVE_UNLOCK:
                c.active = c.localAsid;
                mm.cpumask().set(cpu);
                lockOwner = -1;
                c.step = SwitchStep.WRITE_CONTEXTIDR;
                return "unlock";
            case WRITE_CONTEXTIDR:
                c.contextidr = mm.contextId() & 0xffffffffL;
                c.step = SwitchStep.WRITE_TTBR0;
                return "CONTEXTIDR 0x" + Long.toHexString(c.contextidr);
            case WRITE_TTBR0:
                c.ttbr0 = mm.pgd() | TTB_FLAGS_SMP;
                c.running = mm;
                c.target = null;
                c.step = SwitchStep.IDLE;
                tag(c, mm);
                return "TTBR0 0x" + Long.toHexString(c.ttbr0);
            default:
                throw new IllegalStateException("unknown step " + c.step);
        }
    }

    private String fastPath(CpuAsidState c) {
        fastPaths++;
        c.step = SwitchStep.WRITE_CONTEXTIDR;
        return "fast path";
    }

    private String toLock(CpuAsidState c, String why) {
        c.step = SwitchStep.LOCK;
        return why;
    }

    /** The TLB may now hold entries of {@code mm} tagged with the ASID in CONTEXTIDR. */
    private void tag(CpuAsidState c, MmContext mm) {
        c.tag((int) (c.contextidr & asidMask), mm.handle());
    }

    private boolean sameGeneration(long id, long generation) {
        return ((id ^ generation) >> config.asidBits()) == 0;
    }

    /**
     * {@code new_context} up to the rollover: keep a reserved or still free ASID, else the next
     * free one from {@code cur_idx}; -1 when none is left (the caller rolls over).
     */
    private long newContext(MmContext mm) {
        long asid = mm.contextId();
        long generation = asidGeneration;
        if (asid != 0) {
            long newAsid = generation | (asid & asidMask);
            if (checkUpdateReservedAsid(asid, newAsid)) {
                return newAsid;
            }
            int number = (int) (asid & asidMask);
            if (!asidMap.get(number) || defects.contains(AsidDefect.OLD_ASID_TAKEN_WITHOUT_MAP)) {
                asidMap.set(number);
                return newAsid;
            }
        }
        int number = asidMap.nextClearBit(curIdx);
        return number >= config.numUserAsids() ? -1 : allocate(mm, number);
    }

    /** The end of {@code new_context}: take {@code number} in the current generation. */
    private long allocate(MmContext mm, int number) {
        asidMap.set(number);
        curIdx = number;
        mm.cpumask().clear();
        return number | asidGeneration;
    }

    /** {@code check_update_reserved_asid}: every CPU reserving {@code asid} moves to {@code newAsid}. */
    private boolean checkUpdateReservedAsid(long asid, long newAsid) {
        boolean hit = false;
        for (CpuAsidState c : cpus) {
            if (c.reserved == asid) {
                hit = true;
                if (!defects.contains(AsidDefect.RESERVED_NOT_SYNCED)) {
                    c.reserved = newAsid;
                }
            }
        }
        return hit;
    }

    /** One CPU of {@code flush_context}'s loop: take its active ASID (or keep its reserved one) into the new map. */
    private void flushContextOf(CpuAsidState c) {
        long asid = c.active;
        c.active = 0;
        if (asid == 0 && !defects.contains(AsidDefect.SUSPENDED_CPU_LOSES_RESERVED)) {
            asid = c.reserved;
        }
        asidMap.set((int) (asid & asidMask));
        c.reserved = asid;
    }

    private int checkCpu(int cpu) {
        if (cpu < 0 || cpu >= cpus.length) {
            throw new IllegalArgumentException("cpu: found " + cpu + ", expected 0 to " + (cpus.length - 1));
        }
        return cpu;
    }

    private long ttbr1() {
        return config.swapperPgd() | TTB_FLAGS_SMP;
    }

    /** Routes the switch's {@code local_flush_tlb_all} to a TLB model. */
    public void onLocalFlushTlbAll(java.util.function.IntConsumer hook) {
        mutations++;
        this.localFlushTlbAll = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Plants the TLB subsystem's {@code NO_RESERVED_TTBR0}: the switch skips
     * {@code cpu_set_reserved_ttbr0}, so the old mm's tables stay live until the TTBR0 write.
     */
    public void omitReservedTtbr0(boolean omit) {
        mutations++;
        this.omitReservedTtbr0 = omit;
    }

    /** The configuration. */
    /**
     * Calls of this allocator's mutating public methods so far: the change signal of the ASID
     * invariants' per-step check. Its state (the map, the generation, each CPU's registers, each
     * mm's {@code context.id}) has no other writer: the setters of {@link MmContext} and
     * {@link CpuAsidState} are package-private.
     */
    public long mutations() {
        return mutations;
    }

    public AsidConfig config() {
        return config;
    }

    /** The defects this allocator was built with. */
    public Set<AsidDefect> defects() {
        return Collections.unmodifiableSet(defects);
    }

    /** {@code asid_generation}: the generation number shifted above the ASID bits. */
    public long asidGeneration() {
        return asidGeneration;
    }

    /** A copy of {@code asid_map}. */
    public BitSet asidMap() {
        return (BitSet) asidMap.clone();
    }

    /** {@code bitmap_weight(asid_map)}. */
    public int asidMapWeight() {
        return asidMap.cardinality();
    }

    /** {@code cur_idx} of {@code new_context}: where the next search for a free ASID starts. */
    public int curIdx() {
        return curIdx;
    }

    /** The CPU holding {@code cpu_asid_lock}, or -1. */
    public int lockOwner() {
        return lockOwner;
    }

    /** Whether {@code cpu} is set in {@code tlb_flush_pending}. */
    public boolean tlbFlushPending(int cpu) {
        return tlbFlushPending.get(checkCpu(cpu));
    }

    /** CPU {@code cpu}'s state. */
    public CpuAsidState cpu(int cpu) {
        return cpus[checkCpu(cpu)];
    }

    /** The number of CPUs. */
    public int nrCpus() {
        return cpus.length;
    }

    /** Every mm ever created or adopted, by handle, live or not. */
    public List<MmContext> mms() {
        return Collections.unmodifiableList(mms);
    }

    /** The live mms, in creation order (a view). */
    public java.util.Collection<MmContext> liveMms() {
        return Collections.unmodifiableCollection(live.values());
    }

    /** How many rollovers ({@code flush_context} calls) happened. */
    public long rollovers() {
        return rollovers;
    }

    /** Switches that took the lock-free fast path. */
    public long fastPaths() {
        return fastPaths;
    }

    /** Switches that took {@code cpu_asid_lock}. */
    public long slowPaths() {
        return slowPaths;
    }
}
