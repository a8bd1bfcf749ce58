package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.board.BoardLine;
import armmm.model.boot.BootedSystem;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.memblock.Memblock;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.Subsystem;
import armmm.model.zone.ZoneSetup;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The modelled kernel: the one entry point through which every call runs ({@link #apply}) and
 * every observable is read ({@link #observe}). It holds one state per subsystem of the registry
 * ({@link Subsystems#ALL}), created in boot order, and the seeded bugs it was created with.
 *
 * <p>A kernel without a board is an empty memblock, as in the kernel's own memblock test suite
 * ({@code tools/testing/memblock}): virtual and physical addresses are the same.
 *
 * <p>A kernel powered on with a board ({@link #powerOn}) holds no state until its boot stage calls
 * ({@link BootOp}, in {@link BootStage} order) create them; after the last it is the kernel
 * {@link #boot} makes.
 */
public final class Kernel implements KernelState {
    private final Bugs bugs;
    /** The board powered on or booted; null for a bare kernel. */
    private final Board board;
    /** The stage-by-stage boot of a kernel powered on ({@link #powerOn}); null for the others. */
    private final StagedBoot staged;
    /**
     * Counts the changes of the kernel's shape (a state added, a boot stage run): the answers of
     * {@link Invariant#appliesTo} hold while it stands still.
     */
    private int shape;
    /** Subsystem state by state type; a subsystem absent from this kernel has no entry. */
    private final Map<Class<?>, Object> states = new IdentityHashMap<>();
    /** The last {@link #state} lookup (a kernel is used by one thread); reset when a state is added. */
    private Class<?> lastType;
    private Object lastState;
    /**
     * The states again, in the order they came, for {@link #state}: a score of types searched by
     * identity in one short array beats hashing the type on every ask of the per-step check.
     */
    private Class<?>[] stateTypes = new Class<?>[24];
    private Object[] stateObjects = new Object[24];
    private int stateCount;
    /** The subsystems present, in registry order, with their states (for the step hooks). */
    private final List<Present<?>> present = new ArrayList<>();
    /**
     * Per invariant of {@link Subsystems#invariants()}, the stamp its state had at its last
     * per-step check ({@link Invariant#ALWAYS} before the first) and what that check found.
     */
    private final long[] checkedAt = new long[Subsystems.invariants().size()];
    private final List<?>[] lastFound = new List<?>[checkedAt.length];

    private record Present<S>(Subsystem<S> subsystem, S state) {
        void beforeStep(Op op) {
            subsystem.beforeStep(state, op);
        }

        Result finishStep(Op op, Result result) {
            return subsystem.finishStep(state, op, result);
        }

        Result refusal(Op op) {
            return subsystem.refusal(state, op);
        }

        void afterStep(Op op, Result result) {
            subsystem.afterStep(state, op, result);
        }

        List<Violation> completeCheck(KernelState k) {
            return subsystem.completeCheck(state, k);
        }

        OptionalLong observe(KernelState k, ObservablePath path) {
            return subsystem.observe(state, k, path);
        }
    }

    private Kernel(Board board, Bugs bugs) {
        this(board, bugs, false);
        for (Subsystem<?> s : Subsystems.ALL) {
            add(s, board);
        }
    }

    /** A kernel without any state yet: {@link #powerOn}'s, or the start of the others'. */
    private Kernel(Board board, Bugs bugs, boolean stepwise) {
        this.bugs = bugs;
        this.board = board;
        this.staged = stepwise ? new StagedBoot(this, board, bugs) : null;
        java.util.Arrays.fill(checkedAt, Invariant.ALWAYS);
    }

    <S> void add(Subsystem<S> s, Board board) {
        S state = s.create(this, board, bugs);
        if (state != null) {
            put(s, state);
        }
    }

    /** Adds {@code state} as {@code s}'s, keeping {@link #present} in registry (boot) order. */
    <S> void put(Subsystem<S> s, S state) {
        lastType = null;
        if (states.put(s.stateType(), state) != null) {
            throw new IllegalStateException("two subsystems share the state type " + s.stateType().getName());
        }
        remember(s.stateType(), state);
        int rank = Subsystems.ALL.indexOf(s);
        int at = present.size();
        // a subsystem outside the registry (install) goes last; a staged one before any later in the registry
        while (rank >= 0 && at > 0) {
            int before = Subsystems.ALL.indexOf(present.get(at - 1).subsystem());
            if (before >= 0 && before > rank) {
                at--;
            } else {
                break;
            }
        }
        present.add(at, new Present<>(s, state));
        shape++;
    }

    /** A kernel with an empty memblock and identity addressing. */
    public static Kernel bare() {
        return bare(Bugs.NONE);
    }

    /** A bare kernel running the seeded bugs {@code bugs}. */
    public static Kernel bare(Bugs bugs) {
        return new Kernel(null, bugs);
    }

    /**
     * A kernel powered on with {@code board} and the seeded bugs {@code bugs} planted, that boots
     * stage by stage as kernel calls ({@link BootOp}, in {@link BootStage} order): it holds only
     * what the firmware hands over (the board: its device tree's banks and reserved-memory nodes,
     * its command line) and no subsystem state. Every other call is refused until
     * {@code kernel_init} has run; then the kernel is the one {@link #boot(Board, Bugs)} makes.
     */
    public static Kernel powerOn(Board board, Bugs bugs) {
        return new Kernel(java.util.Objects.requireNonNull(board, "board"), bugs, true);
    }

    /** True for a kernel powered on to boot stage by stage ({@link #powerOn}), whatever stage it is at. */
    public boolean stepwise() {
        return staged != null;
    }

    /** The boot stage this kernel runs next; empty once boot is over, and for a kernel booted at once or bare. */
    public Optional<BootStage> nextStage() {
        return staged == null ? Optional.empty() : Optional.ofNullable(staged.next());
    }

    /** The board this kernel was powered on or booted with; empty for a bare kernel. */
    public Optional<Board> board() {
        return Optional.ofNullable(board);
    }

    /**
     * Runs boot stage {@code stage} ({@link BootOp}): refused with one line, nothing changed, when
     * it is not the stage due (out of order, twice, on a kernel not powered on stepwise) or when the
     * board is one the kernel refuses to boot ({@code BootException}, at {@code setup_arch}).
     */
    Result runStage(BootStage stage) {
        if (staged == null) {
            return Result.refused(stage.callName() + ": " + (board == null
                    ? "no board powered on (a board line with boot=stepwise)"
                    : "this kernel booted at once (a board line without boot=stepwise)"));
        }
        Result r = staged.run(stage);
        shape++; // a stage moves the zones on: which invariants apply is asked again
        return r;
    }

    public static Kernel boot(Board board) {
        return boot(board, Bugs.NONE);
    }

    /** A kernel that has booted {@code board} with the seeded bugs {@code bugs} planted. */
    public static Kernel boot(Board board, Bugs bugs) {
        return new Kernel(java.util.Objects.requireNonNull(board, "board"), bugs);
    }

    @Override
    public <S> S state(Class<S> type) {
        // the per-step check asks for the same state several times in a row (applies, stamp,
        // check, invariant after invariant of one subsystem): remember the last answer
        if (type != lastType) {
            Object found = null;
            for (int i = 0; i < stateCount; i++) {
                if (stateTypes[i] == type) {
                    found = stateObjects[i];
                    break;
                }
            }
            lastState = found;
            lastType = type;
        }
        return type.cast(lastState);
    }

    /** Adds a state to {@link #stateTypes}, beside {@link #states}. */
    private void remember(Class<?> type, Object state) {
        if (stateCount == stateTypes.length) {
            stateTypes = java.util.Arrays.copyOf(stateTypes, stateCount * 2);
            stateObjects = java.util.Arrays.copyOf(stateObjects, stateCount * 2);
        }
        stateTypes[stateCount] = type;
        stateObjects[stateCount++] = state;
    }

    @Override
    public Bugs bugs() {
        return bugs;
    }

    /** What early boot left (layout, limits, allocations); empty for a bare kernel. */
    public Optional<BootedSystem> booted() {
        return Optional.ofNullable(state(BootedSystem.class));
    }

    /** The zones boot set up (geometry, managed, watermarks, protection); empty for a bare kernel. */
    public Optional<ZoneSetup> zones() {
        return Optional.ofNullable(state(armmm.model.zone.NodeZones.class)).map(armmm.model.zone.NodeZones::setup);
    }

    /**
     * Runs {@code op} and returns what the kernel would. The state stays consistent on refusal.
     * A subsystem may refuse it before it runs ({@link Subsystem#refusal}: the CPU it would run on
     * is busy). Every subsystem's step hooks run around it ({@link Subsystem#beforeStep(Object, Op)},
     * {@link Subsystem#afterStep}). A kernel powered on stepwise refuses every call but its next
     * boot stage until {@code kernel_init} has run, before any hook.
     */
    public Result apply(Op op) {
        if (staged != null && staged.next() != null && !(op instanceof BootOp)) {
            // a kernel still booting takes no call but its next stage: no subsystem is complete yet,
            // and the call reaches none (no step hook records it as a call of theirs)
            return Result.refused(op.name() + ": the kernel is still booting, " + staged.next().callName() + " runs next");
        }
        for (Present<?> p : present) {
            p.beforeStep(op);
        }
        Result r = null;
        for (int i = 0; i < present.size() && r == null; i++) {
            r = present.get(i).refusal(op);
        }
        if (r == null) {
            r = op.applyTo(this);
        }
        for (Present<?> p : present) {
            r = p.finishStep(op, r);
        }
        for (Present<?> p : present) {
            p.afterStep(op, r);
        }
        return r;
    }

    /** Reads an observable; empty when no subsystem knows its name. */
    public OptionalLong observe(ObservablePath path) {
        for (Present<?> p : present) {
            OptionalLong v = p.observe(this, path);
            if (v.isPresent()) {
                return v;
            }
        }
        return OptionalLong.empty();
    }

    /** Every applicable invariant's violations in the current state. */
    public List<Violation> check() {
        if (memblock() != null) {
            memblock().beginCheck(false); // none before setup_arch
        }
        return checkAll();
    }

    /**
     * The complete check, run at the end of every scenario and every chain: each subsystem's
     * {@link Subsystem#completeCheck} over its whole state, without the per-call checks'
     * shortcuts. memblock re-runs its invariants over its whole arrays (not only what the last call
     * changed in a very large array), layout and zones re-run theirs, the buddy allocator walks
     * every free and per-CPU list and visits every frame instead of trusting its counters
     * ({@code check.BuddyFullScan}), the MMU checks every page-table entry and every lowmem
     * frame, vmalloc every page of every area and SLUB every slab of every cache. The call postconditions (INV-CALL-*) belong to a call and are not repeated.
     */
    public List<Violation> checkComplete() {
        List<Violation> found = new ArrayList<>();
        for (Present<?> p : present) {
            found.addAll(p.completeCheck(this));
        }
        return found;
    }

    /**
     * The per-step check: an invariant whose state has not changed since its last check (its
     * {@link Invariant#stamp} did not move) is not re-run, and its last result stands. The stamps
     * count calls of the states' mutating methods; a change that bypasses them is the complete
     * check's to find ({@link #checkComplete} ignores stamps). Invariants that share a change
     * signal ({@link Invariant#signal}) have the stamp read once, before the first of them runs:
     * a check that moved it after would only make the next step re-run them.
     */
    private List<Violation> checkAll() {
        List<Violation> found = new ArrayList<>();
        List<Invariant> all = Subsystems.invariants();
        boolean[] applies = applies(all);
        long check = ++checks;
        for (int i = 0; i < all.size(); i++) {
            if (applies[i]) {
                Invariant inv = all.get(i);
                int s = SIGNAL_OF[i];
                long stamp;
                if (s < 0) {
                    stamp = inv.stamp(this);
                } else if (signalReadAt[s] == check) {
                    stamp = signalStamp[s];
                } else {
                    stamp = inv.stamp(this);
                    signalStamp[s] = stamp;
                    signalReadAt[s] = check;
                }
                List<Violation> v = checkAt(i, inv, stamp);
                if (!v.isEmpty()) {
                    found.addAll(v);
                }
            }
        }
        return found;
    }

    /**
     * Per invariant of {@link Subsystems#invariants()}, the index of its shared change signal
     * among them ({@link Invariant#signal}), or -1 for one read alone.
     */
    private static final int[] SIGNAL_OF = signals(Subsystems.invariants());
    /** Per shared signal, the stamp read in the per-step check numbered {@link #signalReadAt}. */
    private final long[] signalStamp = new long[signalCount()];
    private final long[] signalReadAt = new long[signalStamp.length];
    /** Per-step checks so far: numbers the reads of the shared signals. */
    private long checks;

    private static int[] signals(List<Invariant> all) {
        Map<Object, Integer> index = new java.util.HashMap<>();
        int[] of = new int[all.size()];
        for (int i = 0; i < of.length; i++) {
            Object signal = all.get(i).signal();
            of[i] = signal == null ? -1 : index.computeIfAbsent(signal, k -> index.size());
        }
        return of;
    }

    private static int signalCount() {
        int n = 0;
        for (int s : SIGNAL_OF) {
            n = Math.max(n, s + 1);
        }
        return n;
    }

    /** {@link Invariant#appliesTo} of each invariant, kept while the kernel's states are the same ones. */
    private boolean[] applies;
    private int appliesStates = -1;

    /**
     * Which invariants apply: each asks only which states the kernel has and, for the zones, which
     * boot stage they are at; states are only ever added (boot, a boot stage, {@link #install}) and
     * stages only run forwards, so the answers hold while {@link #shape} does.
     */
    private boolean[] applies(List<Invariant> all) {
        if (appliesStates != shape) {
            boolean[] a = new boolean[all.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = all.get(i).appliesTo(this);
            }
            applies = a;
            appliesStates = shape;
        }
        return applies;
    }

    /**
     * One invariant's per-step check, as {@link #check()} runs it: re-run only when its
     * {@link Invariant#stamp} moved since its last per-step check in this kernel, else its last
     * result. A property that checks invariant by invariant calls this after every step; an
     * invariant outside the registry is simply run.
     */
    public List<Violation> check(Invariant inv) {
        int i = Subsystems.indexOf(inv);
        return i < 0 ? inv.check(this) : checkAt(i, inv);
    }

    private List<Violation> checkAt(int i, Invariant inv) {
        return checkAt(i, inv, inv.stamp(this));
    }

    @SuppressWarnings("unchecked")
    private List<Violation> checkAt(int i, Invariant inv, long stamp) {
        if (stamp != Invariant.ALWAYS && stamp == checkedAt[i]) {
            return (List<Violation>) lastFound[i];
        }
        List<Violation> v = inv.check(this);
        checkedAt[i] = stamp;
        lastFound[i] = v;
        return v;
    }

    /** Every invariant of the registry, in catalogue order. */
    public static List<Invariant> invariants() {
        return Subsystems.invariants();
    }

    /**
     * The scenario {@code board} line that boots this kernel, with {@code boot=stepwise} for one
     * powered on stage by stage; empty for a bare memblock.
     */
    public Optional<String> boardLine() {
        return board().map(b -> BoardLine.render(b) + (staged != null ? " " + BoardLine.STEPWISE : ""));
    }

    /** memblock: the early allocator and its memory and reserved arrays. */
    public Memblock memblock() {
        return state(Memblock.class);
    }

    /** The page allocator boot handed memory to, or null without a board. */
    public PageAllocator pages() {
        return state(PageAllocator.class);
    }

    /**
     * Adds {@code state}, built outside boot (a test's hand-made allocator), as subsystem
     * {@code subsystem}'s state in this kernel, which must not have one yet.
     */
    public <S> void install(Subsystem<S> subsystem, S state) {
        if (states.containsKey(subsystem.stateType())) {
            throw new IllegalStateException("this kernel already has a " + subsystem.name() + " state");
        }
        put(subsystem, java.util.Objects.requireNonNull(state, "state"));
    }

    /** Boot's hand-over for a hand-made allocator: page calls run on {@code allocator} ({@code mem_init}). */
    public void installPageAllocator(PageAllocator allocator) {
        install(BuddySubsystem.INSTANCE, allocator);
        memblock().markSlabAvailable(size -> BuddySubsystem.kzallocNode(allocator, size),
                (phys, size) -> BuddySubsystem.kfree(allocator, phys, size));
    }

    /**
     * The kernel virtual address of physical {@code phys} ({@code __va}); the identity without a
     * board.
     */
    public long physToVirt(long phys) {
        return memblock().linearMap().linearVirt(phys);
    }

    /** The physical address of kernel virtual {@code virt} ({@code __pa}); the identity without a board. */
    public long virtToPhys(long virt) {
        return memblock().linearMap().linearPhys(virt);
    }
}
