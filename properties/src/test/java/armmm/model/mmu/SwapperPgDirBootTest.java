package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.board.BoardLine;
import armmm.model.boot.BootedSystem;
import armmm.model.boot.EarlyAllocation;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.LayoutSubsystem;
import armmm.model.layout.Layout;
import armmm.model.subsystem.Report;
import armmm.properties.OracleFiles;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What boot's {@code paging_init} (arch/arm/mm/mmu.c) leaves beyond the words themselves, and the
 * MMU subsystem's plumbing. On ram=24M (RAM at 0x40000000): {@code arm_lowmem_limit} 0x41800000,
 * high_memory 0xc1800000, VMALLOC_START = (high_memory + VMALLOC_OFFSET 8M) rounded down to 8M =
 * 0xc2000000 (arch/arm/include/asm/pgtable.h); {@code devicemaps_init} clears every pmd from
 * VMALLOC_START below {@code FIXADDR_TOP & PMD_MASK} = 0xffe00000 ({@code pmd_clear} writes both
 * words: 2 x 495 pmds), maps the device tree at FDT_FIXED_BASE 0xff800000 with two sections, and
 * the vectors and stubs pages under the top pmd (a PTE table from {@code early_alloc}: 2 words,
 * then 2 PTEs); {@code kmap_init} gives FIXADDR_START 0xffc80000's pmd a PTE table (2 words).
 * The probe board's vectors page is at 0x6fffe000 (probe_mmu.txt: {@code ats vectors(0xffff0000)
 * PR=6fffe200}).
 */
class SwapperPgDirBootTest {

    private static Kernel boot24M() {
        return Kernel.boot(BoardLine.parse(Map.of("ram", "24M")), Bugs.NONE);
    }

    @Test
    void devicemapsInitClearsTheVmallocPmdsBelowTheTopOneAndBootEndsWithNothingTouched() {
        BootedSystem booted = boot24M().booted().orElseThrow();
        KernelPageTables t = SwapperPgDir.build(booted, Set.of());
        assertThat(booted.layout().vmallocStart()).isEqualTo(0xc2000000L);
        assertThat(t.writesIn(0xc2000000L, 0xffe00000L)).isEqualTo(2 * 495 + 2 + 2);
        assertThat(t.writesIn(0xffe00000L, 0x1_0000_0000L)).isEqualTo(4);
        assertThat(t.touchedL1()).isEmpty();
        assertThat(t.touchedPtes()).isEmpty();
    }

    @Test
    void theVectorsPageIsTheFirstEarlyAllocationOfDevicemapsInit() {
        String dmesg = OracleFiles.read("probe-mmu-1024M", "dmesg.txt");
        Matcher m = Pattern.compile("Freeing initrd memory: (\\d+)K").matcher(dmesg);
        assertThat(m.find()).isTrue();
        String cmdline = OracleFiles.read("probe-mmu-1024M", "cmdline.txt").trim().replaceFirst("^console=ttyAMA0\\s*", "");
        Board board = Board.virt(1024L << 20).withInitrdSize(Long.parseLong(m.group(1)) << 10).withArgs(cmdline);
        BootedSystem booted = Kernel.boot(board).booted().orElseThrow();
        assertThat(SwapperPgDir.vectorsPhys(booted)).isEqualTo(0x6fffe000L);
    }

