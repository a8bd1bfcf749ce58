package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.ObservablePath;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code /proc/vmallocinfo} as mm/vmalloc.c's {@code s_show} and {@code show_purge_info} print it
 * ({@code "0x%pK-0x%pK %7ld"}, the caller, {@code pages=}, {@code phys=}, then {@code ioremap},
 * {@code vmalloc}, {@code vmap}, {@code user}, {@code dma-coherent}, {@code vpages}; then one
 * {@code unpurged vm_area} line per lazily freed area), and the {@code vmalloc.*} observables.
 */
class VmallocReportsTest {
    private static final long START = 0xf080_0000L;
    private static final long END = 0xff80_0000L;
    private static final long K = 1024;

    private final VmallocEdgesTest.Pages pages = new VmallocEdgesTest.Pages(4096);
    private final ShadowPtes ptes = new ShadowPtes(START, END, 0x40000, 0x80000);
    private final Vmalloc v = new Vmalloc(START, END, pages, ptes, 1, Set.of());

    {
        v.init(List.of());
    }

    @Test
    void eachBusyAreaIsOneLineInAddressOrderThenTheUnpurgedOnes() {
        long a = v.vmalloc(8 * K).value();
        v.ioremap(0x1c00_0000L, 4 * K);
        v.vmap(new long[] {0x40100}, VmFlags.VM_MAP);
        v.vmallocUser(4 * K);
        v.getVmAreaCaller(4 * K, VmFlags.VM_DMA_COHERENT, START, END, "dma_common_contiguous_remap");
        v.vfree(a);
        assertThat(VmallocinfoReport.render(v.areas())).isEqualTo(String.join("\n",
                "0xf0803000-0xf0805000    8192 ioremap phys=0x1c000000 ioremap",
                "0xf0805000-0xf0807000    8192 vmap vmap",
                "0xf0808000-0xf080a000    8192 vmalloc_user pages=1 vmalloc user",
                "0xf080a000-0xf080c000    8192 dma_common_contiguous_remap dma-coherent",
                "0xf0800000-0xf0803000   12288 unpurged vm_area", ""));
        v.purgeVmapAreaLazy();
        assertThat(VmallocinfoReport.render(v.areas())).doesNotContain("unpurged").hasLineCount(4)
                .startsWith("0xf0803000-0xf0805000    8192 ioremap");
    }

    @Test
    void anAreaWhosePageArrayIsVmallocedSaysVpages() {
        // 1025 pages: 4100 bytes of pointers, more than a page
        long a = v.vmalloc(1025 * 4 * K).value();
        String report = VmallocinfoReport.render(v.areas());
        assertThat(report).startsWith(String.format("0x%08x-0x%08x %7d vmalloc pages=1025 vmalloc vpages\n", a, a + 1026 * 4 * K,
                1026 * 4 * K));
        assertThat(report.lines()).hasSize(2);
    }

    private OptionalLong read(String... names) {
        return VmallocObservables.observe(v, new ObservablePath(java.util.Arrays.stream(names)
                .map(n -> new ObservablePath.Segment(n, null)).toList()));
    }

    @Test
    void theObservablesFollowAllocationFreeingAndThePurge() {
        assertThat(VmallocObservables.knows(new ObservablePath(List.of(new ObservablePath.Segment("vmalloc", null),
                new ObservablePath.Segment("start", null))))).isTrue();
        assertThat(VmallocObservables.knows(new ObservablePath(List.of(new ObservablePath.Segment("vmallocinfo", null))))).isFalse();
        assertThat(read("vmalloc", "start")).hasValue(START);
        assertThat(read("vmalloc", "end")).hasValue(END);
        assertThat(read("vmalloc", "lazy_max_pages")).hasValue(8192);
        long free = read("vmalloc", "free_bytes").getAsLong();
        long a = v.vmalloc(8 * K).value();
        assertThat(read("vmalloc", "free_bytes")).as("two pages and the guard").hasValue(free - 12 * K);
        assertThat(read("vmalloc", "nr_areas")).hasValue(1);
        assertThat(read("vmalloc", "mapped")).hasValue(2);
        v.vfree(a);
        assertThat(read("vmalloc", "nr_areas")).hasValue(0);
        assertThat(read("vmalloc", "mapped")).hasValue(0);
        assertThat(read("vmalloc", "lazy_nr")).hasValue(3);
        assertThat(read("vmalloc", "purges")).hasValue(0);
        v.purgeVmapAreaLazy();
        assertThat(read("vmalloc", "purges")).hasValue(1);
        assertThat(read("vmalloc", "lazy_nr")).hasValue(0);
        assertThat(read("vmalloc", "free_bytes")).hasValue(free);
        assertThat(read("vmalloc", "nonsense")).isEmpty();
        assertThat(read("vmalloc")).isEmpty();
        assertThat(read("vmalloc", "start", "more")).isEmpty();
    }
}
