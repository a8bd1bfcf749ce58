package armmm.model.mm;

import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_FIXED_NOREPLACE;
import static armmm.model.mm.VmFlags.MAP_PRIVATE;
import static armmm.model.mm.VmFlags.MAP_SHARED;

import armmm.model.core.Violation;
import armmm.pbt.ChainFormatter;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Chains of mmap, munmap, mprotect and brk on one mm (top-down or legacy, randomised layout),
 * checked against {@link VmaChecks} after every step and, optionally, against a page-by-page
 * reference: what each page should be after each call, computed from the calls alone.
 */
final class VmaChains {
    private static final long PAGE = 4096;

    private VmaChains() {
    }

    /** The chain's state: the mm and the reference (page number -> prot bits | 8 if shared). */
    static final class World {
        final MmStruct mm;
        final TreeMap<Long, Integer> pages = new TreeMap<>();

        World(MmStruct mm) {
            this.mm = mm;
            for (Vma v : mm.vmas()) {
                for (long p = v.start() / PAGE; p < v.end() / PAGE; p++) {
                    pages.put(p, (int) (v.flags() & 7));
                }
            }
        }

        @Override
        public String toString() {
            return "mmap_base 0x" + Long.toHexString(mm.mmapBase()) + (mm.topDown() ? " top-down" : " legacy")
                    + ", brk 0x" + Long.toHexString(mm.brk()) + ", map_count " + mm.mapCount() + ", total_vm "
                    + mm.totalVm() + "\n" + MapsReport.render(mm, false);
        }
    }

    static Gen<World> worlds(Set<VmaDefect> defects) {
        return Gens.combine(Gens.booleans(), Gens.longs(0, 1 << 20), (legacy, seed) -> {
            UserLayoutConfig config = UserLayoutConfig.armmp();
            ExecParams exec = new ExecParams(legacy ? ExecParams.RLIM_INFINITY : 8L << 20, 0, 0x14f000);
            UserLayout layout = MmapLayout.pick(config, exec, RandomSource.seeded(seed));
            return new World(MmStruct.exec(config, layout, 0x21000, defects));
        });
    }

    /** Addresses worth trying: VMA edges and their neighbours, mmap_base, brk, and anything at all. */
    private static Gen<Long> address(World w) {
        List<Long> near = new ArrayList<>();
        for (Vma v : w.mm.vmas()) {
            near.add(v.start());
            near.add(v.start() + PAGE);
            near.add(v.end());
            near.add(v.end() - PAGE);
            near.add(v.start() - PAGE);
        }
        near.add(w.mm.mmapBase());
        near.add(w.mm.mmapBase() - 4 * PAGE);
        near.add(w.mm.startBrk());
        near.removeIf(a -> a < 0 || a > 0xffffffffL);
        return Gens.frequency(
                Gens.weighted(8, Gens.oneOf(near)),
                Gens.weighted(1, Gens.constant(0L)),
                Gens.weighted(1, Gens.longs(0, 0xfffffL).map(p -> p * PAGE)),
                Gens.weighted(1, Gens.longs(0, 0xffffffffL)));
    }

    private static Gen<Long> length() {
        return Gens.frequency(
                Gens.weighted(12, Gens.ints(1, 8).map(n -> n * PAGE)),
                Gens.weighted(2, Gens.ints(1, 40000).map(Integer::longValue)),
                Gens.weighted(1, Gens.oneOf(0L, 0xfffff001L, 0xc0000000L)));
    }

    /**
     * An mmap's length: as {@link #length()}, or nearly all the free space under the stack (not
     * with the page-by-page reference, which would keep a map entry for each of its pages).
     */
    private static Gen<Long> mmapLength(World w) {
        long hole = holeUnderStack(w.mm);
        if (hole <= 0) {
            return length();
        }
        // a range that fits under the stack only by running into its guard gap (or just not)
        return Gens.frequency(Gens.weighted(12, length()),
                Gens.weighted(1, Gens.ints(0, 320).map(k -> Math.max(PAGE, hole - k * PAGE))));
    }

