package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.kernel.Kernel;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every zone observable of {@link ZoneObservables} on the 1 GiB virt board, against the oracle
 * capture armmp-1024M ({@code /proc/zoneinfo}: DMA start_pfn 262144, spanned and present 196608,
 * managed 189461, min 868, low 1085, high 1302, protection (0, 0, 256, 256), pcp high 1085 batch 63;
 * HighMem 65536 pages, cma 4096, min 64, low 139, high 214; Normal and Movable empty, Movable's
 * watermarks 32; {@code /proc/meminfo}: MemTotal 1019988 kB, HighTotal 262144 kB, CmaTotal 16384 kB;
 * min_free_kbytes 3475, watermark_scale_factor 10, lowmem_reserve_ratio 256 32 0 0), and
 * {@code watermark_boost_factor}'s 15000 (mm/page_alloc.c), then the values a sysctl write leaves.
 */
class ZoneObservablesTest {
    private static Kernel kernel;

    @BeforeAll
    static void boot() {
        kernel = Kernel.boot(Board.virt(1L << 30));
    }

    /** {@code "zone[DMA]", "managed"} as a path; an index in brackets on any segment. */
    private static ObservablePath path(String... names) {
        return ObservablePath.of(names);
    }

    private static OptionalLong read(ZoneSetup s, String... names) {
        return ZoneObservables.observe(s, path(names));
    }

    private static ZoneSetup setup() {
        return kernel.zones().orElseThrow();
    }

    @Test
    void eachZoneFieldReadsAsProcZoneinfo() {
        ZoneSetup s = setup();
        String[] fields = {"start_pfn", "spanned", "present", "managed", "min", "low", "high", "cma", "pcp_high",
            "pcp_batch"};
        long[] dma = {262144, 196608, 196608, 189461, 868, 1085, 1302, 0, 1085, 63};
        for (int i = 0; i < fields.length; i++) {
            assertThat(read(s, "zone[DMA]", fields[i])).as("DMA %s", fields[i]).hasValue(dma[i]);
        }
        long[] high = {262144 + 196608, 65536, 65536, 65536, 64, 139, 214, 4096};
        for (int i = 0; i < high.length; i++) {
            assertThat(read(s, "zone[HighMem]", fields[i])).as("HighMem %s", fields[i]).hasValue(high[i]);
        }
        assertThat(read(s, "zone[Normal]", "spanned")).hasValue(0);
        assertThat(read(s, "zone[ Movable ]", "min")).as("the zone name is trimmed").hasValue(32);
        long[] protection = {0, 0, 256, 256};
        for (int j = 0; j < protection.length; j++) {
            assertThat(read(s, "zone[DMA]", "protection[" + j + "]")).hasValue(protection[j]);
        }
    }

    @Test
    void theSysctlsAndTotalsReadAsProcSysVmAndMeminfo() {
        ZoneSetup s = setup();
        assertThat(read(s, "vm", "min_free_kbytes")).hasValue(3475);
        assertThat(read(s, "vm", "watermark_scale_factor")).hasValue(10);
        assertThat(read(s, "vm", "percpu_pagelist_high_fraction")).hasValue(0);
        assertThat(read(s, "vm", "watermark_boost_factor")).hasValue(15000);
        int[] ratio = {256, 32, 0, 0};
        for (int i = 0; i < ratio.length; i++) {
            assertThat(read(s, "vm", "lowmem_reserve_ratio[" + i + "]")).hasValue(ratio[i]);
        }
        assertThat(read(s, "mm", "totalram_pages")).as("MemTotal 1019988 kB").hasValue(1019988 / 4);
        assertThat(read(s, "mm", "totalhigh_pages")).as("HighTotal 262144 kB").hasValue(65536);
        assertThat(read(s, "mm", "totalcma_pages")).as("CmaTotal 16384 kB").hasValue(4096);
    }

