package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.check.SeededBug;
import armmm.model.check.Violation;
import armmm.model.check.ZoneChecks;
import armmm.model.kernel.Kernel;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Zone setup on random boards: random banks, holes, NOMAP carve-outs, reserved regions, CMA areas,
 * lowmem limits, CPU counts, sysctls and {@code movablecore=}; and random boards booted by the
 * model. Every zone invariant must hold, and every planted zone bug must show on some board.
 */
class ZoneProperties {
    private static final long SZ_1M = 1L << 20;
    private static final int BOARDS = 300;

    @Test
    void randomZoneInputsKeepEveryZoneInvariant() {
        Random rnd = new Random(0x20250101L);
        for (int i = 0; i < BOARDS; i++) {
            ZoneInputs in = randomInputs(rnd);
            List<Violation> v = ZoneChecks.check(ZoneSetup.compute(in));
            assertThat(v).as("board %d: %s", i, in).isEmpty();
        }
    }

    @Test
    void randomBoardsBootedByTheModelKeepEveryInvariant() {
        Random rnd = new Random(0x5eed_2061L);
        for (int i = 0; i < 60; i++) {
            long ramMb = 64 + rnd.nextInt(3008);
            StringBuilder args = new StringBuilder();
            if (rnd.nextInt(3) == 0) {
                args.append(" vmalloc=").append(64 + rnd.nextInt(400)).append('M');
            }
            if (rnd.nextInt(3) == 0) {
                args.append(" movablecore=").append(1 + rnd.nextInt((int) Math.max(1, ramMb / 2))).append('M');
            }
            if (rnd.nextInt(4) == 0) {
                args.append(" cma=").append(4 << rnd.nextInt(4)).append('M');
            }
            Board board = Board.of(List.of(new Bank(Board.VIRT_RAM_BASE, ramMb << 20)), List.of(), args.toString().trim(),
                    1 + rnd.nextInt(Board.NR_CPUS));
            Kernel k = Kernel.boot(board);
            assertThat(k.zones()).as("zones of %s", board).isPresent();
            assertThat(ZoneChecks.check(k.zones().orElseThrow())).as("%dM %s", ramMb, args).isEmpty();
            // early boot sizes the pageblock bitmaps with its own zone_movable_pfn: the same one
            assertThat(k.zones().orElseThrow().spans().zoneMovablePfn()).as("%dM %s", ramMb, args)
                    .isEqualTo(k.booted().orElseThrow().zoneMovablePfn());
        }
    }

    @Test
    void everyPlantedZoneBugShowsOnSomeRandomBoard() {
        Map<SeededBug, String> caughtBy = new EnumMap<>(SeededBug.class);
        caughtBy.put(SeededBug.ZONE_MOVABLE_NOT_CARVED, "INV-ZONE-01");
        caughtBy.put(SeededBug.ZONE_NOMAP_ABSENT, "INV-ZONE-02");
        caughtBy.put(SeededBug.ZONE_CMA_NOT_MANAGED, "INV-ZONE-03");
        caughtBy.put(SeededBug.ZONE_WMARK_SWAPPED, "INV-ZONE-04");
        caughtBy.put(SeededBug.ZONE_WMARK_FROM_FINAL_MANAGED, "INV-ZONE-05");
        caughtBy.put(SeededBug.ZONE_RESERVE_NOT_CUMULATIVE, "INV-ZONE-06");
        caughtBy.put(SeededBug.ZONE_MIN_FREE_FROM_FINAL, "INV-ZONE-07");
        caughtBy.put(SeededBug.ZONE_PCP_HIGH_NO_FLOOR, "INV-ZONE-08");
        caughtBy.forEach((bug, id) -> {
            Random rnd = new Random(0x0b06_0000L + bug.ordinal());
            boolean found = false;
            for (int i = 0; i < BOARDS && !found; i++) {
                ZoneInputs in = randomInputs(rnd);
                try (SeededBug.Planted p = SeededBug.plant(bug)) {
                    found = ZoneChecks.check(ZoneSetup.compute(in)).stream().anyMatch(v -> v.id().equals(id));
                }
            }
            assertThat(found).as("%s found by %s on one of %d random boards", bug, id, BOARDS).isTrue();
        });
    }

