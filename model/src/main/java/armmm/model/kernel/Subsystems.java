package armmm.model.kernel;

import armmm.model.core.Bugs;
import armmm.model.core.SeededBug;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.Subsystem;
import armmm.model.vmalloc.VmallocSubsystem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registry: every subsystem of the modelled kernel, once, in boot order (a subsystem's state
 * is created after the states of those before it). Adding a subsystem is adding one line to
 * {@link #ALL}; everything else (the scenario vocabulary, observables, invariants, reports,
 * handles, seeded bugs) is learnt from the list.
 */
public final class Subsystems {

    /** Every subsystem, in boot order. */
    public static final List<Subsystem<?>> ALL = List.of(
            LayoutSubsystem.INSTANCE,   // setup_arch: early memblock, paging_init, the layout
            armmm.model.mmu.MmuSubsystem.INSTANCE, // paging_init's swapper_pg_dir, final after mark_rodata_ro
            MemblockSubsystem.INSTANCE, // memblock: as boot left it, or empty without a board
            ZoneSubsystem.INSTANCE,     // free_area_init, the watermarks
            BuddySubsystem.INSTANCE,    // mem_init: the hand-over to the buddy allocator
            armmm.model.balloon.BalloonSubsystem.INSTANCE, // the virtio balloon, empty until the host asks
            armmm.model.slub.SlubSubsystem.INSTANCE, // kmem_cache_init: the boot caches
            VmallocSubsystem.INSTANCE,  // vmalloc_init, then init_irq_stacks
            armmm.model.highmem.HighmemSubsystem.INSTANCE, // kmap, kmap_atomic, kmap_local on kmap_init's pkmap and fixmap tables
            armmm.model.mm.MmSubsystem.INSTANCE, // user address spaces: mm_create, mmap, munmap, mprotect, brk
            armmm.model.tlb.TlbSubsystem.INSTANCE); // per-CPU TLBs and ASIDs: switch_mm, access, the flushes

    private static final List<Invariant> INVARIANTS = collectInvariants();
    private static final List<SeededBug> BUGS = collectBugs();
    private static final java.util.Map<Invariant, Integer> INDEX = indexInvariants();

    private Subsystems() {
    }

    private static List<Invariant> collectInvariants() {
        List<Invariant> all = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Subsystem<?> s : ALL) {
            for (Invariant inv : s.invariants()) {
                if (!ids.add(inv.id())) {
                    throw new IllegalStateException("invariant " + inv.id() + " declared twice");
                }
                all.add(inv);
            }
        }
        return List.copyOf(all);
    }

    private static List<SeededBug> collectBugs() {
        List<SeededBug> all = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Subsystem<?> s : ALL) {
            for (SeededBug b : s.bugs()) {
                if (!names.add(b.name())) {
                    throw new IllegalStateException("seeded bug " + b.name() + " declared twice");
                }
                all.add(b);
            }
        }
        return List.copyOf(all);
    }

    /** Every invariant of every subsystem, in registry order. */
    public static List<Invariant> invariants() {
        return INVARIANTS;
    }

    private static java.util.Map<Invariant, Integer> indexInvariants() {
        java.util.Map<Invariant, Integer> index = new java.util.IdentityHashMap<>();
        for (int i = 0; i < INVARIANTS.size(); i++) {
            index.put(INVARIANTS.get(i), i);
        }
        return index;
    }

    /** The position of {@code inv} in {@link #invariants()}, or -1 when it is not one of them. */
    public static int indexOf(Invariant inv) {
        Integer i = INDEX.get(inv);
        return i == null ? -1 : i;
    }

    /** Every seeded bug of every subsystem, in registry order. */
    public static List<SeededBug> bugs() {
        return BUGS;
    }

    /** The seeded bug named {@code name} ({@code memblock-no-merge} or {@code MEMBLOCK_NO_MERGE}); empty when none is. */
    public static Optional<SeededBug> bug(String name) {
        for (SeededBug b : BUGS) {
            if (b.isNamed(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /**
     * Resolves a bug name given at the edge (the CLI, a property run) once: blank means none.
     *
     * @throws IllegalArgumentException when {@code name} names no seeded bug; a typo must not
     *                                  quietly run without the bug
     */
    public static Bugs bugsNamed(String name) {
        if (name == null || name.isBlank()) {
            return Bugs.NONE;
        }
        return bug(name).map(Bugs::of).orElseThrow(() -> new IllegalArgumentException(
                "-Darmmm.bug: unknown seeded bug '" + name.trim() + "', expected one of "
                        + BUGS.stream().map(SeededBug::cliName).collect(Collectors.joining(", "))));
    }

    /** The bugs {@code -Darmmm.bug} names; {@link Bugs#NONE} when it is unset. */
    public static Bugs bugsFromSystemProperty() {
        return bugsNamed(System.getProperty("armmm.bug", ""));
    }

    /** Every handle kind of every subsystem. */
    public static List<HandleKind> handleKinds() {
        return ALL.stream().flatMap(s -> s.handleKinds().stream()).toList();
    }

    /** The handle kind a successful {@code call} returns, or null when its result is not a handle. */
    public static HandleKind handleProducedBy(String call) {
        for (Subsystem<?> s : ALL) {
            for (HandleKind h : s.handleKinds()) {
                if (h.isProducedBy(call)) {
                    return h;
                }
            }
        }
        return null;
    }

    /** The handle kinds {@code call} takes, each with how; empty when it takes none. */
    public static List<HandleKind> handlesUsedBy(String call) {
        return ALL.stream().flatMap(s -> s.handleKinds().stream()).filter(h -> h.useBy(call) != null).toList();
    }

    /** The registry's subsystem names, for messages. */
    public static String names() {
        return Arrays.toString(ALL.stream().map(Subsystem::name).toArray());
    }
}
