package armmm.model.tlb;

import armmm.model.asid.AsidAllocator;
import armmm.model.asid.CpuAsidState;
import armmm.model.asid.MmContext;
import armmm.model.asid.SwitchStep;
import armmm.model.core.Result;
import armmm.model.highmem.Highmem;
import armmm.model.mmu.Access;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The TLB subsystem's state: every CPU's {@link Tlb}, the maintenance each CPU issued and has not
 * completed with a DSB yet, and the ASID allocator of arch/arm/mm/context.c driving CONTEXTIDR and
 * TTBR0 per CPU. A CPU's translation regime is what its registers say: TTBR0 the running mm's
 * tables (or {@code swapper_pg_dir} between {@code cpu_set_reserved_ttbr0} and the TTBR0 write),
 * CONTEXTIDR its ASID; every walk it makes, on an access or speculatively, is cached tagged so.
 * The kernel's helpers ({@link TlbFlush}) issue the operations this build selects.
 */
public final class Tlbs {
    static final long PAGE = ProcessTables.PAGE;

    private final AsidAllocator asid;
    private final ProcessTables tables;
    private final Set<TlbBug> bugs;
    private final Tlb[] tlbs;
    private final List<List<Tlbi>> issued = new ArrayList<>();
    private final Map<Long, MmContext> contexts = new LinkedHashMap<>();
    private final Map<Integer, Long> mmOfContext = new HashMap<>();
    private final Set<Long> exited = new LinkedHashSet<>();
    private final long vmallocStart;
    private final long vmallocEnd;
    private final LongPredicate vmallocFlushOwed;
    /** The vmalloc state whose recorded {@code flush_tlb_kernel_range} calls reach these TLBs, or null. */
    private armmm.model.vmalloc.VmapAreas vmapAreas;
    /** How many of the current call's vmalloc flushes were replayed. */
    private int kernelReplayed;
    private long purgeFlushesReplayed;
    /** The highmem state whose flush events each highmem call leaves, or null without highmem. */
    private Highmem highmem;
    private armmm.model.page.PageAllocator pages;
    private long staleHits;
    /** The helper call of the current step (INV-CALL-06), and how many there have been. */
    private TlbOp.Helper lastFlush;
    private long flushCalls;
    /** The operations a {@code dsb} call of the current step completed, and its CPU (INV-CALL-06). */
    private List<Tlbi> lastDsbOps = List.of();
    private int lastDsbCpu = -1;
    private long accesses;
    private long speculativeFills;
    /** How many of the current call's mm flushes ({@link ProcessTables#flushes}) were replayed. */
    private int replayed;
    private final Map<armmm.model.mm.TlbFlush.Site, Long> replayedBySite = new java.util.EnumMap<>(armmm.model.mm.TlbFlush.Site.class);
    private long staleFlushed;
    /** Per CPU, its {@code active_mm}: the mm its TTBR0 last pointed at, kept while a switch is under way. */
    private final long[] activeMm;
    /** Per CPU, the address-space call begun there and not yet returned ({@link BegunCall}), or null. */
    private final BegunCall[] begun;
    /** Frames the begun calls' {@link BegunCall.Kind#FREE} steps gave back so far. */
    private long gatheredFreed;
    /** Begun calls that returned, and steps they took. */
    private long callsReturned;
    /** Accesses that used an old translation a begun call's window tolerates. */
    private long windowHits;
    private long callSteps;
    /** Per CPU, the mms whose {@code mm_count} it holds a reference on ({@code mmgrab}). */
    private final List<Set<Long>> held = new ArrayList<>();

