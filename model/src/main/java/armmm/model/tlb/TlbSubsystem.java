package armmm.model.tlb;

import armmm.model.asid.AsidAllocator;
import armmm.model.asid.AsidConfig;
import armmm.model.asid.AsidDefect;
import armmm.model.asid.CpuAsidState;
import armmm.model.asid.MmContext;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.SeededBug;
import armmm.model.highmem.FlushEvent;
import armmm.model.highmem.Highmem;
import armmm.model.highmem.HighmemOp;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MmuOp;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import armmm.model.vmalloc.ShadowPtes;
import armmm.model.vmalloc.Vmalloc;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Per-CPU TLBs and ASIDs as a subsystem (spec/tlb.md): the state {@link Tlbs}, the calls of
 * {@link TlbOp}, the invariants of {@link TlbChecks} (INV-ASID-01..05, INV-TLB-01..03), the
 * {@code tlb} report, and the TLB maintenance the kernel does around other subsystems' calls
 * ({@link #afterStep}): {@code mm_alloc_pgd} at {@code mm_create}, {@code tlb_finish_mmu}'s
 * {@code flush_tlb_range} after munmap, MAP_FIXED, mprotect and a shrinking brk,
 * {@code flush_tlb_mm} at {@code exit_mm}, {@code __set_fixmap}'s (broadcast) {@code local_flush_tlb_kernel_range}, and the lazy
 * vmalloc purge's {@code flush_tlb_kernel_range}. Exists on a kernel with a board and processes.
 */
public final class TlbSubsystem implements Subsystem<Tlbs> {
    /** The one instance, registered in {@code Subsystems}. */
    public static final TlbSubsystem INSTANCE = new TlbSubsystem();

    /**
     * The model's boot parameter narrowing the ASID width (default 8, the build's): fewer bits
     * reach a rollover in a few calls. Linux ignores unknown parameters (it hands them to init).
     */
    public static final String ASID_BITS_PARAM = "armmm_asid_bits=";

    /**
     * The model's boot parameter choosing the ASID fast path: {@code armmm_asid_fastpath=cmpxchg}
     * applies arm64's read-then-{@code cmpxchg} ({@link AsidConfig.FastPath#CMPXCHG_ARM64}) as a
     * patch; absent (or {@code =xchg}) the allocator is 6.1's ARM32 one. Any other value is not the
     * model's, as with {@link #ASID_BITS_PARAM}.
     */
    public static final String ASID_FASTPATH_PARAM = "armmm_asid_fastpath=";

    private TlbSubsystem() {
    }

    @Override
    public String name() {
        return "tlb";
    }

    @Override
    public Class<Tlbs> stateType() {
        return Tlbs.class;
    }

    @Override
    public Tlbs create(KernelState earlier, Board board, Bugs bugs) {
        KernelPageTables kernel = earlier.state(KernelPageTables.class);
        Processes processes = earlier.state(Processes.class);
        if (board == null || kernel == null || processes == null || processes.memory() == null) {
            // no user page tables (a kernel without the buddy allocator or boot's zero page): no TLBs
            return null;
        }
        AsidConfig config = new AsidConfig(board.cpus(), asidBits(board), kernel.pgdPhys(), asidFastPath(board));
        Set<AsidDefect> defects = EnumSet.noneOf(AsidDefect.class);
        for (AsidDefect d : AsidDefect.values()) {
            if (bugs.has(d)) {
                defects.add(d);
            }
        }
        Set<TlbBug> planted = EnumSet.noneOf(TlbBug.class);
        for (TlbBug b : TlbBug.values()) {
            if (bugs.has(b)) {
                planted.add(b);
            }
        }
        Vmalloc vmalloc = earlier.state(Vmalloc.class);
        long start = 0;
        long end = 0;
        LongPredicate owed = va -> false;
        if (vmalloc != null && vmalloc.ptes() instanceof ShadowPtes shadow) {
            start = vmalloc.vmallocStart();
            end = vmalloc.vmallocEnd();
            owed = shadow::staleAt;
        }
        Tlbs tlbs = new Tlbs(new AsidAllocator(config, defects), new ProcessTables(kernel, processes), planted,
                start, end, owed);
        tlbs.highmem(earlier.state(Highmem.class));
        // a touch (a task's user-mode access) runs on a CPU only once that CPU runs its mm
        processes.runningMm(tlbs::activeMm);
        // and a touch on the CPU that runs its mm goes through that CPU's TLB first
        processes.userAccessPath(tlbs::userTouch);
        // a CPU inside a begun munmap/mprotect, and the mmap_lock that call holds, make other mm calls wait
        processes.holder(tlbs::blocks);
        // the MMU's translate walks what each CPU's TTBR0 points at
        kernel.cpuTables(new RunningTables(tlbs, processes, kernel));
        if (vmalloc != null) {
            tlbs.vmapAreas(vmalloc.areas());
        }
        tlbs.pages(earlier.state(armmm.model.page.PageAllocator.class));
        return tlbs;
    }

    /** The ASID width: {@code armmm_asid_bits=N} on the command line when the allocator accepts N for these CPUs, else 8. */
    static int asidBits(Board board) {
        for (String word : board.cmdline().text().split("\\s+")) {
            if (word.startsWith(ASID_BITS_PARAM)) {
                try {
                    int bits = Integer.parseInt(word.substring(ASID_BITS_PARAM.length()));
                    if (bits >= 1 && bits <= AsidConfig.ASID_BITS && (1 << bits) >= board.cpus() + 2) {
                        return bits;
                    }
                } catch (NumberFormatException e) {
                    // not a number: the parameter is not the model's, as Linux would pass it on to init
                }
            }
        }
        return AsidConfig.ASID_BITS;
    }

    /** The fast path: {@code armmm_asid_fastpath=cmpxchg} (the last such word wins), else 6.1's xchg. */
    static AsidConfig.FastPath asidFastPath(Board board) {
        AsidConfig.FastPath path = AsidConfig.FastPath.XCHG_6_1;
        for (String word : board.cmdline().text().split("\\s+")) {
            if (word.equals(ASID_FASTPATH_PARAM + "cmpxchg")) {
                path = AsidConfig.FastPath.CMPXCHG_ARM64;
            } else if (word.equals(ASID_FASTPATH_PARAM + "xchg")) {
                path = AsidConfig.FastPath.XCHG_6_1;
            }
        }
        return path;
    }

    @Override
    public List<OpSpec> calls() {
        return TlbOp.SPECS;
    }

    @Override
    public List<Invariant> invariants() {
        List<Invariant> all = new java.util.ArrayList<>(TlbChecks.ALL);
        all.add(TlbCallChecks.FLUSH_DONE);
        all.add(TlbFreedFrameChecks.INVARIANT);
        return List.copyOf(all);
    }

    @Override
    public void beforeStep(Tlbs t) {
        t.beginCall();
    }

    /** A call made on a CPU inside a begun call waits for that call's return ({@link Tlbs#busy}). */
    @Override
    public Result refusal(Tlbs t, Op op) {
        return t.busy(op);
    }

    /**
     * The kernel's TLB maintenance around another subsystem's call, before it returns to the
     * caller: the flushes the mm code recorded at its sites (replayed from the calling CPU), the
     * fixmap's, highmem's and the vmalloc purge's ({@code __purge_vmap_area_lazy}'s recorded
     * {@code flush_tlb_kernel_range}, replayed from the calling CPU); then each CPU's {@code active_mm} reference.
     */
    @Override
    public void afterStep(Tlbs t, Op op, Result result) {
        int cpu = op.cpu() >= 0 && op.cpu() < t.nrCpus() ? op.cpu() : 0;
        t.replayFlushes(cpu, op instanceof MmOp.Munmap || op instanceof MmOp.Mmap || op instanceof MmOp.Brk);
        t.replayKernelFlushes(cpu);
        if (op instanceof MmOp && !(result instanceof Result.Refused)) {
            mmCall(t, (MmOp) op, result);
        } else if (op instanceof MmuOp && !(result instanceof Result.Refused)) {
            fixmapCall(t, op);
        } else if (op instanceof HighmemOp) {
            highmemFlushes(t);
        }
        t.releaseExited();
        t.syncActiveMms();
        if (op instanceof TlbOp.Helper h && !(result instanceof Result.Refused)) {
            t.recordFlush(h);
        }
    }

    private static final long PAGE = Tlbs.PAGE;

    /** An mm the mm code made gets its ASID context ({@code init_new_context}); an exited one waits for its last CPU. */
    private static void mmCall(Tlbs t, MmOp op, Result result) {
        if ((op instanceof MmOp.MmCreate || op instanceof MmOp.Fork) && result instanceof Result.Value v) {
            t.mmCreated(v.value(), 0);
        } else if (op instanceof MmOp.ExitMm x) {
            t.exitMm(x.mm());
        }
    }

    /**
     * The flushes the highmem code issued in the call ({@link Highmem#flushEvents()}):
     * {@code flush_all_zero_pkmaps}' broadcast {@code flush_tlb_kernel_range}, and the local
     * page flush after each kmap_local/kmap_atomic PTE write or clear.
     */
    private static void highmemFlushes(Tlbs t) {
        Highmem h = t.highmem();
        if (h == null) {
            return;
        }
        for (FlushEvent e : h.flushEvents()) {
            if (e.kind() == FlushEvent.Kind.RANGE) {
                TlbFlush.flushTlbKernelRange(t, e.start(), e.end(), Math.max(e.cpu(), 0));
            } else if (e.cpu() >= 0 && e.cpu() < t.nrCpus()) {
                for (long va = e.start(); va < e.end(); va += PAGE) {
                    TlbFlush.localFlushTlbKernelPage(t, va, e.cpu());
                }
            }
        }
    }

    /**
     * {@code __set_fixmap} (arch/arm/mm/mmu.c) ends with {@code local_flush_tlb_kernel_range} of the
     * page it wrote, which on this SMP build is the inner-shareable TLBIMVAAIS loop.
     */
    private static void fixmapCall(Tlbs t, Op op) {
        String n = op.name();
        if (!n.equals("set_fixmap") && !n.equals("set_fixmap_io") && !n.equals("clear_fixmap")) {
            return;
        }
        t.flushWrittenKernelPtes(op.cpu());
    }

    /**
     * {@code asid.generation} ({@code asid_generation}), {@code asid.map_weight}, {@code asid.rollovers},
     * {@code asid.bits}, {@code asid.fastpath} (0: 6.1's {@code atomic64_xchg}, 1: arm64's {@code cmpxchg}
     * patch, {@link #ASID_FASTPATH_PARAM}), {@code asid.fast_paths}, {@code asid.slow_paths}, {@code cpu[N].asid},
     * {@code .contextidr}, {@code .ttbr0}, {@code .active_asids}, {@code .reserved_asids},
     * {@code .tlb_flush_pending}, {@code .active_mm} (the mm handle, -1 before the first switch), {@code tlb[N].entries}, {@code tlb[N].issued},
     * {@code mm[H].context.id}.
     */
    @Override
    public OptionalLong observe(Tlbs t, KernelState kernel, ObservablePath path) {
        AsidAllocator a = t.asid();
        if (path.length() == 2 && path.is(0, "asid") && path.at(0).index() == null) {
            return switch (path.at(1).name()) {
                case "generation" -> OptionalLong.of(a.asidGeneration());
                case "map_weight" -> OptionalLong.of(a.asidMapWeight());
                case "rollovers" -> OptionalLong.of(a.rollovers());
                case "bits" -> OptionalLong.of(a.config().asidBits());
                case "fastpath" -> OptionalLong.of(a.config().fastPath().ordinal());
                case "fast_paths" -> OptionalLong.of(a.fastPaths());
                case "slow_paths" -> OptionalLong.of(a.slowPaths());
                default -> throw new ObservableException(path
                        + ": the allocator has generation, map_weight, rollovers, bits, fast_paths, slow_paths, fastpath");
            };
        }
        if (path.length() == 3 && path.is(0, "mm") && path.at(0).index() != null && path.is(1, "context")
                && path.is(2, "id")) {
            MmContext ctx = t.context(path.at(0).numericIndex());
            if (ctx == null) {
                throw new ObservableException(path + ": no such mm");
            }
            return OptionalLong.of(ctx.contextId());
        }
        if (path.length() != 2 || path.at(0).index() == null || !(path.is(0, "cpu") || path.is(0, "tlb"))) {
            return OptionalLong.empty();
        }
        long cpu = path.at(0).numericIndex();
        if (cpu >= t.nrCpus()) {
            throw new ObservableException(path + ": cpu " + cpu + " is not online (" + t.nrCpus() + " CPUs)");
        }
        CpuAsidState c = a.cpu((int) cpu);
        if (path.is(0, "tlb")) {
            return switch (path.at(1).name()) {
                case "entries" -> OptionalLong.of(t.tlb((int) cpu).entries().size());
                case "issued" -> OptionalLong.of(t.issued((int) cpu).size());
                default -> throw new ObservableException(path + ": a TLB has entries, issued");
            };
        }
        return switch (path.at(1).name()) {
            case "asid" -> OptionalLong.of(t.currentAsid((int) cpu));
            case "contextidr" -> OptionalLong.of(c.contextidr());
            case "ttbr0" -> OptionalLong.of(c.ttbr0());
            case "active_asids" -> OptionalLong.of(c.active());
            case "reserved_asids" -> OptionalLong.of(c.reserved());
            case "tlb_flush_pending" -> OptionalLong.of(a.tlbFlushPending((int) cpu) ? 1 : 0);
            case "active_mm" -> OptionalLong.of(t.activeMm((int) cpu));
            default -> throw new ObservableException(path
                    + ": a CPU has asid, contextidr, ttbr0, active_asids, reserved_asids, tlb_flush_pending, active_mm");
        };
    }

    /**
     * {@code tlb}: the allocator's line, then every CPU's registers and TLB entries;
     * {@code print tlb CPU} prints the allocator's line and that CPU's alone (a CPU the board
     * does not have is a {@link Report.BadArgument}).
     */
    @Override
    public List<Report> reports() {
        return List.of(new Report("tlb", k -> Optional.ofNullable(k.state(Tlbs.class)).map(TlbSubsystem::render),
                (k, cpu, unused) -> Optional.ofNullable(k.state(Tlbs.class)).map(t -> render(t, cpu)), 1));
    }

    static String render(Tlbs t) {
        StringBuilder out = new StringBuilder(allocatorLine(t));
        for (int cpu = 0; cpu < t.nrCpus(); cpu++) {
            cpuLines(t, cpu, out);
        }
        return out.toString();
    }

    /** {@code print tlb CPU}: the allocator's line and CPU {@code cpu}'s registers and entries. */
    static String render(Tlbs t, long cpu) {
        if (Long.compareUnsigned(cpu, t.nrCpus()) >= 0) {
            throw new Report.BadArgument("cpu " + Long.toUnsignedString(cpu) + " is not on the board (" + t.nrCpus() + " CPU"
                    + (t.nrCpus() == 1 ? ", cpu 0" : "s, cpu 0.." + (t.nrCpus() - 1)) + ")");
        }
        StringBuilder out = new StringBuilder(allocatorLine(t));
        cpuLines(t, (int) cpu, out);
        return out.toString();
    }

    private static String allocatorLine(Tlbs t) {
        return String.format("asid_generation %#x, asid_map weight %d, rollovers %d%n", t.asid().asidGeneration(),
                t.asid().asidMapWeight(), t.asid().rollovers());
    }

    private static void cpuLines(Tlbs t, int cpu, StringBuilder out) {
        CpuAsidState c = t.asid().cpu(cpu);
        long mm = t.ttbr0Mm(cpu);
        out.append(String.format("cpu %d: CONTEXTIDR %#x TTBR0 %#x (%s) %s%s active_mm %d%n", cpu, c.contextidr(), c.ttbr0(),
                mm < 0 ? "swapper_pg_dir" : "mm " + mm, c.step(),
                t.asid().tlbFlushPending(cpu) ? " tlb_flush_pending" : "", t.activeMm(cpu)));
        if (t.begun(cpu) != null) {
            out.append("  inside ").append(t.begun(cpu)).append('\n');
        }
        for (TlbEntry e : t.tlb(cpu).entries()) {
            out.append("  ").append(e).append('\n');
        }
    }

    /** {@code exec} makes an mm as {@code mm_create} does, {@code fork_begin} as {@code fork}; the TLB calls take it. */
    @Override
    public List<HandleKind> handleKinds() {
        return List.of(new HandleKind("mm", "m", List.of("exec", "fork_begin"), List.of(
                new HandleKind.Use("switch_mm", 0, false), new HandleKind.Use("switch_mm_begin", 0, false),
                new HandleKind.Use("flush_tlb_mm", 0, false), new HandleKind.Use("flush_tlb_page", 0, false),
                new HandleKind.Use("flush_tlb_range", 0, false), new HandleKind.Use("munmap_begin", 0, false),
                new HandleKind.Use("mprotect_begin", 0, false), new HandleKind.Use("touch_begin", 0, false),
                new HandleKind.Use("fork_begin", 0, false), new HandleKind.Use("exit_mm_begin", 0, true),
                new HandleKind.Use("brk_begin", 0, false))));
    }

    @Override
    public List<SeededBug> bugs() {
        List<SeededBug> all = new ArrayList<>(List.of(AsidDefect.values()));
        all.addAll(List.of(TlbBug.values()));
        return all;
    }
}
