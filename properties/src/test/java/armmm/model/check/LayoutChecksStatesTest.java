package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.boot.BootedSystem;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.layout.Layout;
import armmm.model.layout.LayoutBug;
import armmm.model.memblock.Region;
import armmm.model.page.MemMapLayout;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each check of {@link LayoutChecks} on a hand-built boot record (a {@link Layout} and the pfn
 * limits of a {@link BootedSystem}, no boot run) that breaks exactly one of its conditions, and on
 * the neighbouring state the kernel allows. The base state is a 1 GiB board at PHYS_OFFSET
 * 0x40000000 with the 3G/1G split (PAGE_OFFSET 0xc0000000) and the default vmalloc_size of 240 MiB,
 * so that {@code adjust_lowmem_bounds} (arch/arm/mm/mmu.c) puts arm_lowmem_limit at
 * __pa(VMALLOC_END - 240 MiB - VMALLOC_OFFSET) = __pa(0xf0000000) = 0x70000000; mem_map (36-byte
 * struct pages, 0x40000 of them: 0x900000 bytes) at virtual 0xef000000, physical 0x6f000000. The
 * areas (arch/arm/include/asm/memory.h, highmem.h, pgtable.h, fixmap.h): modules [0xbf000000,
 * 0xbfe00000), pkmap [0xbfe00000, 0xc0000000), lowmem [0xc0000000, 0xf0000000), vmalloc
 * [0xf0800000, 0xff800000), fixmap [0xffc80000, 0xfff00000), vectors [0xffff0000, 0xffff1000).
 */
class LayoutChecksStatesTest {
    private static final long PAGE_OFFSET = 0xc000_0000L;
    private static final long PHYS_OFFSET = 0x4000_0000L;
    private static final long LOWMEM_LIMIT = 0x7000_0000L;
    private static final long VMALLOC_SIZE = 240L << 20;
    private static final long MEM_MAP = 0xef00_0000L;
    private static final int STRUCT_PAGE = 36;
    /** 0x40000 struct pages of 36 bytes. */
    private static final long MEM_MAP_SIZE = 0x90_0000L;

    private static Layout layout(long pageOffset, long physOffset, long lowmemLimit, long vmallocSize, long memMap,
                                 Bugs bugs) {
        return new Layout(pageOffset, physOffset, lowmemLimit, vmallocSize, memMap, STRUCT_PAGE, 2048,
                pageOffset + 0x8000, pageOffset + 0x80_0000, pageOffset + 0x100_0000, pageOffset + 0x110_0000,
                pageOffset + 0x120_0000, pageOffset + 0x130_0000, pageOffset + 0x140_0000,
                List.of(new Region(physOffset, 1L << 30, 0)), bugs);
    }

