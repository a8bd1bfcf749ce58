package armmm.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.highmem.HighmemOp;
import armmm.model.kernel.Kernel;
import armmm.model.vmalloc.VmallocOp;
import org.junit.jupiter.api.Test;

/**
 * Why the three boot-fixed layout bugs (INV-LAYOUT-01/02/03) have no run-time twin (spec/zones.md,
 * "Seeded bugs of boot's __init code"; spec/boot.md, "Run-time readers of the boot-fixed layout"):
 * the calls that read {@code VMALLOC_START} ({@code __vmalloc_node_range}'s lower bound,
 * {@code is_vmalloc_addr}, mm/vmalloc.c) and {@code PKMAP_BASE} ({@code PKMAP_ADDR} in
 * {@code map_new_virtual}, mm/highmem.c) read the very values boot read, so a wrong value is wrong
 * at boot already; a run-time-only mistake in those callers lands outside the area they own, which
 * INV-VMALLOC-02 ("areas in range") and INV-HIGHMEM-01/03 (every {@code page_address_htable} entry
 * is a pkmap slot whose address walks to its page) state. The lowmem limit
 * ({@code adjust_lowmem_bounds}, {@code __init}; {@code arm_lowmem_limit} and {@code vmalloc_size},
 * {@code __initdata}) is computed once and its inputs are freed with the init sections.
 *
 * <p>Board: 1 GiB at 0x40000000; the default 240 MiB {@code vmalloc_size} leaves 768 MiB of lowmem
 * ending at 0xf0000000 (an 8 MiB multiple), so VMALLOC_START is 0xf0800000; PKMAP_BASE is
 * 0xbfe00000 (arch/arm/mm/mmu.c {@code adjust_lowmem_bounds}; arch/arm/include/asm/pgtable.h, highmem.h).
 */
class LayoutBootValuesAtRunTimeTest {
    private static final long HIGH_MEMORY = 0xf000_0000L;
    private static final long VMALLOC_START = 0xf080_0000L;
    private static final long PKMAP_BASE = 0xbfe0_0000L;

    private static long highPage(Kernel k) {
        return k.pages().layout().pfnToPage(k.pages().allocPagesPfn(Gfp.GFP_HIGHUSER, 0, 0));
    }

    private static boolean flags(Kernel k, String id) {
        return k.checkComplete().stream().map(Violation::id).anyMatch(id::equals);
    }

    @Test
    void theCallsReadTheValuesBootFixed() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        Layout l = k.booted().orElseThrow().layout();
        assertThat(l.highMemory()).isEqualTo(HIGH_MEMORY);
        assertThat(l.vmallocStart()).isEqualTo(VMALLOC_START);
        assertThat(l.pkmapBase()).isEqualTo(PKMAP_BASE);

        long v = k.apply(new VmallocOp.VmallocCall(4096)).value();
        assertThat(v).as("vmalloc's lower bound is VMALLOC_START").isBetween(VMALLOC_START, Layout.VMALLOC_END - 1);
        assertThat(k.apply(new VmallocOp.IsVmallocAddr(VMALLOC_START - 1)).value()).isZero();
        assertThat(k.apply(new VmallocOp.IsVmallocAddr(VMALLOC_START)).value()).isEqualTo(1);

        long a = k.apply(new HighmemOp.Kmap(highPage(k), false, 0)).value();
        assertThat(a).as("PKMAP_ADDR(nr) = PKMAP_BASE + nr pages")
                .isBetween(PKMAP_BASE, PKMAP_BASE + Layout.LAST_PKMAP * Layout.PAGE_SIZE - 1);
        assertThat(k.checkComplete()).isEmpty();
    }

    /**
     * VMALLOC_START is a macro of high_memory evaluated at every use: the wrong macro is wrong in
     * devicemaps_init and vmalloc_init at boot (found there by INV-LAYOUT-02) and in every vmalloc
     * after it, whose area then lies in the guard hole while INV-VMALLOC-02, bounded by the same
     * macro, rightly says nothing: it is one value, not a run-time mistake of vmalloc's.
     */
    @Test
    void aWrongVmallocStartIsWrongAtBootAndInTheCallsAlike() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20), Bugs.of(LayoutBug.LAYOUT_NO_VMALLOC_GAP));
        assertThat(k.check()).extracting(Violation::id).contains("INV-LAYOUT-02");
        long v = k.apply(new VmallocOp.VmallocCall(4096)).value();
        assertThat(v).as("the area lies in the hole [high_memory, the right VMALLOC_START)")
                .isBetween(HIGH_MEMORY, VMALLOC_START - 1);
        assertThat(flags(k, "INV-VMALLOC-02")).isFalse();
        assertThat(flags(k, "INV-LAYOUT-02")).isTrue();
    }

    /**
     * PKMAP_BASE is a constant that kmap_init reads at boot (it hangs the pkmap PTE table at
     * PKMAP_BASE's PMD, which with the wrong constant is lowmem's first section) and
     * map_new_virtual at every kmap: the kmap hands out a lowmem address, whose walk reaches the
     * section's frame, not the page. Found at boot by INV-LAYOUT-01; what a call then does wrong is
     * the highmem subsystem's statement (INV-HIGHMEM-03: every kmapped address walks to its page),
     * so a run-time pkmap bug would be that invariant's, not INV-LAYOUT-01's.
     */
    @Test
    void aWrongPkmapBaseIsWrongAtBootAndItsCallsBreakTheHighmemWalk() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20), Bugs.of(LayoutBug.LAYOUT_PKMAP_OVER_LOWMEM));
        assertThat(k.check()).extracting(Violation::id).contains("INV-LAYOUT-01").doesNotContain("INV-HIGHMEM-03");
        long a = k.apply(new HighmemOp.Kmap(highPage(k), false, 0)).value();
        assertThat(a).as("the kmap address lies in lowmem's linear map").isBetween(0xc000_0000L, HIGH_MEMORY - 1);
        assertThat(flags(k, "INV-HIGHMEM-03")).isTrue();
        assertThat(flags(k, "INV-LAYOUT-01")).isTrue();
    }

    /**
     * Without VMALLOC_OFFSET in vmalloc_limit, lowmem ends one 8 MiB step higher and the vmalloc
     * area is 8 MiB short of vmalloc_size. The calls read the results (high_memory, VMALLOC_START)
     * but nothing after boot recomputes them: adjust_lowmem_bounds is __init and its inputs
     * (arm_lowmem_limit, vmalloc_size) are __initdata. Only INV-LAYOUT-03 states the limit.
     */
    @Test
    void aLowmemLimitWithoutTheOffsetIsFixedAtBootAndOnlyReadByTheCalls() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20), Bugs.of(LayoutBug.LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT));
        Layout l = k.booted().orElseThrow().layout();
        assertThat(l.highMemory()).isEqualTo(HIGH_MEMORY + Layout.VMALLOC_OFFSET);
        assertThat(l.vmallocStart()).isEqualTo(VMALLOC_START + Layout.VMALLOC_OFFSET);
        assertThat(k.check()).extracting(Violation::id).contains("INV-LAYOUT-03");
        long v = k.apply(new VmallocOp.VmallocCall(4096)).value();
        assertThat(v).isGreaterThanOrEqualTo(VMALLOC_START + Layout.VMALLOC_OFFSET);
        assertThat(k.apply(new VmallocOp.IsVmallocAddr(VMALLOC_START)).value()).as("the lost 8 MiB").isZero();
        assertThat(k.checkComplete()).extracting(Violation::id).containsOnly("INV-LAYOUT-03");
    }
}
