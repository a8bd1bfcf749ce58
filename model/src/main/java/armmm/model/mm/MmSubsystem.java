package armmm.model.mm;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.boot.EarlyAllocation;
import armmm.model.core.Result;
import armmm.model.layout.Layout;
import armmm.model.mmu.KernelPageTables;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Op;
import armmm.model.core.Bugs;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.core.Violation;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * User address spaces (mm/mmap.c, mm/mprotect.c, mm/util.c {@code arch_pick_mmap_layout}) as a
 * subsystem: the processes a scenario creates with {@code mm_create}, their VMAs, the
 * {@code /proc/PID/maps} report and the VMA invariants INV-VMA-01 to 07 over every live mm.
 * Exists on a kernel with a board (after vmalloc, in boot order); the layout's randomness is
 * seeded with 0.
 */
public final class MmSubsystem implements Subsystem<Processes> {
    /** The one instance, registered in {@code Subsystems}. */
    public static final MmSubsystem INSTANCE = new MmSubsystem();

    /** The seed of {@code get_random_long} for every kernel's processes. */
    static final long SEED = 0;

    /** The VMA invariants' ids in catalogue order: each one's number in {@link VmaCheckMemo}. */
    private static final List<String> VMA_IDS = List.of(VmaChecks.SORTED, VmaChecks.ALIGNED,
            VmaChecks.IN_USER_RANGE, VmaChecks.MERGED, VmaChecks.COUNTED, VmaChecks.MPROTECT_RESULT,
            VmaChecks.STACK_GAP);

    private static final List<Invariant> INVARIANTS = List.of(
            every(VmaChecks.SORTED), every(VmaChecks.ALIGNED), every(VmaChecks.IN_USER_RANGE),
            every(VmaChecks.MERGED), every(VmaChecks.COUNTED), every(VmaChecks.MPROTECT_RESULT),
            every(VmaChecks.STACK_GAP),
            upt(UptChecks.PTES_IN_VMAS), upt(UptChecks.PERMS_WITHIN_VMA), upt(UptChecks.NOT_GLOBAL),
            upt(UptChecks.RSS), upt(UptChecks.KERNEL_HALF), upt(UptChecks.PAGE_REFS), upt(UptChecks.COW_READ_ONLY));

    private static Invariant upt(String id) {
        Function<Processes, List<Violation>> check = UptChecks.ALL.get(id);
        return Invariant.on(id, Processes.class, MmSubsystem::uptStamp,
                p -> p.memory() == null ? List.of() : check.apply(p));
    }

    /**
     * The change signal of the user page-table checks: besides the processes themselves they read
     * swapper_pg_dir's kernel half (its version and init_mm's vmalloc_seq) and whether a frame is
     * allocated in the buddy allocator (its frame-change count), so a step that frees a user page
     * or a page table behind the mm's back re-runs them. Every term only grows, so the sum moves
     * whenever one does.
     */
    static long uptStamp(Processes p) {
        UserMemory mem = p.memory();
        long stamp = p.changeCount();
        if (mem != null) {
            stamp += mem.swapperVersion() + mem.vmallocSeq() + mem.pages().changeCount();
        }
        return stamp;
    }

    private MmSubsystem() {
    }

    /**
     * The VMA invariants as after a step, and the user page-table ones reading every table word
     * by word again, without the decoded entries and memos the per-step checks keep
     * ({@code UptChecks.complete}).
     */
    @Override
    public List<Violation> completeCheck(Processes state, KernelState kernel) {
        List<Violation> found = new ArrayList<>();
        for (Invariant inv : INVARIANTS) {
            if (!UptChecks.ALL.containsKey(inv.id())) {
                found.addAll(everyMm(inv.id(), state));
            } else if (state.memory() != null) {
                found.addAll(UptChecks.complete(inv.id(), state));
            }
        }
        return found;
    }

