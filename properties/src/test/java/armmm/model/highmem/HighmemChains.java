package armmm.model.highmem;

import static armmm.pbt.Gens.weighted;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.MemMapLayout;
import armmm.model.page.PageOp;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.properties.KernelChains;
import armmm.properties.KernelFormatter;
import armmm.properties.World;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Predicate;

/**
 * Chains of highmem calls on booted boards with HighMem and 1 to 4 CPUs: kmaps held and released
 * in every order, kmap_atomic and kmap_local nested (from interrupts too) and unwound, context
 * switches with live kmap_local mappings, lookups, the kmap_local helpers, and misuse (kunmap of
 * a page not kmapped, unmaps out of order or on another CPU, kmap in atomic context, scheduling
 * while atomic). Some chains start from a pkmap area that boot left nearly full (the "prefill":
 * 500 to 511 pages kmapped from the top of HighMem), so that the wrap-around flush and the
 * blocking point are a few calls away; the prefill kmaps are the counterexample's first lines.
 */
public final class HighmemChains {
    private static final Map<Kernel, Prefill> PREFILL = Collections.synchronizedMap(new WeakHashMap<>());

    private HighmemChains() {
    }

    /**
     * Boards of 40 to 64 MiB whose {@code vmalloc=} leaves 16 to 24 MiB of lowmem, so at least
     * 16 MiB of HighMem (small boards boot and fully scan in a few milliseconds, which a shrink
     * replays hundreds of times); 1 to 4 CPUs; no prefill mostly, sometimes 500 to 511 slots.
     */
    static Gen<Kernel> kernels(Bugs bugs) {
        return kernels(bugs, false);
    }

    /**
     * As {@link #kernels(Bugs)}; with {@code pressure}, the prefill is more frequent (six kernels in
     * seven) and half of those have the last prefill page kunmapped again (its slot at count 1, which
     * the next kmap's wrap-around flushes and takes).
     */
    static Gen<Kernel> kernels(Bugs bugs, boolean pressure) {
        Gen<Board> boards = Gens.ints(40, 64).flatMap(mib -> Gens.ints(16, 24)
                .map(lowmem -> Board.virt((long) mib << 20).withArgs("vmalloc=" + (1008 - lowmem) + "M")));
        Gen<Integer> prefill = pressure
                ? Gens.frequency(weighted(1, Gens.constant(0)), weighted(2, Gens.constant(511)),
                        weighted(3, Gens.constant(-511)), weighted(1, Gens.ints(500, 511)))
                : Gens.frequency(weighted(5, Gens.constant(0)), weighted(2, Gens.constant(511)),
                        weighted(1, Gens.ints(500, 511)));
        return Gens.combine(boards, Gens.ints(1, 4), prefill,
                (b, cpus, n) -> prefilled(Kernel.boot(b.withCpus(cpus), bugs), Math.abs(n), n < 0));
    }

    /**
     * {@code kernel} after {@code n} kmaps (slots 1..n) of the pages of one order-9 HighMem block
     * allocated first: pages someone owns, as every kmapped page is (a kmapped free frame is
     * INV-MMU-05's use after free).
     */
    static Kernel prefilled(Kernel kernel, int n) {
        return prefilled(kernel, n, false);
    }

