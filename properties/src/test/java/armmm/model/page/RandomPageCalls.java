package armmm.model.page;

import armmm.model.check.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.PageOp;
import armmm.model.kernel.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random page allocator calls on a booted kernel, checking every invariant after each call.
 * Calls prefer live allocations but sometimes free a wrong page or with a wrong order, because
 * bad input is part of what is tested. Until the property engine lands this is plain
 * {@link Random} with a fixed seed.
 */
final class RandomPageCalls {
    private static final long[] MASKS = {
        Gfp.GFP_KERNEL, Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_NOWAIT, Gfp.GFP_HIGHUSER, Gfp.GFP_HIGHUSER_MOVABLE,
        Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_KERNEL | Gfp.COMP, Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, Gfp.GFP_DMA | Gfp.GFP_KERNEL,
        Gfp.GFP_KERNEL | Gfp.ZERO, Gfp.GFP_ATOMIC | Gfp.COMP | Gfp.NOWARN,
    };

    /** A live allocation: its struct page pointer, order, and whether it is compound. */
    private record Live(long page, int order, boolean compound) {
    }

    private final Kernel kernel;
    private final PageAllocator pa;
    private final Random random;
    private final List<Live> live = new ArrayList<>();
    private final List<Long> freed = new ArrayList<>();
    /** Calls applied so far. */
    int steps;
    /** The call after which an invariant broke, for messages. */
    String lastOp;
    /** Calls the model refused. */
    int refusals;

    RandomPageCalls(PageAllocator pa, long seed) {
        this(TestBoards.kernel(pa), seed);
    }

    RandomPageCalls(Kernel kernel, long seed) {
        this.kernel = kernel;
        this.pa = kernel.pages();
        this.random = new Random(seed);
    }

    /** Applies up to {@code n} calls; returns the violations of the first call that broke an invariant. */
    List<Violation> run(int n) {
        for (int i = 0; i < n; i++) {
            PageOp op = next();
            Result r = kernel.apply(op);
            steps++;
            record(op, r);
            List<Violation> v = kernel.check();
            if (!v.isEmpty()) {
                lastOp = op + " -> " + r;
                return v;
            }
        }
        return List.of();
    }

    /** Frees every live allocation; returns the violations of the first free that broke an invariant. */
    List<Violation> freeAll() {
        for (Live l : new ArrayList<>(live)) {
            PageOp op = new PageOp.FreePages(l.page, l.order, random.nextInt(pa.nrCpus()));
            Result r = kernel.apply(op);
            record(op, r);
            List<Violation> v = kernel.check();
            if (r.isRefused() || !v.isEmpty()) {
                lastOp = op + " -> " + r;
                return v.isEmpty() ? List.of(new Violation("free-all", "refused", lastOp)) : v;
            }
        }
        return List.of();
    }

    private PageOp next() {
        int cpu = random.nextInt(pa.nrCpus());
        int roll = random.nextInt(100);
        if (live.isEmpty() || roll < 50 && live.size() < 3000) {
            long gfp = MASKS[random.nextInt(MASKS.length)];
            int order = random.nextInt(10) < 7 ? 0 : random.nextInt(random.nextInt(10) < 8 ? 4 : PageAllocator.MAX_ORDER);
            return random.nextInt(8) == 0 ? new PageOp.GetFreePages(gfp, order, cpu) : new PageOp.AllocPages(gfp, order, cpu);
        }
        if (roll < 92) {
            Live l = live.get(random.nextInt(live.size()));
            long addr = pa.layout().pageAddress(pa.layout().pageToPfn(l.page));
            if (addr != 0 && random.nextInt(4) == 0) {
                return new PageOp.FreePagesVirt(addr, l.order, cpu);
            }
            return new PageOp.FreePages(l.page, l.order, cpu);
        }
        if (roll < 96) {
            Live l = live.get(random.nextInt(live.size()));
            return new PageOp.SplitPage(l.page, l.order);
        }
        // wrong input: a freed page, a tail or middle page, a wrong order, a reserved page
        switch (random.nextInt(4)) {
            case 0:
                if (!freed.isEmpty()) {
                    return new PageOp.FreePages(freed.get(random.nextInt(freed.size())), 0, cpu);
                }
                return new PageOp.FreePages(pa.layout().pfnToPage(TestBoards.RAM + 0x400), 0, cpu);
            case 1: {
                Live l = live.get(random.nextInt(live.size()));
                return new PageOp.FreePages(l.page + 36L * ((1 << l.order) - 1), 0, cpu);
            }
            case 2: {
                Live l = live.get(random.nextInt(live.size()));
                return new PageOp.FreePages(l.page, (l.order + 1) % PageAllocator.MAX_ORDER, cpu);
            }
            default:
                return new PageOp.FreePages(pa.layout().pfnToPage(TestBoards.RAM + 0x300 + random.nextInt(0x1000)), 0, cpu);
        }
    }

    private void record(PageOp op, Result r) {
        if (r.isRefused()) {
            refusals++;
            return;
        }
        if (op instanceof PageOp.AllocPages a && r.value() != 0) {
            live.add(new Live(r.value(), a.order(), a.order() > 0 && (a.gfp() & Gfp.COMP) != 0));
        } else if (op instanceof PageOp.GetFreePages g && r.value() != 0) {
            long pfn = pa.layout().virtToPfn(r.value());
            live.add(new Live(pa.layout().pfnToPage(pfn), g.order(), g.order() > 0 && (g.gfp() & Gfp.COMP) != 0));
        } else if (op instanceof PageOp.FreePages f) {
            forget(f.page());
        } else if (op instanceof PageOp.FreePagesVirt f) {
            forget(pa.layout().pfnToPage(pa.layout().virtToPfn(f.addr())));
        } else if (op instanceof PageOp.SplitPage s) {
            live.removeIf(l -> l.page == s.page());
            for (int i = 0; i < 1 << s.order(); i++) {
                live.add(new Live(s.page() + 36L * i, 0, false));
            }
        }
    }

    private void forget(long page) {
        if (live.removeIf(l -> l.page == page)) {
            freed.add(page);
            if (freed.size() > 64) {
                freed.remove(0);
            }
        }
    }
}