    private static Invariant every(String id) {
        Function<MmStruct, List<Violation>> check = VmaChecks.ALL.get(id);
        int k = VMA_IDS.indexOf(id);
        // a fault that only writes page tables leaves the VMAs as they were: a narrower signal;
        // and of the mms, only those whose VMAs changed are checked again (VmaCheckMemo)
        return Invariant.on(id, Processes.class, p -> p.vmaSignal.stamp(p), p -> p.vmaMemo.check(k, p, check));
    }

    /** VMA invariant {@code id} on every live mm, without the per-step memory: the complete check's. */
    private static List<Violation> everyMm(String id, Processes p) {
        Function<MmStruct, List<Violation>> check = VmaChecks.ALL.get(id);
        List<Violation> out = new ArrayList<>();
        for (MmStruct mm : p.mms().values()) {
            out.addAll(check.apply(mm));
        }
        return out;
    }

    @Override
    public String name() {
        return "mm";
    }

    @Override
    public Class<Processes> stateType() {
        return Processes.class;
    }

    @Override
    public Processes create(KernelState earlier, Board board, Bugs bugs) {
        if (board == null) {
            return null;
        }
        Set<VmaDefect> planted = EnumSet.noneOf(VmaDefect.class);
        for (VmaDefect d : VmaDefect.values()) {
            if (bugs.has(d)) {
                planted.add(d);
            }
        }
        UserLayoutConfig config = UserLayoutConfig.armmp();
        List<String> words = java.util.Arrays.asList(board.cmdline().text().split("\\s+"));
        // mm/memory.c disable_randmaps: "norandmaps" sets randomize_va_space to 0
        if (words.contains("norandmaps")) {
            config = config.withRandomizeVaSpace(0);
        }
        long seed = SEED;
        for (String w : words) {
            // the model's own parameter (the kernel keeps unknown ones in the text): the run's seed
            if (w.startsWith(SEED_PARAM)) {
                try {
                    seed = Long.parseUnsignedLong(w.substring(SEED_PARAM.length()));
                } catch (NumberFormatException e) {
                    seed = SEED;
                }
            }
        }
        Processes processes = new Processes(config, seed, planted, memory(earlier, bugs));
        processes.nrCpuIds(board.cpus());
        return processes;
    }

    /** The command-line word that carries the run's seed ({@code armmm run --seed N} adds it). */
    public static final String SEED_PARAM = "armmm.seed=";

    /** The page-table side: needs the page allocator, swapper_pg_dir and the boot's zero page. */
    private static UserMemory memory(KernelState earlier, Bugs bugs) {
        PageAllocator pages = earlier.state(PageAllocator.class);
        KernelPageTables swapper = earlier.state(KernelPageTables.class);
        BootedSystem booted = earlier.state(BootedSystem.class);
        if (pages == null || swapper == null || booted == null) {
            return null;
        }
        long zero = -1;
        for (EarlyAllocation a : booted.allocations()) {
            // paging_init's last early_alloc is the zero page (arch/arm/mm/mmu.c)
            if (a.caller().equals("early_alloc") && a.size() == UserLayoutConfig.PAGE_SIZE) {
                zero = a.address() >>> 12;
            }
        }
        Set<PgtableDefect> planted = EnumSet.noneOf(PgtableDefect.class);
        for (PgtableDefect d : PgtableDefect.values()) {
            if (bugs.has(d)) {
                planted.add(d);
            }
        }
        Layout layout = booted.layout();
        return new UserMemory(pages, swapper, zero, layout.vmallocStart(), layout.vmallocEnd(), planted);
    }

    @Override
    public void beforeStep(Processes state) {
        state.beginCall();
    }

    @Override
    public void afterStep(Processes state, Op op, Result result) {
        if (state.memory() != null) {
            state.memory().afterStep();
        }
    }

    @Override
    public List<OpSpec> calls() {
        return MmOp.SPECS;
    }

