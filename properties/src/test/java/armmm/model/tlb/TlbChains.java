package armmm.model.tlb;

import static armmm.pbt.Gens.weighted;

import armmm.model.asid.SwitchStep;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.mm.Vma;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.vmalloc.VmallocOp;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.model.core.Violation;
import armmm.model.kernel.Subsystems;
import armmm.model.subsystem.Invariant;
import armmm.properties.KernelChains;
import armmm.properties.KernelFormatter;
import armmm.properties.World;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Chains of execs, whole and step-by-step switches on several CPUs (the engine interleaves the
 * steps of {@code check_and_switch_context} by drawing {@code step cpu=N} among the other calls),
 * user and kernel accesses and speculative walks that fill the TLBs, mmap, munmap, mprotect and
 * exit, on kernels with 2 to 4 CPUs and ASIDs narrowed to 2 or 3 bits so that chains roll the ASID
 * space over many times. The last CPU is drawn most often, so the others sit in one task across
 * rollovers (what 7767/1 and 8465/1 need).
 */
final class TlbChains {
    static final long PAGE = 4096;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private TlbChains() {
    }

    /** Kernels of 2 or 3 CPUs on 2- or 3-bit ASIDs, or 4 CPUs on 3 bits. */
    static Gen<Kernel> kernels(Bugs bugs) {
        return kernels(bugs, new int[] {2, 2}, new int[] {2, 3}, new int[] {3, 3}, new int[] {4, 3});
    }

    /** Kernels of 256 MiB with these {CPUs, ASID bits}. */
    static Gen<Kernel> kernels(Bugs bugs, int[]... configs) {
        return Gens.oneOf(configs).map(c -> Kernel.boot(
                Board.virt(256L << 20).withCpus(c[0]).withArgs(TlbSubsystem.ASID_BITS_PARAM + c[1]), bugs));
    }

    /**
     * {@link #kernels(Bugs)} with arm64's read-then-cmpxchg ASID fast path applied
     * ({@code armmm_asid_fastpath=cmpxchg}): for the every-invariant properties, whose interleaved
     * switches can otherwise reach 6.1's own race (spec/asid.md).
     */
    static Gen<Kernel> patchedKernels(Bugs bugs) {
        return patchedKernels(bugs, new int[] {2, 2}, new int[] {2, 3}, new int[] {3, 3}, new int[] {4, 3});
    }

    /** {@link #kernels(Bugs, int[]...)} with arm64's cmpxchg fast path applied. */
    static Gen<Kernel> patchedKernels(Bugs bugs, int[]... configs) {
        return Gens.oneOf(configs).map(c -> Kernel.boot(Board.virt(256L << 20).withCpus(c[0]).withArgs(
                TlbSubsystem.ASID_BITS_PARAM + c[1] + " " + TlbSubsystem.ASID_FASTPATH_PARAM + "cmpxchg"), bugs));
    }

    static Tlbs tlbs(World w) {
        return w.kernel().state(Tlbs.class);
    }

