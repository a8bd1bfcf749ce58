package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import armmm.model.page.PageOp;
import armmm.properties.InvariantRuns;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each condition of the highmem invariants ({@link HighmemChecks}) on a state that breaks it, and
 * on its allowed neighbour, after a call (never at boot). The broken states come from a stray
 * write into {@code swapper_pg_dir}'s pkmap or fixmap PTE table (what a wild {@code set_pte_at}
 * elsewhere in the kernel would leave) or from a planted {@link HighmemBug}.
 *
 * <p>The board: 1 GiB at PHYS_OFFSET 0x40000000, 2 CPUs. Hand-worked values:
 * {@code PKMAP_BASE} = PAGE_OFFSET - PMD_SIZE = 0xbfe00000, {@code PKMAP_ADDR(i)} = 0xbfe00000 +
 * (i &lt;&lt; 12) (arch/arm/include/asm/highmem.h); {@code max_low_pfn} 0x70000: VMALLOC_END
 * 0xff800000 less the default 240 MiB vmalloc and VMALLOC_OFFSET (8 MiB) is 0xf0000000
 * ({@code vmalloc_min}), whose physical address is 0x70000000 ({@code adjust_lowmem_bounds}, arch/arm/mm/mmu.c); the kmap
 * PTE is {@code mk_pte(page, kmap_prot)} with {@code kmap_prot} = PAGE_KERNEL = 0x65f
 * (L_PTE_PRESENT | YOUNG | DIRTY | XN | MT_WRITEALLOC | SHARED, arch/arm/include/asm/pgtable-2level.h),
 * so pfn 0x7e905 gives the Linux PTE 0x7e90565f; {@code __fix_to_virt(FIX_KMAP_BEGIN + i + 16 c)}
 * = FIXADDR_TOP 0xffeff000 - ((1 + i + 16 c) &lt;&lt; 12), which is 0xffefe000 for CPU 0 level 0
 * and 0xffe7f000 for CPU 7 (NR_CPUS 8) level 15, the last kmap slot (arch/arm/include/asm/fixmap.h,
 * mm/highmem.c {@code kmap_local_calc_idx}). The first kmap takes slot 1
 * ({@code map_new_virtual} advances {@code last_pkmap_nr} first).
 */
class HighmemChecksStatesTest {
    private static final long HIGH = 0x7e905L;
    private static final long PKMAP_BASE = 0xbfe00000L;
    private static final int PAGE_KERNEL = 0x65f;

    private Kernel kernel;
    private Highmem h;
    private KernelPageTables tables;

    @BeforeEach
    void bootWithoutBugs() {
        boot(Bugs.NONE);
    }

    /** (Re)boots the board with {@code bugs} planted. */
    private HighmemChecksStatesTest boot(Bugs bugs) {
        kernel = Kernel.boot(Board.virt(1024L << 20).withCpus(2), bugs);
        h = kernel.state(Highmem.class);
        tables = h.tables();
        return this;
    }

    private long page(long pfn) {
        return h.memMap().pfnToPage(pfn);
    }

    private static long slot(int i) {
        return PKMAP_BASE + ((long) i << 12);
    }

    private static long fix(int cpu, int level) {
        return 0xffeff000L - ((long) (1 + level + 16 * cpu) << 12);
    }

