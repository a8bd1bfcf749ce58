package armmm.model.tlb;

import static armmm.pbt.Gens.weighted;

import armmm.model.asid.SwitchStep;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.highmem.Highmem;
import armmm.model.highmem.HighmemOp;
import armmm.model.highmem.Pkmap;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.page.MemMapLayout;
import armmm.model.page.PageOp;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.properties.KernelFormatter;
import armmm.properties.World;
import armmm.scenario.ScenarioWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * TLB chains that reach {@code kmap_begin}'s wrap-around flush (mm/highmem.c
 * {@code map_new_virtual} → {@code flush_all_zero_pkmaps} → {@code flush_tlb_kernel_range}):
 * a wrap needs {@code LAST_PKMAP} (512) kmaps, so each chain starts on a board with HighMem
 * whose setup, made of kernel calls (the scenario's first lines), kmaps and kunmaps 506 to 509
 * distinct HighMem pages of one order-9 block ({@code last_pkmap_nr} 506 to 509, those slots at
 * count 1), reads the last few through the TLBs of the other CPUs, and keeps two of them
 * kmapped. The chain then draws kmaps of pages without a slot (a few reach the wrap, whole or
 * begun), kunmaps, reads and speculative walks of pkmap addresses on every CPU, reads through an
 * old pkmap entry inside a begun kmap's window, and the steps of the begun kmap among the
 * switches, execs and memory calls of {@link TlbChains#spec}.
 */
final class TlbKmapChains {
    /** The setup's lines per kernel, for the counterexample's header. */
    private static final Map<Kernel, String> SETUP = Collections.synchronizedMap(new WeakHashMap<>());
    /** Per chain, the begun kmap's CPU (-1: none) and whether another CPU read an old pkmap entry in its window. */
    private static final Map<World, int[]> BEGUN = Collections.synchronizedMap(new WeakHashMap<>());
    /** The setup's block: 512 pages, one per pkmap slot. */
    private static final int BLOCK_ORDER = 9;
    /** Setup pages read through the other CPUs' TLBs before their kunmap. */
    private static final int READ = 4;
    /** Setup pages left kmapped (count 2). */
    private static final int KEPT = 2;
    /** The setup's kmaps: 3 to 6 new slots before the wrap. */
    private static final int FIRST = 506;
    private static final int LAST = 509;

    private TlbKmapChains() {
    }

    /**
     * 64 MiB boards with {@code vmalloc=984M} (24 MiB of lowmem, 40 MiB of HighMem) of 2 to 4
     * CPUs on 3-bit ASIDs with arm64's cmpxchg fast path (every invariant is checked: 6.1's xchg
     * race is {@code AsidSixOneRaceProperties}'), each after the setup of {@value #FIRST} to {@value #LAST} kmaps.
     */
    static Gen<World> worlds(Bugs bugs) {
        return Gens.combine(Gens.ints(2, 4), Gens.ints(FIRST, LAST), (cpus, n) -> setUp(Kernel.boot(board(cpus), bugs), n));
    }

    /** The chains' board of {@code cpus} CPUs. */
    static Board board(int cpus) {
        return Board.virt(64L << 20).withCpus(cpus).withArgs("vmalloc=984M " + TlbSubsystem.ASID_BITS_PARAM + "3 "
                + TlbSubsystem.ASID_FASTPATH_PARAM + "cmpxchg");
    }

    /** The scenario lines of {@code kernel}'s setup (empty when it had none). */
    static String setupLines(Kernel kernel) {
        return SETUP.getOrDefault(kernel, "");
    }

    /**
     * The setup on CPU 0, through the kernel's calls: {@code alloc_pages(GFP_HIGHUSER, 9)}, then
     * {@code n} kmaps of its first pages (slots 1..n), each kunmapped at once except the last
     * {@link #KEPT}; the {@link #READ} before those are read by the other CPUs in turn before
     * their kunmap, so their global entries are what a wrap's window tolerates.
     */
    static World setUp(Kernel kernel, int n) {
        World w = new World(kernel);
        int cpus = kernel.booted().map(b -> b.board().cpus()).orElse(1);
        ScenarioWriter writer = new ScenarioWriter(cpus);
        StringBuilder lines = new StringBuilder("# setup: ").append(n).append(" kmaps of an order-9 HighMem block's pages"
                + " (last_pkmap_nr ").append(n).append("), all but the last ").append(KEPT).append(" kunmapped again\n");
        long block = call(w, writer, lines, new PageOp.AllocPages(Gfp.GFP_HIGHUSER, BLOCK_ORDER, 0)).value();
        int sps = kernel.state(Highmem.class).memMap().structPageSize();
        for (int i = 0; i < n; i++) {
            long page = block + (long) i * sps;
            long va = call(w, writer, lines, new HighmemOp.Kmap(page, false, 0)).value();
            int reader = n - KEPT - i;
            if (reader > 0 && reader <= READ) {
                call(w, writer, lines, new TlbOp.AccessVa(va, Access.READ, 1 + reader % (cpus - 1)));
            }
            if (i < n - KEPT) {
                call(w, writer, lines, new HighmemOp.Kunmap(page, false, 0));
            }
        }
        SETUP.put(kernel, lines.toString());
        return w;
    }

    private static Result call(World w, ScenarioWriter writer, StringBuilder lines, Op op) {
        // the block is the world's (held, as a chain's allocation); the kmap addresses no action draws
        Result r = op instanceof PageOp ? w.apply(op) : w.kernel().apply(op);
        if (r.isRefused()) {
            throw new IllegalStateException("setup call refused: " + op + ": " + r);
        }
        lines.append(writer.line(op, r)).append('\n');
        return r;
    }

    /**
     * {@code b} (a {@link TlbChains#spec} chain on {@link #worlds}) with the pkmap calls:
     * {@code kmap} and {@code kmap_begin} of held HighMem pages without a slot (each takes a new
     * slot, so a few reach the wrap), a kmap of a page whose slot waits at count 1, kunmap,
     * reads and speculative walks of pkmap addresses, a read through an old pkmap entry a begun
     * kmap's window tolerates, and the begun kmap's own steps (it needs 12 to return).
     */
    static ChainSpec.Builder<World, Op> withPkmaps(ChainSpec.Builder<World, Op> b, Bugs bugs) {
        return b.initialState(worlds(bugs))
                .formatter(new KernelFormatter(w -> setupLines(w.kernel())))
                .action("kmap (new slot)", 2, w -> !slotless(w).isEmpty() && !idle(w).isEmpty(), w -> Gens.combine(
                        Gens.oneOf(slotless(w)), Gens.oneOf(idle(w)), (p, c) -> (Op) new HighmemOp.Kmap(p, false, c)))
                .action("kmap_begin", 8, w -> !slotless(w).isEmpty() && !idle(w).isEmpty(), w -> Gens.combine(
                        Gens.oneOf(slotless(w)), Gens.oneOf(idle(w)), (p, c) -> (Op) new TlbOp.KmapBegin(p, c)))
                .action("kmap (slot at count 1)", 1, w -> !slotted(w, 1).isEmpty() && !idle(w).isEmpty(), w -> Gens.combine(
                        Gens.oneOf(slotted(w, 1)), Gens.oneOf(idle(w)), (p, c) -> (Op) new HighmemOp.Kmap(p, false, c)))
                .action("kunmap", 4, w -> !slotted(w, 2).isEmpty() && !idle(w).isEmpty(), w -> Gens.combine(
                        Gens.oneOf(slotted(w, 2)), Gens.oneOf(idle(w)), (p, c) -> (Op) new HighmemOp.Kunmap(p, false, c)))
                // a slot's PTE stays until the wrap clears it: a read fills a global entry the wrap must flush
                .action("pkmap access", 10, w -> !mappedSlots(w).isEmpty() && !idle(w).isEmpty(), w -> Gens.combine(
                        Gens.oneOf(mappedSlots(w)), Gens.oneOf(idle(w)), (va, c) -> (Op) new TlbOp.AccessVa(va, Access.READ, c)))
                .action("pkmap speculate", 3, w -> Gens.combine(Gens.ints(0, Pkmap.LAST_PKMAP - 1),
                        Gens.ints(0, tlbs(w).nrCpus() - 1), (nr, c) -> (Op) new TlbOp.Speculate(pkmap(w).pkmapAddr(nr), c)))
                .action("pkmap window access", 30, w -> !windowEntries(w).isEmpty(), w -> Gens.oneOf(windowEntries(w)).map(
                        ce -> (Op) new TlbOp.AccessVa(ce[1], Access.READ, (int) ce[0])))
                .action("step (begun kmap)", 40, w -> kmapCpu(tlbs(w)) >= 0, w -> Gens.constant(new TlbOp.Step(kmapCpu(tlbs(w)))))
                .postcondition((w, op, outcome) -> label(w, op, (Result) outcome));
    }

    private static Tlbs tlbs(World w) {
        return w.kernel().state(Tlbs.class);
    }

    private static Pkmap pkmap(World w) {
        return w.kernel().state(Highmem.class).pkmap();
    }

    /** The CPU inside a begun kmap, or -1. */
    private static int kmapCpu(Tlbs t) {
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.begun(c) != null && t.begun(c).name().equals("kmap")) {
                return c;
            }
        }
        return -1;
    }

    /** The CPUs neither switching nor inside a begun call. */
    private static List<Integer> idle(World w) {
        Tlbs t = tlbs(w);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            if (t.asid().cpu(c).step() == SwitchStep.IDLE && t.begun(c) == null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Every page of every held HighMem block. */
    private static List<Long> highPages(World w) {
        MemMapLayout mm = w.kernel().pages().layout();
        List<Long> out = new ArrayList<>();
        for (World.Held h : w.held()) {
            if (mm.pageToPfn(h.page()) >= mm.maxLowPfn()) {
                for (int i = 0; i < 1 << h.order(); i++) {
                    out.add(h.page() + (long) i * mm.structPageSize());
                }
            }
        }
        return out;
    }

    /** The held HighMem pages without a pkmap slot: a kmap of one runs {@code map_new_virtual}. */
    private static List<Long> slotless(World w) {
        MemMapLayout mm = w.kernel().pages().layout();
        return highPages(w).stream().filter(p -> pkmap(w).hashedAddress(mm.pageToPfn(p)) == null).toList();
    }

    /** The held HighMem pages whose slot's {@code pkmap_count} is {@code count} (1: unused, 2 and up: kmapped). */
    private static List<Long> slotted(World w, int count) {
        MemMapLayout mm = w.kernel().pages().layout();
        Pkmap k = pkmap(w);
        List<Long> out = new ArrayList<>();
        for (long p : highPages(w)) {
            Long va = k.hashedAddress(mm.pageToPfn(p));
            if (va != null && (count == 1 ? k.pkmapCount(k.pkmapNr(va)) == 1 : k.pkmapCount(k.pkmapNr(va)) >= count)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The pkmap addresses whose PTE is set (count 1 and up). */
    private static List<Long> mappedSlots(World w) {
        Pkmap k = pkmap(w);
        List<Long> out = new ArrayList<>();
        for (int nr = 0; nr < Pkmap.LAST_PKMAP; nr++) {
            if (k.pkmapCount(nr) > 0) {
                out.add(k.pkmapAddr(nr));
            }
        }
        return out;
    }

    /**
     * {CPU, VA}: an entry a begun kmap's window tolerates of a slot its {@code flush_all_zero_pkmaps}
     * cleared (count 0: its PTE is clear, the entry stale), on a CPU not inside a call.
     */
    private static List<long[]> windowEntries(World w) {
        List<long[]> out = new ArrayList<>();
        for (long[] ce : TlbChains.windowEntries(w)) {
            if (cleared(w, ce[1])) {
                out.add(ce);
            }
        }
        return out;
    }

    /** Whether {@code va} is a pkmap address whose slot is unused (count 0): its PTE is clear. */
    private static boolean cleared(World w, long va) {
        Pkmap k = pkmap(w);
        return k.isPkmapAddr(va) && k.pkmapCount(k.pkmapNr(va)) == 0;
    }

    /**
     * The labels the property requires: a wrap begun ({@code kmap_begin wrapped}), a read from
     * another CPU, inside its window, of a slot the wrap cleared, through that CPU's old entry, the begun kmap's return,
     * and the three in one call ({@code kmap_begin wrap interleaved and returned}).
     */
    private static List<Failure> label(World w, Op op, Result r) {
        Tlbs t = tlbs(w);
        int[] mark = BEGUN.computeIfAbsent(w, k -> new int[] {-1, 0});
        if (op instanceof TlbOp.KmapBegin k && !r.isRefused() && t.begun(k.cpu()) != null) {
            Stats.label("kmap_begin wrapped");
            mark[0] = k.cpu();
            mark[1] = 0;
        }
        if (op instanceof TlbOp.AccessVa a && !r.isRefused() && mark[0] >= 0 && a.cpu() != mark[0]
                && cleared(w, a.va()) && t.begun(mark[0]) != null) {
            TlbEntry e = t.tlb(a.cpu()).lookup(a.va(), t.currentAsid(a.cpu()));
            if (e != null && t.begun(mark[0]).tolerates(e)) {
                Stats.label("cleared pkmap slot read through its old entry inside a kmap_begin window");
                mark[1] = 1;
            }
        }
        if (op instanceof TlbOp.Step s && !r.isRefused() && s.cpu() == mark[0] && t.begun(s.cpu()) == null) {
            Stats.label("kmap_begin returned");
            if (mark[1] == 1) {
                Stats.label("kmap_begin wrap interleaved and returned");
            }
            mark[0] = -1;
        }
        if (op instanceof HighmemOp.Kmap && !r.isRefused()
                && w.kernel().state(Highmem.class).flushEvents().stream().anyMatch(
                        e -> e.kind() == armmm.model.highmem.FlushEvent.Kind.RANGE)) {
            Stats.label("whole kmap wrapped");
        }
        return List.of();
    }
}