    Tlbs(AsidAllocator asid, ProcessTables tables, Set<TlbBug> bugs, long vmallocStart, long vmallocEnd,
            LongPredicate vmallocFlushOwed) {
        this.asid = asid;
        this.tables = tables;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(TlbBug.class) : EnumSet.copyOf(bugs);
        this.tlbs = new Tlb[asid.nrCpus()];
        this.activeMm = new long[tlbs.length];
        this.begun = new BegunCall[tlbs.length];
        for (int i = 0; i < tlbs.length; i++) {
            tlbs[i] = new Tlb();
            issued.add(new ArrayList<>());
            held.add(new LinkedHashSet<>());
            activeMm[i] = -1;
        }
        this.vmallocStart = vmallocStart;
        this.vmallocEnd = vmallocEnd;
        this.vmallocFlushOwed = vmallocFlushOwed;
        tables.userGlobal(this.bugs.contains(TlbBug.USER_PTE_GLOBAL));
        asid.omitReservedTtbr0(this.bugs.contains(TlbBug.NO_RESERVED_TTBR0));
        // check_and_switch_context's local_flush_tlb_all: TLBIALL, dsb nsh
        asid.onLocalFlushTlbAll(cpu -> {
            issue(cpu, new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false));
            dsb(cpu);
        });
    }

    // ------------------------------------------------------------------ state

    /** The ASID allocator. */
    public AsidAllocator asid() {
        return asid;
    }

    /** The buddy allocator the pgds come from (read by INV-TLB-04). */
    public armmm.model.page.PageAllocator pages() {
        return pages;
    }

    /** The tables the TLBs are filled from. */
    public PageTables tables() {
        return tables;
    }

    /** The same, with the model's hold on PTEs a begun call has not set yet ({@link ProcessTables#clearUntilSet}). */
    ProcessTables processTables() {
        return tables;
    }

    /** The number of CPUs. */
    public int nrCpus() {
        return tlbs.length;
    }

    /** CPU {@code cpu}'s TLB. */
    public Tlb tlb(int cpu) {
        return tlbs[cpu];
    }

    /** The maintenance {@code cpu} issued that no DSB of it has completed yet. */
    public List<Tlbi> issued(int cpu) {
        return List.copyOf(issued.get(cpu));
    }

    /** The allocator's view of mm {@code mm}, or null when it has none. */
    public MmContext context(long mm) {
        return contexts.get(mm);
    }

    /** The mm handle of the allocator's context {@code ctx}. */
    public long mmOf(MmContext ctx) {
        return mmOfContext.get(ctx.handle());
    }

    /** The mms the allocator knows, by handle (exited ones stay until no CPU runs them). */
    public Map<Long, MmContext> contexts() {
        return java.util.Collections.unmodifiableMap(contexts);
    }

    /** Whether mm {@code mm} exited ({@code exit_mm}) and waits for the last CPU to switch away. */
    public boolean exited(long mm) {
        return exited.contains(mm);
    }

    /** Whether a kernel address lies in the vmalloc area and its lazy purge still owes the TLB flush. */
    public boolean vmallocFlushOwed(long va) {
        return va >= vmallocStart && va < vmallocEnd && vmallocFlushOwed.test(va);
    }

    /** The bugs planted. */
    public Set<TlbBug> bugs() {
        return bugs;
    }

    /** Accesses that hit an entry disagreeing with the tables (a stale translation used). */
    public long staleHits() {
        return staleHits;
    }

    /** Accesses made. */
    public long accesses() {
        return accesses;
    }

    /** Entries filled by speculative walks. */
    public long speculativeFills() {
        return speculativeFills;
    }

    /** The ASID CPU {@code cpu} tags its walks with: CONTEXTIDR's low bits. */
    public int currentAsid(int cpu) {
        return (int) (asid.cpu(cpu).contextidr() & asid.config().asidNumberMask());
    }

    /** The mm whose tables CPU {@code cpu}'s TTBR0 points at, or -1 for {@code swapper_pg_dir}. */
    public long ttbr0Mm(int cpu) {
        MmContext running = asid.cpu(cpu).running();
        return running == null ? -1 : mmOf(running);
    }

    // ------------------------------------------------------------------ maintenance

    /** Issues {@code op} on {@code cpu}; it takes effect when {@code cpu}'s next DSB completes it. */
    void issue(int cpu, Tlbi op) {
        issued.get(cpu).add(op);
    }

    /** {@code dsb}: completes every operation {@code cpu} issued, on every CPU for the IS forms. */
    void dsb(int cpu) {
        for (Tlbi op : issued.get(cpu)) {
            // TLBIASID_IS_LOCAL: the broadcast TLBIASIDIS completes on the issuing CPU only
            boolean local = bugs.contains(TlbBug.TLBIASID_IS_LOCAL) && op.kind() == Tlbi.Kind.TLBIASID;
            if (op.shareable() && !local) {
                for (Tlb t : tlbs) {
                    countStale(t, op);
                    t.invalidate(op);
                }
            } else {
                countStale(tlbs[cpu], op);
                tlbs[cpu].invalidate(op);
            }
        }
        issued.get(cpu).clear();
    }

    /** Counts the entries {@code op} removes from {@code t} that no longer agree with the tables they were walked from. */
    private void countStale(Tlb t, Tlbi op) {
        for (TlbEntry e : t.entries()) {
            if (op.hits(e)) {
                long va = e.walk().va();
                Walk now = e.owner() < 0 ? tables.walkKernel(va) : tables.walkUser(e.owner(), va);
                if (!e.walk().sameTranslation(now)) {
                    staleFlushed++;
                }
            }
        }
    }

    /**
     * The {@code dsb} call: completes the operations {@code cpu} issued as raw CP15 calls, and
     * records them with the CPU for INV-CALL-06 ({@link TlbCallChecks}), which checks after the
     * step that none of them left an entry it invalidates.
     */
    void rawDsb(int cpu) {
        lastDsbOps = List.copyOf(issued.get(cpu));
        lastDsbCpu = cpu;
        dsb(cpu);
        if (!lastDsbOps.isEmpty()) {
            flushCalls++;
        }
    }

    /** The operations the step's {@code dsb} call completed (empty when the step was no such call). */
    public List<Tlbi> lastDsbOps() {
        return lastDsbOps;
    }

    /** The CPU whose {@code dsb} call completed {@link #lastDsbOps()}. */
    public int lastDsbCpu() {
        return lastDsbCpu;
    }

    // ------------------------------------------------------------------ calls

    /** Null when {@code cpu} is online; else the refusal. */
    Result online(String call, int cpu) {
        return cpu < 0 || cpu >= tlbs.length
                ? Result.refused(call + ": cpu " + cpu + " is not online (" + tlbs.length + " CPUs)") : null;
    }

    /**
     * Null when {@code cpu} is online and can make {@code call}: not while it is inside a begun
     * address-space call, which runs to its return before the CPU does anything else.
     */
    Result checkCpu(String call, int cpu) {
        Result bad = online(call, cpu);
        if (bad == null && begun[cpu] != null) {
            bad = Result.refused(call + ": " + insideCall(cpu));
        }
        return bad;
    }

    private String insideCall(int cpu) {
        return "cpu " + cpu + " is inside " + begun[cpu].name() + "_begin; continue it with step cpu=" + cpu;
    }

    /** {@code mm_init}'s {@code init_new_context} and {@code mm_alloc_pgd} for a new mm. */
    void mmCreated(long mm, int cpu) {
        // mm_alloc_pgd is the mm code's (pgd_alloc); the allocator's context needs it
        if (tables.pgd(mm) >= 0) {
            MmContext ctx = asid.createMm(tables.pgd(mm));
            contexts.put(mm, ctx);
            mmOfContext.put(ctx.handle(), mm);
        }
    }

    private Result target(String call, long mm, int cpu) {
        Result bad = checkCpu(call, cpu);
        if (bad != null) {
            return bad;
        }
        MmContext ctx = contexts.get(mm);
        if (ctx == null || exited.contains(mm)) {
            return Result.refused(call + ": 0x" + Long.toHexString(mm) + " is no live mm");
        }
        if (asid.cpu(cpu).step() != SwitchStep.IDLE) {
            return Result.refused(call + ": cpu " + cpu + " is inside a switch; continue it with step cpu=" + cpu);
        }
        String child = unpublished(call, mm);
        return child == null ? null : Result.refused(child);
    }

    /** {@code switch_mm} on {@code cpu}, every step with no other CPU moving; the mm's {@code context.id}. */
    public Result switchMm(long mm, int cpu) {
        Result bad = target("switch_mm", mm, cpu);
        if (bad != null) {
            return bad;
        }
        int owner = asid.lockOwner();
        if (owner != -1 && owner != cpu) {
            return Result.refused("switch_mm: cpu_asid_lock is held by cpu " + owner
                    + ": a whole switch cannot finish; use switch_mm_begin and step");
        }
        tables.checkVmallocSeq(mm);
        asid.switchMm(cpu, contexts.get(mm));
        releaseExited();
        return Result.of(contexts.get(mm).contextId());
    }

    /** {@code exec} on {@code cpu}: {@code mm_create} of an 8 MiB stack rlimit, then the whole switch to it; its handle. */
    Result exec(armmm.model.mm.Processes processes, int cpu) {
        Result bad = checkCpu("exec", cpu);
        if (bad != null) {
            return bad;
        }
        if (asid.cpu(cpu).step() != SwitchStep.IDLE) {
            return Result.refused("exec: cpu " + cpu + " is inside a switch; continue it with step cpu=" + cpu);
        }
        int owner = asid.lockOwner();
        if (owner != -1 && owner != cpu) {
            return Result.refused("exec: cpu_asid_lock is held by cpu " + owner + ": activate_mm cannot finish");
        }
        Result made = processes.mmCreate(8L << 20);
        if (!(made instanceof Result.Value v)) {
            return made;
        }
        mmCreated(v.value(), cpu);
        if (!contexts.containsKey(v.value())) {
            processes.exitMm(v.value());
            return Result.refused("exec: -ENOMEM (mm_alloc_pgd)");
        }
        switchMm(v.value(), cpu);
        return made;
    }

    /** Starts {@code switch_mm} on {@code cpu}; {@link #step} takes its steps. */
    public Result switchMmBegin(long mm, int cpu) {
        Result bad = target("switch_mm_begin", mm, cpu);
        if (bad != null) {
            return bad;
        }
        tables.checkVmallocSeq(mm);
        asid.beginSwitch(cpu, contexts.get(mm));
        return Result.of(0);
    }

    /** One step other CPUs can see of {@code cpu}'s switch; the step it will take next (its ordinal). */
    public Result step(int cpu) {
        Result bad = online("step", cpu);
        if (bad != null) {
            return bad;
        }
        if (begun[cpu] != null) {
            return stepCall(cpu);
        }
        if (asid.cpu(cpu).step() == SwitchStep.IDLE) {
            return Result.refused("step: cpu " + cpu + " is not switching, nor inside a begun munmap, mprotect, touch, fork, exit_mm or brk");
        }
        asid.step(cpu);
        releaseExited();
        return Result.of(asid.cpu(cpu).step().ordinal());
    }

    /** The rest of {@code cpu}'s switch with no other CPU moving; the mm's {@code context.id}. */
    public Result switchMmFinish(int cpu) {
        Result bad = online("switch_mm_finish", cpu);
        if (bad != null) {
            return bad;
        }
        CpuAsidState c = asid.cpu(cpu);
        if (c.step() == SwitchStep.IDLE) {
            return Result.refused("switch_mm_finish: cpu " + cpu + " is not switching");
        }
        MmContext target = c.target();
        while (c.step() != SwitchStep.IDLE) {
            if (!asid.canStep(cpu)) {
                return Result.refused("switch_mm_finish: cpu " + cpu + " spins on cpu_asid_lock held by cpu "
                        + asid.lockOwner() + "; step the holder first");
            }
            asid.step(cpu);
        }
        releaseExited();
        return Result.of(target.contextId());
    }

    // ------------------------------------------------------------------ begun address-space calls

    /**
     * Begins address-space call {@code name} of {@code mm} on {@code cpu} ({@link BegunCall}): its
     * PTE writes run now (the mm code's whole call, {@code call}), its TLB flush, the free of what
     * it unmapped (gathered meanwhile: {@link TlbBug#FREE_BEFORE_FLUSH} frees at once) and its
     * return wait for {@link #step}. What the call returned, or its refusal (then nothing waits).
     * {@code start}/{@code end} bound what it may change, for {@link TlbBug#TLBI_BEFORE_CLEAR},
     * which issues the flush of that span first and defers the PTE writes to a step after it.
     */
    Result beginCall(String name, long mm, long start, long end, boolean writeLocked, int cpu,
            java.util.function.Supplier<Result> call) {
        String begin = name + "_begin";
        Result bad = checkCpu(begin, cpu);
        if (bad != null) {
            return bad;
        }
        if (asid.cpu(cpu).step() != SwitchStep.IDLE) {
            return Result.refused(begin + ": cpu " + cpu + " is inside a switch; continue it with step cpu=" + cpu);
        }
        // a fault (touch_begin) takes mmap_lock for reading, which other readers share
        String held = blocks(begin, mm, cpu, name.equals("touch"));
        if (held != null) {
            return Result.refused(begin + ": " + held);
        }
        BegunCall c = new BegunCall(name, mm, start, cpu, writeLocked);
        // PAGE_ALIGN(len), as do_mas_munmap and do_mprotect_pkey take it; a span no task can pass
        // (beyond 32 bits) is left to the call, which refuses it
        long alignedEnd = (end + Tlbs.PAGE - 1) & -Tlbs.PAGE;
        if (bugs.contains(TlbBug.TLBI_BEFORE_CLEAR) && start >= 0 && start < alignedEnd && alignedEnd <= 1L << 32) {
            // the flush of the span first, then the PTE writes: a walk in between refills the old translation
            queueRange(c, start, alignedEnd, cpu);
            c.steps().add(new BegunCall.Step(BegunCall.Kind.PTE_WRITES, null));
            c.steps().add(new BegunCall.Step(BegunCall.Kind.RETURN, null));
            c.deferred(call);
            begun[cpu] = c;
            return Result.of(0);
        }
        c.old(oldEntries(mm));
        if (!bugs.contains(TlbBug.FREE_BEFORE_FLUSH)) {
            // mmu_gather: what the call unmaps is freed by tlb_flush_mmu after the flush
            tables.gatherFrees();
        }
        Result r;
        try {
            r = call.get();
        } finally {
            c.gather(tables.takeGather());
        }
        if (r.isRefused()) {
            // a refused call begins nothing: what it did flush and free (a fork's -ENOMEM after
            // write-protecting the parent still runs dup_mmap's flush_tlb_mm) happens at once
            replayFlushes(cpu, false);
            tables.finishGather(c.gather());
            return r;
        }
        c.result(r);
        queueFlushes(c, name, cpu);
        if (!c.gather().isEmpty()) {
            c.steps().add(new BegunCall.Step(BegunCall.Kind.FREE, null));
        }
        c.steps().add(new BegunCall.Step(BegunCall.Kind.RETURN, null));
        begun[cpu] = c;
        return r;
    }

    /** The non-global entries of {@code mm}, on every CPU, that agree with its tables now. */
    private Set<TlbEntry> oldEntries(long mm) {
        Set<TlbEntry> out = new java.util.HashSet<>();
        for (Tlb t : tlbs) {
            for (TlbEntry e : t.entries()) {
                if (e.owner() == mm && !e.walk().global() && e.walk().sameTranslation(tables.walkUser(mm, e.walk().va()))) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /**
     * The flushes the mm code recorded in the call, as steps in tlb-v7.S's order, taken from the
     * replay ({@link #replayFlushes}) so that the step hook does not make them at once.
     * {@link TlbBug#MUNMAP_NO_FLUSH} drops munmap's as it drops the whole call's.
     */
    private void queueFlushes(BegunCall c, String name, int cpu) {
        List<armmm.model.mm.TlbFlush> all = tables.flushes();
        for (; replayed < all.size(); replayed++) {
            armmm.model.mm.TlbFlush f = all.get(replayed);
            if (bugs.contains(TlbBug.MUNMAP_NO_FLUSH) && (name.equals("munmap") || name.equals("brk"))
                    && f.site() == armmm.model.mm.TlbFlush.Site.UNMAP_REGION) {
                continue;
            }
            if (f.site() == armmm.model.mm.TlbFlush.Site.WP_PAGE_COPY) {
                // ptep_clear_flush: the PTE reads as cleared through the flush, then set_pte_at of the copy
                tables.clearUntilSet(f.mm(), f.start());
                if (!bugs.contains(TlbBug.COW_NO_FLUSH)) {
                    replayedBySite.merge(f.site(), 1L, Long::sum);
                    queueRange(c, f.start() & -PAGE, (f.start() & -PAGE) + PAGE, cpu);
                }
                c.steps().add(new BegunCall.Step(BegunCall.Kind.SET_PTE, null, f.start() & -PAGE));
                continue;
            }
            replayedBySite.merge(f.site(), 1L, Long::sum);
            switch (f.kind()) {
                case RANGE -> queueRange(c, f.start(), f.end(), cpu);
                case PAGE -> queueRange(c, f.start() & -PAGE, (f.start() & -PAGE) + PAGE, cpu);
                case MM -> {
                    // flush_tlb_mm with 720789: TLBIALLIS, dsb ish
                    c.steps().add(new BegunCall.Step(BegunCall.Kind.TLBI, new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, true)));
                    c.steps().add(new BegunCall.Step(BegunCall.Kind.DSB, null));
                }
                default -> throw new IllegalStateException(f.toString());
            }
        }
    }

    /**
     * {@code flush_tlb_range} as {@code v7wbi_flush_user_tlb_range} runs it, a step each:
     * {@code dsb ish}, one TLBIMVAAIS per page of its loop ({@link TlbFlush#loopPages}), {@code dsb ish};
     * with {@link TlbBug#TLBIMVA_WRONG_ASID} and {@link TlbBug#FLUSH_LOCAL_ONLY} the operation those bugs issue.
     */
    private void queueRange(BegunCall c, long start, long end, int cpu) {
        long from = start & -PAGE;
        long pages = TlbFlush.loopPages(start, end);
        c.steps().add(new BegunCall.Step(BegunCall.Kind.DSB, null));
        for (long i = 0; i < pages; i++) {
            long va = from + i * PAGE;
            Tlbi op;
            if (bugs.contains(TlbBug.TLBIMVA_WRONG_ASID)) {
                op = new Tlbi(Tlbi.Kind.TLBIMVA, va, currentAsid(cpu), true);
            } else if (bugs.contains(TlbBug.FLUSH_LOCAL_ONLY)) {
                op = new Tlbi(Tlbi.Kind.TLBIMVAA, va, 0, false);
            } else {
                op = new Tlbi(Tlbi.Kind.TLBIMVAA, va, 0, true);
            }
            c.steps().add(new BegunCall.Step(BegunCall.Kind.TLBI, op));
        }
        c.steps().add(new BegunCall.Step(BegunCall.Kind.DSB, null));
    }

    /** The next step of the call begun on {@code cpu}: the steps left, or at the return the call's own result. */
    private Result stepCall(int cpu) {
        BegunCall c = begun[cpu];
        BegunCall.Step s = c.steps().removeFirst();
        callSteps++;
        switch (s.kind()) {
            case PTE_WRITES -> {
                c.result(c.deferred().get());
                c.deferred(null);
                // the deferred call's own flushes were issued before it (the planted order): none replays
                replayed = tables.flushes().size();
            }
            case DSB -> {
                for (Tlbi op : issued.get(cpu)) {
                    c.completed(op);
                }
                dsb(cpu);
                if (s.then() != null) {
                    // what the completed flush ends (vmalloc's record of the purge's owed flushes)
                    s.then().run();
                }
            }
            case TLBI -> issue(cpu, s.op());
            case SET_PTE -> tables.setAgain(c.mm(), s.va());
            case FREE -> {
                gatheredFreed += c.gather().pages();
                tables.finishGather(c.gather());
                c.gather(new armmm.model.mm.MmuGather());
            }
            case RETURN -> {
                begun[cpu] = null;
                callsReturned++;
                return c.result();
            }
            case KERNEL -> s.then().run();
        }
        return Result.of(c.steps().size());
    }

    /**
     * Null when {@code cpu} is online, inside no begun call and no switch: it can begin
     * {@code call}; else the refusal.
     */
    Result idle(String call, int cpu) {
        Result bad = checkCpu(call, cpu);
        if (bad == null && asid.cpu(cpu).step() != SwitchStep.IDLE) {
            bad = Result.refused(call + ": cpu " + cpu + " is inside a switch; continue it with step cpu=" + cpu);
        }
        return bad;
    }

    /** {@code c} is begun on its CPU ({@link KernelRangeCalls}): {@link #step} takes it on. */
    void begin(BegunCall c) {
        begun[c.cpu()] = c;
    }

    /**
     * Null when {@code op} may run now; else its refusal: any call made on a CPU inside a begun
     * call, which runs to its return before that CPU does anything else (the TLB calls and the
     * mm calls check this themselves; the MMU's {@code translate} is a probe of the tables, not a
     * kernel call on the CPU). A call that takes no {@code cpu=} runs on CPU 0.
     */
    Result busy(armmm.model.subsystem.Op op) {
        Result locked = KernelRangeCalls.kmapLockHeld(this, op);
        if (locked != null) {
            return locked;
        }
        int cpu = op.cpu();
        if (op instanceof TlbOp || op instanceof armmm.model.mm.MmOp || op instanceof armmm.model.mmu.MmuOp.Translate
                || cpu < 0 || cpu >= begun.length || begun[cpu] == null) {
            return null;
        }
        return Result.waits(op.name() + ": " + insideCall(cpu));
    }

    /** The call begun on {@code cpu} and not returned, or null. */
    BegunCall begun(int cpu) {
        return begun[cpu];
    }

    /** Frames begun calls gave back to the buddy allocator after their flush ({@code tlb_flush_mmu_free}). */
    public long gatheredFreed() {
        return gatheredFreed;
    }

    /** Begun address-space calls that returned. */
    public long callsReturned() {
        return callsReturned;
    }

    /** Accesses that used an old translation inside a begun call's shootdown window. */
    public long windowHits() {
        return windowHits;
    }

    /** Steps taken by begun address-space calls. */
    public long callSteps() {
        return callSteps;
    }

    /**
     * {@link armmm.model.mm.Processes.Holder}: null when {@code call} of a task of {@code mm} on
     * {@code cpu} can run now; else why not: the CPU is inside a begun call, or a begun call
     * holds {@code mm}'s {@code mmap_lock} (for writing, or for reading and {@code fault} is false).
     */
    String blocks(String call, long mm, int cpu, boolean fault) {
        if (cpu >= 0 && cpu < begun.length && begun[cpu] != null) {
            return insideCall(cpu);
        }
        String child = unpublished(call, mm);
        if (child != null) {
            return child;
        }
        for (BegunCall c : begun) {
            if (c != null && c.mm() == mm && (c.writeLocked() || !fault)) {
                return "mmap_lock of mm " + mm + " is held by " + c.name() + " on cpu " + c.cpu() + "; step it to its return";
            }
        }
        return null;
    }

    /** Null unless {@code mm} is the child of a fork begun and not returned ({@link BegunCall#unpublished}): then why {@code call} cannot use it. */
    private String unpublished(String call, long mm) {
        for (BegunCall c : begun) {
            if (c != null && c.unpublished() == mm) {
                return call + ": mm " + mm + " is the child of the fork on cpu " + c.cpu()
                        + ", which no task runs before that fork returns; step it to its return";
            }
        }
        return null;
    }

    /**
     * Whether INV-TLB-01 tolerates the stale entry {@code e}: a begun call's PTE write made it
     * stale and no operation of that call covering it has completed ({@link BegunCall#tolerates}).
     */
    public boolean inShootdownWindow(TlbEntry e) {
        for (BegunCall c : begun) {
            if (c != null && c.tolerates(e)) {
                return true;
            }
        }
        return false;
    }

    /** The walk {@code cpu} makes of {@code va} in its current regime, or null. */
    Walk walk(int cpu, long va) {
        if (va >= ProcessTables.TASK_SIZE) {
            return tables.walkKernel(va);
        }
        long mm = ttbr0Mm(cpu);
        return mm < 0 ? null : tables.walkUser(mm, va);
    }

    private void fill(int cpu, Walk w) {
        tlbs[cpu].fill(new TlbEntry(w, currentAsid(cpu), w.va() >= ProcessTables.TASK_SIZE ? -1 : ttbr0Mm(cpu)));
    }

    /** A walk the CPU may make at any time of whatever its registers reach, cached; 1 when it filled an entry. */
    public Result speculate(long va, int cpu) {
        Result bad = online("speculate", cpu);
        if (bad != null) {
            return bad;
        }
        Walk w = walk(cpu, va);
        if (w == null) {
            return Result.of(0);
        }
        fill(cpu, w);
        speculativeFills++;
        return Result.of(1);
    }

    /**
     * A data access or instruction fetch on {@code cpu} (user addresses at PL0 through TTBR0, kernel
     * addresses at PL1): through the TLB when an entry answers, else the walk, which is then cached;
     * a user address the walk cannot translate takes the page fault. The physical address used.
     */
    public Result access(long va, Access access, int cpu) {
        Result bad = checkCpu("access", cpu);
        if (bad != null) {
            return bad;
        }
        if (va < 0 || va > 0xffffffffL) {
            return Result.refused("access: 0x" + Long.toHexString(va) + " is not a 32-bit address");
        }
        accesses++;
        boolean user = va < ProcessTables.TASK_SIZE;
        TlbEntry hit = tlbs[cpu].lookup(va, currentAsid(cpu));
        Walk now = walk(cpu, va);
        Result used = useHit(hit, now, va, access, user);
        if (used != null) {
            return used;
        }
        boolean faulted = false;
        if (user && hit != null && now != null && permits(now, access, true)) {
            // the entry denied what the PTE permits: the hardware faulted all the same, and
            // do_page_fault takes mmap_lock for reading before the spurious fault's flush below
            String held = blocks("access", ttbr0Mm(cpu), cpu, true);
            if (held != null) {
                return Result.refused("access: 0x" + Long.toHexString(va) + ": the page fault waits: " + held);
            }
        }
        if (user && (now == null || !permits(now, access, true))) {
            // a present PTE that denies the access is a fault too: copy on write, a write to a
            // clean shared page, or the signal
            long mm = ttbr0Mm(cpu);
            if (mm < 0) {
                return Result.refused("access: 0x" + Long.toHexString(va) + ": TTBR0 is swapper_pg_dir, no user mapping (SIGSEGV)");
            }
            String held = blocks("access", mm, cpu, true);
            if (held == null) {
                held = pteLockHeld(mm, va);
            }
            if (held != null) {
                return Result.refused("access: 0x" + Long.toHexString(va) + ": the page fault waits: " + held);
            }
            String signal = tables.fault(mm, va, access);
            // the flushes the fault handler made (wp_page_copy's ptep_clear_flush, ...), from this CPU
            replayFlushes(cpu, false);
            if (signal != null) {
                return Result.refused("access: 0x" + Long.toHexString(va) + ": " + signal);
            }
            faulted = true;
            now = walk(cpu, va);
        }
        if (now == null) {
            return Result.refused("access: unable to handle kernel paging request at virtual address 0x" + Long.toHexString(va));
        }
        if (!permits(now, access, user)) {
            return Result.refused("access: 0x" + Long.toHexString(va) + ": " + (user ? "SIGSEGV (SEGV_ACCERR)" : "permission fault (Oops)"));
        }
        if (hit != null && !faulted) {
            // the TLB's entry denied the access, the PTE does not: the hardware faulted, and
            // handle_pte_fault, finding nothing to change, ends in flush_tlb_fix_spurious_fault
            // (flush_tlb_page, include/linux/pgtable.h); the mm code never saw this fault
            TlbFlush.flushTlbPage(this, ttbr0Mm(cpu), va, cpu);
        }
        fill(cpu, now);
        return Result.of(now.pa() + (va - now.va()));
    }

    /**
     * The TLB entry {@code hit} (or null) for an access to {@code va}, against {@code now}, the walk
     * of the live tables: counted as stale (and as used inside a shootdown window) when it disagrees
     * with the walk; the physical address when it permits the access, else null (the hardware
     * faults, or walks on a miss).
     */
    private Result useHit(TlbEntry hit, Walk now, long va, Access access, boolean user) {
        if (hit == null) {
            return null;
        }
        if (!hit.walk().sameTranslation(now)) {
            staleHits++;
            if (inShootdownWindow(hit)) {
                windowHits++;
            }
        }
        return permits(hit.walk(), access, user) ? Result.of(hit.walk().pa() + (va - hit.walk().va())) : null;
    }

    /** Why a fault on {@code va} of {@code mm} waits for the page's PTL (a begun copy on write holds it), or null. */
    private String pteLockHeld(long mm, long va) {
        return tables.clearedNow(mm, va) ? "the PTL of the page is held by a begun copy on write until its set_pte_at" : null;
    }

    /**
     * {@code touch MM VA ACCESS cpu=N} when CPU {@code cpu} runs {@code mm} (its TTBR0 is that pgd
     * and no switch is under way), as the hardware makes a user access ({@link
     * armmm.model.mm.UserAccessPath}): an entry of the TLB that answers and permits it is used,
     * stale or not, and no fault is taken (so a flush the kernel left out lets the task read or
     * write the old frame); else {@code faultHandler} ({@code Processes.touch}: the walk, and
     * {@code do_page_fault} when it fails), its flushes replayed from {@code cpu} before the retried
     * walk fills the TLB. An entry that answers but denies what the tables permit is the spurious
     * fault of {@link #access}. Null when {@code cpu} does not run {@code mm}: the caller enters the
     * fault handler as without a TLB.
     */
    Result userTouch(long mm, long va, Access access, int cpu, java.util.function.Supplier<Result> faultHandler) {
        if (cpu < 0 || cpu >= tlbs.length || asid.cpu(cpu).step() != armmm.model.asid.SwitchStep.IDLE
                || ttbr0Mm(cpu) != mm || va < 0 || va >= ProcessTables.TASK_SIZE) {
            return null;
        }
        if (begun[cpu] != null) {
            return Result.refused("touch: " + insideCall(cpu));
        }
        accesses++;
        TlbEntry hit = tlbs[cpu].lookup(va, currentAsid(cpu));
        Walk now = walk(cpu, va);
        Result used = useHit(hit, now, va, access, true);
        if (used != null) {
            // a TLB hit is the hardware's alone: no lock, whatever a begun call holds
            return used;
        }
        boolean walkPermits = now != null && permits(now, access, true);
        // a miss whose hardware walk permits the access takes no lock either; any fault does, a
        // spurious one too (an entry denying what the PTE now permits): do_page_fault takes mmap_lock
        // for reading before handle_pte_fault's PTL and flush_tlb_fix_spurious_fault
        boolean noFault = hit == null && walkPermits;
        String held = noFault ? null : blocks("touch", mm, cpu, true);
        if (held != null) {
            return Result.refused("touch: " + held);
        }
        String locked = noFault ? null : pteLockHeld(mm, va);
        if (locked != null) {
            // as in access: the fault waits for the page's PTL
            return Result.refused("touch: 0x" + Long.toHexString(va) + ": the page fault waits: " + locked);
        }
        Result r = faultHandler.get();
        // the flushes the fault handler made (wp_page_copy's ptep_clear_flush, ...), from this CPU,
        // before the retried access fills
        replayFlushes(cpu, false);
        if (r instanceof Result.Refused) {
            return r;
        }
        now = walk(cpu, va);
        if (now == null || !permits(now, access, true)) {
            return r;
        }
        if (hit != null && walkPermits) {
            // flush_tlb_fix_spurious_fault (flush_tlb_page), as in access
            TlbFlush.flushTlbPage(this, mm, va, cpu);
        }
        fill(cpu, now);
        return r;
    }

    /** APX:AP and XN as the CPU checks them at PL0 ({@code user}) or PL1 (ARMv7-A ARM B3.7.1). */
    static boolean permits(Walk w, Access access, boolean user) {
        int ap = w.ap();
        boolean readable = user ? (ap & 2) != 0 : ap != 0 && ap != 4;
        return switch (access) {
            case READ -> readable;
            case WRITE -> user ? ap == 3 : ap >= 1 && ap <= 3;
            case EXEC -> readable && !w.xn();
        };
    }

    /** {@code exit_mm} of {@code mm}: its context waits for the last CPU (the flush was the mm code's {@code exit_mmap}). */
    void exitMm(long mm) {
        if (contexts.containsKey(mm)) {
            exited.add(mm);
            releaseExited();
        }
    }

    /** Frees the ASID context of every exited mm no CPU runs or switches to any more. */
    void releaseExited() {
        for (var it = exited.iterator(); it.hasNext(); ) {
            long mm = it.next();
            MmContext ctx = contexts.get(mm);
            if (asid.releaseMm(ctx)) {
                it.remove();
                contexts.remove(mm);
            }
        }
    }

    /**
     * Each CPU's reference on its {@code active_mm}'s {@code mm_count}: the mm its TTBR0 points
     * at, kept through a switch (the reserved TTBR0 in between) until the switch is done, when
     * {@code finish_task_switch} drops the previous one ({@code mmdrop}, kernel/sched/core.c),
     * and the mm a switch under way goes to. The kernel takes the lazy reference in
     * {@code exit_mm} and {@code context_switch} (a kernel thread borrowing the mm); a CPU
     * running a live mm holds it here too, which moves no zero: the pgd is freed
     * ({@code __mmdrop}) when the mm has exited and no CPU has it as {@code active_mm}.
     */
    void syncActiveMms() {
        for (int cpu = 0; cpu < tlbs.length; cpu++) {
            long running = ttbr0Mm(cpu);
            if (running >= 0) {
                activeMm[cpu] = running;
            }
            MmContext target = asid.cpu(cpu).target();
            long next = target == null ? -1 : mmOf(target);
            Set<Long> has = held.get(cpu);
            if (bugs.contains(TlbBug.LAZY_MM_NOT_GRABBED)) {
                continue;
            }
            // the common case, nothing changed, allocates nothing
            boolean same = has.size() == (activeMm[cpu] < 0 ? 0 : 1) + (next < 0 || next == activeMm[cpu] ? 0 : 1)
                    && (activeMm[cpu] < 0 || has.contains(activeMm[cpu])) && (next < 0 || has.contains(next));
            if (same) {
                continue;
            }
            for (var it = has.iterator(); it.hasNext(); ) {
                long mm = it.next();
                if (mm != activeMm[cpu] && mm != next) {
                    it.remove();
                    tables.mmdrop(mm);
                }
            }
            for (long mm : new long[] {activeMm[cpu], next}) {
                if (mm >= 0 && !has.contains(mm) && tables.mmgrab(mm)) {
                    has.add(mm);
                }
            }
        }
    }

    /** The mm CPU {@code cpu} has as {@code active_mm}, or -1 before its first switch. */
    public long activeMm(int cpu) {
        return activeMm[cpu];
    }

    /** A call starts: none of its mm flushes is replayed yet. */
    void beginCall() {
        replayed = 0;
        kernelReplayed = 0;
        lastFlush = null;
        lastDsbOps = List.of();
        lastDsbCpu = -1;
    }

    /** Records a {@code flush_tlb_*} helper call the kernel made and completed in this step (for INV-CALL-06). */
    void recordFlush(TlbOp.Helper call) {
        lastFlush = call;
        flushCalls++;
    }

    /** The {@code flush_tlb_*} helper call this step completed, or null when the step made none. */
    public TlbOp.Helper lastFlush() {
        return lastFlush;
    }

    /** Helper calls and {@code dsb} calls that completed raw operations so far: INV-CALL-06's change signal. */
    public long flushCalls() {
        return flushCalls;
    }

    /**
     * Replays, from {@code cpu}, the TLB flushes the mm code made in the current call and this
     * model has not replayed yet ({@code flush_tlb_range}, {@code flush_tlb_page},
     * {@code flush_tlb_mm} at their kernel sites). {@code unmapping} says the call unmaps
     * (munmap, MAP_FIXED, brk), where {@link TlbBug#MUNMAP_NO_FLUSH} drops the flush.
     */
    void replayFlushes(int cpu, boolean unmapping) {
        List<armmm.model.mm.TlbFlush> all = tables.flushes();
        for (; replayed < all.size(); replayed++) {
            armmm.model.mm.TlbFlush f = all.get(replayed);
            if ((bugs.contains(TlbBug.MUNMAP_NO_FLUSH) && unmapping && f.site() == armmm.model.mm.TlbFlush.Site.UNMAP_REGION)
                    || (bugs.contains(TlbBug.COW_NO_FLUSH) && f.site() == armmm.model.mm.TlbFlush.Site.WP_PAGE_COPY)) {
                continue;
            }
            replayedBySite.merge(f.site(), 1L, Long::sum);
            switch (f.kind()) {
                case RANGE -> TlbFlush.flushTlbRange(this, f.mm(), f.start(), f.end(), cpu);
                case PAGE -> TlbFlush.flushTlbPage(this, f.mm(), f.start(), cpu);
                case MM -> TlbFlush.flushTlbMm(this, f.mm(), cpu);
                default -> throw new IllegalStateException(f.toString());
            }
        }
    }

    /** The mm code's flushes replayed so far, by kernel site. */
    public Map<armmm.model.mm.TlbFlush.Site, Long> replayedFlushes() {
        return java.util.Collections.unmodifiableMap(replayedBySite);
    }

    /** Entries the completed maintenance removed that no longer agreed with their tables (stale entries flushed). */
    public long staleFlushed() {
        return staleFlushed;
    }

    /** Hands over the buddy allocator (the subsystem's create). */
    void pages(armmm.model.page.PageAllocator p) {
        pages = p;
    }

    /** Hands over the highmem state whose flushes reach these TLBs (the subsystem's create). */
    void highmem(Highmem h) {
        highmem = h;
    }

    /** The highmem state whose flushes reach these TLBs, or null. */
    Highmem highmem() {
        return highmem;
    }

    /** Hands over the vmalloc areas whose purge flushes reach these TLBs (the subsystem's create). */
    void vmapAreas(armmm.model.vmalloc.VmapAreas areas) {
        vmapAreas = areas;
    }

    /**
     * Replays, from {@code cpu}, the {@code flush_tlb_kernel_range} calls the vmalloc code made in
     * the current call ({@link armmm.model.vmalloc.KernelTlbFlush}: {@code __purge_vmap_area_lazy}'s
     * flush over the purged span), not replayed yet. {@link TlbBug#PURGE_NO_FLUSH} drops them.
     */
    void replayKernelFlushes(int cpu) {
        if (vmapAreas == null) {
            return;
        }
        List<armmm.model.vmalloc.KernelTlbFlush> all = vmapAreas.tlbFlushesSinceStep();
        for (; kernelReplayed < all.size(); kernelReplayed++) {
            armmm.model.vmalloc.KernelTlbFlush f = all.get(kernelReplayed);
            if (bugs.contains(TlbBug.PURGE_NO_FLUSH)) {
                continue;
            }
            purgeFlushesReplayed++;
            TlbFlush.flushTlbKernelRange(this, f.start(), f.end(), cpu);
        }
    }

    /** The vmalloc purge flushes replayed so far. */
    public long purgeFlushesReplayed() {
        return purgeFlushesReplayed;
    }

    /**
     * {@code __set_fixmap}'s {@code local_flush_tlb_kernel_range(vaddr, vaddr + PAGE_SIZE)}
     * (arch/arm/mm/mmu.c) for each kernel PTE the call wrote: despite its name, on this build it is
     * {@code v7wbi_flush_kern_tlb_range}, whose SMP alternative is the inner-shareable TLBIMVAAIS
     * (arch/arm/mm/tlb-v7.S), so every CPU's entry of the page goes. From CPU 0 when the call took no CPU.
     */
    void flushWrittenKernelPtes(int cpu) {
        int from = cpu >= 0 && cpu < tlbs.length ? cpu : 0;
        for (long va : tables.kernelPtesWritten()) {
            TlbFlush.flushTlbKernelRange(this, va & -PAGE, (va & -PAGE) + PAGE, from);
        }
    }
}
