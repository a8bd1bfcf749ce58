package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import armmm.properties.OracleFiles;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Persistent kmaps (mm/highmem.c kmap_high/kunmap_high/flush_all_zero_pkmaps) against the 6.1 probe capture. */
class PkmapTest {
    /** The 1 GiB board the capture came from: PKMAP_BASE, PAGE_OFFSET, PHYS_OFFSET and max_low_pfn from its layout. */
    private static final armmm.model.layout.Layout LAYOUT = armmm.model.kernel.Kernel.boot(
            armmm.model.board.Board.virt(1024L << 20)).booted().orElseThrow().layout();
    private static final long PKMAP_BASE = LAYOUT.pkmapBase();
    private static final long PAGE_OFFSET = LAYOUT.pageOffset();
    private static final long PHYS_OFFSET = LAYOUT.physOffset();
    private static final long MAX_LOW_PFN = LAYOUT.maxLowPfn();
    /** The capture's page#0; page#i is pfn 0x7e905 - i. */
    private static final long PAGE0 = 0x7e905L;

    @Test
    void theLayoutGivesTheCapturesPkmapBaseAndLowmemLimit() {
        // the capture's header: PKMAP_BASE=bfe00000; HighMem spans 65536 pages below 0x80000 on this board
        assertThat(PKMAP_BASE).isEqualTo(0xbfe00000L);
        assertThat(MAX_LOW_PFN).isEqualTo(0x80000L - 65536);
    }

    private static Pkmap pkmap() {
        KernelPageTables t = new KernelPageTables(0x40004000L, MAX_LOW_PFN << 12, Set.of());
        t.pteAllocKernel(PKMAP_BASE, () -> 0x41000L);
        return new Pkmap(t, PKMAP_BASE, PAGE_OFFSET, PHYS_OFFSET, MAX_LOW_PFN);
    }

    private static long va(KmapResult r) {
        assertThat(r).isInstanceOf(KmapResult.Mapped.class);
        return ((KmapResult.Mapped) r).vaddr();
    }

    @Test
    void theWholeProbeSequenceGivesTheCapturesSlotsCountsAndLastPkmapNr() {
        String cap = OracleFiles.read("probe-highmem-1024M", "probe_highmem.txt");
        Pkmap p = pkmap();
        Pattern call = Pattern.compile(
                "^(kmap|kunmap|state) +page#(\\d+) pfn ([0-9a-f]+) (?:-> ([0-9a-f]{8}) slot (\\d+) pkmap_count\\[slot\\] (\\d+)"
                        + " last_pkmap_nr (\\d+) page_address ([0-9a-f]{8})|not mapped \\(page_address NULL\\))$",
                Pattern.MULTILINE);
        Pattern cycle = Pattern.compile("^(\\d+) (\\d+) (\\d+)(?: \\*)?$", Pattern.MULTILINE);
        int calls = 0;
        int cycles = 0;
        for (String line : cap.split("\n")) {
            Matcher m = call.matcher(line);
            if (m.matches()) {
                long pfn = Long.parseLong(m.group(3), 16);
                assertThat(pfn).isEqualTo(PAGE0 - Integer.parseInt(m.group(2)));
                switch (m.group(1)) {
                    case "kmap" -> assertThat(va(p.kmap(pfn))).isEqualTo(Long.parseLong(m.group(4), 16));
                    case "kunmap" -> assertThat(p.kunmap(pfn)).isNull();
                    default -> { }
                }
                if (m.group(4) == null) {
                    assertThat(p.pageAddress(pfn)).isEmpty();
                } else {
                    int slot = Integer.parseInt(m.group(5));
                    assertThat(p.pkmapAddr(slot)).isEqualTo(Long.parseLong(m.group(4), 16));
                    assertThat(p.pkmapCount(slot)).as(line).isEqualTo(Integer.parseInt(m.group(6)));
                    assertThat(p.lastPkmapNr()).as(line).isEqualTo(Integer.parseInt(m.group(7)));
                    assertThat(p.pageAddress(pfn)).hasValue(Long.parseLong(m.group(8), 16));
                    Translation.Mapped tr = (Translation.Mapped) p.tables().translate(
                            Long.parseLong(m.group(4), 16) + 0x123, Access.WRITE, Privilege.KERNEL);
                    assertThat(tr.pa()).isEqualTo((pfn << 12) + 0x123);
                }
                calls++;
                continue;
            }
            Matcher c = cycle.matcher(line);
            if (c.matches()) {
                long pfn = PAGE0 - Integer.parseInt(c.group(1));
                long v = va(p.kmap(pfn));
                assertThat(p.pkmapNr(v)).as(line).isEqualTo(Integer.parseInt(c.group(2)));
                assertThat(p.lastPkmapNr()).as(line).isEqualTo(Integer.parseInt(c.group(3)));
                assertThat(p.kunmap(pfn)).isNull();
                cycles++;
            }
        }
        assertThat(calls).isEqualTo(8 + 3 + 2 + 9);
        assertThat(cycles).isEqualTo(591);
        // page_address of pages 9, 300, 599 after the cycle: 0, 0, bfe5f000 (599 still at count 1)
        assertThat(p.pageAddress(PAGE0 - 9)).isEmpty();
        assertThat(p.pageAddress(PAGE0 - 300)).isEmpty();
        assertThat(p.pageAddress(PAGE0 - 599)).hasValue(0xbfe5f000L);
        int nonzero = 0;
        for (int i = 0; i < Pkmap.LAST_PKMAP; i++) {
            nonzero += p.pkmapCount(i) != 0 ? 1 : 0;
        }
        assertThat(cap).contains("slots with nonzero pkmap_count now 96");
        assertThat(nonzero).isEqualTo(96);
        assertThat(p.flushes()).isEqualTo(1);
    }

    @Test
    void lowmemKmapIsTheLinearAddressAndKunmapANoOp() {
        Pkmap p = pkmap();
        assertThat(va(p.kmap(0x41d60L))).isEqualTo(0xc1d60000L);
        assertThat(p.kunmap(0x41d60L)).isNull();
        assertThat(p.lastPkmapNr()).isZero();
        assertThat(p.hashedPages()).isZero();
    }

    @Test
    void allSlotsHeldWouldBlockAndAKunmapOfAnUnmappedPageIsABug() {
        Pkmap p = pkmap();
        for (int i = 0; i < Pkmap.LAST_PKMAP; i++) {
            va(p.kmap(0x70000L + i));
        }
        assertThat(p.kmap(0x71000L)).isInstanceOf(KmapResult.WouldBlock.class);
        int last = p.lastPkmapNr();
        assertThat(p.kunmap(0x71000L)).startsWith("kernel BUG");
        assertThat(p.kunmap(0x70005L)).isNull();
        // slot stays at count 1 until the wrap flushes it: the retry finds it only after a flush
        assertThat(p.kunmap(0x70005L)).startsWith("kernel BUG");
        long before = p.flushes();
        long v = va(p.kmap(0x71000L));
        assertThat(p.flushes()).isEqualTo(before + 1);
        assertThat(p.pkmapNr(v)).isEqualTo(p.lastPkmapNr());
        assertThat(p.pageAddress(0x70005L)).isEmpty();
        assertThat(last).isBetween(0, Pkmap.LAST_PKMAP - 1);
    }
}