    private static List<Long> liveMms(World w) {
        Tlbs t = tlbs(w);
        List<Long> out = new ArrayList<>();
        for (Long m : t.contexts().keySet()) {
            if (!t.exited(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** A CPU, the last one eight times as often as each other. */
    private static Gen<Integer> cpu(World w) {
        int n = tlbs(w).nrCpus();
        return Gens.frequency(weighted(n - 1, Gens.ints(0, n - 2)), weighted(8, Gens.constant(n - 1)));
    }

    /**
     * The CPU a task of {@code m} makes a call from ({@code cpu=N}): half the time a CPU whose
     * {@code active_mm} is {@code m} (where its task runs), else any CPU, so that a flush is
     * issued both from a CPU that holds the entries and from one that does not.
     */
    private static Gen<Integer> callerCpu(World w, long m) {
        List<Integer> running = cpusRunning(w, m, false);
        Gen<Integer> any = Gens.ints(0, tlbs(w).nrCpus() - 1);
        return running.isEmpty() ? any : Gens.frequency(weighted(1, any), weighted(1, Gens.oneOf(running)));
    }

    /** The CPUs whose {@code active_mm} is {@code m} (and, when {@code orNone}, those that have run none yet). */
    private static List<Integer> cpusRunning(World w, long m, boolean orNone) {
        Tlbs t = tlbs(w);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.activeMm(c) == m || orNone && t.activeMm(c) < 0) {
                out.add(c);
            }
        }
        return out;
    }

    /** The live mms a touch can run on some CPU: one runs them, or has run no mm yet. */
    private static List<Long> touchable(World w) {
        List<Long> out = new ArrayList<>();
        for (long m : liveMms(w)) {
            if (!cpusRunning(w, m, true).isEmpty()) {
                out.add(m);
            }
        }
        return out;
    }

    /** The idle CPUs (not switching, not inside a begun call), the last one eight times over when it is idle. */
    private static List<Integer> idle(World w) {
        Tlbs t = tlbs(w);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).step() == SwitchStep.IDLE && t.begun(c) == null) {
                for (int k = c == t.nrCpus() - 1 ? 8 : 1; k > 0; k--) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static Gen<Integer> idleCpu(World w) {
        return Gens.oneOf(idle(w));
    }

    /** The live mms no CPU is switching to (a task being switched in is not yet running to call exit). */
    private static List<Long> exitable(World w, int memory) {
        Tlbs t = tlbs(w);
        List<Long> out = new ArrayList<>(liveMms(w));
        if (memory == 0) {
            return out;
        }
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).target() != null) {
                out.remove((Long) t.mmOf(t.asid().cpu(c).target()));
            }
        }
        return out;
    }

    /**
     * The mm code's own access ({@code touch}): a page of a live mm, or, twice as often when a TLB
     * holds one, a user page some CPU has cached, written (a copy on write under another CPU's entry).
     */
    private static Gen<MmOp> touch(World w) {
        Tlbs t = tlbs(w);
        List<Long> live = touchable(w);
        List<long[]> cached = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            for (TlbEntry e : t.tlb(c).entries()) {
                if (e.owner() >= 0 && live.contains(e.owner())) {
                    cached.add(new long[] {e.owner(), e.walk().va()});
                }
            }
        }
        // from a CPU running the mm (or one that has run none): a touch elsewhere is refused
        Gen<MmOp> any = Gens.oneOf(live).flatMap(m -> Gens.combine(userPage(w, m), Gens.oneOf(Access.READ, Access.WRITE),
                Gens.oneOf(cpusRunning(w, m, true)), (va, a, c) -> new MmOp.Touch(m, va, a, c)));
        if (cached.isEmpty()) {
            return any;
        }
        return Gens.frequency(weighted(1, any), weighted(2, Gens.oneOf(cached).flatMap(e -> Gens.oneOf(
                cpusRunning(w, e[0], true)).map(c -> (MmOp) new MmOp.Touch(e[0], e[1], Access.WRITE, c)))));
    }

    /**
     * The mm a switch goes to: any live one, or as often an mm another CPU runs (the same mm on two
     * CPUs across rollovers is what keeps a reserved ASID in use: 8465/1).
     */
    private static Gen<Long> switchTarget(World w) {
        Tlbs t = tlbs(w);
        List<Long> running = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            long m = t.ttbr0Mm(c);
            if (m >= 0 && !t.exited(m)) {
                running.add(m);
            }
        }
        Gen<Long> any = Gens.oneOf(liveMms(w));
        return running.isEmpty() ? any : Gens.frequency(weighted(1, any), weighted(1, Gens.oneOf(running)));
    }

    private static boolean canSwitch(World w) {
        return !idle(w).isEmpty() && !liveMms(w).isEmpty();
    }

    private static boolean anySwitching(World w) {
        Tlbs t = tlbs(w);
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).step() != SwitchStep.IDLE) {
                return true;
            }
        }
        return false;
    }

    /** The CPUs a {@code step} moves: those switching and those inside a begun munmap or mprotect. */
    private static List<Integer> stepping(World w) {
        Tlbs t = tlbs(w);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).step() != SwitchStep.IDLE || t.begun(c) != null) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * A CPU that can begin a munmap or mprotect of {@code m}: idle, and no begun call holds
     * {@code m}'s {@code mmap_lock}; twice as often one not running {@code m}. Empty when there is none.
     */
    private static List<Integer> beginners(World w, long m) {
        Tlbs t = tlbs(w);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.begun(c) != null && t.begun(c).mm() == m) {
                return List.of();
            }
        }
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).step() == SwitchStep.IDLE && t.begun(c) == null) {
                out.add(c);
                if (t.activeMm(c) != m) {
                    // the entries live on the CPUs running m: a call from another leaves them free to use the window
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The live mms a munmap or mprotect can be begun on. */
    private static List<Long> beginnable(World w) {
        List<Long> out = new ArrayList<>();
        for (long m : liveMms(w)) {
            if (!beginners(w, m).isEmpty()) {
                out.add(m);
            }
        }
        return out;
    }

    private static List<Integer> switching(World w) {
        Tlbs t = tlbs(w);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).step() != SwitchStep.IDLE) {
                out.add(c);
            }
        }
        return out;
    }

    /** A page of one of {@code m}'s VMAs, or of its stack. */
    private static Gen<Long> userPage(World w, long m) {
        List<Vma> vmas = w.kernel().state(Processes.class).mm(m).vmas();
        return Gens.oneOf(vmas).flatMap(v -> Gens.longs(0, Math.min(3, v.pages() - 1)).map(i -> v.start() + i * PAGE));
    }

    /** An address the CPU may touch: a page of the mm it runs (or any mm's), or the kernel's linear map. */
    private static Gen<Long> address(World w, int cpu) {
        long running = tlbs(w).ttbr0Mm(cpu);
        List<Long> mms = liveMms(w);
        Gen<Long> linear = Gens.longs(0, 7).map(i -> 0xc0000000L + i * 0x100000L + (i & 1) * PAGE);
        List<Long> areas = w.handles("vmalloc address");
        // a held vmalloc area's first or second page (every area here is 2 pages), or the linear map
        Gen<Long> kernel = areas.isEmpty() ? linear : Gens.frequency(weighted(1, linear),
                weighted(2, Gens.combine(Gens.oneOf(areas), Gens.ints(0, 1), (v, i) -> v + i * PAGE)));
        if (mms.isEmpty()) {
            return kernel;
        }
        Gen<Long> own = running >= 0 && w.kernel().state(Processes.class).mm(running) != null ? userPage(w, running)
                : Gens.oneOf(mms).flatMap(m -> userPage(w, m));
        return Gens.frequency(weighted(6, own), weighted(1, kernel));
    }

    /**
     * The chain: {@code checked} invariants of the registry after every step; at the chain's end
     * the complete check of every subsystem when {@code wholeKernel}, else of this subsystem only
     * (a seeded bug's hunt replays its chain hundreds of times while shrinking, and the buddy
     * allocator's full scan of every frame would dominate it).
     */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> kernels, Predicate<String> checked, boolean wholeKernel) {
        return spec(kernels, checked, wholeKernel, 1);
    }

    /**
     * The same with the memory calls (mmap, access, speculate, munmap, mprotect) drawn {@code memory}
     * times as often; 0 leaves only execs, switches, their steps and exits (an ASID race needs no
     * memory, and the other calls would only dilute the interleavings).
     */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> kernels, Predicate<String> checked, boolean wholeKernel, int memory) {
        return spec(kernels, checked, wholeKernel, memory, new int[] {memory > 0 ? 8 : 6, 4, 8, 14});
    }

    /**
     * Chains for the races that need a history of rollovers with a CPU sitting in one mm (7767/1,
     * 8465/1): whole switches, mostly to an mm another CPU runs, few interleaved steps, and at
     * most 12 live mms, as {@code AsidChains} draws them on the allocator alone.
     */
    static ChainSpec.Builder<World, Op> historySpec(Gen<Kernel> kernels, Predicate<String> checked) {
        return spec(kernels, checked, false, 0, new int[] {6, 10, 2, 4});
    }

    /**
     * Chains long enough to roll the real 8-bit ASID space over several times through the whole
     * kernel: tasks exec and exit as often as each other, so that each CPU keeps taking fresh
     * address spaces (a new mm takes a new ASID; an exited one's is reclaimed only at a rollover),
     * with up to {@code maxLive} live mms at once.
     */
    static ChainSpec.Builder<World, Op> churnSpec(Gen<Kernel> kernels, int maxLive) {
        return spec(kernels, id -> true, true, 1, new int[] {80, 8, 6, 10}, maxLive, 80);
    }

    /** The same with the weights of exec, switch_mm, switch_mm_begin and step. */
    private static ChainSpec.Builder<World, Op> spec(Gen<Kernel> kernels, Predicate<String> checked, boolean wholeKernel,
            int memory, int[] weights) {
        return spec(kernels, checked, wholeKernel, memory, weights, 12, 1);
    }

    /** The same with at most {@code maxLive} live mms and exit_mm drawn with {@code exitWeight}. */
    private static ChainSpec.Builder<World, Op> spec(Gen<Kernel> kernels, Predicate<String> checked, boolean wholeKernel,
            int memory, int[] weights, int maxLive, int exitWeight) {
        KernelChains.edgeBugs();
        ChainSpec.Builder<World, Op> b = ChainSpec.<World, Op>builder()
                .initialState(kernels.map(World::new))
                .executor(World::apply)
                .formatter(new KernelFormatter());
        for (Invariant inv : Subsystems.invariants()) {
            if (checked.test(inv.id())) {
                b.invariant(inv.id(), w -> inv.appliesTo(w.kernel()), w -> failures(inv.check(w.kernel())));
            }
        }
        b.finalCheck("full scan", w -> failures((wholeKernel ? w.kernel().checkComplete()
                : TlbSubsystem.INSTANCE.completeCheck(tlbs(w), w.kernel())).stream().filter(v -> checked.test(v.id())).toList()));
        if (memory > 0) {
            b.action("vmalloc", memory, w -> Gens.constant(new VmallocOp.VmallocCall(2 * PAGE)))
                    .action("vfree", memory, w -> !w.handles("vmalloc address").isEmpty(),
                            w -> Gens.oneOf(w.handles("vmalloc address")).map(VmallocOp.Vfree::new))
                    // __purge_vmap_area_lazy: its flush_tlb_kernel_range reaches the TLBs as vmalloc records it
                    .action("purge_vmap_area_lazy", memory, w -> Gens.constant(new VmallocOp.PurgeVmapAreaLazy()));
            b                .action("mmap", 3 * memory, w -> !liveMms(w).isEmpty(), w -> Gens.combine(Gens.oneOf(liveMms(w)), Gens.ints(1, 4),
                        (m, n) -> new MmOp.Mmap(m, 0, n * PAGE, VmFlags.PROT_READ | VmFlags.PROT_WRITE, ANON)).flatMap(
                        op -> callerCpu(w, op.mm()).map(c -> new MmOp.Mmap(op.mm(), 0, op.len(), op.prot(), op.flags(), c))))
                .action("access", 10 * memory, w -> cpu(w).flatMap(c -> Gens.combine(address(w, c),
                        Gens.oneOf(Access.READ, Access.READ, Access.WRITE), (va, a) -> new TlbOp.AccessVa(va, a, c))))
                .action("speculate", 3 * memory, w -> cpu(w).flatMap(c -> address(w, c).map(va -> new TlbOp.Speculate(va, c))))
                .action("munmap", 3 * memory, w -> !liveMms(w).isEmpty(), w -> Gens.oneOf(liveMms(w)).flatMap(m -> Gens.combine(
                        userPage(w, m), Gens.ints(1, 2), callerCpu(w, m), (va, n, c) -> new MmOp.Munmap(m, va, n * PAGE, c))))
                // the hardware dropping an entry it holds (any time, ARMv7-A ARM B3.10.1)
                .action("evict", memory, w -> cpu(w).flatMap(c -> address(w, c).map(va -> new TlbOp.Evict(va, c))))
                .action("fork", memory, w -> !liveMms(w).isEmpty(), w -> Gens.oneOf(liveMms(w)).flatMap(
                        m -> callerCpu(w, m).map(c -> new MmOp.Fork(m, c))))
                // the mm code's own user access (do_page_fault without a TLB): a copy on write here
                // must reach every CPU's TLB through wp_page_copy's flush
                .action("touch", memory, w -> !touchable(w).isEmpty(), TlbChains::touch)
                .action("mprotect", 2 * memory, w -> !liveMms(w).isEmpty(), w -> Gens.oneOf(liveMms(w)).flatMap(m -> Gens.combine(
                        userPage(w, m), Gens.oneOf(VmFlags.PROT_READ, VmFlags.PROT_READ | VmFlags.PROT_WRITE, 0),
                        callerCpu(w, m), (va, prot, c) -> new MmOp.Mprotect(m, va, PAGE, prot, c))));
        }
        return b
                .action("exec", weights[0], w -> !idle(w).isEmpty() && liveMms(w).size() < maxLive, w -> idleCpu(w).map(TlbOp.Exec::new))
                .action("switch_mm", weights[1], TlbChains::canSwitch,
                        w -> Gens.combine(switchTarget(w), idleCpu(w), TlbOp.SwitchMm::new))
                .action("switch_mm_begin", weights[2], TlbChains::canSwitch,
                        w -> Gens.combine(Gens.oneOf(liveMms(w)), idleCpu(w), TlbOp.SwitchMmBegin::new))
                .action("step", weights[3], w -> !stepping(w).isEmpty(), w -> Gens.oneOf(stepping(w)).map(TlbOp.Step::new))
                // the task exits on its CPU: no CPU is in the middle of switching to its mm (the ASID
                // races' chains keep every live mm: an exit there only delays the context's release)
                .action("exit_mm", exitWeight, w -> !exitable(w, memory).isEmpty(), w -> memory == 0 ? Gens.oneOf(exitable(w, memory)).map(MmOp.ExitMm::new)
                        : Gens.oneOf(exitable(w, memory)).flatMap(m -> callerCpu(w, m).map(c -> new MmOp.ExitMm(m, c))))
                .postcondition((w, op, outcome) -> label(w, op, (Result) outcome))
                .tries(40).steps(80);
    }

    /**
     * {@code b} with the TLB calls the kernel's own paths issue, made directly: each CP15 c8
     * operation (local and inner-shareable), {@code dsb}, every {@code flush_tlb_*} helper, and
     * {@code switch_mm_finish} of a CPU caught between steps. Extra maintenance only ever drops
     * entries (ARMv7-A ARM B3.10), so every invariant must still hold; a maintenance operation
     * that dropped too little, or one that reached an entry it must not, shows as a stale or
     * missing translation at the next access.
     */
    static ChainSpec.Builder<World, Op> withMaintenance(ChainSpec.Builder<World, Op> b) {
        // one action a call, named as the call, so that statistics count each call by its name
        for (Tlbi.Kind kind : Tlbi.Kind.values()) {
            for (boolean is : new boolean[] {false, true}) {
                b.action(new Tlbi(kind, 0, 0, is).spelling(), 1, w -> cpu(w).flatMap(c -> Gens.combine(address(w, c),
                        Gens.ints(0, (int) tlbs(w).asid().config().asidNumberMask()),
                        (va, asid) -> new TlbOp.Maintenance(new Tlbi(kind, va, asid, is), c))));
            }
        }
        b.action("dsb", 1, w -> cpu(w).map(TlbOp.Dsb::new));
        for (TlbOp.Helper.Kind kind : TlbOp.Helper.Kind.values()) {
            String name = kind.spelling();
            boolean user = kind == TlbOp.Helper.Kind.MM || kind == TlbOp.Helper.Kind.PAGE || kind == TlbOp.Helper.Kind.RANGE;
            if (user) {
                b.action(name, 1, w -> !liveMms(w).isEmpty(), w -> Gens.oneOf(liveMms(w)).flatMap(m -> Gens.combine(
                        userPage(w, m), Gens.ints(1, 3), callerCpu(w, m),
                        (va, n, c) -> new TlbOp.Helper(name, kind, m, kind == TlbOp.Helper.Kind.MM ? 0 : va,
                                kind == TlbOp.Helper.Kind.RANGE ? va + n * PAGE : 0, c))));
            } else if (kind == TlbOp.Helper.Kind.LOCAL_ALL || kind == TlbOp.Helper.Kind.ALL) {
                b.action(name, 1, w -> cpu(w).map(c -> new TlbOp.Helper(name, kind, 0, 0, 0, c)));
            } else {
                // from any CPU, twice as often on a page some TLB holds a global entry of (another
                // CPU's, as like as not): what a helper that stays local would leave behind
                b.action(name, 1, w -> Gens.ints(0, tlbs(w).nrCpus() - 1).flatMap(c -> Gens.combine(kernelPage(w, c), Gens.ints(1, 3),
                        (va, n) -> new TlbOp.Helper(name, kind, va, kind == TlbOp.Helper.Kind.KERNEL_RANGE ? va + n * PAGE : 0, 0, c))));
            }
        }
        return b.action("switch_mm_finish", 2, TlbChains::anySwitching, w -> Gens.oneOf(switching(w)).map(TlbOp.SwitchMmFinish::new));
    }

    /**
     * {@code b} with the kernel's own unmap and protection change begun ({@code munmap_begin},
     * {@code mprotect_begin}, of a page some TLB caches twice as often as of any page, from an
     * idle CPU, twice as often one not running the mm), a write fault begun on a cached page
     * ({@code touch_begin}: a copy on write after a fork), their shootdown taken a TLB operation at a time by
     * {@code step cpu=N} among the other calls, and the two accesses that matter inside the
     * window: a CPU using an entry the call's window tolerates ({@code window access}), and a
     * CPU running the mm walking a page of the call's span ({@code window walk}, a speculative
     * walk or an access), which after the PTE write must find the new PTE. Also {@code fork_begin}
     * (the parent write-protected, {@code flush_tlb_mm(oldmm)} in steps), {@code exit_mm_begin}
     * (exit_mmap's full-mm flush, then the free) and {@code brk_begin} (a break one or two pages
     * up or down: a shrinking one unmaps as munmap does), from the same CPUs.
     */
    static ChainSpec.Builder<World, Op> withBegunCalls(ChainSpec.Builder<World, Op> b) {
        return b.action("munmap_begin", 5, w -> !beginnable(w).isEmpty(), w -> beginTarget(w).flatMap(
                        mv -> Gens.combine(Gens.ints(1, 2), Gens.oneOf(beginners(w, mv[0])),
                                (n, c) -> (Op) new TlbOp.MunmapBegin(mv[0], mv[1], n * PAGE, c))))
                .action("mprotect_begin", 2, w -> !beginnable(w).isEmpty(), w -> beginTarget(w).flatMap(
                        mv -> Gens.combine(Gens.oneOf(VmFlags.PROT_READ, 0), Gens.oneOf(beginners(w, mv[0])),
                                (prot, c) -> (Op) new TlbOp.MprotectBegin(mv[0], mv[1], PAGE, prot, c))))
                // a write fault begun from a CPU running the mm, on a page a TLB caches: after a fork, a copy on write
                .action("touch_begin", 3, w -> !cowTargets(w).isEmpty(), w -> Gens.oneOf(cowTargets(w)).map(
                        mvc -> (Op) new TlbOp.TouchBegin(mvc[0], mvc[1], Access.WRITE, (int) mvc[2])))
                // dup_mmap's write protection and flush_tlb_mm, exit_mmap's full-mm gather, a shrinking brk's unmap_region
                .action("fork_begin", 2, w -> !beginnable(w).isEmpty(), w -> beginTarget(w).flatMap(
                        mv -> Gens.oneOf(beginners(w, mv[0])).map(c -> (Op) new TlbOp.ForkBegin(mv[0], c))))
                .action("exit_mm_begin", 1, w -> beginnable(w).size() > 1, w -> beginTarget(w).flatMap(
                        mv -> Gens.oneOf(beginners(w, mv[0])).map(c -> (Op) new TlbOp.ExitMmBegin(mv[0], c))))
                .action("brk_begin", 2, w -> !beginnable(w).isEmpty(), w -> Gens.oneOf(beginnable(w)).flatMap(
                        m -> Gens.combine(Gens.ints(-2, 2), Gens.oneOf(beginners(w, m)),
                                (pages, c) -> (Op) new TlbOp.BrkBegin(m, brkTarget(w, m, pages), c))))
                .action("window access", 30, w -> !windowEntries(w).isEmpty(), w -> Gens.oneOf(windowEntries(w)).map(
                        ce -> (Op) new TlbOp.AccessVa(ce[1], Access.READ, (int) ce[0])))
                .action("window walk", 20, w -> !windowWalks(w).isEmpty(), w -> Gens.oneOf(windowWalks(w)).flatMap(
                        ce -> Gens.ints(0, (int) ce[2]).map(k -> k == 0 ? (Op) new TlbOp.Speculate(ce[1], (int) ce[0])
                                : new TlbOp.AccessVa(ce[1], Access.READ, (int) ce[0]))));
    }

    /** The held vmalloc areas whose first page some TLB caches. */
    private static List<Long> cachedAreas(World w) {
        Tlbs t = tlbs(w);
        List<Long> out = new ArrayList<>();
        for (long v : w.handles("vmalloc address")) {
            for (int c = 0; c < t.nrCpus(); c++) {
                if (t.tlb(c).lookup(v, t.currentAsid(c)) != null) {
                    out.add(v);
                    break;
                }
            }
        }
        return out;
    }

    /** Whether a purge is begun on some CPU. */
    private static boolean purging(Tlbs t) {
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.begun(c) != null && t.begun(c).name().equals("purge_vmap_area_lazy")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #withBegunCalls} with vfree's lazy purge begun as steps ({@code purge_vmap_area_lazy_begin}
     * from an idle CPU, mostly the last: the vmalloc calls run on CPU 0), reads through the global
     * entries owing its flush, and weighted toward it: more vmalloc areas, their pages read, a vfree
     * of a cached area, a begun purge drawn whenever an area waits for one, and, while a purge is
     * under way, a vfree (on CPU 0, where the vmalloc calls run) of an area some TLB caches: the
     * interleaving that decides which purge owes that area's flush.
     */
    static ChainSpec.Builder<World, Op> withBegunPurges(ChainSpec.Builder<World, Op> b) {
        return withBegunCalls(b)
                // vfree's lazy purge begun from an idle CPU (mostly the last: the vmalloc calls run on
                // CPU 0), its flush taken a step at a time among the other calls
                .action("purge_vmap_area_lazy_begin", 6, w -> purgeable(w) && !idle(w).isEmpty(),
                        w -> idleCpu(w).map(c -> (Op) new TlbOp.PurgeVmapAreaLazyBegin(c)))
                // what makes a purge matter: a vmalloc page in some TLB, and its area vfree'd
                .action("vmalloc access", 4, w -> !w.handles("vmalloc address").isEmpty() && !idle(w).isEmpty(),
                        w -> Gens.combine(Gens.oneOf(w.handles("vmalloc address")), idleCpu(w),
                                (v, c) -> (Op) new TlbOp.AccessVa(v, Access.READ, c)))
                .action("vfree cached", 4, w -> !cachedAreas(w).isEmpty(), w -> Gens.oneOf(cachedAreas(w)).map(
                        v -> (Op) new VmallocOp.Vfree(v)))
                // a CPU reading a vfree'd vmalloc page through the global entry that owes the purge's flush
                .action("owed access", 10, w -> !owedEntries(w).isEmpty(), w -> Gens.oneOf(owedEntries(w)).map(
                        ce -> (Op) new TlbOp.AccessVa(ce[1], Access.READ, (int) ce[0])))
                .action("vmalloc area", 6, w -> Gens.constant(new VmallocOp.VmallocCall(2 * PAGE)))
                .action("purge begun", 10, w -> purgeable(w) && !idle(w).isEmpty(),
                        w -> idleCpu(w).map(c -> (Op) new TlbOp.PurgeVmapAreaLazyBegin(c)))
                .action("vfree inside a purge", 30, w -> purging(tlbs(w)) && tlbs(w).begun(0) == null && !cachedAreas(w).isEmpty(),
                        w -> Gens.oneOf(cachedAreas(w)).map(v -> (Op) new VmallocOp.Vfree(v)));
    }

    /** Whether a lazily freed vmalloc area waits for its purge and no begun purge holds {@code vmap_purge_lock}. */
    private static boolean purgeable(World w) {
        armmm.model.vmalloc.Vmalloc v = w.kernel().state(armmm.model.vmalloc.Vmalloc.class);
        return v != null && !v.areas().purgeLockHeld() && v.areas().vmapLazyNr() > 0;
    }

    /** {CPU, VA}: a global entry of a vmalloc page owing its purge flush, on a CPU not inside a call. */
    private static List<long[]> owedEntries(World w) {
        Tlbs t = tlbs(w);
        return entriesOfIdleCpus(w, e -> e.walk().global() && t.vmallocFlushOwed(e.walk().va()));
    }

    /** The break {@code pages} pages from {@code m}'s current one: above start_brk when shrinking, else one page above it. */
    private static long brkTarget(World w, long m, int pages) {
        armmm.model.mm.MmStruct s = w.kernel().state(Processes.class).mm(m);
        long brk = (s.brk() + PAGE - 1) & -PAGE;
        long to = brk + pages * PAGE;
        return to < s.startBrk() ? s.startBrk() + PAGE : to;
    }

    /** {mm, page} for a begun call: a page some TLB caches (twice as often), or any page of a beginnable mm. */
    private static Gen<long[]> beginTarget(World w) {
        List<Long> mms = beginnable(w);
        Tlbs t = tlbs(w);
        List<long[]> cached = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            for (TlbEntry e : t.tlb(c).entries()) {
                if (e.owner() >= 0 && mms.contains(e.owner())) {
                    cached.add(new long[] {e.owner(), e.walk().va()});
                }
            }
        }
        Gen<long[]> any = Gens.oneOf(mms).flatMap(m -> userPage(w, m).map(va -> new long[] {m, va}));
        return cached.isEmpty() ? any : Gens.frequency(weighted(1, any), weighted(2, Gens.oneOf(cached)));
    }

    /** {mm, page, CPU}: a page some TLB caches of a beginnable mm, and an idle CPU whose {@code active_mm} is that mm. */
    private static List<long[]> cowTargets(World w) {
        Tlbs t = tlbs(w);
        List<Long> mms = beginnable(w);
        List<long[]> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            for (TlbEntry e : t.tlb(c).entries()) {
                if (e.owner() < 0 || !mms.contains(e.owner())) {
                    continue;
                }
                for (int d = 0; d < t.nrCpus(); d++) {
                    if (t.activeMm(d) == e.owner() && t.begun(d) == null && t.asid().cpu(d).step() == SwitchStep.IDLE) {
                        out.add(new long[] {e.owner(), e.walk().va(), d});
                    }
                }
            }
        }
        return out;
    }

    /** {CPU, VA}: an entry a begun call's window tolerates, on a CPU not inside a call. */
    static List<long[]> windowEntries(World w) {
        return entriesOfIdleCpus(w, tlbs(w)::inShootdownWindow);
    }

    /** {CPU, VA}: an entry that {@code wanted} accepts, on a CPU not inside a call or a switch. */
    private static List<long[]> entriesOfIdleCpus(World w, java.util.function.Predicate<TlbEntry> wanted) {
        Tlbs t = tlbs(w);
        List<long[]> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.begun(c) != null || t.asid().cpu(c).step() != SwitchStep.IDLE) {
                continue;
            }
            for (TlbEntry e : t.tlb(c).entries()) {
                if (wanted.test(e)) {
                    out.add(new long[] {c, e.walk().va()});
                }
            }
        }
        return out;
    }

    /**
     * {CPU, VA, 1 when the CPU may access}: a page of a begun call's span and a CPU whose TTBR0 is
     * that call's mm; a CPU inside a call (or switching) only walks speculatively, as its
     * hardware may while the kernel runs there.
     */
    private static List<long[]> windowWalks(World w) {
        Tlbs t = tlbs(w);
        List<long[]> out = new ArrayList<>();
        for (int b = 0; b < t.nrCpus(); b++) {
            BegunCall call = t.begun(b);
            if (call == null) {
                continue;
            }
            for (int c = 0; c < t.nrCpus(); c++) {
                if (t.ttbr0Mm(c) == call.mm()) {
                    boolean free = t.begun(c) == null && t.asid().cpu(c).step() == SwitchStep.IDLE;
                    out.add(new long[] {c, call.start() & -PAGE, free ? 1 : 0});
                }
            }
        }
        return out;
    }

    /**
     * Adds to {@link #withMaintenance} chains the raw shootdown's two halves, drawn where they
     * matter: a CP15 operation from any CPU, its ASID the tag of a non-global entry another CPU's
     * TLB holds ({@code shootdown}), and a {@code dsb} on a CPU with operations waiting
     * ({@code complete}). The operations are the scenario's own calls, so a counterexample replays.
     */
    static ChainSpec.Builder<World, Op> withRawShootdowns(ChainSpec.Builder<World, Op> b) {
        b.action("shootdown", 3, w -> !otherCpusTags(w).isEmpty(), w -> Gens.oneOf(otherCpusTags(w)).flatMap(ct -> Gens.combine(
                Gens.oneOf(List.of(Tlbi.Kind.values())), Gens.ints(0, 1), address(w, ct[0]),
                (kind, is, va) -> new TlbOp.Maintenance(new Tlbi(kind, va, ct[1], is == 1), ct[0]))));
        return b.action("complete", 3, w -> !waiting(w).isEmpty(), w -> Gens.oneOf(waiting(w)).map(TlbOp.Dsb::new));
    }

    /** Pairs {CPU, ASID}: a CPU and the tag of a non-global entry some other CPU's TLB holds. */
    private static List<int[]> otherCpusTags(World w) {
        Tlbs t = tlbs(w);
        List<int[]> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            for (int d = 0; d < t.nrCpus(); d++) {
                if (d == c) {
                    continue;
                }
                for (TlbEntry e : t.tlb(d).entries()) {
                    if (!e.walk().global()) {
                        out.add(new int[] {c, e.asid()});
                    }
                }
            }
        }
        return out;
    }

    /** The CPUs with TLB operations issued and not completed. */
    private static List<Integer> waiting(World w) {
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < tlbs(w).nrCpus(); c++) {
            if (!tlbs(w).issued(c).isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** A page of a global entry some TLB holds (twice as often), or any address {@code cpu} may touch. */
    private static Gen<Long> kernelPage(World w, int cpu) {
        Tlbs t = tlbs(w);
        List<Long> cached = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            for (TlbEntry e : t.tlb(c).entries()) {
                if (e.walk().global()) {
                    cached.add(e.walk().va());
                }
            }
        }
        return cached.isEmpty() ? address(w, cpu) : Gens.frequency(weighted(1, address(w, cpu)), weighted(2, Gens.oneOf(cached)));
    }

    /** Each chain's counters after its latest step, by the identity of its world (rollovers, fast and slow paths, stale entries used and flushed, ...). */
    static final java.util.Map<Integer, long[]> COUNTERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static List<Failure> label(World w, Op op, Result r) {
        Tlbs t = tlbs(w);
        long evicted = 0;
        for (int c = 0; c < t.nrCpus(); c++) {
            evicted += t.tlb(c).evicted();
        }
        long replayed = t.replayedFlushes().values().stream().mapToLong(Long::longValue).sum();
        COUNTERS.put(System.identityHashCode(w), new long[] {t.asid().rollovers(), t.asid().fastPaths(), t.asid().slowPaths(), t.staleHits(),
                t.staleFlushed(), evicted, replayed});
        if (t.staleFlushed() > 0) {
            Stats.label("stale entry flushed");
        }
        if (replayed > 0) {
            Stats.label("mm flush replayed");
        }
        if (t.purgeFlushesReplayed() > 0) {
            Stats.label("purge flush replayed");
        }
        if (op instanceof MmOp && op.cpu() != 0 && !r.isRefused()) {
            Stats.label("mm call on a CPU other than 0");
        }
        if (op instanceof TlbOp || op instanceof MmOp) {
            Stats.label(r.isRefused() ? op.name() + " refused" : op.name() + " ok");
        }
        if (op instanceof VmallocOp.Vfree f && !r.isRefused()) {
            for (int c = 0; c < t.nrCpus(); c++) {
                for (TlbEntry e : t.tlb(c).entries()) {
                    if (e.walk().covers(f.addr())) {
                        Stats.label("vfree of an area in a TLB");
                    }
                }
            }
        }
        if (t.asid().rollovers() > 0) {
            Stats.label("rolled over");
        }
        if (t.asid().rollovers() > 2) {
            Stats.label("rolled over 3 times");
        }
        if (t.staleHits() > 0) {
            Stats.label("stale translation used");
        }
        if (t.windowHits() > 0) {
            Stats.label("old translation used inside a shootdown window");
        }
        if (op instanceof TlbOp.AccessVa a && !r.isRefused() && t.vmallocFlushOwed(a.va()) && purging(t)) {
            Stats.label("vmalloc page used inside a begun purge");
        }
        if (t.callsReturned() > 0) {
            Stats.label("begun call returned");
        }
        if (t.gatheredFreed() > 0) {
            Stats.label("gathered pages freed after the flush");
        }
        for (int c = 0; c < t.nrCpus(); c++) {
            // a begun kmap (mm -1) also ends in a set_pte_at: a copy on write is an mm's
            if (t.begun(c) != null && t.begun(c).mm() >= 0 && t.begun(c).steps().stream().anyMatch(st -> st.kind() == BegunCall.Kind.SET_PTE)) {
                Stats.label("copy on write begun");
            }
        }
        if (t.asid().fastPaths() > 0) {
            Stats.label("fast path");
        }
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).step() == SwitchStep.FLUSH_CONTEXT) {
                Stats.label("inside flush_context");
            }
            if (t.asid().tlbFlushPending(c) && !t.tlb(c).entries().isEmpty()) {
                Stats.label("entries awaiting the rollover flush");
            }
        }
        return List.of();
    }

    private static List<Failure> failures(List<Violation> violations) {
        List<Failure> out = new ArrayList<>(violations.size());
        for (Violation v : violations) {
            out.add(new Failure(v.id(), v.reason(), v.details()));
        }
        return out;
    }

    /** The rollovers a chain's kernel went through. */
    static long rollovers(World w) {
        return tlbs(w).asid().rollovers();
    }
}