    /** A stray kernel write of {@code pfn} at {@code va} with PAGE_KERNEL, as {@code set_pte_at} would. */
    private void stray(long va, long pfn) {
        assertThat(tables.setPteExt(va, pfn, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
    }

    /** A call that concerns neither the pkmap area nor the kmap_local stacks: the next step begins. */
    private void otherCall() {
        assertThat(kernel.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).isRefused()).isFalse();
    }

    /** The per-step check of {@code id}, as a chain runs it after the last call. */
    private List<Violation> check(String id) {
        return InvariantRuns.check(HighmemChecks.ALL, kernel, id);
    }

    private List<Violation> all() {
        return InvariantRuns.checkAll(HighmemChecks.ALL, kernel);
    }

    private static Violation v(String id, String reason, String details) {
        return new Violation(id, reason, details);
    }

    @Test
    void theKernelsValuesAreTheOnesWorkedByHand() {
        assertThat(MemType.MT_MEMORY_RW.protPte()).isEqualTo(PAGE_KERNEL);
        assertThat(h.memMap().maxLowPfn()).isEqualTo(0x70000L);
        assertThat(h.pkmap().pkmapBase()).isEqualTo(PKMAP_BASE);
        assertThat(kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0)).value()).isEqualTo(slot(1));
        assertThat(tables.linuxPte(slot(1))).isEqualTo(0x7e90565f);
        assertThat(kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value()).isEqualTo(fix(1, 0))
                .isEqualTo(0xffeee000L);
        assertThat(all()).isEmpty();
        assertThat(HighmemChecks.fullScan(h)).isEmpty();
    }

    @Test
    void aStrayPkmapPteOnAFreeSlotBreaksTheCountAndAnyPageAddressSeesIt() {
        otherCall();
        stray(slot(5), HIGH);
        assertThat(check("INV-HIGHMEM-01")).containsExactly(v("INV-HIGHMEM-01", "pkmap_count disagrees with the pkmap PTE",
                "slot 5: pkmap_count 0, PTE 7e90565f"));
        // a highmem frame in one slot: INV-02 has nothing to say; no hash entry, no TLB history, no lookup
        assertThat(check("INV-HIGHMEM-02")).isEmpty();
        assertThat(check("INV-HIGHMEM-03")).isEmpty();
        assertThat(check("INV-HIGHMEM-05")).isEmpty();
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        // page_address of the frame: NULL (no hash entry), while a pkmap PTE maps it
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(HIGH))).value()).isZero();
        assertThat(check("INV-HIGHMEM-06")).containsExactly(v("INV-HIGHMEM-06", "page_address disagrees with the pkmap PTEs",
                "page_address(pfn 7e905) = 00000000, a pkmap PTE maps it: true"));
        // of another highmem frame, NULL and unmapped: agreed
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(HIGH - 1))).value()).isZero();
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        assertThat(HighmemChecks.fullScan(h)).hasSize(1);
    }

    @Test
    void slotZeroAndTheLastSlotAreInThePkmapArea() {
        otherCall();
        stray(slot(0), HIGH);
        stray(slot(511), HIGH - 1);
        assertThat(check("INV-HIGHMEM-01")).containsExactly(
                v("INV-HIGHMEM-01", "pkmap_count disagrees with the pkmap PTE", "slot 0: pkmap_count 0, PTE 7e90565f"),
                v("INV-HIGHMEM-01", "pkmap_count disagrees with the pkmap PTE", "slot 511: pkmap_count 0, PTE 7e90465f"));
    }

    @Test
    void aClearedPkmapPteUnderAKmapBreaksTheCountTheHashAndTheWalk() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        assertThat(tables.pteClear(slot(1))).isTrue();
        assertThat(check("INV-HIGHMEM-01")).containsExactly(
                v("INV-HIGHMEM-01", "pkmap_count disagrees with the pkmap PTE", "slot 1: pkmap_count 2, PTE 00000000"),
                v("INV-HIGHMEM-01", "stale page_address_htable entry", "pfn 7e905 hashed at bfe01000, whose PTE is 00000000"));
        assertThat(check("INV-HIGHMEM-03")).containsExactly(v("INV-HIGHMEM-03", "kmap address does not walk to its page",
                "pkmap bfe01000, page pfn 7e905"));
        // a TLB may still hold slot 1 -> 0x7e905, but a clear PTE maps nothing else
        assertThat(check("INV-HIGHMEM-05")).isEmpty();
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(HIGH))).value()).isEqualTo(slot(1));
        assertThat(check("INV-HIGHMEM-06")).containsExactly(v("INV-HIGHMEM-06", "page_address disagrees with the pkmap PTEs",
                "page_address(pfn 7e905) = bfe01000, a pkmap PTE maps it: false"));
    }

    @Test
    void aKmapSlotRewrittenToAnotherFrameBreaksEveryPkmapInvariant() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        stray(slot(1), HIGH - 1);
        assertThat(check("INV-HIGHMEM-01")).containsExactly(
                v("INV-HIGHMEM-01", "page_address_htable disagrees with the pkmap PTE", "slot 1 maps pfn 7e904, page_address NULL"),
                v("INV-HIGHMEM-01", "stale page_address_htable entry", "pfn 7e905 hashed at bfe01000, whose PTE is 7e90465f"));
        assertThat(check("INV-HIGHMEM-02")).isEmpty();
        assertThat(check("INV-HIGHMEM-03")).containsExactly(v("INV-HIGHMEM-03", "kmap address does not walk to its page",
                "pkmap bfe01000, page pfn 7e905"));
        assertThat(check("INV-HIGHMEM-05")).containsExactly(v("INV-HIGHMEM-05", "pkmap slot reused without a TLB flush",
                "slot 1 (bfe01000) maps pfn 7e904, a TLB may still translate it to pfn 7e905"));
        // page_address(HIGH) is slot 1, which no PTE maps to it
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(HIGH))).value()).isEqualTo(slot(1));
        assertThat(check("INV-HIGHMEM-06")).containsExactly(v("INV-HIGHMEM-06", "page_address disagrees with the pkmap PTEs",
                "page_address(pfn 7e905) = bfe01000, a pkmap PTE maps it: false"));
    }

    @Test
    void aFrameInTwoSlotsAndAHashedAddressThatIsAnotherSlot() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        kernel.apply(new HighmemOp.Kmap(page(HIGH - 1), false, 0));
        // slot 2 now maps HIGH as well: page_address(HIGH) is slot 1, not 2
        stray(slot(2), HIGH);
        assertThat(check("INV-HIGHMEM-01")).containsExactly(
                v("INV-HIGHMEM-01", "page_address_htable disagrees with the pkmap PTE", "slot 2 maps pfn 7e905, page_address bfe01000"),
                v("INV-HIGHMEM-01", "stale page_address_htable entry", "pfn 7e904 hashed at bfe02000, whose PTE is 7e90565f"));
        assertThat(check("INV-HIGHMEM-02")).containsExactly(v("INV-HIGHMEM-02", "highmem page mapped at two pkmap slots", "pfn 7e905"));
        // page_address(HIGH) = slot 1: mapped, and it walks to HIGH
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(HIGH))).value()).isEqualTo(slot(1));
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        // slot 1 rewritten too: HIGH is still mapped (slot 2), but page_address's slot 1 walks elsewhere
        stray(slot(1), HIGH - 2);
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(HIGH))).value()).isEqualTo(slot(1));
        assertThat(check("INV-HIGHMEM-06")).containsExactly(v("INV-HIGHMEM-06", "page_address disagrees with the pkmap PTEs",
                "page_address(pfn 7e905) = bfe01000, a pkmap PTE maps it: true"));
    }

    @Test
    void aLowmemFrameInAPkmapSlotIsCaughtUpToMaxLowPfnExclusive() {
        otherCall();
        stray(slot(3), 0x6ffffL);
        stray(slot(4), 0x70000L);
        assertThat(check("INV-HIGHMEM-02")).containsExactly(v("INV-HIGHMEM-02", "lowmem page in a pkmap slot",
                "slot 3 maps pfn 6ffff, below max_low_pfn 70000"));
        // page_address of a lowmem page is its linear address: INV-06 does not look at it
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(0x6ffffL))).value()).isEqualTo(0xeffff000L);
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        // the first highmem frame, max_low_pfn itself, is mapped by slot 4 but has no hash entry
        assertThat(kernel.apply(new HighmemOp.PageAddress(page(0x70000L))).value()).isZero();
        assertThat(check("INV-HIGHMEM-06")).containsExactly(v("INV-HIGHMEM-06", "page_address disagrees with the pkmap PTEs",
                "page_address(pfn 70000) = 00000000, a pkmap PTE maps it: true"));
    }

    @Test
    void aKmapLocalSlotClearedOrRewrittenUnderItsLevel() {
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0));
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 1));
        assertThat(tables.pteClear(fix(0, 0))).isTrue();
        stray(fix(1, 0), HIGH - 2);
        assertThat(check("INV-HIGHMEM-04")).containsExactly(
                v("INV-HIGHMEM-04", "fixmap kmap slot does not map its level's page",
                        "cpu 0 level 0 (ffefe000): PTE 00000000, level holds pfn 7e905"),
                v("INV-HIGHMEM-04", "fixmap kmap slot does not map its level's page",
                        "cpu 1 level 0 (ffeee000): PTE 7e90365f, level holds pfn 7e904"));
        assertThat(check("INV-HIGHMEM-03")).containsExactly(
                v("INV-HIGHMEM-03", "kmap_local address does not walk to its page", "cpu 0 task 0 level 0: ffefe000, page pfn 7e905"),
                v("INV-HIGHMEM-03", "kmap_local address does not walk to its page", "cpu 1 task 1 level 0: ffeee000, page pfn 7e904"));
        // the pkmap invariants are not concerned
        assertThat(check("INV-HIGHMEM-01")).isEmpty();
    }

    @Test
    void aKmapSlotMappedAboveTheTopOrOnACpuNotOnline() {
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0));
        // level 1 of cpu 0 (above its top), level 0 of cpu 2 and the very last slot, cpu 7 level 15 (2 CPUs online)
        stray(fix(0, 1), HIGH - 1);
        stray(fix(2, 0), HIGH - 2);
        stray(fix(7, 15), HIGH - 3);
        assertThat(check("INV-HIGHMEM-04")).containsExactly(
                v("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack",
                        "cpu 0 level 1 (ffefd000) maps pfn 7e904, depth 1"),
                v("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack",
                        "cpu 2 level 0 (ffede000) maps pfn 7e903, depth 0"),
                v("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack",
                        "cpu 7 level 15 (ffe7f000) maps pfn 7e902, depth 0"));
    }

    @Test
    void theChecksRunAfterACallOnlyWhenItConcernsWhatTheyRead() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0));
        assertThat(tables.pteClear(slot(1))).isTrue();
        assertThat(tables.pteClear(fix(0, 0))).isTrue();
        List<Violation> full = HighmemChecks.fullScan(h);
        assertThat(full).extracting(Violation::id).containsExactly("INV-HIGHMEM-01", "INV-HIGHMEM-01",
                "INV-HIGHMEM-03", "INV-HIGHMEM-03", "INV-HIGHMEM-04");
        assertThat(HighmemSubsystem.INSTANCE.completeCheck(h, kernel)).isEqualTo(full);
        // an allocation writes no pkmap or kmap PTE: the per-call checks keep what the last check saw
        otherCall();
        assertThat(all()).isEmpty();
        assertThat(HighmemChecks.fullScan(h)).isEqualTo(full);
        // a write just below the kmap slots (a fixmap slot past FIX_KMAP_END) and at FIXADDR_TOP itself concern neither
        stray(fix(7, 15) - 0x1000, HIGH - 4);
        stray(0xffeff000L, HIGH - 5);
        assertThat(all()).isEmpty();
        // a write at the first kmap slot concerns the kmap_local checks (INV-03 and INV-04), not the pkmap ones
        stray(fix(0, 1), HIGH - 6);
        assertThat(check("INV-HIGHMEM-01")).isEmpty();
        assertThat(check("INV-HIGHMEM-03")).extracting(Violation::reason).containsExactly(
                "kmap address does not walk to its page", "kmap_local address does not walk to its page");
        assertThat(check("INV-HIGHMEM-04")).extracting(Violation::reason).containsExactly(
                "fixmap kmap slot does not map its level's page", "fixmap kmap slot mapped above the top of the stack");
        otherCall();
        // a write at the last kmap slot concerns the kmap_local checks; at slot 0 of the pkmap area the pkmap ones
        stray(fix(7, 15), HIGH - 7);
        assertThat(check("INV-HIGHMEM-04")).hasSize(3);
        assertThat(check("INV-HIGHMEM-01")).isEmpty();
        assertThat(check("INV-HIGHMEM-02")).isEmpty();
        assertThat(check("INV-HIGHMEM-05")).isEmpty();
        otherCall();
        stray(slot(0), HIGH - 8);
        assertThat(check("INV-HIGHMEM-01")).hasSize(3);
        assertThat(check("INV-HIGHMEM-04")).isEmpty();
    }

    @Test
    void aWriteAtTheFirstKmapSlotConcernsTheKmapLocalChecks() {
        otherCall();
        stray(fix(0, 0), HIGH);
        assertThat(check("INV-HIGHMEM-04")).containsExactly(v("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack",
                "cpu 0 level 0 (ffefe000) maps pfn 7e905, depth 0"));
        assertThat(check("INV-HIGHMEM-01")).isEmpty();
    }

    @Test
    void aFrameInTwoSlotsThatAreNotNeighboursInPfnOrder() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        kernel.apply(new HighmemOp.Kmap(page(HIGH - 1), false, 0));
        // slots 1, 2, 3 map HIGH, HIGH - 1, HIGH: the two HIGH are not side by side in slot order
        stray(slot(3), HIGH);
        assertThat(check("INV-HIGHMEM-02")).containsExactly(v("INV-HIGHMEM-02", "highmem page mapped at two pkmap slots", "pfn 7e905"));
    }

    @Test
    void kunmapConcernsThePkmapChecksWithoutWritingAPte() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        assertThat(tables.pteClear(slot(1))).isTrue();
        otherCall();
        assertThat(check("INV-HIGHMEM-01")).isEmpty();
        assertThat(kernel.apply(new HighmemOp.Kunmap(page(HIGH), false, 0))).isEqualTo(armmm.model.core.Result.VOID);
        assertThat(check("INV-HIGHMEM-01")).hasSize(2);
        assertThat(check("INV-HIGHMEM-04")).isEmpty();
    }

    @Test
    void aKmapLocalAddressLookedUpOutsideItsTaskOrAboveTheTopHasNoPageToAgreeWith() {
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0));
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 1));
        // CPU 0's level 0, looked up on CPU 1: virt_to_page, which the walk (pfn 0x7e905) does not agree with, and need not
        kernel.apply(new HighmemOp.KmapToPage(fix(0, 0), false, 1));
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        // the slot above CPU 1's top, mapped by a stray write: no level of the task there
        stray(fix(1, 1), HIGH - 2);
        kernel.apply(new HighmemOp.KmapToPage(fix(1, 1), false, 1));
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        // the last kmap slot (CPU 7, level 15), mapped by a stray write, looked up on CPU 0: no level there either
        stray(fix(7, 15), HIGH - 3);
        kernel.apply(new HighmemOp.KmapToPage(fix(7, 15), false, 0));
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        // a lowmem page's address is its linear one, whatever the pkmap PTEs say
        kernel.apply(new HighmemOp.PageAddress(page(0x40100L)));
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
    }

    @Test
    void aHighmemCallConcernsItsOwnChecksEvenWithoutAPteWrite() {
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0));
        assertThat(tables.pteClear(slot(1))).isTrue();
        assertThat(tables.pteClear(fix(0, 0))).isTrue();
        otherCall();
        // a second kmap of HIGH finds it hashed: no PTE written, yet the pkmap checks run
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        assertThat(check("INV-HIGHMEM-01")).hasSize(2);
        assertThat(check("INV-HIGHMEM-04")).isEmpty();
        assertThat(check("INV-HIGHMEM-03")).hasSize(2);
        // a kmap_local of a lowmem page writes no PTE either, and concerns the kmap_local checks only
        kernel.apply(new HighmemOp.KmapLocalPage(page(0x40100L), false, 0));
        assertThat(check("INV-HIGHMEM-04")).hasSize(1);
        assertThat(check("INV-HIGHMEM-01")).isEmpty();
        assertThat(check("INV-HIGHMEM-02")).isEmpty();
        assertThat(check("INV-HIGHMEM-05")).isEmpty();
    }

    @Test
    void kmapToPageDisagreeingWithTheWalkIsCaughtOnlyWhereTheAddressIsLive() {
        HighmemChecksStatesTest t = new HighmemChecksStatesTest().boot(Bugs.of(HighmemBug.HIGHMEM_KMAP_TO_PAGE_IGNORES_KMAP_LOCAL));
        long l0 = t.kernel.apply(new HighmemOp.KmapLocalPage(t.page(HIGH), false, 1)).value();
        long l1 = t.kernel.apply(new HighmemOp.KmapLocalPage(t.page(HIGH - 1), false, 1)).value();
        assertThat(l1).isEqualTo(fix(1, 1)).isEqualTo(0xffeed000L);
        // virt_to_page(0xffeed000): pfn (0xffeed000 - 0xc0000000 + 0x40000000) >> 12 = 0x7feed
        long wrong = t.kernel.apply(new HighmemOp.KmapToPage(l1 + 0x10, false, 1)).value();
        assertThat(wrong).isEqualTo(t.page(0x7feedL));
        assertThat(t.check("INV-HIGHMEM-06")).containsExactly(v("INV-HIGHMEM-06", "kmap_to_page is not the page the address maps",
                String.format("kmap_to_page(ffeed010) = %08x, the walk reaches pfn 7e904 (struct page %08x)", wrong, t.page(HIGH - 1))));
        // on CPU 0 the address is not a level of the running task: no page to agree with
        t.kernel.apply(new HighmemOp.KmapToPage(l0, false, 0));
        assertThat(t.check("INV-HIGHMEM-06")).isEmpty();
        // the same lookup without the bug gives the mapped page
        long right = kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value();
        kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 1));
        assertThat(right).isEqualTo(l0);
        assertThat(kernel.apply(new HighmemOp.KmapToPage(l1, false, 1)).value()).isEqualTo(page(HIGH - 1));
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
        // a pkmap address rewritten under the lookup: kmap_to_page reads the PTE, and agrees with the walk
        kernel.apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        stray(slot(1), HIGH - 2);
        assertThat(kernel.apply(new HighmemOp.KmapToPage(slot(1), false, 0)).value()).isEqualTo(page(HIGH - 2));
        assertThat(check("INV-HIGHMEM-06")).isEmpty();
    }

    @Test
    void aPopBeforeTheClearLeavesTheSlotMappedAboveTheTop() {
        HighmemChecksStatesTest t = boot(Bugs.of(HighmemBug.HIGHMEM_POP_BEFORE_PTE_CLEAR));
        long a = t.kernel.apply(new HighmemOp.KmapAtomic(t.page(HIGH), false, 0)).value();
        t.kernel.apply(new HighmemOp.KunmapAtomic(a, false, 0));
        assertThat(t.check("INV-HIGHMEM-04")).containsExactly(v("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack",
                "cpu 0 level 0 (ffefe000) maps pfn 7e905, depth 0"));
    }

    @Test
    void aSlotReusedWithoutTheFlushIsCaughtAfterTheWrap() {
        HighmemChecksStatesTest t = boot(Bugs.of(HighmemBug.HIGHMEM_PKMAP_REUSE_WITHOUT_FLUSH));
        t.kernel.apply(new HighmemOp.Kmap(t.page(HIGH), false, 0));
        t.kernel.apply(new HighmemOp.Kunmap(t.page(HIGH), false, 0));
        for (int i = 2; i < 512; i++) {
            assertThat(t.kernel.apply(new HighmemOp.Kmap(t.page(HIGH - i), false, 0)).value()).isEqualTo(slot(i));
        }
        // the wrap frees slot 1 without the flush; slot 0, then slot 1 go to new frames
        assertThat(t.kernel.apply(new HighmemOp.Kmap(t.page(0x70000L), false, 0)).value()).isEqualTo(slot(0));
        assertThat(t.check("INV-HIGHMEM-05")).isEmpty();
        assertThat(t.kernel.apply(new HighmemOp.Kmap(t.page(0x70001L), false, 0)).value()).isEqualTo(slot(1));
        assertThat(t.check("INV-HIGHMEM-05")).containsExactly(v("INV-HIGHMEM-05", "pkmap slot reused without a TLB flush",
                "slot 1 (bfe01000) maps pfn 70001, a TLB may still translate it to pfn 7e905"));
        assertThat(t.check("INV-HIGHMEM-01")).isEmpty();
    }

    @Test
    void anOutOfOrderUnmapLeavesWhat61LeavesAndTheChecksStillSeeEveryOtherSlot() {
        long a = kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value();
        long b = kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 1)).value();
        assertThat(new long[] {a, b}).containsExactly(fix(1, 0), fix(1, 1));
        // WARN_ON_ONCE(addr != top): a's PTE cleared (virt_to_kpte), level 1 popped with b's slot mapped
        assertThat(kernel.apply(new HighmemOp.KunmapLocal(a, false, 1)).isWarned()).isTrue();
        assertThat(tables.linuxPte(a)).isZero();
        assertThat(tables.linuxPte(b)).isEqualTo(0x7e90465f);
        // that is 6.1's own result of the misuse, not a model error
        assertThat(all()).isEmpty();
        assertThat(HighmemChecks.fullScan(h)).isEmpty();
        // a stray write on a slot the misuse did not touch is still caught, on either CPU
        stray(fix(1, 2), HIGH - 2);
        stray(fix(0, 0), HIGH - 3);
        assertThat(check("INV-HIGHMEM-04")).containsExactly(
                v("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack", "cpu 0 level 0 (ffefe000) maps pfn 7e902, depth 0"),
                v("INV-HIGHMEM-04", "fixmap kmap slot mapped above the top of the stack", "cpu 1 level 2 (ffeec000) maps pfn 7e903, depth 1"));
        assertThat(tables.pteClear(fix(1, 2))).isTrue();
        assertThat(tables.pteClear(fix(0, 0))).isTrue();
        // unmapping b (not the top either) clears b and pops level 0: both slots agree again
        assertThat(kernel.apply(new HighmemOp.KunmapLocal(b, false, 1)).isWarned()).isTrue();
        assertThat(tables.linuxPte(b)).isZero();
        assertThat(h.local().disturbedByMisuse(1, 0)).isTrue();
        assertThat(h.local().disturbedByMisuse(1, 1)).isTrue();
        assertThat(all()).isEmpty();
        // a correct push clears its level's mark; level 1 keeps its mark until written again
        assertThat(kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value()).isEqualTo(a);
        assertThat(h.local().disturbedByMisuse(1, 0)).isFalse();
        assertThat(kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value()).isEqualTo(b);
        assertThat(h.local().disturbedByMisuse(1, 1)).isFalse();
        assertThat(all()).isEmpty();
    }

    @Test
    void aStackOfFifteenLevelsIsTheMostAndSixteenIsOutOfRange() {
        for (int i = 0; i < 15; i++) {
            assertThat(kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH - i), false, 0)).value()).isEqualTo(fix(0, i));
        }
        assertThat(kernel.apply(new HighmemOp.KmapLocalPage(page(HIGH - 15), false, 0)).isRefused()).isTrue();
        assertThat(all()).isEmpty();
    }
}
