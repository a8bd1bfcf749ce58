package armmm.model.mm;

import armmm.model.board.Board;
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
 * {@code /proc/PID/maps} report and the VMA invariants INV-VMA-01 to 05 over every live mm.
 * Exists on a kernel with a board (after vmalloc, in boot order); the layout's randomness is
 * seeded with 0.
 */
public final class MmSubsystem implements Subsystem<Processes> {
    /** The one instance, registered in {@code Subsystems}. */
    public static final MmSubsystem INSTANCE = new MmSubsystem();

    /** The seed of {@code get_random_long} for every kernel's processes. */
    static final long SEED = 0;

    private static final List<Invariant> INVARIANTS = List.of(
            every(VmaChecks.SORTED), every(VmaChecks.ALIGNED), every(VmaChecks.IN_USER_RANGE),
            every(VmaChecks.MERGED), every(VmaChecks.COUNTED));

    private MmSubsystem() {
    }

    private static Invariant every(String id) {
        Function<MmStruct, List<Violation>> check = VmaChecks.ALL.get(id);
        return Invariant.on(id, Processes.class, p -> {
            List<Violation> out = new ArrayList<>();
            for (MmStruct mm : p.mms().values()) {
                out.addAll(check.apply(mm));
            }
            return out;
        });
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
        // mm/memory.c disable_randmaps: "norandmaps" sets randomize_va_space to 0
        if (java.util.Arrays.asList(board.cmdline().text().split("\\s+")).contains("norandmaps")) {
            config = config.withRandomizeVaSpace(0);
        }
        return new Processes(config, SEED, planted);
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
            default -> throw new ObservableException(path + ": an mm has map_count, mmap_base, total_vm, start_brk, brk");
        };
    }

    @Override
    public List<Invariant> invariants() {
        return INVARIANTS;
    }

    /** {@code maps}: every live mm's {@code /proc/PID/maps}, each under a line {@code mm N:}. */
    @Override
    public List<Report> reports() {
        return List.of(new Report("maps", k -> Optional.ofNullable(k.state(Processes.class)).map(p -> {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<Long, MmStruct> e : p.mms().entrySet()) {
                out.append("mm ").append(e.getKey()).append(":\n").append(MapsReport.render(e.getValue(), true));
            }
            return out.toString();
        })));
    }

    @Override
    public List<HandleKind> handleKinds() {
        return List.of(
                new HandleKind("mm", "m", List.of("mm_create"),
                        List.of(new HandleKind.Use("mmap", 0, false), new HandleKind.Use("munmap", 0, false),
                                new HandleKind.Use("mprotect", 0, false), new HandleKind.Use("brk", 0, false),
                                new HandleKind.Use("exit_mm", 0, true))),
                new HandleKind("user address", "a", List.of("mmap"),
                        List.of(new HandleKind.Use("munmap", 1, true), new HandleKind.Use("mprotect", 1, false))));
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(VmaDefect.values());
    }
}