    /** {@code mm[H].map_count}, {@code .mmap_base}, {@code .total_vm} (pages), {@code .start_brk}, {@code .brk}. */
    @Override
    public OptionalLong observe(Processes state, KernelState kernel, ObservablePath path) {
        if (path.length() != 2 || !path.is(0, "mm") || path.at(0).index() == null) {
            return OptionalLong.empty();
        }
        long handle = path.at(0).numericIndex();
        MmStruct mm = state.mm(handle);
        if (mm == null) {
            throw new ObservableException(path + ": 0x" + Long.toHexString(handle) + " is no live mm");
        }
        return switch (path.at(1).name()) {
            case "map_count" -> OptionalLong.of(mm.mapCount());
            case "mmap_base" -> OptionalLong.of(mm.mmapBase());
            case "total_vm" -> OptionalLong.of(mm.totalVm());
            case "start_brk" -> OptionalLong.of(mm.startBrk());
            case "brk" -> OptionalLong.of(mm.brk());
            case "rss" -> OptionalLong.of(state.anonRss(handle) + state.shmemRss(handle));
            case "anon_rss" -> OptionalLong.of(state.anonRss(handle));
            case "shmem_rss" -> OptionalLong.of(state.shmemRss(handle));
            case "pgtables_bytes" -> OptionalLong.of(tables(state, path, handle).pgtablesBytes());
            case "pgd" -> OptionalLong.of(tables(state, path, handle).pgdPhys());
            case "vmalloc_seq" -> OptionalLong.of(tables(state, path, handle).vmallocSeq());
            default -> throw new ObservableException(path + ": an mm has map_count, mmap_base, total_vm, start_brk, brk,"
                    + " rss, anon_rss, shmem_rss, pgtables_bytes, pgd, vmalloc_seq");
        };
    }

    private static UserPageTables tables(Processes state, ObservablePath path, long handle) {
        UserPageTables t = state.pageTables(handle);
        if (t == null) {
            throw new ObservableException(path + ": this kernel keeps no page tables for user processes");
        }
        return t;
    }

    @Override
    public List<Invariant> invariants() {
        return INVARIANTS;
    }

    /**
     * {@code maps}: every live mm's {@code /proc/PID/maps}, each under a line {@code mm N:};
     * {@code print maps MM} prints that mm's alone.
     */
    @Override
    public List<Report> reports() {
        return List.of(new Report("maps", k -> Optional.ofNullable(k.state(Processes.class)).map(p -> {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<Long, MmStruct> e : p.mms().entrySet()) {
                out.append("mm ").append(e.getKey()).append(":\n").append(MapsReport.render(e.getValue(), true));
            }
            return out.toString();
        }), (k, from, to) -> Optional.ofNullable(k.state(Processes.class)).map(p -> {
            // print maps MM: that process's /proc/PID/maps alone
            MmStruct mm = p.mm(from);
            return mm == null ? "# no live mm " + from + "\n" : MapsReport.render(mm, true);
        })));
    }

    @Override
    public List<HandleKind> handleKinds() {
        return List.of(
                new HandleKind("mm", "m", List.of("mm_create", "fork"),
                        List.of(new HandleKind.Use("mmap", 0, false), new HandleKind.Use("munmap", 0, false),
                                new HandleKind.Use("mprotect", 0, false), new HandleKind.Use("brk", 0, false),
                                new HandleKind.Use("touch", 0, false), new HandleKind.Use("fork", 0, false),
                                new HandleKind.Use("kernel_touch", 0, false),
                                new HandleKind.Use("exit_mm", 0, true))),
                new HandleKind("user address", "a", List.of("mmap"),
                        List.of(new HandleKind.Use("munmap", 1, true), new HandleKind.Use("mprotect", 1, false),
                                new HandleKind.Use("touch", 1, false),
                                // the TLB subsystem's begun forms (spec/tlb.md): munmap_begin gives it back as munmap does
                                new HandleKind.Use("munmap_begin", 1, true), new HandleKind.Use("mprotect_begin", 1, false),
                                new HandleKind.Use("touch_begin", 1, false))));
    }

    @Override
    public List<SeededBug> bugs() {
        List<SeededBug> all = new ArrayList<>(List.of(VmaDefect.values()));
        all.addAll(List.of(PgtableDefect.values()));
        return all;
    }
}
