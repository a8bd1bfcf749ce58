package armmm.model.check;

import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import armmm.model.boot.BootedSystem;
import armmm.model.core.Result;
import armmm.model.layout.Layout;
import armmm.model.page.MemMapLayout;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.KernelState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The ARM32 virtual layout invariants (spec/invariants-layout.md), checked on a booted kernel at a
 * fixed handful of sample points; a bare kernel has no layout and passes.
 */
public final class LayoutChecks {
    private LayoutChecks() {
    }

    /** INV-LAYOUT-01: modules, pkmap, lowmem, vmalloc, fixmap and vectors lie in this order, disjoint. */
    public static final Invariant ORDERED = booted("INV-LAYOUT-01", LayoutChecks::ordered);
    /** INV-LAYOUT-02: VMALLOC_START is the first 8 MiB boundary strictly above high_memory (a guard hole of up to VMALLOC_OFFSET). */
    public static final Invariant VMALLOC_GAP = booted("INV-LAYOUT-02", LayoutChecks::vmallocGap);
    /** INV-LAYOUT-03: lowmem leaves the vmalloc area its size: high_memory <= VMALLOC_END - vmalloc_size - VMALLOC_OFFSET. */
    public static final Invariant VMALLOC_RESERVED = booted("INV-LAYOUT-03", LayoutChecks::vmallocReserved);
    /**
     * INV-LAYOUT-04: __pa(__va(x)) == x on lowmem, __va(__pa(v)) == v, high_memory ==
     * __va(arm_lowmem_limit); and the conversions the calls run agree with the linear offset.
     */
    public static final Invariant LINEAR_ROUND_TRIP = running("INV-LAYOUT-04", LayoutChecks::linearRoundTrip,
            LayoutChecks::runningLinear);
    /**
     * INV-LAYOUT-05: page_to_pfn(pfn_to_page(p)) == p, mem_map lies in reserved lowmem; and the
     * conversions the calls run agree with mem_map's stride.
     */
    public static final Invariant MEM_MAP = running("INV-LAYOUT-05", LayoutChecks::memMap, LayoutChecks::runningMemMap);

    /** Every layout invariant. */
    public static final List<Invariant> ALL = List.of(ORDERED, VMALLOC_GAP, VMALLOC_RESERVED, LINEAR_ROUND_TRIP, MEM_MAP);

    /**
     * A layout invariant: it reads only the immutable values boot recorded (the layout, the pfn
     * limits, where mem_map lies), never the live memblock, so its stamp is constant.
     */
    private static Invariant booted(String id, Function<BootedSystem, List<Violation>> check) {
        return Invariant.on(id, BootedSystem.class, b -> 0L, check);
    }