    @Test
    void theSubsystemForgetsTheLastCallsWritesAndPlantsItsBugsAfterBoot() {
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x70000000L, Set.of(MmuBug.MMU_PTE_XN_DROPPED));
        t.pteAllocKernel(0xf0800000L, () -> 0x41914L);
        // during boot the XN bug is not planted yet: PAGE_KERNEL's hardware word keeps PTE_EXT_XN
        t.setPteExt(0xf0800000L, 0x7e800L, 0x65f, 0);
        assertThat(t.hwPte(0xf0800000L)).isEqualTo(0x7e80045f);
        MmuSubsystem.INSTANCE.beforeStep(t);
        assertThat(t.touchedL1()).isEmpty();
        assertThat(t.touchedPtes()).isEmpty();
        t.setPteExt(0xf0801000L, 0x7e801L, 0x65f, 0);
        assertThat(t.hwPte(0xf0801000L)).isEqualTo(0x7e80145e);
        assertThat(t.touchedPtes()).containsExactly(0xf0801000L);
        Kernel k = Kernel.bare();
        k.install(MmuSubsystem.INSTANCE, t);
        assertThat(MmuSubsystem.INSTANCE.completeCheck(t, k)).containsExactly(
                new armmm.model.core.Violation("INV-MMU-01", "PTE permissions differ from its protection",
                        "va f0801000 linux 7e80165f hw 7e80145e: kernel exec forbidden by the Linux entry, allowed by the walk"),
                new armmm.model.core.Violation("INV-MMU-03", "Linux and hardware PTE disagree",
                        "va f0801000 linux 7e80165f hw 7e80145e: XN differs"));
        assertThat(MmuBug.MMU_PTE_XN_DROPPED.facts().invariant()).isEqualTo("INV-MMU-01");
        assertThat(MmuBug.MMU_FIXMAP_PROT_USER.facts().invariant()).isEqualTo("INV-MMU-04");
    }

    @Test
    void theBootInvariantNeedsBothTheTablesAndTheBoot() {
        BootedSystem booted = boot24M().booted().orElseThrow();
        Kernel onlyBoot = Kernel.bare();
        onlyBoot.install(LayoutSubsystem.INSTANCE, booted);
        Kernel onlyTables = Kernel.bare();
        onlyTables.install(MmuSubsystem.INSTANCE, new KernelPageTables(0x40204000L, 0x70000000L, Set.of()));
        for (Kernel k : List.of(onlyBoot, onlyTables, Kernel.bare())) {
            assertThat(MmuChecks.LOWMEM_LINEAR.appliesTo(k)).isFalse();
            assertThat(MmuChecks.LOWMEM_LINEAR.check(k)).isEmpty();
        }
        assertThat(MmuChecks.LOWMEM_LINEAR.appliesTo(boot24M())).isTrue();
        assertThat(MmuChecks.LOWMEM_LINEAR).hasToString("INV-MMU-02");
    }

    @Test
    void thePagetablesReportShowsTheVectorsPagesInDomainThree() {
        Kernel k = boot24M();
        List<Report> reports = MmuSubsystem.INSTANCE.reports();
        assertThat(reports).extracting(Report::name).containsExactly("pagetables");
        Report r = reports.get(0);
        // MT_HIGH_VECTORS (L_PTE_USER | L_PTE_RDONLY: APX, AP[1]) and MT_LOW_VECTORS (privileged, read-only)
        String vectors = "---[ Vectors ]---\n"
                + "0xffff0000-0xffff1000   " + "        4K" + " PTE VECTORS" + " USR ro x " + " SHD MEM/CACHED/WBWA\n"
                + "0xffff1000-0xffff2000   " + "        4K" + " PTE VECTORS" + "     ro x " + " SHD MEM/CACHED/WBWA\n";
        assertThat(r.ranged().render(k, 0xffff0000L, 0xffff2000L)).contains(vectors);
        assertThat(r.render().apply(k).orElseThrow()).startsWith("---[ Modules ]---\n").contains(vectors);
        assertThat(r.render().apply(Kernel.bare())).isEmpty();
        assertThat(r.ranged().render(Kernel.bare(), 0xffff0000L, 0xffff2000L)).isEqualTo(Optional.empty());
    }

    @Test
    void setKernelTextRoBeforeMarkRodataRoDoesNothing() {
        Kernel k = boot24M();
        KernelPageTables t = k.state(KernelPageTables.class);
        BootedSystem booted = k.booted().orElseThrow();
        long text = booted.layout().kernelStart();
        assertThat(k.apply(new MmuOp.SetKernelTextRw())).isEqualTo(Result.VOID);
        assertThat(t.translate(text, Access.WRITE, Privilege.KERNEL).ok()).isTrue();
        // a SectionPerms that mark_rodata_ro never ran on: kernel_set_to_readonly is 0
        SectionPerms before = new SectionPerms(booted.layout());
        before.setKernelTextRo(t);
        assertThat(t.translate(text, Access.WRITE, Privilege.KERNEL).ok()).isTrue();
        assertThat(k.apply(new MmuOp.SetKernelTextRo())).isEqualTo(Result.VOID);
        assertThat(t.translate(text, Access.WRITE, Privilege.KERNEL).ok()).isFalse();
        before.setKernelTextRw(t);
        assertThat(t.translate(text, Access.WRITE, Privilege.KERNEL).ok()).isFalse();
    }

    /** A copy of {@code b} whose early allocations are {@code allocs}. */
    private static BootedSystem withAllocations(BootedSystem b, List<EarlyAllocation> allocs) {
        return new BootedSystem(b.board(), b.layout(), b.memblock(), b.memory(), b.reserved(), allocs, b.log(), b.debugLog(),
                b.vmallocSize(), b.lowmemLimit(), b.memblockLimit(), b.minLowPfn(), b.maxLowPfn(), b.maxPfn(),
                b.nodeStartPfn(), b.maxZonePfn(), b.memMapPhys(), b.memMapSize(), b.nrKernelPages(), b.nrAllPages(),
                b.initrdStart(), b.initrdEnd(), b.initSize(), b.cmaAreas(), b.dentryHashEntries(), b.inodeHashEntries(),
                b.zoneMovablePfn());
    }

    /**
     * The builder takes boot's {@code early_alloc} placements in order; a boot whose list runs out, or
     * whose next one has another size or failed (address 0, where the kernel's {@code early_alloc}
     * panics), is a disagreement between the two, refused rather than built.
     */
    @Test
    void theBuilderRefusesABootWhoseEarlyAllocationsDoNotMatchPagingInit() {
        BootedSystem b = boot24M().booted().orElseThrow();
        List<EarlyAllocation> all = b.allocations();
        int first = 0;
        while (!all.get(first).caller().equals("early_alloc")) {
            first++;
        }
        EarlyAllocation a = all.get(first);
        String need = "paging_init needs an early_alloc of " + a.size() + " bytes where boot made ";
        String tail = ": the boot's early allocations and the page-table builder disagree";
        List<EarlyAllocation> none = all.stream().filter(x -> !x.caller().equals("early_alloc")).toList();
        assertThatThrownBy(() -> SwapperPgDir.build(withAllocations(b, none), Set.of()))
                .isInstanceOf(IllegalStateException.class).hasMessage(need + "null" + tail);
        List<EarlyAllocation> bigger = new java.util.ArrayList<>(all);
        EarlyAllocation big = new EarlyAllocation(a.caller(), a.size() + 4096, a.align(), a.minAddr(), a.maxAddr(), a.kind(), a.address());
        bigger.set(first, big);
        assertThatThrownBy(() -> SwapperPgDir.build(withAllocations(b, bigger), Set.of()))
                .isInstanceOf(IllegalStateException.class).hasMessage(need + big + tail);
        List<EarlyAllocation> failed = new java.util.ArrayList<>(all);
        EarlyAllocation zero = new EarlyAllocation(a.caller(), a.size(), a.align(), a.minAddr(), a.maxAddr(), a.kind(), 0);
        failed.set(first, zero);
        assertThatThrownBy(() -> SwapperPgDir.build(withAllocations(b, failed), Set.of()))
                .isInstanceOf(IllegalStateException.class).hasMessage(need + zero + tail);
        assertThat(SwapperPgDir.build(withAllocations(b, all), Set.of()).ptePageCount()).isPositive();
    }

    /**
     * {@code set_section_perms} (arch/arm/mm/init.c) skips a range whose start or end is not
     * section aligned ({@code pr_err("BUG: ... not aligned")}) and applies the others: with
     * _stext at 0xc0308000, XN before it and read-only text are skipped, rodata's and init's XN not.
     */
    @Test
    void sectionPermsSkipARangeWithOneUnalignedEnd() {
        Layout l = new Layout(0xc0000000L, 0x40000000L, 0x41800000L, 240L << 20, 0xc1000000L, 32, 1024,
                0xc0308000L, 0xc0980000L, 0xc0b00000L, 0xc0c00000L, 0xc0c00000L, 0xc0d00000L, 0xc0d00000L, List.of(), Bugs.NONE);
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x41800000L, Set.of());
        for (long va = 0xc0000000L; va < 0xc0d00000L; va += 0x100000L) {
            t.setSection(va, va - 0x80000000L, MemType.MT_MEMORY_RWX.protSect());
        }
        SectionPerms p = new SectionPerms(l);
        p.fixKernmemPerms(t);
        p.markRodataRo(t);
        int rwx = MemType.MT_MEMORY_RWX.protSect();
        for (int i = 0xc00; i <= 0xc09; i++) {
            assertThat(t.l1(i)).as("l1[%x]", i).isEqualTo((i - 0x800) << 20 | rwx);
        }
        // rodata from roundup(_etext) 0xc0a00000 to __init_begin, and init to _sdata: PMD_SECT_XN
        assertThat(t.l1(0xc0a)).isEqualTo(0x40a00000 | rwx | Pgtable2Level.PMD_SECT_XN);
        assertThat(t.l1(0xc0b)).isEqualTo(0x40b00000 | rwx | Pgtable2Level.PMD_SECT_XN);
        assertThat(t.l1(0xc0c)).isEqualTo(0x40c00000 | rwx);
    }

    @Test
    void eachCallPrintsAsItsScenarioLine() {
        assertThat(new MmuOp.Translate(0xffeff123L, Access.WRITE, Privilege.KERNEL, 1))
                .hasToString("translate 0xffeff123 write kernel cpu=1");
        assertThat(new MmuOp.Translate(0xc0000000L, Access.EXEC, Privilege.USER, 0))
                .hasToString("translate 0xc0000000 exec user");
        assertThat(new MmuOp.SetFixmap(0, 0x40000000L)).hasToString("set_fixmap 0 0x40000000");
        assertThat(new MmuOp.SetFixmapIo(130, 0x8000abcL)).hasToString("set_fixmap_io 130 0x8000abc");
        assertThat(new MmuOp.ClearFixmap(5)).hasToString("clear_fixmap 5");
        assertThat(new MmuOp.SetKernelTextRw()).hasToString("set_kernel_text_rw");
        assertThat(new MmuOp.SetKernelTextRo()).hasToString("set_kernel_text_ro");
    }
}
