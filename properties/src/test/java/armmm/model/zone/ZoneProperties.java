package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.check.ZoneChecks;
import armmm.model.kernel.Kernel;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyResult;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.spec.Catalogue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Zone setup on generated boards: banks, holes, NOMAP carve-outs, reserved regions, CMA areas,
 * lowmem limits, CPU counts, sysctls and {@code movablecore=}; and generated boards booted by the
 * model. Every zone invariant must hold, and every planted zone bug must show on some board, caught
 * by the invariant spec/invariants.md names for it.
 */
class ZoneProperties {
    private static final long SZ_1M = 1L << 20;
    private static final int BOARDS = 300;

    @PropertyTest
    void generatedZoneInputsKeepEveryZoneInvariant(PropertyRunner runner) {
        runner.forAll(inputs()).tries(BOARDS).checkThrowing(in -> {
            ZoneSetup setup = ZoneSetup.compute(in);
            labelCases(setup);
            assertThat(ZoneChecks.check(setup)).as("%s", describe(in)).isEmpty();
        });
    }

    @PropertyTest
    void generatedBoardsBootedByTheModelKeepEveryInvariant(PropertyRunner runner) {
        runner.forAll(bootedBoards()).tries(60).checkThrowing(board -> {
            Kernel k = Kernel.boot(board);
            assertThat(k.zones()).as("zones of %s", board).isPresent();
            ZoneSetup setup = k.zones().orElseThrow();
            labelCases(setup);
            assertThat(ZoneChecks.check(setup)).as("%s", board).isEmpty();
            // early boot sizes the pageblock bitmaps with its own zone_movable_pfn: the same one
            assertThat(setup.spans().zoneMovablePfn()).as("%s", board)
                    .isEqualTo(k.booted().orElseThrow().zoneMovablePfn());
        });
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedZoneBugIsCaughtByItsInvariantOnSomeGeneratedBoard() {
        Map<ZoneBug, String> caughtBy = new EnumMap<>(ZoneBug.class);
        caughtBy.put(ZoneBug.ZONE_MOVABLE_NOT_CARVED, "INV-ZONE-01");
        caughtBy.put(ZoneBug.ZONE_NOMAP_ABSENT, "INV-ZONE-02");
        caughtBy.put(ZoneBug.ZONE_CMA_NOT_MANAGED, "INV-ZONE-03");
        caughtBy.put(ZoneBug.ZONE_MIN_FREE_FROM_FINAL, "INV-ZONE-07");
        // the watermark, protection and pcp bugs act on a recompute after boot: ZoneSysctlProperties
        return caughtBy.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().cliName(), () -> {
            ZoneBug bug = e.getKey();
            String catcher = Catalogue.catcherOf(bug.name());
            assertThat(catcher).as("invariant spec/invariants.md names for %s", bug).isEqualTo(e.getValue());
            PropertyRunner runner = new PropertyRunner("ZoneProperties", "bug_" + bug.cliName(), (k, v) -> { }).derandomized();
            Bugs planted = Bugs.of(bug);
            PropertyResult<ZoneInputs> result = runner.forAll(inputs()).tries(BOARDS).shrinkSeconds(2)
                    .run(in -> ZoneChecks.check(ZoneSetup.compute(in, planted)).stream().noneMatch(v -> v.id().equals(catcher)));
            assertThat(result.passed()).as("%s found by %s on one of %d generated boards", bug, catcher, BOARDS)
                    .isFalse();
            assertThat(ZoneChecks.check(ZoneSetup.compute(result.shrunk(), planted)))
                    .as("violations of the shrunk board %s with %s planted", describe(result.shrunk()), bug)
                    .anyMatch(v -> v.id().equals(catcher));
        }));
    }

    /** The inputs with {@code lowmem_reserve_ratio}'s values (the record prints the array's identity). */
    private static String describe(ZoneInputs in) {
        return in + ", lowmem_reserve_ratio " + Arrays.toString(in.lowmemReserveRatio());
    }

    private static void labelCases(ZoneSetup setup) {
        if (setup.populated(ZoneType.NORMAL)) {
            Stats.label("normal zone");
        }
        if (setup.populated(ZoneType.MOVABLE)) {
            Stats.label("movable zone");
        }
        if (setup.populated(ZoneType.HIGHMEM)) {
            Stats.label("highmem");
        }
        if (setup.cmaPages(ZoneType.DMA) + setup.cmaPages(ZoneType.NORMAL) > 0) {
            Stats.label("cma in lowmem");
        }
        if (setup.cmaPages(ZoneType.HIGHMEM) + setup.cmaPages(ZoneType.MOVABLE) > 0) {
            Stats.label("cma in highmem or movable");
        }
        if (setup.inputs().memory().stream().anyMatch(m -> (m.flags() & Memblock.NOMAP) != 0)) {
            Stats.label("nomap carve-out");
        }
        if (!setup.inputs().lateFrees().isEmpty()) {
            Stats.label("late frees");
        }
    }

    /**
     * Virt boards of 64 MiB to 3 GiB booted by the model, sometimes with {@code vmalloc=},
     * {@code movablecore=} (up to half the RAM) or {@code cma=}, on one to {@code NR_CPUS} CPUs; a
     * third of them on a machine with a {@code dma_zone_size} of 16 MiB to 1 GiB.
     */
    static Gen<Board> bootedBoards() {
        return c -> {
            long ramMb = Gens.ints(64, 3071).generate(c);
            StringBuilder args = new StringBuilder();
            if (Gens.booleans(1 / 3.0).generate(c)) {
                args.append(" vmalloc=").append(Gens.ints(64, 463).generate(c)).append('M');
            }
            if (Gens.booleans(1 / 3.0).generate(c)) {
                args.append(" movablecore=").append(Gens.ints(1, (int) Math.max(1, ramMb / 2)).generate(c)).append('M');
            }
            if (Gens.booleans(0.25).generate(c)) {
                args.append(" cma=").append(4 << Gens.ints(0, 3).generate(c)).append('M');
            }
            Board board = Board.of(List.of(new Bank(Board.VIRT_RAM_BASE, ramMb << 20)), List.of(), args.toString().trim(),
                    Gens.ints(1, Board.NR_CPUS).generate(c));
            // a machine with dma_zone_size (davinci's 128M, bcm2711's 1G): ZONE_NORMAL above it
            return Gens.booleans(1 / 3.0).generate(c) ? board.withDmaZoneSize(Gens.ints(16, 1024).generate(c) * SZ_1M) : board;
        };
    }

    /** A reserved region and, when it covers whole mapped pages, maybe a late free inside it. */
    private record Reservation(Region region, LateFree lateFree) {
    }

    /**
     * Zone inputs: one to three page-aligned banks from 0x40000000 with holes between them, sometimes
     * a NOMAP carve-out, reserved regions of any alignment, a CMA area (reserved, in mapped memory),
     * a lowmem limit, and late frees inside reserved regions. The simplest input is one 16 MiB bank
     * with nothing reserved, no CMA and lowmem up to 0x50000000.
     */
    static Gen<ZoneInputs> inputs() {
        return c -> {
            List<Region> memory = memory().generate(c);
            long end = memory.get(memory.size() - 1).end();
            List<Region> reserved = new ArrayList<>();
            List<LateFree> late = new ArrayList<>();
            for (Reservation r : Gens.lists(reservation(memory), 0, 11).generate(c)) {
                reserved.add(r.region());
                if (r.lateFree() != null) {
                    late.add(r.lateFree());
                }
            }
            List<CmaArea> cma = new ArrayList<>();
            Region biggest = memory.stream().filter(m -> (m.flags() & Memblock.NOMAP) == 0)
                    .max((a, b) -> Long.compare(a.size(), b.size())).orElseThrow();
            if (Gens.booleans().generate(c) && biggest.size() >= 32 * SZ_1M) {
                long cmaBase = (biggest.end() - 16 * SZ_1M) & ~(8 * SZ_1M - 1);
                if (cmaBase >= biggest.base()) {
                    cma.add(new CmaArea(cmaBase, 8 * SZ_1M));
                    reserved.add(new Region(cmaBase, 8 * SZ_1M, 0));
                    late.removeIf(f -> f.endPfn() > cmaBase >>> 12 && f.startPfn() < (cmaBase + 8 * SZ_1M) >>> 12);
                }
            }
            removeOverlappingLateFrees(late);
            long limit = Math.min(end, 0x5000_0000L + Gens.ints(0, 0x2fff).generate(c) * 0x1_0000L);
            int[] ratio = {Gens.ints(1, 512).generate(c), Gens.ints(0, 63).generate(c), 0, 0};
            long movable = Gens.booleans(1 / 3.0).generate(c) ? Gens.ints(0, 0x3ffff).generate(c) : 0;
            // a machine's dma_zone_size: arm_dma_pfn_limit = (PHYS_OFFSET + size - 1) >> PAGE_SHIFT,
            // one page short of a MiB multiple; sometimes any pfn, sometimes above lowmem
            long dma = ZoneInputs.NO_DMA_LIMIT;
            if (Gens.booleans(1 / 3.0).generate(c)) {
                dma = Gens.booleans(0.75).generate(c) ? (0x4000_0000L + Gens.ints(1, 1024).generate(c) * SZ_1M - 1) >>> 12
                        : Gens.longs(0x40000, 0x80000).generate(c);
            }
            return new ZoneInputs(memory, reserved, limit >>> 12, end >>> 12, dma, movable, cma,
                    Gens.ints(1, 8).generate(c), Gens.ints(1, 1000).generate(c), ratio, late,
                    ZoneInputs.DEFAULT_MAX_ORDER_NR_PAGES);
        };
    }

    /** One to three banks from 0x40000000 below 4 GiB, a quarter of the large ones split by a NOMAP carve-out. */
    private static Gen<List<Region>> memory() {
        return c -> {
            List<Region> memory = new ArrayList<>();
            long base = 0x4000_0000L;
            int banks = Gens.ints(1, 3).generate(c);
            for (int b = 0; b < banks && base < 0xF000_0000L; b++) {
                long size = Math.min(Gens.ints(16, 1039).generate(c) * SZ_1M, 0xFFFF_F000L - base);
                if (Gens.booleans(0.25).generate(c) && size > 64 * SZ_1M) {
                    long carve = base + Gens.ints(0, (int) (size / SZ_1M) - 33).generate(c) * SZ_1M;
                    long carveSize = Gens.ints(1, 31).generate(c) * SZ_1M;
                    memory.add(new Region(base, carve - base, 0));
                    memory.add(new Region(carve, carveSize, Memblock.NOMAP));
                    memory.add(new Region(carve + carveSize, base + size - carve - carveSize, 0));
                } else {
                    memory.add(new Region(base, size, 0));
                }
                base += size + (Gens.booleans().generate(c) ? Gens.ints(1, 256).generate(c) * SZ_1M : 0);
            }
            memory.removeIf(r -> r.size() == 0);
            return merged(memory);
        };
    }

    /**
     * Banks with no hole between them as memblock holds them: memblock_add merges touching regions
     * of the same flags ({@code memblock_merge_regions}), so boot's hand-over never sees a region
     * boundary there (seed 2939637751401648238 fed two touching banks unmerged).
     */
    private static List<Region> merged(List<Region> memory) {
        List<Region> out = new ArrayList<>();
        for (Region r : memory) {
            Region last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == r.base() && last.flags() == r.flags()) {
                out.set(out.size() - 1, new Region(last.base(), last.size() + r.size(), r.flags()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** A reserved region of up to 8 MiB at any byte inside one memory region, not past its end. */
    private static Gen<Reservation> reservation(List<Region> memory) {
        return c -> {
            Region m = Gens.oneOf(memory).generate(c);
            long start = m.base() + Gens.longs(0, m.size() - 1).generate(c);
            long size = Gens.longs(1, Math.min(8 * SZ_1M, m.end() - start)).generate(c);
            long firstPage = (start + 4095) >>> 12;
            long lastPage = (start + size) >>> 12;
            LateFree late = null;
            if ((m.flags() & Memblock.NOMAP) == 0 && lastPage > firstPage && Gens.booleans().generate(c)) {
                late = new LateFree("late", firstPage, Gens.longs(firstPage + 1, lastPage).generate(c));
            }
            return new Reservation(new Region(start, size, 0), late);
        };
    }

    private static void removeOverlappingLateFrees(List<LateFree> late) {
        List<LateFree> kept = new ArrayList<>();
        for (LateFree f : late) {
            if (kept.stream().noneMatch(k -> k.endPfn() > f.startPfn() && k.startPfn() < f.endPfn())) {
                kept.add(f);
            }
        }
        late.clear();
        late.addAll(kept);
    }
}