    /**
     * A layout invariant over boot's values ({@code boot}) and over the conversions the page
     * allocator runs for the calls ({@code calls}: {@code __pa}/{@code virt_to_page},
     * {@code page_address}, {@code pfn_to_page}/{@code page_to_pfn}), which are boot's until the
     * first call and the running kernel's after: the stamp moves when they change hands.
     */
    private static Invariant running(String id, Function<BootedSystem, List<Violation>> boot,
                                     java.util.function.BiFunction<BootedSystem, MemMapLayout, List<Violation>> calls) {
        return new Invariant() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public boolean appliesTo(KernelState k) {
                return k.state(BootedSystem.class) != null;
            }

            @Override
            public long stamp(KernelState k) {
                PageAllocator pa = k.state(PageAllocator.class);
                return pa == null ? 0 : pa.handedOver() ? 2 : 1;
            }

            @Override
            public List<Violation> check(KernelState k) {
                BootedSystem b = k.state(BootedSystem.class);
                if (b == null) {
                    return List.of();
                }
                List<Violation> v = new ArrayList<>(boot.apply(b));
                PageAllocator pa = k.state(PageAllocator.class);
                if (pa != null) {
                    v.addAll(calls.apply(b, pa.layout()));
                }
                return v;
            }

            @Override
            public String toString() {
                return id;
            }
        };
    }

    /**
     * INV-LAYOUT-04 on the conversions the calls run: at lowmem's first, second, middle and last
     * page, {@code virt_to_pfn} of the linear address (PAGE_OFFSET + x - PHYS_OFFSET, computed here)
     * is x's pfn and {@code page_address} of that pfn is the linear address.
     */
    private static List<Violation> runningLinear(BootedSystem b, MemMapLayout running) {
        Layout l = b.layout();
        List<Violation> v = new ArrayList<>();
        long last = (l.lowmemLimit() - 1) & -Layout.PAGE_SIZE;
        long[] phys = {l.physOffset(), l.physOffset() + Layout.PAGE_SIZE, (l.physOffset() + last) / 2 & -Layout.PAGE_SIZE, last};
        for (long p : phys) {
            long virt = (l.pageOffset() + p - l.physOffset()) & 0xffff_ffffL;
            long pfn = p >>> 12;
            long got = running.virtToPfn(virt);
            long addr = running.pageAddress(pfn);
            if (got != pfn || addr != virt) {
                v.add(new Violation("INV-LAYOUT-04", "the calls' __pa is not the linear map", String.format(
                        "x %#x: virt_to_pfn(%#x) = %#x, page_address(%#x) = %#x", p, virt, got, pfn, addr)));
            }
        }
        return v;
    }

    /**
     * INV-LAYOUT-05 on the conversions the calls run: for the node's first two pfns, the last two
     * lowmem pfns and the last pfn, {@code pfn_to_page} is mem_map + (pfn - ARCH_PFN_OFFSET) x
     * sizeof(struct page) (computed here) and {@code page_to_pfn} takes it back.
     */
    private static List<Violation> runningMemMap(BootedSystem b, MemMapLayout running) {
        Layout l = b.layout();
        List<Violation> v = new ArrayList<>();
        long[] pfns = {b.nodeStartPfn(), b.nodeStartPfn() + 1, b.maxLowPfn() - 2, b.maxLowPfn() - 1, b.maxPfn() - 1};
        for (long pfn : pfns) {
            if (pfn < l.archPfnOffset()) {
                continue;
            }
            long page = (l.memMap() + (pfn - l.archPfnOffset()) * l.structPageSize()) & 0xffff_ffffL;
            long got = running.pfnToPage(pfn);
            long back = running.pageToPfn(page);
            if (got != page || back != pfn) {
                v.add(new Violation("INV-LAYOUT-05", "the calls' page_to_pfn is not mem_map's stride", String.format(
                        "pfn %#x: pfn_to_page = %#x (mem_map gives %#x), page_to_pfn(%#x) = %#x", pfn, got, page, page, back)));
            }
        }
        return v;
    }

    private static List<Violation> ordered(BootedSystem b) {
        Layout l = b.layout();
        long[][] areas = {
            {l.modulesVaddr(), l.modulesEnd()},
            {l.pkmapBase(), l.pkmapEnd()},
            {l.pageOffset(), l.highMemory()},
            {l.vmallocStart(), l.vmallocEnd()},
            {Layout.FIXADDR_START, Layout.FIXADDR_END},
            {Layout.VECTORS_BASE, Layout.VECTORS_BASE + Layout.PAGE_SIZE},
        };
        String[] names = {"modules", "pkmap", "lowmem", "vmalloc", "fixmap", "vector"};
        List<Violation> v = new ArrayList<>();
        for (int i = 0; i < areas.length; i++) {
            if (areas[i][0] >= areas[i][1]) {
                v.add(new Violation("INV-LAYOUT-01", "empty or inverted area",
                        String.format("%s %#x-%#x", names[i], areas[i][0], areas[i][1])));
            }
            if (i > 0 && areas[i - 1][1] > areas[i][0]) {
                v.add(new Violation("INV-LAYOUT-01", "areas overlap or out of order",
                        String.format("%s ends at %#x, after %s starts at %#x", names[i - 1], areas[i - 1][1], names[i], areas[i][0])));
            }
        }
        return v;
    }

    private static List<Violation> vmallocGap(BootedSystem b) {
        Layout l = b.layout();
        long start = l.vmallocStart();
        long h = l.highMemory();
        // the smallest multiple of 8 MiB strictly above high_memory: a full 8 MiB hole when
        // high_memory is 8 MiB aligned, less otherwise (mem=700M: 4 MiB, as the real boot shows)
        if ((start & (Layout.VMALLOC_OFFSET - 1)) != 0 || start <= h || start - h > Layout.VMALLOC_OFFSET) {
            return List.of(new Violation("INV-LAYOUT-02", "no vmalloc guard gap",
                    String.format("VMALLOC_START %#x, high_memory %#x: expected the first 8 MiB boundary above high_memory", start, h)));
        }
        return List.of();
    }

    private static List<Violation> vmallocReserved(BootedSystem b) {
        Layout l = b.layout();
        long top = Layout.VMALLOC_END - l.vmallocSize() - Layout.VMALLOC_OFFSET;
        if (l.highMemory() > top) {
            return List.of(new Violation("INV-LAYOUT-03", "lowmem overlaps the vmalloc reservation",
                    String.format("high_memory %#x above VMALLOC_END - vmalloc_size %#x - VMALLOC_OFFSET = %#x", l.highMemory(), l.vmallocSize(), top)));
        }
        return List.of();
    }

    private static List<Violation> linearRoundTrip(BootedSystem b) {
        Layout l = b.layout();
        List<Violation> v = new ArrayList<>();
        long last = l.lowmemLimit() - 1;
        long[] phys = {l.physOffset(), l.physOffset() + Layout.PAGE_SIZE, (l.physOffset() + last) / 2 & -Layout.PAGE_SIZE,
            last & -Layout.PAGE_SIZE, last};
        for (long p : phys) {
            long back = l.linearPhys(l.linearVirt(p));
            if (back != p) {
                v.add(new Violation("INV-LAYOUT-04", "__pa(__va(x)) != x", String.format("x %#x, __va %#x, back %#x", p, l.linearVirt(p), back)));
            }
        }
        long[] virt = {l.pageOffset(), l.highMemory() - 1};
        for (long x : virt) {
            long back = l.linearVirt(l.linearPhys(x));
            if (back != x) {
                v.add(new Violation("INV-LAYOUT-04", "__va(__pa(v)) != v", String.format("v %#x, __pa %#x, back %#x", x, l.linearPhys(x), back)));
            }
        }
        if (l.linearPhys(l.highMemory() - 1) + 1 != l.lowmemLimit()) {
            v.add(new Violation("INV-LAYOUT-04", "high_memory is not __va(arm_lowmem_limit)",
                    String.format("high_memory %#x, arm_lowmem_limit %#x", l.highMemory(), l.lowmemLimit())));
        }
        return v;
    }

    private static List<Violation> memMap(BootedSystem b) {
        Layout l = b.layout();
        List<Violation> v = new ArrayList<>();
        long[] pfns = {b.nodeStartPfn(), b.nodeStartPfn() + 1, b.maxLowPfn() - 1, b.maxLowPfn(), b.maxPfn() - 1};
        for (long pfn : pfns) {
            Result page = l.pfnToPage(pfn);
            if (page.isRefused()) {
                continue; // not a valid pfn: nothing to round-trip
            }
            Result back = l.pageToPfn(page.value());
            if (back.isRefused() || back.value() != pfn) {
                v.add(new Violation("INV-LAYOUT-05", "page_to_pfn(pfn_to_page(pfn)) != pfn",
                        String.format("pfn %#x, page %#x, back %s", pfn, page.value(), back)));
            }
        }
        long phys = b.memMapPhys();
        if (!l.isLowmemPhys(phys) || !l.isLowmemPhys(phys + b.memMapSize() - 1)) {
            v.add(new Violation("INV-LAYOUT-05", "mem_map outside lowmem",
                    String.format("mem_map %#x+%#x, lowmem limit %#x", phys, b.memMapSize(), l.lowmemLimit())));
        }
        return v;
    }
}