    /**
     * A random board: one to three page-aligned banks from 0x40000000 with holes between them,
     * sometimes a NOMAP carve-out, reserved regions of any alignment, a CMA area (reserved, in mapped
     * memory), a lowmem limit, and late frees inside reserved regions.
     */
    static ZoneInputs randomInputs(Random rnd) {
        List<Region> memory = new ArrayList<>();
        long base = 0x4000_0000L;
        int banks = 1 + rnd.nextInt(3);
        for (int b = 0; b < banks && base < 0xF000_0000L; b++) {
            long size = Math.min((16 + rnd.nextInt(1024)) * SZ_1M, 0xFFFF_F000L - base);
            if (rnd.nextInt(4) == 0 && size > 64 * SZ_1M) {
                long carve = (base + rnd.nextInt((int) (size / SZ_1M) - 32) * SZ_1M);
                long carveSize = (1 + rnd.nextInt(31)) * SZ_1M;
                memory.add(new Region(base, carve - base, 0));
                memory.add(new Region(carve, carveSize, Memblock.NOMAP));
                memory.add(new Region(carve + carveSize, base + size - carve - carveSize, 0));
            } else {
                memory.add(new Region(base, size, 0));
            }
            base += size + (rnd.nextBoolean() ? 0 : (1 + rnd.nextInt(256)) * SZ_1M);
        }
        memory.removeIf(r -> r.size() == 0);
        long end = memory.get(memory.size() - 1).end();
        List<Region> reserved = new ArrayList<>();
        List<LateFree> late = new ArrayList<>();
        for (int r = rnd.nextInt(12); r > 0; r--) {
            Region m = memory.get(rnd.nextInt(memory.size()));
            long start = m.base() + (long) (rnd.nextDouble() * m.size());
            long size = 1 + (long) (rnd.nextDouble() * Math.min(8 * SZ_1M, m.end() - start));
            reserved.add(new Region(start, Math.min(size, m.end() - start), 0));
            long firstPage = (start + 4095) >>> 12;
            long lastPage = (start + size) >>> 12;
            if ((m.flags() & Memblock.NOMAP) == 0 && lastPage > firstPage && rnd.nextBoolean()) {
                late.add(new LateFree("late", firstPage, firstPage + 1 + rnd.nextInt((int) (lastPage - firstPage))));
            }
        }
        List<CmaArea> cma = new ArrayList<>();
        Region biggest = memory.stream().filter(m -> (m.flags() & Memblock.NOMAP) == 0)
                .max((a, b) -> Long.compare(a.size(), b.size())).orElseThrow();
        if (rnd.nextBoolean() && biggest.size() >= 32 * SZ_1M) {
            long cmaBase = ((biggest.end() - 16 * SZ_1M) & ~(8 * SZ_1M - 1));
            if (cmaBase >= biggest.base()) {
                cma.add(new CmaArea(cmaBase, 8 * SZ_1M));
                reserved.add(new Region(cmaBase, 8 * SZ_1M, 0));
                late.removeIf(f -> f.endPfn() > cmaBase >>> 12 && f.startPfn() < (cmaBase + 8 * SZ_1M) >>> 12);
            }
        }
        removeOverlappingLateFrees(late);
        long limit = Math.min(end, 0x5000_0000L + rnd.nextInt(0x3000) * 0x1_0000L);
        int[] ratio = {1 + rnd.nextInt(512), rnd.nextInt(64), 0, 0};
        long movable = rnd.nextInt(3) == 0 ? rnd.nextInt(0x40000) : 0;
        return new ZoneInputs(memory, reserved, limit >>> 12, end >>> 12, ZoneInputs.NO_DMA_LIMIT, movable, cma,
                1 + rnd.nextInt(8), 1 + rnd.nextInt(1000), ratio, late, ZoneInputs.DEFAULT_MAX_ORDER_NR_PAGES);
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
