package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Pgtable2Level;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import armmm.model.page.PageAllocator;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * Per-process page tables and page faults through the registry: {@code pgd_alloc}'s copy of the
 * kernel half, faults that allocate (from HighMem when there is some), the zero page,
 * copy-on-write after {@code fork}, SIGSEGV with its code, {@code free_pgtables} and
 * {@code exit_mmap} giving every frame back, the vmalloc lag and its sync, and the TLB flushes
 * recorded for the TLB model.
 */
class UserPageTablesTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final long PAGE = 4096;

    private static Kernel boot(long mib) {
        return Kernel.boot(Board.virt(mib << 20), Bugs.NONE);
    }

    private static long value(Kernel k, armmm.model.subsystem.Op op) {
        Result r = k.apply(op);
        assertThat(r.isRefused()).as("%s: %s", op, r).isFalse();
        assertThat(k.check()).as("invariants after %s", op).isEmpty();
        return r.value();
    }

    private static String refusal(Kernel k, armmm.model.subsystem.Op op) {
        Result r = k.apply(op);
        assertThat(r.isRefused()).as("%s refused", op).isTrue();
        assertThat(k.check()).as("invariants after %s", op).isEmpty();
        return ((Result.Refused) r).reason();
    }

    @Test
    void pgdAllocCopiesTheKernelHalfAndTheWalkerReadsIt() {
        Kernel k = boot(1024);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        Processes p = k.state(Processes.class);
        UserPageTables t = p.pageTables(m);
        KernelPageTables swapper = k.state(KernelPageTables.class);
        assertThat(t.pgdPhys() & 0x3fff).isZero();
        for (int i = 0; i < 4096; i++) {
            assertThat(t.l1(i)).as("word %d", i).isEqualTo(i < 2 * 1528 ? 0 : swapper.l1(i));
        }
        // a lowmem address walks to the same frame through the process's TTBR0 as through swapper
        Translation.Mapped viaMm = (Translation.Mapped) p.translate(m, 0xc0008000L, Access.READ, Privilege.KERNEL);
        Translation.Mapped viaSwapper = (Translation.Mapped) swapper.translate(0xc0008000L, Access.READ, Privilege.KERNEL);
        assertThat(viaMm.pa()).isEqualTo(viaSwapper.pa());
        assertThat(viaMm.descriptor()).isEqualTo(viaSwapper.descriptor());
        assertThat(viaMm.descriptorAddress()).as("read from the process's own first-level table")
                .isEqualTo(t.pgdPhys() + (0xc0008000L >>> 20) * 4);
        assertThat(p.pgdPhys(m)).isEqualTo(t.pgdPhys());
        assertThat(t.pgtablesBytes()).isZero();
    }

    @Test
    void aWriteFaultTakesAHighMemFrameMappedNonGlobalWithTheVmasPermissions() {
        Kernel k = boot(1024);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        long a = value(k, new MmOp.Mmap(m, 0, 4 * PAGE, RW, ANON));
        long before = AllocatedPages.of(k);
        long pa = value(k, new MmOp.Touch(m, a + 0x10, Access.WRITE));
        Processes p = k.state(Processes.class);
        long maxLowPfn = k.state(PageAllocator.class).layout().maxLowPfn();
        assertThat(pa >>> 12).as("GFP_HIGHUSER_MOVABLE takes HighMem first").isGreaterThanOrEqualTo(maxLowPfn);
        assertThat(pa & 0xfff).isEqualTo(0x10);
        assertThat(AllocatedPages.of(k) - before).as("the page and one PTE page").isEqualTo(2);
        UserPageTables t = p.pageTables(m);
        assertThat(t.hwPte(a) & Pgtable2Level.PTE_EXT_NG).isNotZero();
        assertThat(t.linuxPte(a) & (Pgtable2Level.L_PTE_RDONLY | Pgtable2Level.L_PTE_XN | Pgtable2Level.L_PTE_USER))
                .isEqualTo(Pgtable2Level.L_PTE_XN | Pgtable2Level.L_PTE_USER);
        assertThat(p.anonRss(m)).isEqualTo(1);
        assertThat(t.pgtablesBytes()).isEqualTo(2048);
        assertThat(p.memory().highUserPages()).isEqualTo(1);
        // the same access again takes no fault: the same frame
        assertThat(value(k, new MmOp.Touch(m, a + 0x10, Access.READ))).isEqualTo(pa);
        assertThat(value(k, new MmOp.Touch(m, a + 0x10, Access.WRITE))).isEqualTo(pa);
    }

    @Test
    void aReadMapsTheZeroPageAndTheWriteAfterItCopies() {
        Kernel k = boot(256);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        long a = value(k, new MmOp.Mmap(m, 0, PAGE, RW, ANON));
        Processes p = k.state(Processes.class);
        long zero = value(k, new MmOp.Touch(m, a, Access.READ));
        assertThat(zero >>> 12).isEqualTo(p.memory().zeroPfn());
        assertThat(p.anonRss(m)).isZero();
        long page = value(k, new MmOp.Touch(m, a, Access.WRITE));
        assertThat(page >>> 12).isNotEqualTo(p.memory().zeroPfn());
        assertThat(p.anonRss(m)).isEqualTo(1);
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.PAGE, a, a + PAGE, TlbFlush.Site.WP_PAGE_COPY));
    }

    @Test
    void sigsegvNamesItsCode() {
        Kernel k = boot(256);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        long ro = value(k, new MmOp.Mmap(m, 0, PAGE, VmFlags.PROT_READ, ANON));
        long none = value(k, new MmOp.Mmap(m, 0, PAGE, 0, ANON));
        assertThat(refusal(k, new MmOp.Touch(m, 0x10000000L, Access.READ))).isEqualTo("SIGSEGV SEGV_MAPERR");
        assertThat(refusal(k, new MmOp.Touch(m, ro, Access.WRITE))).isEqualTo("SIGSEGV SEGV_ACCERR");
        assertThat(refusal(k, new MmOp.Touch(m, ro, Access.EXEC))).isEqualTo("SIGSEGV SEGV_ACCERR");
        assertThat(refusal(k, new MmOp.Touch(m, none, Access.READ))).isEqualTo("SIGSEGV SEGV_ACCERR");
        assertThat(refusal(k, new MmOp.Touch(m, 0xc0008000L, Access.READ))).isEqualTo("SIGSEGV SEGV_MAPERR");
        value(k, new MmOp.Touch(m, ro, Access.READ));
        // the vectors page is user-readable (CONFIG_KUSER_HELPERS)
        value(k, new MmOp.Touch(m, 0xffff0000L, Access.READ));
    }

    @Test
    void theStackGrowsDownOnAFaultBelowIt() {
        Kernel k = boot(256);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        Processes p = k.state(Processes.class);
        Vma stack = p.mm(m).vmas().get(p.mm(m).vmas().size() - 1);
        value(k, new MmOp.Touch(m, stack.start() - 3 * PAGE, Access.WRITE));
        assertThat(p.mm(m).vmas().get(p.mm(m).vmas().size() - 1).start()).isEqualTo(stack.start() - 3 * PAGE);
        assertThat(p.mm(m).totalVm()).isEqualTo(0x21 + 3);
        assertThat(refusal(k, new MmOp.Touch(m, stack.end() - (9L << 20), Access.WRITE))).isEqualTo("SIGSEGV SEGV_MAPERR");
    }

    @Test
    void forkSharesCopyOnWriteAndTheWriteFaultBreaksIt() {
        Kernel k = boot(512);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        long a = value(k, new MmOp.Mmap(m, 0, 2 * PAGE, RW, ANON));
        long pa = value(k, new MmOp.Touch(m, a, Access.WRITE));
        long c = value(k, new MmOp.Fork(m));
        Processes p = k.state(Processes.class);
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.MM, 0, 0xbf000000L, TlbFlush.Site.DUP_MMAP));
        assertThat(p.memory().userPages().mapcount(pa >>> 12)).isEqualTo(2);
        assertThat(p.anonRss(c)).isEqualTo(1);
        assertThat(value(k, new MmOp.Touch(c, a, Access.READ))).as("the child reads the parent's frame").isEqualTo(pa);
        long copy = value(k, new MmOp.Touch(c, a, Access.WRITE));
        assertThat(copy).isNotEqualTo(pa);
        assertThat(p.memory().userPages().mapcount(pa >>> 12)).isEqualTo(1);
        assertThat(p.memory().highmemHook()).isInstanceOf(HighmemHook.Counting.class);
        assertThat(((HighmemHook.Counting) p.memory().highmemHook()).copies()).isEqualTo(1);
        // the parent is the only user now: its write reuses the page
        assertThat(value(k, new MmOp.Touch(m, a, Access.WRITE))).isEqualTo(pa);
        // shared anonymous memory is not copied: both see one page
        long s = value(k, new MmOp.Mmap(m, 0, PAGE, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS));
        long sp = value(k, new MmOp.Touch(m, s, Access.WRITE));
        long c2 = value(k, new MmOp.Fork(m));
        assertThat(value(k, new MmOp.Touch(c2, s, Access.WRITE))).isEqualTo(sp);
        assertThat(p.shmemRss(c2)).isEqualTo(1);
    }

    @Test
    void munmapAndExitGiveEveryFrameBack() {
        Kernel k = boot(1024);
        long before = AllocatedPages.of(k);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        long a = value(k, new MmOp.Mmap(m, 0, 8 * PAGE, RW, ANON));
        for (int i = 0; i < 8; i++) {
            value(k, new MmOp.Touch(m, a + i * PAGE, Access.WRITE));
        }
        Processes p = k.state(Processes.class);
        Vma stack = p.mm(m).vmas().get(p.mm(m).vmas().size() - 1);
        value(k, new MmOp.Touch(m, stack.end() - PAGE, Access.WRITE));
        long c = value(k, new MmOp.Fork(m));
        value(k, new MmOp.Touch(c, a, Access.WRITE));
        long s = value(k, new MmOp.Mmap(c, 0, PAGE, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS));
        value(k, new MmOp.Touch(c, s, Access.READ));
        value(k, new MmOp.Munmap(m, a + 2 * PAGE, 4 * PAGE));
        assertThat(p.anonRss(m)).isEqualTo(5);
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.RANGE, a + 2 * PAGE, a + 6 * PAGE, TlbFlush.Site.UNMAP_REGION));
        value(k, new MmOp.ExitMm(m));
        value(k, new MmOp.ExitMm(c));
        assertThat(AllocatedPages.of(k)).as("every pgd, PTE page, anonymous and shmem page given back").isEqualTo(before);
    }

    @Test
    void mprotectRewritesPresentPtesAndKeepsSharedPagesReadOnly() {
        Kernel k = boot(256);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        long a = value(k, new MmOp.Mmap(m, 0, 2 * PAGE, RW, ANON));
        value(k, new MmOp.Touch(m, a, Access.WRITE));
        value(k, new MmOp.Mprotect(m, a, 2 * PAGE, VmFlags.PROT_READ));
        Processes p = k.state(Processes.class);
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.RANGE, a, a + PAGE, TlbFlush.Site.CHANGE_PROTECTION));
        assertThat(refusal(k, new MmOp.Touch(m, a, Access.WRITE))).isEqualTo("SIGSEGV SEGV_ACCERR");
        value(k, new MmOp.Mprotect(m, a, 2 * PAGE, RW));
        assertThat(p.pageTables(m).linuxPte(a) & Pgtable2Level.L_PTE_RDONLY).as("exclusive and dirty: writable again").isZero();
        long c = value(k, new MmOp.Fork(m));
        value(k, new MmOp.Mprotect(m, a, 2 * PAGE, VmFlags.PROT_READ));
        value(k, new MmOp.Mprotect(m, a, 2 * PAGE, RW));
        assertThat(p.pageTables(m).linuxPte(a) & Pgtable2Level.L_PTE_RDONLY).as("shared with the child: stays read-only")
                .isNotZero();
        assertThat(p.pageTables(c).linuxPte(a) & Pgtable2Level.L_PTE_RDONLY).isNotZero();
    }

    @Test
    void theVmallocLagIsSyncedByTheTranslationFaultOrCheckVmallocSeq() {
        Kernel k = boot(256);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        Processes p = k.state(Processes.class);
        KernelPageTables swapper = k.state(KernelPageTables.class);
        // vmalloc enough to populate new pmds in swapper after the mm copied its kernel half
        long va = 0;
        for (int i = 0; i < 3; i++) {
            va = value(k, new armmm.model.vmalloc.VmallocOp.VmallocCall(3L << 20));
        }
        int i = (int) (va >>> 21) * 2;
        assertThat(swapper.l1(i)).isNotZero();
        assertThat(p.pageTables(m).l1(i)).as("the lag: the mm has not seen the new pmd").isZero();
        assertThat(p.memory().vmallocSeq()).isPositive();
        long pa = value(k, new MmOp.KernelTouch(m, va));
        assertThat(pa).isEqualTo(((Translation.Mapped) swapper.translate(va, Access.READ, Privilege.KERNEL)).pa());
        assertThat(p.pageTables(m).l1(i)).isEqualTo(swapper.l1(i));
        assertThat(p.checkVmallocSeq(m)).isTrue();
        assertThat(p.pageTables(m).vmallocSeq()).isEqualTo(p.memory().vmallocSeq());
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theSeedComesFromTheCommandLineAndRunSeed() {
        String scn = "board ram=256M\nmm_create SZ_8M -> $m\nexpect mm[$m].mmap_base == %s\n";
        long base0 = mmapBase(Runner.run(Parser.parse("s.scn", scn.formatted("0")), Bugs.NONE));
        long base7 = mmapBase(Runner.run(Parser.parse("s.scn", scn.formatted("0")), Bugs.NONE, 7));
        assertThat(base7).isNotEqualTo(base0);
        RunReport again = Runner.run(Parser.parse("s.scn",
                "board ram=256M cmdline=\"armmm.seed=7\"\nmm_create SZ_8M -> $m\nexpect mm[$m].mmap_base == 0x" + Long.toHexString(base7) + "\n"),
                Bugs.NONE);
        assertThat(again.failed()).as(again.messages().toString()).isZero();
    }

    @Test
    void theScenarioLanguageSpellsTouchForkAndPrintMaps(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        String scn = """
                board ram=512M
                mm_create SZ_8M -> $m
                mmap $m 0 SZ_8K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a
                touch $m $a write
                touch $m $a + SZ_4K
                expect mm[$m].rss == 1
                expect mm[$m].anon_rss == 1
                expect mm[$m].pgtables_bytes == 2048
                fork $m -> $c
                expect mm[$c].rss == 1
                touch $c $a write
                expect-fail touch $m 0x1000 read
                expect-fail touch $m $a exec
                print maps $c
                exit_mm $c
                """;
        RunReport r = Runner.run(Parser.parse("u.scn", scn), Bugs.NONE);
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(6);
        assertThat(r.output()).contains("rw-p 00000000 00:00 0").contains("[stack]").doesNotContain("mm 1:");
        java.nio.file.Path file = dir.resolve("u.scn");
        java.nio.file.Files.writeString(file, scn);
        armmm.cli.Cli.Run seeded = armmm.cli.Cli.run("run", "--seed", "42", file.toString());
        assertThat(seeded.exit()).as(seeded.err()).isZero();
        assertThat(seeded.out()).endsWith("6 passed, 0 failed\n");
        armmm.cli.Cli.Run bad = armmm.cli.Cli.run("run", "--seed", "x", file.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().lines().count()).isLessThanOrEqualTo(2);
    }

    @Test
    void misuseIsARefusalOrAOneLineError() {
        RunReport bare = Runner.run(Parser.parse("b.scn", "expect-fail touch 1 0x1000 write\nexpect-fail fork 1\n"), Bugs.NONE);
        assertThat(bare.messages()).isEmpty();
        RunReport noMm = Runner.run(Parser.parse("n.scn", """
                board ram=64M
                expect-fail touch 7 0x1000
                expect-fail fork 7
                expect-fail kernel_touch 7 0xf0000000
                mm_create SZ_8M -> $m
                expect-fail kernel_touch $m 0x1000
                expect-fail touch $m 0x100000000 read
                """), Bugs.NONE);
        assertThat(noMm.failed()).as(noMm.messages().toString()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Parser.parse("k.scn", "board ram=64M\ntouch 1 0x1000 bogus\n"))
                .isInstanceOf(armmm.scenario.ScenarioException.class)
                .satisfies(e -> assertThat(((armmm.scenario.ScenarioException) e).format("k.scn")).startsWith("k.scn:2:"));
    }

    private static long mmapBase(RunReport r) {
        // the failed expectation prints the observed value: "... mm[$m].mmap_base is 0x..."
        String msg = String.join("\n", r.messages());
        java.util.regex.Matcher mm = java.util.regex.Pattern.compile("0x(b[0-9a-f]{7})").matcher(msg);
        assertThat(mm.find()).as(msg).isTrue();
        return Long.parseLong(mm.group(1), 16);
    }

    /**
     * The write journal the INV-UPT checks read: a PTE write lists its slot, a first-level write of
     * the user half all 512 slots of that pgd (a PTE table put in or taken out; both words of the
     * pmd pair listed once), one of the kernel half none (no user slot changes: the vmalloc sync).
     */
    @Test
    void theWriteJournalListsWhatEachWriteMayHaveChanged() {
        Kernel k = boot(64);
        long m = value(k, new MmOp.MmCreate(8L << 20));
        long a = value(k, new MmOp.Mmap(m, 0, 4 * PAGE, RW, ANON));
        UserPageTables t = k.state(Processes.class).pageTables(m);
        long g = t.generation();
        // the first write fault: pmd_populate (both words of the pair), then the PTE
        value(k, new MmOp.Touch(m, a, Access.WRITE));
        long[] written = t.ptesWrittenSince(g);
        long pgd = a >>> 21;
        assertThat(written).hasSize(513);
        for (int i = 0; i < 512; i++) {
            assertThat(written[i]).isEqualTo((pgd << 21) | ((long) i << 12));
        }
        assertThat(written[512]).isEqualTo(a);
        assertThat(t.userPgdsWrittenSince(g)).containsExactly((int) pgd);
        // a second fault in the same table: its slot alone
        long g2 = t.generation();
        value(k, new MmOp.Touch(m, a + PAGE, Access.WRITE));
        assertThat(t.ptesWrittenSince(g2)).containsExactly(a + PAGE);
        // a first-level write of the kernel half lists no user slot
        long g3 = t.generation();
        t.copyPmd(0xf0000000L, true);
        assertThat(t.generation()).isEqualTo(g3 + 1);
        assertThat(t.ptesWrittenSince(g3)).isEmpty();
        assertThat(t.userPgdsWrittenSince(g3)).isEmpty();
        // further back than the journal reaches: unknown
        assertThat(t.ptesWrittenSince(t.generation() - UserPageTables.JOURNAL - 1)).isNull();
        assertThat(t.userPgdsWrittenSince(t.generation() - UserPageTables.JOURNAL - 1)).isNull();
    }
}
