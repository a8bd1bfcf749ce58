package armmm.model.slub;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * SLUB as a subsystem: {@code kmem_cache_init} (mm/slub.c) creates it after the buddy
 * allocator, from the board's command line ({@code slub_*}) and CPU count; its calls, the
 * {@code cache[$k].*} and {@code slab[ADDR].*} observables, INV-SLUB-01..08, {@code print slabinfo} and its seeded bugs.
 */
public final class SlubSubsystem implements Subsystem<SlubAllocator> {
    /** The one instance, registered in {@code Subsystems}. */
    public static final SlubSubsystem INSTANCE = new SlubSubsystem();
    /** The seed of the random freelist order: fixed, so a scenario replays exactly. */
    public static final long FREELIST_SEED = 0x5eed_51abL;

    private static final List<String> IDS = List.of("INV-SLUB-01", "INV-SLUB-02", "INV-SLUB-03", "INV-SLUB-04",
            "INV-SLUB-05", "INV-SLUB-06", "INV-SLUB-07", "INV-SLUB-08");

    private SlubSubsystem() {
    }

    @Override
    public String name() {
        return "slub";
    }

    @Override
    public Class<SlubAllocator> stateType() {
        return SlubAllocator.class;
    }

    @Override
    public SlubAllocator create(KernelState earlier, Board board, Bugs bugs) {
        PageAllocator pa = earlier.state(PageAllocator.class);
        if (pa == null || board == null) {
            return null;
        }
        Set<SlubBug> planted = EnumSet.noneOf(SlubBug.class);
        for (SlubBug b : SlubBug.values()) {
            if (bugs.has(b)) {
                planted.add(b);
            }
        }
        try {
            // kmem_cache_init: the boot caches, then their own structs from kmem_cache and kmem_cache_node
            return new SlubAllocator(SlabCaches.boot(SlubParams.parse(board.cmdline().text(), board.cpus())), pa,
                    FREELIST_SEED, planted, true);
        } catch (CacheLayout.NoOrderException e) {
            // the kernel panics: "Creation of kmalloc slab ... failed"
            return null;
        }
    }

    @Override
    public List<OpSpec> calls() {
        return SlubOp.SPECS;
    }

    /** {@code cache[$k].size|object_size|offset|inuse|align|red_left_pad|order|objects|min_partial|cpu_partial|refcount}. */
    @Override
    public OptionalLong observe(SlubAllocator a, KernelState kernel, ObservablePath path) {
        if (path.is(0, "slab") && path.length() == 2) {
            return slab(a, path);
        }
        if (!path.is(0, "cache") || path.length() != 2) {
            return OptionalLong.empty();
        }
        long h = path.at(0).numericIndex();
        KmemCache c = h <= 0 || h > Integer.MAX_VALUE ? null : a.caches().byId((int) h - 1);
        if (c == null) {
            throw new ObservableException("cache[" + path.at(0).index() + "]: no kmem_cache with that handle");
        }
        CacheLayout l = c.layout();
        String field = path.at(1).name();
        long v = switch (field) {
            case "size" -> l.size();
            case "object_size" -> c.objectSize();
            case "offset" -> l.offset();
            case "inuse" -> c.inuse();
            case "align" -> l.align();
            case "red_left_pad" -> l.redLeftPad();
            case "order" -> l.order();
            case "objects" -> l.objects();
            case "min_partial" -> l.minPartial();
            case "cpu_partial" -> l.cpuPartial();
            case "refcount" -> c.refcount();
            case "flags" -> c.flags() & 0xFFFF_FFFFL;
            default -> throw new ObservableException("cache[...]." + field + ": expected size, object_size, offset, inuse,"
                    + " align, red_left_pad, order, objects, min_partial, cpu_partial, refcount or flags");
        };
        return OptionalLong.of(v);
    }

    /**
     * {@code slab[ADDR].page|pfn|order|objects|inuse|frozen|cache}: the slab holding kernel
     * address ADDR ({@code virt_to_slab}): its head {@code struct page} pointer, frame, order,
     * object count, {@code inuse}, {@code frozen} and its cache's handle.
     */
    private static OptionalLong slab(SlubAllocator a, ObservablePath path) {
        String index = path.at(0).index();
        long addr;
        try {
            // an address, not an array index: up to 32 bits, so numericIndex's bound does not apply
            addr = index == null ? -1 : Long.parseUnsignedLong(index);
        } catch (NumberFormatException e) {
            addr = -1;
        }
        Slab slab = addr < 0 || addr > 0xFFFF_FFFFL ? null : a.slabOf(addr);
        if (slab == null) {
            throw new ObservableException("slab[" + path.at(0).index() + "]: not an address in a slab");
        }
        String field = path.at(1).name();
        long v = switch (field) {
            case "page" -> a.pages().layout().pfnToPage(slab.pfn);
            case "pfn" -> slab.pfn;
            case "order" -> slab.order;
            case "objects" -> slab.objects;
            case "inuse" -> slab.inuse;
            case "frozen" -> slab.frozen ? 1 : 0;
            case "cache" -> slab.cache.id() + 1L;
            default -> throw new ObservableException("slab[...]." + field
                    + ": expected page, pfn, order, objects, inuse, frozen or cache");
        };
        return OptionalLong.of(v);
    }

    @Override
    public List<Invariant> invariants() {
        List<Invariant> out = new ArrayList<>();
        for (String id : IDS) {
            out.add(Invariant.on(id, SlubAllocator.class, a -> ofId(SlubChecks.check(a), id)));
        }
        return out;
    }

    /** The violations of {@code id} among {@code all} (the one walk per step that serves every SLUB invariant). */
    private static List<armmm.model.core.Violation> ofId(List<armmm.model.core.Violation> all, String id) {
        if (all.isEmpty()) {
            return List.of();
        }
        List<armmm.model.core.Violation> out = new ArrayList<>();
        for (armmm.model.core.Violation v : all) {
            if (v.id().equals(id)) {
                out.add(v);
            }
        }
        return out;
    }

    /** Every slab of every cache ({@link SlubChecks#fullScan}), not only the caches the calls touched. */
    @Override
    public List<armmm.model.core.Violation> completeCheck(SlubAllocator state, KernelState kernel) {
        return SlubChecks.fullScan(state);
    }

    @Override
    public List<Report> reports() {
        return List.of(new Report("slabinfo",
                k -> Optional.ofNullable(k.state(SlubAllocator.class)).map(SlabinfoReport::render)));
    }

    @Override
    public List<HandleKind> handleKinds() {
        return List.of(
                new HandleKind("object", "o", List.of("kmalloc", "kzalloc", "kmalloc_array", "krealloc", "kvmalloc",
                        "kmem_cache_alloc"), List.of(new HandleKind.Use("kfree", 0, true),
                        new HandleKind.Use("kvfree", 0, true), new HandleKind.Use("krealloc", 0, true),
                        new HandleKind.Use("ksize", 0, false), new HandleKind.Use("kmem_cache_free", 1, true))),
                new HandleKind("cache", "k", List.of("kmalloc_slab", "kmem_cache_create"), List.of(
                        new HandleKind.Use("kmem_cache_alloc", 0, false), new HandleKind.Use("kmem_cache_free", 0, false),
                        new HandleKind.Use("kmem_cache_alloc_bulk", 0, false),
                        new HandleKind.Use("kmem_cache_shrink", 0, false),
                        new HandleKind.Use("kmem_cache_destroy", 0, true))));
    }

    @Override
    public void beforeStep(SlubAllocator state) {
        state.beginStep();
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(SlubBug.values());
    }
}
