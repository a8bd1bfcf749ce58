package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Gfp;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code cache[$k].*} and {@code slab[ADDR].*} observables of {@link SlubSubsystem} on a
 * one-CPU SLUB: kmalloc-64's fields as the probe capture read them on the real kernel
 * (oracle/kernel/slub-smp1/probe_caches.txt: size=64 object_size=64 offset=32 inuse=64 align=64
 * red_left_pad=0 order=0 objects=64 min_partial=5 cpu_partial=120 flags=00001000), and a fresh
 * CPU slab as {@code ___slab_alloc} leaves it (mm/slub.c: frozen, {@code inuse = objects}).
 */
class SlubObservablesTest {

    private static ObservablePath path(String first, String index, String field) {
        return new ObservablePath(List.of(new ObservablePath.Segment(first, index), new ObservablePath.Segment(field, null)));
    }

    private static OptionalLong read(SlubAllocator a, String first, String index, String field) {
        return SlubSubsystem.INSTANCE.observe(a, null, path(first, index, field));
    }

    @Test
    void cacheFieldsReadKmalloc64AsTheKernelHasIt() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 2048, 1, 1, Set.of());
        String h = Long.toString(a.caches().kmallocSlab(64, Gfp.GFP_KERNEL).id() + 1L);
        String[][] expected = {{"size", "64"}, {"object_size", "64"}, {"offset", "32"}, {"inuse", "64"}, {"align", "64"},
                {"red_left_pad", "0"}, {"order", "0"}, {"objects", "64"}, {"min_partial", "5"}, {"cpu_partial", "120"},
                {"flags", Long.toString(SlabFlags.SLAB_KMALLOC)}};
        for (String[] fv : expected) {
            assertThat(read(a, "cache", h, fv[0])).as(fv[0]).hasValue(Long.parseLong(fv[1]));
        }
        // the probe reads -1 for every kmalloc cache: create_boot_cache exempts them from merging
        assertThat(read(a, "cache", h, "refcount")).hasValue(-1);
        assertThatThrownBy(() -> read(a, "cache", h, "colour")).isInstanceOf(ObservableException.class)
                .hasMessage("cache[...].colour: expected size, object_size, offset, inuse, align, red_left_pad, order,"
                        + " objects, min_partial, cpu_partial, refcount or flags");
        assertThatThrownBy(() -> read(a, "cache", "0", "size")).isInstanceOf(ObservableException.class)
                .hasMessage("cache[0]: no kmem_cache with that handle");
        assertThatThrownBy(() -> read(a, "cache", "100000", "size")).isInstanceOf(ObservableException.class);
        assertThat(read(a, "caches", h, "size")).isEmpty();
        assertThat(SlubSubsystem.INSTANCE.observe(a, null, new ObservablePath(List.of(new ObservablePath.Segment("cache", h)))))
                .isEmpty();
    }

    @Test
    void aFreshCpuSlabIsFrozenWithAllItsObjectsCountedInUse() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 2048, 1, 1, Set.of());
        KmemCache k64 = a.caches().kmallocSlab(64, Gfp.GFP_KERNEL);
        long obj = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        String at = Long.toString(obj);
        assertThat(read(a, "slab", at, "order")).hasValue(0);
        assertThat(read(a, "slab", at, "objects")).hasValue(64);
        assertThat(read(a, "slab", at, "inuse")).hasValue(64);
        assertThat(read(a, "slab", at, "frozen")).hasValue(1);
        assertThat(read(a, "slab", at, "cache")).hasValue(k64.id() + 1L);
        long pfn = read(a, "slab", at, "pfn").getAsLong();
        assertThat(read(a, "slab", at, "page")).hasValue(a.pages().layout().pfnToPage(pfn));
        // every object of that slab lies in its one page
        assertThat(read(a, "slab", Long.toString((obj & ~0xfffL) + 0xfff), "pfn")).hasValue(pfn);
        assertThatThrownBy(() -> read(a, "slab", at, "colour")).isInstanceOf(ObservableException.class)
                .hasMessage("slab[...].colour: expected page, pfn, order, objects, inuse, frozen or cache");
        assertThatThrownBy(() -> read(a, "slab", "12", "pfn")).isInstanceOf(ObservableException.class)
                .hasMessage("slab[12]: not an address in a slab");
        assertThatThrownBy(() -> read(a, "slab", "x", "pfn")).isInstanceOf(ObservableException.class);
        assertThatThrownBy(() -> read(a, "slab", "4294967296", "pfn")).isInstanceOf(ObservableException.class)
                .hasMessage("slab[4294967296]: not an address in a slab");
    }
}