    /** The bytes between the stack and the highest of mmap_base and the end of the VMA below it. */
    static long holeUnderStack(MmStruct mm) {
        Vma stack = null;
        long below = mm.mmapBase();
        for (Vma v : mm.vmas()) {
            if ((v.flags() & VmFlags.VM_GROWSDOWN) != 0) {
                stack = v;
                break;
            }
            below = Math.max(below, v.end());
        }
        return stack == null ? 0 : stack.start() - below;
    }

    private static Gen<Integer> prot() {
        return Gens.frequency(Gens.weighted(10, Gens.ints(0, 7)), Gens.weighted(1, Gens.oneOf(8, 0x10, 0x3000000)));
    }

    private static Gen<Integer> mmapFlags() {
        return Gens.frequency(
                Gens.weighted(10, Gens.oneOf(MAP_PRIVATE | MAP_ANONYMOUS, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, MAP_SHARED | MAP_ANONYMOUS,
                        MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED)),
                Gens.weighted(1, Gens.oneOf(MAP_ANONYMOUS, MAP_PRIVATE, 3 | MAP_ANONYMOUS)));
    }

    static Object apply(World w, VmaCall call) {
        MmStruct mm = w.mm;
        if (call instanceof VmaCall.Mmap m) {
            MmResult r = mm.mmap(m.addr(), m.len(), m.prot(), m.flags());
            Stats.label(r.isOk() ? "mmap ok" : "mmap " + r.error());
            return r;
        } else if (call instanceof VmaCall.Munmap u) {
            MmResult r = mm.munmap(u.addr(), u.len());
            Stats.label(r.isOk() ? "munmap ok" : "munmap " + r.error());
            return r;
        } else if (call instanceof VmaCall.Mprotect p) {
            int before = mm.mapCount();
            MmResult r = mm.mprotect(p.addr(), p.len(), p.prot());
            Stats.label(r.isOk() ? (mm.mapCount() < before ? "mprotect merged" : mm.mapCount() > before
                    ? "mprotect split" : "mprotect ok") : "mprotect " + r.error());
            return r;
        } else if (call instanceof VmaCall.Brk b) {
            long old = mm.brk();
            long r = mm.brk(b.addr());
            Stats.label(r == old && b.addr() != old ? "brk refused" : r > old ? "brk grew" : "brk shrank or kept");
            return r;
        }
        throw new IllegalStateException("unknown call " + call);
    }

    /** The reference's expectation of one call, applied to its pages; a failure if the model returned otherwise. */
    static List<Failure> reference(World w, VmaCall call, Object outcome, long oldBrk) {
        List<Failure> out = new ArrayList<>();
        if (call instanceof VmaCall.Mmap m && outcome instanceof MmResult r && r.isOk()) {
            long len = (m.len() + PAGE - 1) & ~(PAGE - 1);
            int shared = (m.flags() & VmFlags.MAP_TYPE) == MAP_SHARED ? 8 : 0;
            for (long p = r.value() / PAGE; p < (r.value() + len) / PAGE; p++) {
                w.pages.put(p, (m.prot() & 7) | shared);
            }
        } else if (call instanceof VmaCall.Munmap u && outcome instanceof MmResult r && r.isOk()) {
            long len = (u.len() + PAGE - 1) & ~(PAGE - 1);
            w.pages.subMap(u.addr() / PAGE, (u.addr() + len) / PAGE).clear();
        } else if (call instanceof VmaCall.Mprotect p && outcome instanceof MmResult r
                && p.addr() % PAGE == 0 && p.len() != 0 && (p.prot() & ~0xf) == 0) {
            // page by page from the start: the call changes pages until the first hole; a range
            // that wraps the 32-bit space is refused whole
            long len = (p.len() + PAGE - 1) & ~(PAGE - 1) & 0xffffffffL;
            long end = (p.addr() + len) & 0xffffffffL;
            if (end <= p.addr()) {
                if (!r.equals(MmResult.fail(Errno.ENOMEM))) {
                    out.add(new Failure("reference", "mprotect result differs from the reference",
                            call + " returned " + r + ", reference -ENOMEM for a wrapping range"));
                }
                len = 0;
            }
            boolean hole = false;
            for (long page = p.addr() / PAGE; page < (p.addr() + len) / PAGE; page++) {
                Integer old = w.pages.get(page);
                if (old == null) {
                    hole = true;
                    break;
                }
                w.pages.put(page, (p.prot() & 7) | (old & 8));
            }
            if (len > 0 && hole != !r.isOk()) {
                out.add(new Failure("reference", "mprotect result differs from the reference",
                        call + " returned " + r + ", reference hole " + hole));
            }
        } else if (call instanceof VmaCall.Brk && outcome instanceof Long newBrk) {
            long oldTop = (oldBrk + PAGE - 1) / PAGE;
            long newTop = (newBrk + PAGE - 1) / PAGE;
            for (long page = oldTop; page < newTop; page++) {
                w.pages.put(page, 3);
            }
            if (newTop < oldTop) {
                w.pages.subMap(newTop, oldTop).clear();
            }
        }
        Map<Long, Integer> model = new TreeMap<>();
        for (Vma v : w.mm.vmas()) {
            int bits = (int) (v.flags() & 7) | ((v.flags() & VmFlags.VM_SHARED) != 0 ? 8 : 0);
            for (long p = v.start() / PAGE; p < v.end() / PAGE; p++) {
                model.put(p, bits);
            }
        }
        if (!model.equals(w.pages)) {
            out.add(new Failure("reference", "mapped pages differ from the reference",
                    "model maps " + model.size() + " pages, reference " + w.pages.size() + " after " + call));
        }
        return out;
    }