    private static Layout base() {
        return layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, MEM_MAP, Bugs.NONE);
    }

    private static BootedSystem booted(Layout l, long memMapPhys, long memMapSize) {
        long node = l.physOffset() >>> 12;
        long maxLow = l.lowmemLimit() >>> 12;
        long maxPfn = node + 0x40000;
        return new BootedSystem(null, l, null, List.of(), List.of(), List.of(), List.of(), List.of(), l.vmallocSize(),
                l.lowmemLimit(), l.lowmemLimit(), node, maxLow, Math.max(maxLow, maxPfn), node, List.of(), memMapPhys,
                memMapSize, 0, 0, 0, 0, 0, List.of(), 0, 0, 0);
    }

    private static BootedSystem booted(Layout l) {
        return booted(l, l.linearPhys(l.memMap()), MEM_MAP_SIZE);
    }

    /** A kernel that has the boot record {@code b} and, when not null, the page allocator {@code pa}. */
    private static KernelState kernel(BootedSystem b, PageAllocator pa) {
        return new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                if (type == BootedSystem.class) {
                    return type.cast(b);
                }
                return type == PageAllocator.class ? type.cast(pa) : null;
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
    }

    private static List<String> reasons(Invariant inv, KernelState k) {
        List<Violation> v = inv.check(k);
        assertThat(v).allSatisfy(x -> assertThat(x.id()).isEqualTo(inv.id()));
        return v.stream().map(Violation::reason).toList();
    }

    private static List<String> reasons(Invariant inv, BootedSystem b) {
        return reasons(inv, kernel(b, null));
    }

    private static List<String> details(Invariant inv, BootedSystem b) {
        return inv.check(kernel(b, null)).stream().map(Violation::details).toList();
    }

    /**
     * A page allocator whose calls convert with {@code running} (one small zone: the layout checks
     * read only its conversions).
     */
    private static PageAllocator allocator(MemMapLayout running) {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, 0x40000, 2048, 2048, 2048, 8, 10, 12, new long[4], 6, 1);
        ZoneConfig empty = new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        return new PageAllocator(List.of(dma, empty, high), running, 1);
    }

    private static MemMapLayout running(long memMap, long physOffset, long maxLowPfn) {
        return new MemMapLayout(memMap, physOffset, PAGE_OFFSET, maxLowPfn, STRUCT_PAGE);
    }

    @Test
    void theBaseBoardBreaksNoLayoutInvariantAndABareKernelHasNone() {
        BootedSystem b = booted(base());
        for (Invariant inv : LayoutChecks.ALL) {
            assertThat(inv.appliesTo(kernel(b, null))).as(inv.id()).isTrue();
            assertThat(inv.check(kernel(b, null))).as(inv.id()).isEmpty();
            assertThat(inv.check(kernel(b, allocator(running(MEM_MAP, PHYS_OFFSET, 0x70000))))).as(inv.id()).isEmpty();
            // no boot record: nothing to check, and the check is not counted
            assertThat(inv.appliesTo(kernel(null, null))).as(inv.id()).isFalse();
            assertThat(inv.check(kernel(null, null))).as(inv.id()).isEmpty();
        }
        assertThat(LayoutChecks.ALL.stream().map(Invariant::id))
                .containsExactly("INV-LAYOUT-01", "INV-LAYOUT-02", "INV-LAYOUT-03", "INV-LAYOUT-04", "INV-LAYOUT-05");
        assertThat(LayoutChecks.ALL.stream().map(Object::toString))
                .containsExactly("INV-LAYOUT-01", "INV-LAYOUT-02", "INV-LAYOUT-03", "INV-LAYOUT-04", "INV-LAYOUT-05");
        assertThat(Kernel.bare().booted()).isEmpty();
    }

    /**
     * INV-LAYOUT-01 (the old mem_init's BUILD_BUG_ONs: PKMAP_BASE + LAST_PKMAP pages <= PAGE_OFFSET,
     * and every area non-empty): pkmap moved onto PAGE_OFFSET overlaps lowmem; lowmem of no page is
     * empty; a high_memory 8 MiB below VMALLOC_END leaves vmalloc [0xff800000, 0xff800000) empty.
     * Lowmem of one page and a vmalloc area of 8 MiB are allowed.
     */
    @Test
    void orderedAreasCatchAnOverlapAndEachEmptyArea() {
        BootedSystem pkmap = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, MEM_MAP,
                Bugs.of(LayoutBug.LAYOUT_PKMAP_OVER_LOWMEM)));
        assertThat(reasons(LayoutChecks.ORDERED, pkmap)).containsExactly("areas overlap or out of order");
        assertThat(details(LayoutChecks.ORDERED, pkmap))
                .containsExactly("pkmap ends at 0xc0200000, after lowmem starts at 0xc0000000");

        // arm_lowmem_limit == PHYS_OFFSET: high_memory == PAGE_OFFSET
        BootedSystem noLowmem = booted(layout(PAGE_OFFSET, PHYS_OFFSET, PHYS_OFFSET, VMALLOC_SIZE, MEM_MAP, Bugs.NONE),
                PHYS_OFFSET, 0);
        assertThat(reasons(LayoutChecks.ORDERED, noLowmem)).containsExactly("empty or inverted area");
        assertThat(details(LayoutChecks.ORDERED, noLowmem)).containsExactly("lowmem 0xc0000000-0xc0000000");
        BootedSystem onePage = booted(layout(PAGE_OFFSET, PHYS_OFFSET, PHYS_OFFSET + 0x1000, VMALLOC_SIZE, MEM_MAP,
                Bugs.NONE), PHYS_OFFSET, 0);
        assertThat(LayoutChecks.ORDERED.check(kernel(onePage, null))).isEmpty();

        // high_memory 0xff000000: VMALLOC_START = 0xff800000 = VMALLOC_END
        BootedSystem noVmalloc = booted(layout(PAGE_OFFSET, PHYS_OFFSET, 0x7f00_0000L, VMALLOC_SIZE, MEM_MAP, Bugs.NONE));
        assertThat(reasons(LayoutChecks.ORDERED, noVmalloc)).containsExactly("empty or inverted area");
        assertThat(details(LayoutChecks.ORDERED, noVmalloc)).containsExactly("vmalloc 0xff800000-0xff800000");
        BootedSystem eightMiB = booted(layout(PAGE_OFFSET, PHYS_OFFSET, 0x7e80_0000L, VMALLOC_SIZE, MEM_MAP, Bugs.NONE));
        assertThat(LayoutChecks.ORDERED.check(kernel(eightMiB, null))).isEmpty();
    }

    /**
     * INV-LAYOUT-02 (VMALLOC_START = ALIGN(high_memory + VMALLOC_OFFSET, VMALLOC_OFFSET),
     * arch/arm/include/asm/pgtable.h): rounding high_memory up instead (the seeded bug's formula)
     * leaves no hole when high_memory is 8 MiB aligned (0xf0000000); when it is not (0xefc00000),
     * the first boundary above it, 4 MiB up, is the kernel's own answer.
     */
    @Test
    void theVmallocGuardHoleIsTheFirstBoundaryAboveHighMemory() {
        Bugs noGap = Bugs.of(LayoutBug.LAYOUT_NO_VMALLOC_GAP);
        BootedSystem aligned = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, MEM_MAP, noGap));
        assertThat(reasons(LayoutChecks.VMALLOC_GAP, aligned)).containsExactly("no vmalloc guard gap");
        assertThat(details(LayoutChecks.VMALLOC_GAP, aligned)).containsExactly(
                "VMALLOC_START 0xf0000000, high_memory 0xf0000000: expected the first 8 MiB boundary above high_memory");
        BootedSystem unaligned = booted(layout(PAGE_OFFSET, PHYS_OFFSET, 0x6fc0_0000L, VMALLOC_SIZE, MEM_MAP, noGap));
        assertThat(unaligned.layout().vmallocStart()).isEqualTo(0xf000_0000L);
        assertThat(LayoutChecks.VMALLOC_GAP.check(kernel(unaligned, null))).isEmpty();
        // without the bug the full 8 MiB hole above an aligned high_memory
        assertThat(booted(base()).layout().vmallocStart()).isEqualTo(0xf080_0000L);
        assertThat(LayoutChecks.VMALLOC_GAP.check(kernel(booted(base()), null))).isEmpty();
    }

    /**
     * INV-LAYOUT-03 ({@code adjust_lowmem_bounds}' vmalloc_limit): high_memory may reach
     * VMALLOC_END - vmalloc_size - VMALLOC_OFFSET = 0xf0000000 and no further: one page more of
     * lowmem, or one page more of vmalloc_size, breaks it.
     */
    @Test
    void lowmemLeavesTheVmallocAreaItsSizeToTheByte() {
        assertThat(LayoutChecks.VMALLOC_RESERVED.check(kernel(booted(base()), null))).isEmpty();
        BootedSystem morePage = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT + 0x1000, VMALLOC_SIZE, MEM_MAP,
                Bugs.NONE));
        assertThat(reasons(LayoutChecks.VMALLOC_RESERVED, morePage)).containsExactly("lowmem overlaps the vmalloc reservation");
        assertThat(details(LayoutChecks.VMALLOC_RESERVED, morePage)).containsExactly(
                "high_memory 0xf0001000 above VMALLOC_END - vmalloc_size 0xf000000 - VMALLOC_OFFSET = 0xf0000000");
        BootedSystem biggerVmalloc = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE + 0x1000, MEM_MAP,
                Bugs.NONE));
        assertThat(reasons(LayoutChecks.VMALLOC_RESERVED, biggerVmalloc))
                .containsExactly("lowmem overlaps the vmalloc reservation");
    }

    /**
     * INV-LAYOUT-04 on boot's linear map (__virt_to_phys and __phys_to_virt as 32-bit offsets): an
     * arm_lowmem_limit one page past the 32-bit physical space (PHYS_OFFSET 0xf0000000) cannot round
     * trip its last page and byte (0x100000000 and 0x100000fff come back as 0 and 0xfff), and
     * high_memory 0xd0001000 is not __va of it; a limit of exactly 4 GiB still round-trips. A
     * lowmem reaching 0xffffffff wraps high_memory to 0: __va(__pa(high_memory - 1)) is 0xffffffff,
     * not -1; a page less is allowed.
     */
    @Test
    void theLinearMapRoundTripsOnlyInsideThe32BitSpaces() {
        BootedSystem past4G = booted(layout(PAGE_OFFSET, 0xf000_0000L, 0x1_0000_1000L, VMALLOC_SIZE, MEM_MAP, Bugs.NONE));
        assertThat(reasons(LayoutChecks.LINEAR_ROUND_TRIP, past4G)).containsExactly("__pa(__va(x)) != x",
                "__pa(__va(x)) != x", "high_memory is not __va(arm_lowmem_limit)");
        assertThat(details(LayoutChecks.LINEAR_ROUND_TRIP, past4G)).containsExactly(
                "x 0x100000000, __va 0xd0000000, back 0x0", "x 0x100000fff, __va 0xd0000fff, back 0xfff",
                "high_memory 0xd0001000, arm_lowmem_limit 0x100001000");
        BootedSystem at4G = booted(layout(PAGE_OFFSET, 0xf000_0000L, 0x1_0000_0000L, VMALLOC_SIZE, MEM_MAP, Bugs.NONE));
        assertThat(LayoutChecks.LINEAR_ROUND_TRIP.check(kernel(at4G, null))).isEmpty();

        BootedSystem wraps = booted(layout(PAGE_OFFSET, PHYS_OFFSET, 0x8000_0000L, VMALLOC_SIZE, MEM_MAP, Bugs.NONE));
        assertThat(wraps.layout().highMemory()).isZero();
        assertThat(reasons(LayoutChecks.LINEAR_ROUND_TRIP, wraps)).containsExactly("__va(__pa(v)) != v");
        assertThat(details(LayoutChecks.LINEAR_ROUND_TRIP, wraps))
                .containsExactly("v 0xffffffffffffffff, __pa 0x7fffffff, back 0xffffffff");
        BootedSystem top = booted(layout(PAGE_OFFSET, PHYS_OFFSET, 0x7fff_f000L, VMALLOC_SIZE, MEM_MAP, Bugs.NONE));
        assertThat(LayoutChecks.LINEAR_ROUND_TRIP.check(kernel(top, null))).isEmpty();
    }

    /**
     * INV-LAYOUT-05 on boot's mem_map (FLATMEM __pfn_to_page / __page_to_pfn,
     * include/asm-generic/memory_model.h, as 32-bit pointers): mem_map at 0xff700000 ends its
     * 0x40000 struct pages at 0xffffffdc + 36 = 2^32, the last one still addressable; 36 bytes higher
     * the last pfn's struct page wraps to 0 and page_to_pfn cannot take it back (the other four
     * sample pfns still can). At 0xfffff000 the three pfns from max_low_pfn - 1 up wrap.
     */
    @Test
    void structPagesRoundTripUnlessTheirPointerWraps() {
        BootedSystem fits = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, 0xff70_0000L, Bugs.NONE),
                0x6f00_0000L, MEM_MAP_SIZE);
        assertThat(LayoutChecks.MEM_MAP.check(kernel(fits, null))).isEmpty();
        BootedSystem lastWraps = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, 0xff70_0024L,
                Bugs.NONE), 0x6f00_0000L, MEM_MAP_SIZE);
        assertThat(reasons(LayoutChecks.MEM_MAP, lastWraps)).containsExactly("page_to_pfn(pfn_to_page(pfn)) != pfn");
        assertThat(details(LayoutChecks.MEM_MAP, lastWraps)).singleElement().asString()
                .startsWith("pfn 0x7ffff, page 0x0, back ");
        BootedSystem threeWrap = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, 0xffff_f000L,
                Bugs.NONE), 0x6f00_0000L, MEM_MAP_SIZE);
        assertThat(details(LayoutChecks.MEM_MAP, threeWrap)).hasSize(3)
                .anySatisfy(d -> assertThat(d).startsWith("pfn 0x6ffff, page "))
                .anySatisfy(d -> assertThat(d).startsWith("pfn 0x70000, page "))
                .anySatisfy(d -> assertThat(d).startsWith("pfn 0x7ffff, page "));
    }

    /**
     * INV-LAYOUT-05's second half (alloc_node_mem_map takes mem_map from lowmem memblock): the map
     * may start at PHYS_OFFSET and end on arm_lowmem_limit's last byte, not a byte outside.
     */
    @Test
    void memMapLiesInLowmemToTheByte() {
        assertThat(LayoutChecks.MEM_MAP.check(kernel(booted(base(), PHYS_OFFSET, MEM_MAP_SIZE), null))).isEmpty();
        assertThat(LayoutChecks.MEM_MAP.check(kernel(booted(base(), LOWMEM_LIMIT - MEM_MAP_SIZE, MEM_MAP_SIZE), null)))
                .isEmpty();
        BootedSystem below = booted(base(), PHYS_OFFSET - 0x1000, MEM_MAP_SIZE);
        assertThat(reasons(LayoutChecks.MEM_MAP, below)).containsExactly("mem_map outside lowmem");
        assertThat(details(LayoutChecks.MEM_MAP, below)).containsExactly("mem_map 0x3ffff000+0x900000, lowmem limit 0x70000000");
        BootedSystem past = booted(base(), LOWMEM_LIMIT - MEM_MAP_SIZE, MEM_MAP_SIZE + 1);
        assertThat(reasons(LayoutChecks.MEM_MAP, past)).containsExactly("mem_map outside lowmem");
    }

    /**
     * INV-LAYOUT-04 on the calls' conversions ({@code virt_to_pfn} through __pa, {@code page_address}):
     * a running map whose max_low_pfn is one short has no linear address for lowmem's last page
     * 0x6ffff (virt_to_pfn fails, page_address is NULL); one whose PHYS_OFFSET is a page higher
     * gets every sampled page wrong (the first, second, middle 0x57fff000 and last, whose pfn
     * 0x70000 is max_low_pfn: no lowmem pfn).
     */
    @Test
    void theCallsLinearMapMustBeBootsLinearMap() {
        BootedSystem b = booted(base());
        KernelState shortMap = kernel(b, allocator(running(MEM_MAP, PHYS_OFFSET, 0x6ffff)));
        assertThat(reasons(LayoutChecks.LINEAR_ROUND_TRIP, shortMap)).containsExactly("the calls' __pa is not the linear map");
        assertThat(LayoutChecks.LINEAR_ROUND_TRIP.check(shortMap)).singleElement().extracting(Violation::details)
                .isEqualTo("x 0x6ffff000: virt_to_pfn(0xeffff000) = 0xffffffffffffffff, page_address(0x6ffff) = 0x0");
        KernelState shifted = kernel(b, allocator(running(MEM_MAP, PHYS_OFFSET + 0x1000, 0x70000)));
        assertThat(LayoutChecks.LINEAR_ROUND_TRIP.check(shifted).stream().map(Violation::details)).containsExactly(
                "x 0x40000000: virt_to_pfn(0xc0000000) = 0x40001, page_address(0x40000) = 0xbffff000",
                "x 0x40001000: virt_to_pfn(0xc0001000) = 0x40002, page_address(0x40001) = 0xc0000000",
                "x 0x57fff000: virt_to_pfn(0xd7fff000) = 0x58000, page_address(0x57fff) = 0xd7ffe000",
                "x 0x6ffff000: virt_to_pfn(0xeffff000) = 0xffffffffffffffff, page_address(0x6ffff) = 0xefffe000");
    }

    /**
     * INV-LAYOUT-05 on the calls' conversions (pfn_to_page, page_to_pfn): a running mem_map one
     * struct page below boot's gets each of the five sample pfns wrong (node start 0x40000 and
     * 0x40001, 0x6fffe and 0x6ffff below max_low_pfn, the last pfn 0x7ffff); a node starting below
     * ARCH_PFN_OFFSET has no struct page for its first pfns, which are skipped.
     */
    @Test
    void theCallsMemMapMustBeBootsMemMap() {
        BootedSystem b = booted(base());
        KernelState lower = kernel(b, allocator(running(MEM_MAP - STRUCT_PAGE, PHYS_OFFSET, 0x70000)));
        assertThat(reasons(LayoutChecks.MEM_MAP, lower)).hasSize(5).containsOnly("the calls' page_to_pfn is not mem_map's stride");
        assertThat(LayoutChecks.MEM_MAP.check(lower).stream().map(Violation::details)).containsExactly(
                "pfn 0x40000: pfn_to_page = 0xeeffffdc (mem_map gives 0xef000000), page_to_pfn(0xef000000) = 0x40001",
                "pfn 0x40001: pfn_to_page = 0xef000000 (mem_map gives 0xef000024), page_to_pfn(0xef000024) = 0x40002",
                "pfn 0x6fffe: pfn_to_page = 0xef6bff94 (mem_map gives 0xef6bffb8), page_to_pfn(0xef6bffb8) = 0x6ffff",
                "pfn 0x6ffff: pfn_to_page = 0xef6bffb8 (mem_map gives 0xef6bffdc), page_to_pfn(0xef6bffdc) = 0x70000",
                "pfn 0x7ffff: pfn_to_page = 0xef8fffb8 (mem_map gives 0xef8fffdc), page_to_pfn(0xef8fffdc) = 0x80000");
        // the node's first pfn one below ARCH_PFN_OFFSET: pfn 0x3ffff has no struct page, pfn 0x40000 is checked
        BootedSystem early = new BootedSystem(null, base(), null, List.of(), List.of(), List.of(), List.of(), List.of(),
                VMALLOC_SIZE, LOWMEM_LIMIT, LOWMEM_LIMIT, 0x3ffff, 0x70000, 0x80000, 0x3ffff, List.of(), 0x6f00_0000L,
                MEM_MAP_SIZE, 0, 0, 0, 0, 0, List.of(), 0, 0, 0);
        KernelState earlyLower = kernel(early, allocator(running(MEM_MAP - STRUCT_PAGE, PHYS_OFFSET, 0x70000)));
        assertThat(LayoutChecks.MEM_MAP.check(earlyLower).stream().map(Violation::details))
                .hasSize(4).first().asString().startsWith("pfn 0x40000: ");
        assertThat(LayoutChecks.MEM_MAP.check(kernel(early, allocator(running(MEM_MAP, PHYS_OFFSET, 0x70000))))).isEmpty();
    }

    /**
     * The calls' conversions wrong one way only: {@code LAYOUT_PA_OFF_BY_PAGE} gives virt_to_pfn a
     * page too many (page_address right), {@code LAYOUT_PAGE_TO_PFN_WRONG_STRIDE} divides by 32
     * instead of sizeof(struct page) = 36 (pfn_to_page right), and a running PAGE_OFFSET half a page
     * low gives every page_address half a page low while virt_to_pfn still rounds down to the right
     * pfn: each is caught at every sample it changes (pfn_to_page of the node's first pfn is
     * mem_map itself, which any stride takes back).
     */
    @Test
    void eachConversionOfTheCallsIsCheckedOnItsOwn() {
        BootedSystem b = booted(base());
        KernelState paOff = kernel(b, allocator(new MemMapLayout(MEM_MAP, PHYS_OFFSET, PAGE_OFFSET, 0x70000, STRUCT_PAGE,
                Bugs.of(LayoutBug.LAYOUT_PA_OFF_BY_PAGE))));
        assertThat(LayoutChecks.LINEAR_ROUND_TRIP.check(paOff).stream().map(Violation::details)).containsExactly(
                "x 0x40000000: virt_to_pfn(0xc0000000) = 0x40001, page_address(0x40000) = 0xc0000000",
                "x 0x40001000: virt_to_pfn(0xc0001000) = 0x40002, page_address(0x40001) = 0xc0001000",
                "x 0x57fff000: virt_to_pfn(0xd7fff000) = 0x58000, page_address(0x57fff) = 0xd7fff000",
                "x 0x6ffff000: virt_to_pfn(0xeffff000) = 0xffffffffffffffff, page_address(0x6ffff) = 0xeffff000");
        assertThat(LayoutChecks.MEM_MAP.check(paOff)).isEmpty();
        KernelState halfPage = kernel(b, allocator(new MemMapLayout(MEM_MAP, PHYS_OFFSET, PAGE_OFFSET - 0x800, 0x70000,
                STRUCT_PAGE)));
        assertThat(LayoutChecks.LINEAR_ROUND_TRIP.check(halfPage).stream().map(Violation::details)).containsExactly(
                "x 0x40000000: virt_to_pfn(0xc0000000) = 0x40000, page_address(0x40000) = 0xbffff800",
                "x 0x40001000: virt_to_pfn(0xc0001000) = 0x40001, page_address(0x40001) = 0xc0000800",
                "x 0x57fff000: virt_to_pfn(0xd7fff000) = 0x57fff, page_address(0x57fff) = 0xd7ffe800",
                "x 0x6ffff000: virt_to_pfn(0xeffff000) = 0x6ffff, page_address(0x6ffff) = 0xefffe800");
        KernelState stride = kernel(b, allocator(new MemMapLayout(MEM_MAP, PHYS_OFFSET, PAGE_OFFSET, 0x70000, STRUCT_PAGE,
                Bugs.of(LayoutBug.LAYOUT_PAGE_TO_PFN_WRONG_STRIDE))));
        assertThat(LayoutChecks.LINEAR_ROUND_TRIP.check(stride)).isEmpty();
        // page_to_pfn(0xef000024) = 0x40000 + 36 / 32 = 0x40001: right by luck; the others are not
        assertThat(LayoutChecks.MEM_MAP.check(stride).stream().map(Violation::details)).containsExactly(
                "pfn 0x6fffe: pfn_to_page = 0xef6bffb8 (mem_map gives 0xef6bffb8), page_to_pfn(0xef6bffb8) = 0x75ffd",
                "pfn 0x6ffff: pfn_to_page = 0xef6bffdc (mem_map gives 0xef6bffdc), page_to_pfn(0xef6bffdc) = 0x75ffe",
                "pfn 0x7ffff: pfn_to_page = 0xef8fffdc (mem_map gives 0xef8fffdc), page_to_pfn(0xef8fffdc) = 0x87ffe");
    }

    /**
     * More of boot's own round trips: PHYS_OFFSET 0 (a board with RAM at 0) round-trips from its
     * first page; mem_map at 0xffffffdc has room for the node's first struct page only, so the
     * second (pfn 0x40001) already wraps to 0 and is caught with the three above; struct pages of
     * 32 KiB (no real build) wrap the map around the 32-bit space so that page_to_pfn takes the
     * wrapped pointers to other valid pfns (0x4ffff, 0x50000, 0x5ffff) instead of refusing them.
     */
    @Test
    void bootsRoundTripsAtTheEdgesOfTheAddressSpace() {
        BootedSystem atZero = booted(layout(PAGE_OFFSET, 0, 0x3000_0000L, VMALLOC_SIZE, MEM_MAP, Bugs.NONE), 0x2f00_0000L,
                MEM_MAP_SIZE);
        for (Invariant inv : LayoutChecks.ALL) {
            assertThat(inv.check(kernel(atZero, null))).as(inv.id()).isEmpty();
        }
        BootedSystem secondWraps = booted(layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, 0xffff_ffdcL,
                Bugs.NONE), 0x6f00_0000L, MEM_MAP_SIZE);
        assertThat(details(LayoutChecks.MEM_MAP, secondWraps)).hasSize(4).first().asString()
                .startsWith("pfn 0x40001, page 0x0, back ");
        Layout huge = new Layout(PAGE_OFFSET, PHYS_OFFSET, LOWMEM_LIMIT, VMALLOC_SIZE, 0x1000, 0x8000, 2048,
                PAGE_OFFSET + 0x8000, PAGE_OFFSET + 0x80_0000, PAGE_OFFSET + 0x100_0000, PAGE_OFFSET + 0x110_0000,
                PAGE_OFFSET + 0x120_0000, PAGE_OFFSET + 0x130_0000, PAGE_OFFSET + 0x140_0000,
                List.of(new Region(PHYS_OFFSET, 1L << 30, 0)), Bugs.NONE);
        assertThat(details(LayoutChecks.MEM_MAP, booted(huge, 0x6f00_0000L, MEM_MAP_SIZE))).containsExactly(
                "pfn 0x6ffff, page 0x7fff9000, back " + armmm.model.core.Result.of(0x4ffff),
                "pfn 0x70000, page 0x80001000, back " + armmm.model.core.Result.of(0x50000),
                "pfn 0x7ffff, page 0xffff9000, back " + armmm.model.core.Result.of(0x5ffff));
    }

    /**
     * The change signal (spec/subsystems.md): the boot-only checks read values fixed at boot (one
     * constant stamp); the two over the calls' conversions move when the page allocator appears and
     * again when boot hands over and the calls take the conversions (with their planted layout bugs).
     */
    @Test
    void theRunningChecksStampMovesWhenTheCallsTakeTheConversions() {
        BootedSystem b = booted(base());
        PageAllocator pa = allocator(running(MEM_MAP, PHYS_OFFSET, 0x70000));
        for (Invariant inv : List.of(LayoutChecks.ORDERED, LayoutChecks.VMALLOC_GAP, LayoutChecks.VMALLOC_RESERVED)) {
            assertThat(inv.stamp(kernel(b, null))).isEqualTo(inv.stamp(kernel(b, pa)));
        }
        for (Invariant inv : List.of(LayoutChecks.LINEAR_ROUND_TRIP, LayoutChecks.MEM_MAP)) {
            long none = inv.stamp(kernel(b, null));
            long atBoot = inv.stamp(kernel(b, pa));
            pa.setHandedOver(true);
            long calls = inv.stamp(kernel(b, pa));
            pa.setHandedOver(false);
            assertThat(List.of(none, atBoot, calls)).as(inv.id()).doesNotHaveDuplicates();
            assertThat(inv.stamp(kernel(b, pa))).isEqualTo(atBoot);
        }
    }
}