    /** After writes the observables follow: the values written, and the watermarks they recompute. */
    @Test
    void theSysctlObservablesFollowAWrite() {
        Kernel k = Kernel.boot(Board.virt(1L << 30));
        k.apply(new ZoneOp.Sysctl("vm.watermark_scale_factor", "1000"));
        k.apply(new ZoneOp.Sysctl("vm.percpu_pagelist_high_fraction", "8"));
        k.apply(new ZoneOp.Sysctl("vm.watermark_boost_factor", "0"));
        k.apply(new ZoneOp.Sysctl("vm.lowmem_reserve_ratio", "100 32 7 0"));
        ZoneSetup s = k.zones().orElseThrow();
        assertThat(read(s, "vm", "watermark_scale_factor")).hasValue(1000);
        assertThat(read(s, "vm", "percpu_pagelist_high_fraction")).hasValue(8);
        assertThat(read(s, "vm", "watermark_boost_factor")).hasValue(0);
        assertThat(read(s, "vm", "lowmem_reserve_ratio[2]")).hasValue(7);
        // 65536 / 100 against DMA
        assertThat(read(s, "zone[DMA]", "protection[2]")).hasValue(655);
        // watermark_scale_factor 1000: DMA low 868 + max(217, 18946)
        assertThat(read(s, "zone[DMA]", "low")).hasValue(19814);
        // percpu_pagelist_high_fraction 8: 189461 / 8
        assertThat(read(s, "zone[DMA]", "pcp_high")).hasValue(23682);
    }

    @Test
    void namesThatAreNotZoneObservablesReadAsEmpty() {
        ZoneSetup s = setup();
        assertThat(read(s, "vm", "dirty_ratio")).isEmpty();
        assertThat(read(s, "mm", "no_such")).isEmpty();
        assertThat(read(s, "vm", "min_free_kbytes[0]")).as("an index on a scalar").isEmpty();
        assertThat(read(s, "vm[0]", "min_free_kbytes")).isEmpty();
        assertThat(read(s, "kernel", "min_free_kbytes")).isEmpty();
        assertThat(read(s, "vm")).isEmpty();
        assertThat(read(s, "vm", "min_free_kbytes", "x")).isEmpty();
        assertThat(read(s, "zone[DMA]", "free_area[3]", "nr_free")).as("the buddy allocator's").isEmpty();
        assertThat(read(s, "zone[DMA]", "free_area[3]")).isEmpty();
        assertThat(read(s, "zone[DMA]", "nr_free")).isEmpty();
        assertThat(read(s, "zone", "managed")).as("a zone needs its name").isEmpty();
        assertThat(read(s, "node[DMA]", "managed")).isEmpty();
        assertThat(read(s, "zone[DMA]")).isEmpty();
        // an index where the field takes none, none where it takes one, the ratio under "mm"
        assertThat(read(s, "zone[DMA]", "managed[0]")).isEmpty();
        assertThat(read(s, "zone[DMA]", "protection")).isEmpty();
        assertThat(read(s, "vm", "lowmem_reserve_ratio")).isEmpty();
        assertThat(read(s, "mm", "lowmem_reserve_ratio[0]")).isEmpty();
        assertThat(read(s, "mm", "min_free_kbytes")).isEmpty();
        assertThat(read(s, "vm", "totalram_pages")).isEmpty();
    }

    @Test
    void badIndexesAreClearErrors() {
        ZoneSetup s = setup();
        assertThatThrownBy(() -> read(s, "zone[Highmem]", "managed")).isInstanceOf(ObservableException.class)
                .hasMessage("zone[Highmem].managed: no zone named Highmem, expected DMA, Normal, HighMem or Movable");
        assertThatThrownBy(() -> read(s, "zone[DMA]", "protection[4]")).isInstanceOf(ObservableException.class)
                .hasMessage("zone[DMA].protection[4]: protection has 4 entries, found index 4");
        assertThatThrownBy(() -> read(s, "vm", "lowmem_reserve_ratio[4]")).isInstanceOf(ObservableException.class)
                .hasMessage("vm.lowmem_reserve_ratio[4]: lowmem_reserve_ratio has 4 entries");
        assertThat(read(s, "zone[DMA]", "protection[3]")).hasValue(256);
        assertThat(read(s, "vm", "lowmem_reserve_ratio[3]")).hasValue(0);
    }
}
