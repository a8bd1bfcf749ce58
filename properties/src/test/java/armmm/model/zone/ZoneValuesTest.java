package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The zone package's value types: what each refuses (a zone's present pages never pass its
 * spanned ones, {@code struct zone} has one {@code lowmem_reserve} per zone type, a CMA area is
 * whole pages, {@code watermark_scale_factor} lies in [1, 3000] as {@code vm_table} bounds it),
 * byte-to-pfn rounding ({@code PFN_DOWN} of a start, {@code PFN_UP} of an end, as
 * {@code free_reserved_area} frees whole pages), and equality field by field, which the zone
 * subsystem relies on to tell a write that changed nothing ({@link NodeZones}).
 */
class ZoneValuesTest {
    private static final long[] NONE = {0, 0, 0, 0};

    private static ZoneConfig dma() {
        return new ZoneConfig(ZoneType.DMA, 0x40000, 196608, 196608, 189461, 868, 1085, 1302, new long[] {0, 0, 256, 256},
                1085, 63);
    }

    @Test
    void aZoneConfigRefusesImpossibleCountsAndComparesEveryField() {
        assertThatThrownBy(() -> new ZoneConfig(ZoneType.DMA, 0, 10, 11, 0, 0, 0, 0, NONE, 0, 1))
                .hasMessage("zone DMA: present 11 exceeds spanned 10");
        // managed may pass present by at most MAX_ORDER_NR_PAGES - 1 = 2047
        assertThat(new ZoneConfig(ZoneType.DMA, 0, 10, 10, 10 + 2047, 0, 0, 0, NONE, 0, 1).managedPages()).isEqualTo(2057);
        assertThatThrownBy(() -> new ZoneConfig(ZoneType.DMA, 0, 10, 10, 10 + 2048, 0, 0, 0, NONE, 0, 1))
                .hasMessage("zone DMA: managed 2058 exceeds present 10");
        assertThatThrownBy(() -> new ZoneConfig(ZoneType.DMA, 0, 10, 10, 0, 0, 0, 0, new long[3], 0, 1))
                .hasMessage("lowmem_reserve has one entry per zone type, found 3");
        ZoneConfig z = dma();
        assertThat(z.endPfn()).isEqualTo(0x40000 + 196608);
        assertThat(z.isEmpty()).isFalse();
        assertThat(new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, NONE, 0, 1).isEmpty()).isTrue();
        assertThat(z).isEqualTo(dma()).hasSameHashCodeAs(dma());
        List<ZoneConfig> others = List.of(
                new ZoneConfig(ZoneType.NORMAL, 0x40000, 196608, 196608, 189461, 868, 1085, 1302, z.lowmemReserve(), 1085, 63),
                new ZoneConfig(ZoneType.DMA, 0x40001, 196608, 196608, 189461, 868, 1085, 1302, z.lowmemReserve(), 1085, 63),
                new ZoneConfig(ZoneType.DMA, 0x40000, 196609, 196608, 189461, 868, 1085, 1302, z.lowmemReserve(), 1085, 63),
                new ZoneConfig(ZoneType.DMA, 0x40000, 196608, 196607, 189461, 868, 1085, 1302, z.lowmemReserve(), 1085, 63),
                z.withManagedPages(189460), z.withWatermarks(869, 1085, 1302), z.withWatermarks(868, 1086, 1302),
                z.withWatermarks(868, 1085, 1303), z.withLowmemReserve(new long[] {0, 0, 256, 255}), z.withPcp(1086, 63),
                z.withPcp(1085, 31));
        for (ZoneConfig o : others) {
            assertThat(z).as("%s", o).isNotEqualTo(o);
        }
        assertThat(z).isNotEqualTo("DMA");
        // the reserve array is copied in and out
        long[] r = z.lowmemReserve();
        r[2] = 9;
        assertThat(z.lowmemReserve()).containsExactly(0, 0, 256, 256);
    }

    @Test
    void zoneTuningComparesEveryFieldAndCopiesItsRatios() {
        PerZone m = PerZone.of(189461, 0, 65536, 0);
        ZoneTuning t = new ZoneTuning(-1, 10, new int[] {256, 32, 0, 0}, 0, m, m, m, 15000);
        ZoneTuning same = new ZoneTuning(-1, 10, new int[] {256, 32, 0, 0}, 0, m, m, m, 15000);
        assertThat(t).isEqualTo(same).hasSameHashCodeAs(same);
        PerZone m2 = PerZone.of(189460, 0, 65536, 0);
        List<ZoneTuning> others = List.of(t.withUserMinFreeKbytes(3475), t.withWatermarkScaleFactor(11),
                t.withLowmemReserveRatio(new int[] {256, 32, 0, 1}), t.withPercpuPagelistHighFraction(8),
                t.withWmarkManaged(m2), t.withReserveManaged(m2), t.withPcpManaged(m2), t.withWatermarkBoostFactor(0));
        for (ZoneTuning o : others) {
            assertThat(t).as("%s", o).isNotEqualTo(o);
        }
        assertThat(t).isNotEqualTo(m);
        int[] ratio = t.lowmemReserveRatio();
        ratio[0] = 1;
        assertThat(t.lowmemReserveRatio()).containsExactly(256, 32, 0, 0);
    }

    @Test
    void zoneInputsRefuseWhatNoBootGivesAndCompareEveryField() {
        List<Region> mem = List.of(new Region(0x4000_0000L, 0x4000_0000L, 0));
        ZoneInputs in = ZoneInputs.of(mem, List.of(), 0x70000, 0x80000, List.of(), 1, List.of());
        assertThat(in.dmaPfnLimit()).isEqualTo(0xfffff);
        assertThat(in.lowmemReserveRatio()).containsExactly(256, 32, 0, 0);
        assertThat(in.watermarkScaleFactor()).isEqualTo(10);
        assertThat(in.maxOrderNrPages()).isEqualTo(2048);
        assertThat(in).isEqualTo(ZoneInputs.of(mem, List.of(), 0x70000, 0x80000, List.of(), 1, List.of()))
                .hasSameHashCodeAs(ZoneInputs.of(mem, List.of(), 0x70000, 0x80000, List.of(), 1, List.of()));
        List<ZoneInputs> others = List.of(in.withCpus(2), in.withMovablecore(1),
                ZoneInputs.of(mem, List.of(new Region(0x4000_0000L, 0x1000, 0)), 0x70000, 0x80000, List.of(), 1, List.of()),
                ZoneInputs.of(mem, List.of(), 0x6f800, 0x80000, List.of(), 1, List.of()),
                ZoneInputs.of(mem, List.of(), 0x70000, 0x7ffff, List.of(), 1, List.of()),
                ZoneInputs.of(mem, List.of(), 0x70000, 0x80000, List.of(new CmaArea(0x7f00_0000L, 1L << 24)), 1, List.of()),
                ZoneInputs.of(mem, List.of(), 0x70000, 0x80000, List.of(), 1, List.of(new LateFree("initrd", 1, 2))),
                new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0x50000, 0, List.of(), 1, 10, new int[] {256, 32, 0, 0},
                        List.of(), 2048),
                new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0xfffff, 0, List.of(), 1, 11, new int[] {256, 32, 0, 0},
                        List.of(), 2048),
                new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0xfffff, 0, List.of(), 1, 10, new int[] {256, 32, 0, 1},
                        List.of(), 2048),
                new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0xfffff, 0, List.of(), 1, 10, new int[] {256, 32, 0, 0},
                        List.of(), 1024),
                ZoneInputs.of(List.of(new Region(0x4000_0000L, 0x3000_0000L, 0)), List.of(), 0x70000, 0x80000, List.of(), 1,
                        List.of()));
        for (ZoneInputs o : others) {
            assertThat(in).as("%s", o).isNotEqualTo(o);
        }
        assertThat(in).isNotEqualTo(mem);
        assertThatThrownBy(() -> ZoneInputs.of(List.of(), List.of(), 0, 0, List.of(), 1, List.of()))
                .hasMessage("zone setup needs memory, found no memblock.memory region");
        assertThatThrownBy(() -> ZoneInputs.of(mem, List.of(), 0x80001, 0x80000, List.of(), 1, List.of()))
                .hasMessage("max_low_pfn 524289 exceeds max_pfn 524288");
        assertThat(ZoneInputs.of(mem, List.of(), 0x80000, 0x80000, List.of(), 1, List.of()).maxLowPfn()).isEqualTo(0x80000);
        assertThatThrownBy(() -> in.withCpus(0)).hasMessage("cpus must be at least 1, found 0");
        assertThatThrownBy(() -> in.withMovablecore(-1)).hasMessage("movablecore must not be negative, found -1");
        for (int wsf : new int[] {0, 3001}) {
            assertThatThrownBy(() -> new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0xfffff, 0, List.of(), 1, wsf,
                    new int[4], List.of(), 2048)).hasMessage("watermark_scale_factor must be in [1, 3000], found " + wsf);
        }
        for (int wsf : new int[] {1, 3000}) {
            assertThat(new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0xfffff, 0, List.of(), 1, wsf, new int[4], List.of(),
                    2048).watermarkScaleFactor()).isEqualTo(wsf);
        }
        assertThatThrownBy(() -> new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0xfffff, 0, List.of(), 1, 10, new int[3],
                List.of(), 2048)).hasMessage("lowmem_reserve_ratio has one entry per zone, found 3, expected 4");
        assertThatThrownBy(() -> new ZoneInputs(mem, List.of(), 0x70000, 0x80000, 0xfffff, 0, List.of(), 1, 10, new int[4],
                List.of(), 3000)).hasMessage("MAX_ORDER_NR_PAGES must be a power of two, found 3000");
    }

    @Test
    void cmaAreasAndLateFreesAreWholePages() {
        CmaArea a = new CmaArea(0x7f00_0000L, 16L << 20);
        assertThat(a.name()).isEqualTo("reserved");
        assertThat(new long[] {a.end(), a.startPfn(), a.endPfn()}).containsExactly(0x8000_0000L, 0x7f000, 0x80000);
        for (long[] bad : new long[][] {{-0x1000, 0x1000}, {0x1000, 0}, {0x1800, 0x1000}, {0x1000, 0x1800}}) {
            assertThatThrownBy(() -> new CmaArea(bad[0], bad[1])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("CMA area must be page aligned and non-empty");
        }
        // an initrd of 0x1d7f00 bytes at 0x48000100 frees pfns 0x48000 up to PFN_UP(0x481d8000) = 0x481d8
        LateFree f = LateFree.ofBytes("initrd", 0x4800_0100L, 0x481d_8000L);
        assertThat(new long[] {f.startPfn(), f.endPfn(), f.pages()}).containsExactly(0x48000, 0x481d8, 0x1d8);
        assertThat(LateFree.ofBytes("initmem", 0x4110_0000L, 0x4130_0001L).endPfn()).isEqualTo(0x41301);
        assertThat(new LateFree("none", 5, 5).pages()).isZero();
        assertThatThrownBy(() -> new LateFree("x", 5, 4)).hasMessage("late free x: found pfns [5, 4), expected 0 <= start <= end");
        assertThatThrownBy(() -> new LateFree("x", -1, 4)).hasMessage("late free x: found pfns [-1, 4), expected 0 <= start <= end");
    }

    @Test
    void perZoneAndZoneTypeNames() {
        PerZone p = PerZone.of(1, 2, 3, 4);
        assertThat(p.sum()).isEqualTo(10);
        assertThat(p.get(ZoneType.HIGHMEM)).isEqualTo(3);
        assertThat(p.toString()).isEqualTo("[1, 2, 3, 4]");
        assertThat(p).isEqualTo(PerZone.of(1, 2, 3, 4)).hasSameHashCodeAs(PerZone.of(1, 2, 3, 4))
                .isNotEqualTo(PerZone.of(1, 2, 3, 5)).isNotEqualTo("[1, 2, 3, 4]");
        long[] a = p.toArray();
        a[0] = 9;
        assertThat(p.get(ZoneType.DMA)).isEqualTo(1);
        assertThatThrownBy(() -> PerZone.of(1, 2, 3)).hasMessage("one value per zone type, found 3");
        String[] names = {"DMA", "Normal", "HighMem", "Movable"};
        for (int i = 0; i < names.length; i++) {
            assertThat(ZoneType.values()[i].kernelName()).isEqualTo(names[i]);
            assertThat(ZoneType.byKernelName(names[i])).isEqualTo(ZoneType.values()[i]);
        }
        assertThat(ZoneType.byKernelName("Highmem")).isNull();
    }
}
