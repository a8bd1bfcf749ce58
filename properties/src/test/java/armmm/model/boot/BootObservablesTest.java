package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Every {@code layout.*} observable (spec/boot.md) of a QEMU virt board with 256 MiB at
 * 0x40000000, worked from arch/arm/include/asm/memory.h and pgtable.h: PAGE_OFFSET 0xc0000000
 * (VMSPLIT_3G), all RAM lowmem (256 MiB is under the 760 MiB the default 240 MiB vmalloc leaves),
 * so {@code arm_lowmem_limit} 0x50000000, high_memory 0xd0000000, VMALLOC_START
 * (high_memory + 8 MiB, 8 MiB aligned) 0xd0800000, VMALLOC_END 0xff800000; PKMAP_BASE and
 * MODULES_END = PAGE_OFFSET - PMD_SIZE, MODULES_VADDR = PAGE_OFFSET - 16 MiB; the fixmap
 * 0xffc80000-0xfff00000 (asm/fixmap.h); {@code find_limits}: min_low_pfn 0x40000, max_low_pfn
 * = max_pfn = 0x50000; the initrd where QEMU's loader puts it (the board's placement, page
 * rounded by {@code reserve_initrd_mem}); one 16 MiB CMA area (CONFIG_CMA_SIZE_MBYTES); FLATMEM
 * {@code pfn_to_page} = mem_map + (pfn - ARCH_PFN_OFFSET) x sizeof(struct page) 36.
 */
class BootObservablesTest {
    private static final BootedSystem B = Boot.boot(Board.virt(256L << 20));

    private static OptionalLong read(String... names) {
        String[] all = new String[names.length + 1];
        all[0] = "layout";
        System.arraycopy(names, 0, all, 1, names.length);
        return BootObservables.observe(B, ObservablePath.of(all));
    }

    private static long value(String name) {
        OptionalLong v = read(name);
        assertThat(v).as(name).isPresent();
        return v.getAsLong();
    }

    @Test
    void everyBoundaryIsTheKernelsOnA256MBoard() {
        Object[][] expected = {
            {"page_offset", 0xc0000000L}, {"phys_offset", 0x40000000L}, {"lowmem_limit", 0x50000000L},
            {"high_memory", 0xd0000000L}, {"vmalloc_start", 0xd0800000L}, {"vmalloc_end", 0xff800000L},
            {"vmalloc_total", 0x2f000000L}, {"vmalloc_size", 240L << 20}, {"pkmap_base", 0xbfe00000L},
            {"modules_vaddr", 0xbf000000L}, {"modules_end", 0xbfe00000L}, {"fixaddr_start", 0xffc80000L},
            {"fixaddr_end", 0xfff00000L}, {"vectors", 0xffff0000L}, {"min_low_pfn", 0x40000L},
            {"max_low_pfn", 0x50000L}, {"max_pfn", 0x50000L}, {"cma_total", 16L << 20},
        };
        for (Object[] e : expected) {
            assertThat(value((String) e[0])).as((String) e[0]).isEqualTo((long) e[1]);
        }
        long initrd = B.board().initrdStart();
        assertThat(initrd).isEqualTo(0x48000000L);
        assertThat(value("initrd_start")).isEqualTo(initrd);
        assertThat(value("initrd_end")).isEqualTo(initrd + ((B.board().initrdSize() + 4095) & -4096L));
        long memMap = value("mem_map");
        assertThat(memMap).isBetween(0xc0000000L, 0xcfffffffL);
        assertThat(read("pfn_to_page[0x40000]")).hasValue(memMap);
        assertThat(read("pfn_to_page[0x40001]")).hasValue(memMap + 36);
    }

    @Test
    void translationsTakeHexOrDecimalIndexes() {
        assertThat(read("pa[0xc0001000]")).hasValue(0x40001000L);
        assertThat(read("pa[0Xc0001000]")).hasValue(0x40001000L);
        assertThat(read("va[1073745920]")).hasValue(0xc0001000L);
        assertThat(read("page_address[0x40001]")).hasValue(0xc0001000L);
        assertThat(read("page_address[0x50000]")).hasValue(0L);
        assertThat(read("virt_addr_valid[0xcfffffff]")).hasValue(1L);
        assertThat(read("virt_addr_valid[0xd0000000]")).hasValue(0L);
        long memMap = value("mem_map");
        assertThat(read("page_to_pfn[" + (memMap + 36) + "]")).hasValue(0x40001L);
    }

    @Test
    void aRefusedTranslationOrABadIndexIsAnObservableError() {
        assertThatThrownBy(() -> read("va[0x50000000]")).isInstanceOf(ObservableException.class)
                .hasMessage("layout.va[0x50000000]: __va(0x50000000): not lowmem");
        assertThatThrownBy(() -> read("pa[0xbfffffff]")).isInstanceOf(ObservableException.class)
                .hasMessage("layout.pa[0xbfffffff]: __pa(0xbfffffff): not a lowmem address");
        assertThatThrownBy(() -> read("pa[0xzz]")).isInstanceOf(ObservableException.class)
                .hasMessage("pa[0xzz]: the index is not a number");
        assertThatThrownBy(() -> read("pa[-1]")).isInstanceOf(ObservableException.class)
                .hasMessage("pa[-1]: the index is not a number");
        long memMap = value("mem_map");
        assertThatThrownBy(() -> read("page_to_pfn[" + (memMap + 1) + "]")).isInstanceOf(ObservableException.class)
                .hasMessageEndingWith("not a struct page in mem_map");
        assertThatThrownBy(() -> read("pfn_to_page[0x50000]")).isInstanceOf(ObservableException.class)
                .hasMessage("layout.pfn_to_page[0x50000]: pfn_to_page(0x50000): pfn not valid");
    }

    @Test
    void unknownNamesAndOtherShapesAreNotLayoutObservables() {
        assertThat(read("no_such")).isEmpty();
        assertThat(read("no_such[1]")).isEmpty();
        assertThat(read("page_offset[1]")).isEmpty();
        assertThat(BootObservables.observe(B, ObservablePath.of("layout"))).isEmpty();
        assertThat(BootObservables.observe(B, ObservablePath.of("layout", "pa[0xc0001000]", "x"))).isEmpty();
    }
}