    /**
     * {@code kernel} after {@code n} kmaps (slots 1..n) of the pages of one order-9 HighMem block
     * allocated first, and with {@code release} a kunmap of the last (slot n left at count 1).
     */
    static Kernel prefilled(Kernel kernel, int n, boolean release) {
        if (n == 0) {
            return kernel;
        }
        Highmem h = kernel.state(Highmem.class);
        Result block = kernel.apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER, PREFILL_ORDER, 0));
        if (block.isRefused() || block.value() == 0) {
            throw new IllegalStateException("prefill alloc_pages refused: " + block);
        }
        List<Long> pages = new ArrayList<>(n + 1);
        pages.add(block.value());
        for (int i = 0; i < n; i++) {
            long page = block.value() + (long) i * h.memMap().structPageSize();
            Result r = h.kmap(page, 0, false);
            if (r.isRefused()) {
                throw new IllegalStateException("prefill kmap refused: " + r);
            }
            pages.add(page);
        }
        if (release && h.kunmap(pages.get(n), 0).isRefused()) {
            throw new IllegalStateException("prefill kunmap refused");
        }
        PREFILL.put(kernel, new Prefill(pages, release));
        return kernel;
    }

    /** The prefill's block (first) and its kmapped pages, the last one kunmapped again when {@code released}. */
    private record Prefill(List<Long> pages, boolean released) {
    }

    /** The prefill's block: 512 pages, one per pkmap slot. */
    private static final int PREFILL_ORDER = 9;

    /**
     * The chains' executor: a caller does not free a page it still has kmapped (a pkmap slot in
     * use, or a level of a kmap_local stack): that free is skipped, not run (it is the caller's use
     * after free, which INV-MMU-05 reports).
     */
    public static Object guardedApply(World w, Op op) {
        if (op instanceof PageOp.FreePages f && stillKmapped(w, f.page(), f.order())) {
            return Result.refused("the caller still has it kmapped: it does not free it");
        }
        return w.apply(op);
    }

    private static boolean stillKmapped(World w, long page, int order) {
        Highmem h = w.kernel().state(Highmem.class);
        if (h == null) {
            return false;
        }
        long first = h.memMap().pageToPfn(page);
        for (long pfn = first; pfn < first + (1L << order); pfn++) {
            Long va = h.pkmap().hashedAddress(pfn);
            if (va != null && h.pkmap().pkmapCount(h.pkmap().pkmapNr(va)) > 1) {
                return true;
            }
            KmapLocal l = h.local();
            for (int t = 0; t < l.tasks(); t++) {
                for (int level = 0; level < l.taskDepth(t); level++) {
                    if (l.pteval(t, level) == pfn + 1) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Highmem chains checking the invariants {@code checked} accepts, with the prefill in the scenario header. */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> kernels, Predicate<String> checked) {
        return withHighmemCalls(KernelChains.builder(kernels, checked), true).formatter(new KernelFormatter(HighmemChains::prefillLines)).tries(20).steps(40);
    }

    /**
     * {@link #spec} with pressure on the pkmap pool: a kmap in process context of a held HighMem
     * page that has no slot yet (each one a new slot, so two or three after a prefill reach the
     * wrap-around and the blocking point), and the switch back of a task with live kmap_local
     * levels more often.
     */
    static ChainSpec.Builder<World, Op> pressureSpec(Gen<Kernel> kernels, Predicate<String> checked) {
        return spec(kernels, checked)
                .action("kmap (page without a slot)", 16, w -> !unslotted(w).isEmpty(), w -> Gens.combine(
                        Gens.oneOf(unslotted(w)), cpu(w), (p, c) -> new HighmemOp.Kmap(p, false, c)))
                .action("sched_out (with kmap_local, more)", 10, w -> !holding(w).isEmpty(),
                        w -> Gens.oneOf(holding(w)).map(HighmemOp.SchedOut::new))
                .action("sched_in (back, with kmap_local, more)", 10, w -> !waiting(w).isEmpty(),
                        w -> Gens.oneOf(waiting(w)).map(t -> new HighmemOp.SchedIn(t, local(w).pinnedCpu(t))));
    }

    /** The held HighMem pages without a pkmap slot. */
    private static List<Long> unslotted(World w) {
        Highmem h = w.kernel().state(Highmem.class);
        List<Long> out = new ArrayList<>();
        for (long p : pages(w)) {
            long pfn = h.memMap().pageToPfn(p);
            if (pfn >= h.memMap().maxLowPfn() && h.pkmap().hashedAddress(pfn) == null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Highmem chains for a seeded bug's hunt: only {@code catcher} is checked, after every call and,
     * at the chain's end, in highmem's own complete check (the whole-kernel full scan of the
     * other subsystems, some 30 ms a replay, has nothing to add about a highmem bug); short chains
     * and a replay budget of 300 keep the shrink within seconds.
     */
    static ChainSpec.Builder<World, Op> hunt(Gen<Kernel> kernels, String catcher) {
        ChainSpec.Builder<World, Op> b = ChainSpec.<World, Op>builder()
                .initialState(kernels.map(World::new))
                .executor(HighmemChains::guardedApply);
        for (armmm.model.subsystem.Invariant inv : HighmemChecks.ALL) {
            if (inv.id().equals(catcher)) {
                b.invariant(inv.id(), w -> inv.appliesTo(w.kernel()), w -> failures(inv.check(w.kernel())));
            }
        }
        b.finalCheck("highmem complete check", w -> failures(HighmemSubsystem.INSTANCE.completeCheck(
                w.kernel().state(Highmem.class), w.kernel()).stream().filter(v -> v.id().equals(catcher)).toList()));
        return withHighmemCalls(b, false).formatter(new KernelFormatter(HighmemChains::prefillLines)).steps(20).shrinkReplays(300);
    }

    private static List<armmm.pbt.Failure> failures(List<armmm.model.core.Violation> vs) {
        return vs.stream().map(v -> new armmm.pbt.Failure(v.id(), v.reason(), v.details())).toList();
    }

    /**
     * Adds the highmem calls, and the page allocations that give them pages, to a chain; with
     * {@code helpers}, clear_highpage, copy_highpage and memcpy_to_page too (each a kmap_local
     * push and pop, they give a bug in those a failure identity of their own: a seeded bug's hunt
     * leaves them out so as not to shrink the same bug five times).
     */
    public static ChainSpec.Builder<World, Op> withHighmemCalls(ChainSpec.Builder<World, Op> chain, boolean helpers) {
        if (helpers) {
            chain.action("clear_highpage", 2, w -> !pages(w).isEmpty(), w -> Gens.combine(Gens.oneOf(pages(w)), context(w),
                            (p, c) -> new HighmemOp.ClearHighpage(p, c[0] == 1, c[1])))
                    .action("copy_highpage", 2, w -> !pages(w).isEmpty(), w -> Gens.combine(Gens.oneOf(pages(w)),
                            Gens.oneOf(pages(w)), cpu(w), (to, from, c) -> new HighmemOp.CopyHighpage(to, from, false, c)))
                    .action("memcpy_to_page", 1, w -> !pages(w).isEmpty(), w -> Gens.combine(Gens.oneOf(pages(w)),
                            Gens.longs(0, 4095), Gens.longs(1, 4096), (p, off, len) -> new HighmemOp.MemcpyToPage(p, off, len, false, 0)));
        }
        return chain.executor(HighmemChains::guardedApply)
                .action("alloc_pages", 8, w -> Gens.combine(Gens.frequency(weighted(4, Gens.constant(Gfp.GFP_HIGHUSER)),
                                weighted(1, Gens.constant(Gfp.GFP_KERNEL))), Gens.ints(0, 2),
                        (gfp, order) -> new PageOp.AllocPages(gfp, order, 0)))
                .action("kmap", 12, w -> !pages(w).isEmpty(), w -> Gens.combine(Gens.oneOf(pages(w)), context(w),
                        (p, c) -> new HighmemOp.Kmap(p, c[0] == 1, c[1])))
                .action("kunmap", 8, w -> !kmapped(w).isEmpty(), w -> Gens.combine(Gens.oneOf(kmapped(w)), cpu(w),
                        (p, c) -> new HighmemOp.Kunmap(p, false, c)))
                .action("kunmap (not kmapped)", 1, w -> !pages(w).isEmpty(), w -> Gens.oneOf(pages(w))
                        .map(p -> new HighmemOp.Kunmap(p, false, 0)))
                .action("kmap_atomic", 10, w -> !pages(w).isEmpty(), w -> Gens.combine(Gens.oneOf(pages(w)), context(w),
                        (p, c) -> new HighmemOp.KmapAtomic(p, c[0] == 1, c[1])))
                .action("kunmap_atomic", 9, w -> Gens.combine(unmapAddress(w), context(w),
                        (a, c) -> new HighmemOp.KunmapAtomic(a[c[1]], c[0] == 1, c[1])))
                .action("kmap_local_page", 8, w -> !pages(w).isEmpty(), w -> Gens.combine(Gens.oneOf(pages(w)), context(w),
                        (p, c) -> new HighmemOp.KmapLocalPage(p, c[0] == 1, c[1])))
                .action("kunmap_local", 7, w -> Gens.combine(unmapAddress(w), context(w),
                        (a, c) -> new HighmemOp.KunmapLocal(a[c[1]], c[0] == 1, c[1])))
                .action("kmap_to_page", 4, w -> lookupAddress(w).map(a -> new HighmemOp.KmapToPage(a[0], false, (int) a[1])))
                .action("page_address", 3, w -> !pages(w).isEmpty(), w -> Gens.oneOf(pages(w)).map(HighmemOp.PageAddress::new))
                .action("sched_out", 4, w -> cpu(w).map(HighmemOp.SchedOut::new))
                .action("sched_in", 4, w -> Gens.combine(Gens.ints(0, local(w).cpus() + 2), cpu(w),
                        (t, c) -> new HighmemOp.SchedIn(t, c)))
                .action("sched_out (with kmap_local)", 4, w -> !holding(w).isEmpty(),
                        w -> Gens.oneOf(holding(w)).map(HighmemOp.SchedOut::new))
                .action("sched_in (back, with kmap_local)", 8, w -> !waiting(w).isEmpty(),
                        w -> Gens.oneOf(waiting(w)).map(t -> new HighmemOp.SchedIn(t, local(w).pinnedCpu(t))))
                .postcondition((w, op, outcome) -> label(w, op, (Result) outcome));
    }

    /** CPUs whose running task holds kmap_local levels and no kmap_atomic: it may be switched out with them. */
    private static List<Integer> holding(World w) {
        KmapLocal l = local(w);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < l.cpus(); c++) {
            if (l.cpuDepth(c) > 0 && !l.inAtomic(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Switched-out tasks holding kmap_local levels: switching one back in restores its mappings. */
    private static List<Integer> waiting(World w) {
        KmapLocal l = local(w);
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < KmapLocal.MAX_TASKS; t++) {
            if (l.taskDepth(t) > 0 && l.runningOn(t) < 0) {
                out.add(t);
            }
        }
        return out;
    }

    private static KmapLocal local(World w) {
        return w.kernel().state(Highmem.class).local();
    }

    private static Gen<Integer> cpu(World w) {
        int cpus = local(w).cpus();
        return cpus == 1 ? Gens.constant(0) : Gens.frequency(weighted(3, Gens.constant(0)), weighted(2, Gens.ints(0, cpus - 1)));
    }

    /** {irq, cpu}: process context mostly, an interrupt sometimes. */
    private static Gen<int[]> context(World w) {
        return Gens.combine(Gens.frequency(weighted(4, Gens.constant(0)), weighted(1, Gens.constant(1))), cpu(w),
                (irq, c) -> new int[] {irq, c});
    }

    /** Every page of every block the chain holds. */
    static List<Long> pages(World w) {
        MemMapLayout mm = w.kernel().pages().layout();
        List<Long> out = new ArrayList<>();
        for (World.Held h : w.held()) {
            for (int i = 0; i < 1 << h.order(); i++) {
                out.add(h.page() + (long) i * mm.structPageSize());
            }
        }
        return out;
    }

    /** The held pages that have a pkmap slot in use. */
    private static List<Long> kmapped(World w) {
        Highmem h = w.kernel().state(Highmem.class);
        List<Long> out = new ArrayList<>();
        for (long p : pages(w)) {
            Long va = h.pkmap().hashedAddress(h.memMap().pageToPfn(p));
            if (va != null && h.pkmap().pkmapCount(h.pkmap().pkmapNr(va)) > 1) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Per CPU, the address an unmap there takes: mostly the top of that CPU's running task's
     * stack (or a lowmem kmap_atomic address when the stack is empty), sometimes a level below
     * the top, the top of another CPU, or a user address.
     */
    private static Gen<long[]> unmapAddress(World w) {
        KmapLocal l = local(w);
        long[] top = new long[l.cpus()];
        long[] below = new long[l.cpus()];
        List<Long> lowAtomic = w.handles("kmap_atomic address").stream().filter(a -> a >= 0xc0000000L && a < 0xf0000000L).toList();
        for (int c = 0; c < l.cpus(); c++) {
            int d = l.cpuDepth(c);
            top[c] = d > 0 ? KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN + d - 1 + KmapLocal.KM_MAX_IDX * c)
                    : lowAtomic.isEmpty() ? KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN + KmapLocal.KM_MAX_IDX * c)
                    : lowAtomic.get(lowAtomic.size() - 1);
            below[c] = d > 1 ? KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN + KmapLocal.KM_MAX_IDX * c) : top[c];
        }
        long[] other = new long[l.cpus()];
        for (int c = 0; c < l.cpus(); c++) {
            other[c] = top[(c + 1) % l.cpus()];
        }
        return Gens.frequency(weighted(12, Gens.constant(top)), weighted(1, Gens.constant(below)),
                weighted(1, Gens.constant(other)), weighted(1, Gens.constant(filled(l.cpus(), 0x10000L))));
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /**
     * {address, cpu}: a live pkmap address, a kmap_local level of a running task looked up on its
     * own CPU (on another CPU sometimes), or a lowmem address.
     */
    private static Gen<long[]> lookupAddress(World w) {
        Highmem h = w.kernel().state(Highmem.class);
        KmapLocal l = h.local();
        List<long[]> live = new ArrayList<>();
        for (long va : w.handles("kmap address")) {
            live.add(new long[] {va, 0});
        }
        for (int c = 0; c < l.cpus(); c++) {
            for (int i = 0; i < l.cpuDepth(c); i++) {
                live.add(new long[] {KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN + i + KmapLocal.KM_MAX_IDX * c), c});
            }
        }
        Gen<long[]> lowmem = Gens.longs(0, 0xfff).map(i -> new long[] {h.memMap().pageOffset() + (i << 12), 0});
        Gen<long[]> elsewhere = live.isEmpty() ? lowmem : Gens.combine(Gens.oneOf(live), Gens.ints(0, l.cpus() - 1),
                (a, c) -> new long[] {a[0], c});
        return live.isEmpty() ? lowmem : Gens.frequency(weighted(6, Gens.oneOf(live)), weighted(1, elsewhere), weighted(1, lowmem));
    }

    private static List<armmm.pbt.Failure> label(World w, Op op, Result r) {
        if (!(op instanceof HighmemOp)) {
            return List.of();
        }
        Highmem h = w.kernel().state(Highmem.class);
        if (r instanceof Result.Refused refused) {
            Stats.label("refused: " + refused.reason());
        } else if (r instanceof Result.Warned warned) {
            Stats.label(warned.origin() == Result.Origin.MODEL ? "finding: " + op.name() : "WARN: " + op.name());
        } else {
            Stats.label(op.name());
        }
        if (h.flushEvents().stream().anyMatch(e -> e.kind() == FlushEvent.Kind.RANGE)) {
            Stats.label("flush_all_zero_pkmaps flushed");
        }
        for (int c = 0; c < h.local().cpus(); c++) {
            if (h.local().cpuDepth(c) >= 3) {
                Stats.label("kmap_local nested 3 deep");
            }
        }
        if (op instanceof HighmemOp.SchedIn && !r.isRefused() && h.local().cpuDepth(op.cpu()) > 0) {
            Stats.label("switched in with live kmap_local");
        }
        return List.of();
    }

    /** The prefill's kmaps, as scenario lines after the board line (empty without a prefill). */
    private static String prefillLines(World initial) {
        StringBuilder s = new StringBuilder();
        Prefill prefill = PREFILL.get(initial.kernel());
        if (prefill != null) {
            List<Long> pages = prefill.pages();
            s.append("# prefill: ").append(pages.size() - 1).append(" kmaps (slots 1..").append(pages.size() - 1)
                    .append(") of the pages of an order-").append(PREFILL_ORDER).append(" HighMem block")
                    .append(prefill.released() ? ", the last kunmapped again\n" : "\n");
            s.append("alloc_pages GFP_HIGHUSER ").append(PREFILL_ORDER).append('\n');
            for (long p : pages.subList(1, pages.size())) {
                s.append(String.format("kmap 0x%x%n", p));
            }
            if (prefill.released()) {
                s.append(String.format("kunmap 0x%x%n", pages.get(pages.size() - 1)));
            }
        }
        return s.toString();
    }
}