    static ChainSpec.Builder<World, VmaCall> spec(Set<VmaDefect> defects, Predicate<String> checked, boolean withReference) {
        long[] brkBefore = new long[1];
        ChainSpec.Builder<World, VmaCall> b = ChainSpec.<World, VmaCall>builder()
                .initialState(worlds(defects))
                .action("mmap", 10, w -> Gens.combine(address(w), withReference ? length() : mmapLength(w), prot(), mmapFlags(),
                        VmaCall.Mmap::new))
                .action("munmap", 5, w -> Gens.combine(address(w), length(), VmaCall.Munmap::new))
                .action("mprotect", 8, w -> Gens.combine(address(w), length(), prot(), VmaCall.Mprotect::new))
                .action("brk", 4, w -> Gens.frequency(
                        Gens.weighted(6, Gens.ints(-8, 40).map(n -> w.mm.brk() + n * PAGE)),
                        Gens.weighted(1, Gens.ints(0, 5000).map(n -> w.mm.startBrk() + n)),
                        Gens.weighted(1, Gens.constant(0L))).map(VmaCall.Brk::new))
                .executor((w, call) -> {
                    brkBefore[0] = w.mm.brk();
                    w.mm.beginCall();
                    return apply(w, call);
                })
                .formatter(new ChainFormatter<>() {
                    @Override
                    public String scenarioHeader(World initial) {
                        return "mm_create mmap_base=0x" + Long.toHexString(initial.mm.mmapBase())
                                + (initial.mm.topDown() ? "" : " rlimit_stack=unlimited") + " brk=0x"
                                + Long.toHexString(initial.mm.startBrk())
                                + (defects.isEmpty() ? "" : "   # planted: " + defects);
                    }

                    @Override
                    public String line(VmaCall action, Object outcome, int stepIndex) {
                        return action + "   # " + (outcome instanceof Long l ? "0x" + Long.toHexString(l) : outcome);
                    }
                })
                .steps(60);
        if (withReference) {
            b.postcondition((w, call, outcome) -> reference(w, call, outcome, brkBefore[0]));
        }
        for (String id : List.of(VmaChecks.SORTED, VmaChecks.ALIGNED, VmaChecks.IN_USER_RANGE, VmaChecks.MERGED,
                VmaChecks.COUNTED, VmaChecks.MPROTECT_RESULT, VmaChecks.STACK_GAP)) {
            if (checked.test(id)) {
                b.invariant(id, w -> failures(VmaChecks.ALL.get(id).apply(w.mm)));
            }
        }
        return b;
    }

    static List<Failure> failures(List<Violation> violations) {
        return violations.stream().map(v -> new Failure(v.id(), v.reason(), v.details())).toList();
    }
}
