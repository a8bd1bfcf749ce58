package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.mmu.Pgtable2Level;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The per-step user page-table checks ({@code UptShadow}, INV-UPT-01 to 07) find a wrong table word
 * the step it is written through the tables' own write paths ({@code set_pte_at}, {@code pte_clear},
 * {@code pmd_populate}/{@code pmd_clear} and a first-level store, each journalled as the kernel's
 * writes are) and forget it the step it is put right, exactly as the complete check that re-reads
 * every table does. Each wrong word stands for a kernel bug that writes it (a PTE without
 * {@code PTE_EXT_NG} as {@code COW_COPY_GLOBAL} writes, a PTE left outside its VMA, a PTE page freed
 * under live entries); the expected findings are worked from the invariants' rules in
 * spec/invariants.md and the PTE encoding of arch/arm/include/asm/pgtable-2level.h
 * ({@code set_pte_ext}: a PTE that is not young has hardware word 0).
 */
class UptShadowFindingsComeAndGoTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int FIXED = ANON | VmFlags.MAP_FIXED;
    /** A 2 MiB-aligned user address: its four pages share one PTE page (pgd 0x80). */
    private static final long A = 0x10000000L;

    /** Every step check's findings (the shadow's, no complete re-read), as sorted "id details". */
    private static List<String> step(Processes p) {
        List<String> out = new ArrayList<>();
        for (String id : new TreeSet<>(UptChecks.ALL.keySet())) {
            for (Violation v : UptChecks.ALL.get(id).apply(p)) {
                out.add(v.id() + " " + v.details());
            }
        }
        out.sort(null);
        return out;
    }

    private static List<String> complete(Processes p) {
        List<String> out = new ArrayList<>();
        for (String id : UptChecks.ALL.keySet()) {
            for (Violation v : UptChecks.complete(id, p)) {
                out.add(v.id() + " " + v.details());
            }
        }
        out.sort(null);
        return out;
    }

    /** The step checks agree with the complete ones; their finding ids, sorted. */
    private static List<String> ids(Processes p, String when) {
        List<String> s = step(p);
        assertThat(s).as(when).isEqualTo(complete(p));
        return s.stream().map(x -> x.substring(0, x.indexOf(' '))).toList();
    }

    /**
     * An ordinary call that moves the checks' change signal: a one-page mapping far from {@link #A}
     * (a write through the tables' journal does not move the signal by itself).
     */
    private static void bump(Processes p, long mm) {
        assertThat(p.mmap(mm, 0, 0x1000, VmFlags.PROT_READ, ANON).isRefused()).isFalse();
    }

    private static final class Setup {
        final Kernel k;
        final Processes p;
        final long mm;
        final UserPageTables t;

        Setup(Bugs bugs) {
            k = Kernel.boot(Board.virt(64L << 20), bugs);
            p = k.state(Processes.class);
            mm = p.mmCreate(8L << 20).value();
            assertThat(p.mmap(mm, A, 0x4000, RW, FIXED).value()).isEqualTo(A);
            p.touch(mm, A, Access.WRITE);
            p.touch(mm, A + 0x1000, Access.WRITE);
            t = p.pageTables(mm);
            assertThat(ids(p, "two pages written")).isEmpty();
        }

        Setup() {
            this(Bugs.NONE);
        }
    }

    @Test
    void aPteWhoseHardwareWordLosesNgIsFoundAndForgottenWhenNgIsBack() {
        Setup s = new Setup();
        int linux = s.t.linuxPte(A);
        // the same Linux word, the hardware word without nG: a change of the hardware word alone
        s.t.setPteAt(A, linux, true);
        s.p.touch(s.mm, A + 0x2000, Access.WRITE);
        // INV-UPT-03: one present user hardware PTE without nG
        assertThat(ids(s.p, "nG dropped")).containsExactly(UptChecks.NOT_GLOBAL);
        s.t.setPteAt(A, linux, false);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "nG back")).isEmpty();
    }

    @Test
    void aLinuxPteMovedToAnotherFrameUnderTheSameHardwareWordIsFound() {
        Setup s = new Setup();
        int linux = s.t.linuxPte(A);
        long y = Integer.toUnsignedLong(s.t.linuxPte(A + 0x1000)) >>> 12;
        // not young: set_pte_ext writes hardware word 0 (the page is not mapped for the MMU)
        int old = linux & ~Pgtable2Level.L_PTE_YOUNG;
        s.t.setPteAt(A, old, false);
        bump(s.p, s.mm);
        assertThat(s.t.hwPte(A)).isZero();
        assertThat(ids(s.p, "old PTE")).isEmpty();
        // the Linux word now names frame y, the hardware word stays 0
        s.t.setPteAt(A, (int) (y << 12) | (old & 0xfff), false);
        bump(s.p, s.mm);
        assertThat(s.t.hwPte(A)).isZero();
        // INV-UPT-06: A's old frame mapped by 0 PTEs with mapcount 1, y mapped by 2 with mapcount 1;
        // INV-UPT-07: y, an anonymous page outside the page cache, mapped twice and writable in
        // both Linux words (L_PTE_RDONLY clear), once per PTE; the RSS counts stay (two anon PTEs)
        assertThat(ids(s.p, "moved")).containsExactly(UptChecks.PAGE_REFS, UptChecks.PAGE_REFS,
                UptChecks.COW_READ_ONLY, UptChecks.COW_READ_ONLY);
        s.t.setPteAt(A, linux, false);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "put back")).isEmpty();
    }

    @Test
    void aPteOutsideEveryVmaAndAWritablePteInAReadOnlyVmaComeAndGo() {
        Setup s = new Setup();
        int linux = s.t.linuxPte(A);
        assertThat(s.p.munmap(s.mm, A + 0x3000, 0x1000).isRefused()).isFalse();
        s.t.setPteAt(A + 0x3000, linux, false);
        bump(s.p, s.mm);
        // INV-UPT-01: one PTE outside every VMA; INV-UPT-04: three anonymous PTEs for
        // MM_ANONPAGES 2; INV-UPT-06: A's frame mapped by 2 PTEs, mapcount 1; INV-UPT-07: that
        // frame mapped twice and writable, once per PTE
        assertThat(ids(s.p, "outside")).containsExactly(UptChecks.PTES_IN_VMAS, UptChecks.RSS,
                UptChecks.PAGE_REFS, UptChecks.COW_READ_ONLY, UptChecks.COW_READ_ONLY);
        s.t.pteClear(A + 0x3000);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "cleared")).isEmpty();

        // change_protection write-protects the page; a writable, dirty Linux word over it is wider
        assertThat(s.p.mprotect(s.mm, A + 0x1000, 0x1000, VmFlags.PROT_READ).isRefused()).isFalse();
        assertThat(ids(s.p, "read-only")).isEmpty();
        int ro = s.t.linuxPte(A + 0x1000);
        assertThat(ro & Pgtable2Level.L_PTE_RDONLY).isNotZero();
        s.t.setPteAt(A + 0x1000, ro & ~Pgtable2Level.L_PTE_RDONLY | Pgtable2Level.L_PTE_DIRTY, false);
        bump(s.p, s.mm);
        // INV-UPT-02: writable in a VMA without VM_WRITE (both words)
        assertThat(ids(s.p, "writable in a read-only VMA")).containsExactly(UptChecks.PERMS_WITHIN_VMA);
        assertThat(s.p.mprotect(s.mm, A + 0x1000, 0x1000, RW).isRefused()).isFalse();
        assertThat(ids(s.p, "VMA writable again")).isEmpty();
    }

    @Test
    void aPteLeftWiderByMprotectIsFoundThroughTheVmaChangeAloneAndForgottenWhenTheVmaAllowsItAgain() {
        // MPROTECT_KEEPS_PTE_PERMS: mprotect_fixup without change_protection writes no PTE, so
        // only the VMA change tells the step check to re-read the page
        Setup s = new Setup(Bugs.of(PgtableDefect.MPROTECT_KEEPS_PTE_PERMS));
        assertThat(s.p.mprotect(s.mm, A, 0x1000, VmFlags.PROT_READ).isRefused()).isFalse();
        assertThat(ids(s.p, "read-only VMA over a writable PTE")).containsExactly(UptChecks.PERMS_WITHIN_VMA);
        assertThat(s.p.mprotect(s.mm, A, 0x1000, RW).isRefused()).isFalse();
        assertThat(ids(s.p, "writable VMA again")).isEmpty();
        assertThat(s.p.mprotect(s.mm, A + 0x1000, 0x3000, VmFlags.PROT_READ).isRefused()).isFalse();
        assertThat(ids(s.p, "the second page read-only")).containsExactly(UptChecks.PERMS_WITHIN_VMA);
        assertThat(s.p.munmap(s.mm, A, 0x4000).isRefused()).isFalse();
        assertThat(ids(s.p, "unmapped")).isEmpty();
    }

    /** A store to user first-level word {@code index} of {@code t}, journalled as the kernel's pmd writes are. */
    private static void storeL1(UserPageTables t, int index, int word) throws Exception {
        Field f = UserPageTables.class.getDeclaredField("l1");
        f.setAccessible(true);
        ((int[]) f.get(t))[index] = word;
        Method m = UserPageTables.class.getDeclaredMethod("wroteL1", int.class);
        m.setAccessible(true);
        m.invoke(t, index);
    }

    @Test
    void aUserFirstLevelWordThatIsNoUserPageTableIsFoundAndForgotten() throws Exception {
        Setup s = new Setup();
        // pgd 100 (0x0c800000) holds no VMA; a section word there (type 2, domain 0) is no page
        // table in the user domain: INV-UPT-03's first-level half, one finding per word
        int index = 200;
        storeL1(s.t, index, 0x0c800c02);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "even word")).containsExactly(UptChecks.NOT_GLOBAL);
        storeL1(s.t, index + 1, 0x0c900c02);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "both words")).containsExactly(UptChecks.NOT_GLOBAL, UptChecks.NOT_GLOBAL);
        storeL1(s.t, index, 0);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "odd word left")).containsExactly(UptChecks.NOT_GLOBAL);
        storeL1(s.t, index + 1, 0);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "both cleared")).isEmpty();

        // the same past the journal (64 writes): the step check re-reads every user word
        int linux = s.t.linuxPte(A);
        for (int i = 0; i <= UserPageTables.JOURNAL; i++) {
            s.t.setPteAt(A, linux, false);
        }
        storeL1(s.t, index + 1, 0x0c900c02);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "past the journal")).containsExactly(UptChecks.NOT_GLOBAL);
        for (int i = 0; i <= UserPageTables.JOURNAL; i++) {
            s.t.setPteAt(A, linux, false);
        }
        storeL1(s.t, index + 1, 0);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "cleared past the journal")).isEmpty();
    }

    @Test
    void aPtePageFreedUnderLiveEntriesLeavesTheirCountsAndAForkedChildsFindingsLeaveWithIt() {
        Setup s = new Setup();
        long child = s.p.fork(s.mm).value();
        UserPageTables ct = s.p.pageTables(child);
        // the child's copy of A (copied old by copy_present_pte's pte_mkold, hardware word 0)
        // made young without nG: a present user hardware PTE without nG
        assertThat(ct.hwPte(A)).isZero();
        ct.setPteAt(A, ct.linuxPte(A) | Pgtable2Level.L_PTE_YOUNG, true);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "child without nG")).containsExactly(UptChecks.NOT_GLOBAL);
        assertThat(s.p.exitMm(child).isRefused()).isFalse();
        assertThat(ids(s.p, "child gone")).isEmpty();

        // pmd_clear of A's pgd with two present PTEs under it (no zap): the parent's counters
        // still say 2 anonymous pages, its tables show none (INV-UPT-04), and both frames keep
        // mapcount 1 with no PTE (INV-UPT-06, one each)
        assertThat(s.t.freePteTable(A)).isPositive();
        bump(s.p, s.mm);
        assertThat(ids(s.p, "PTE page gone")).containsExactly(UptChecks.RSS, UptChecks.PAGE_REFS,
                UptChecks.PAGE_REFS);
        // the same pgd given a fresh (empty) PTE page again: nothing changes for the entries
        assertThat(s.p.exitMm(s.mm).isRefused()).isFalse();
        ids(s.p, "parent gone");
    }

    @Test
    void aMappedFrameMovedIntoAndOutOfThePageCacheIsCountedAgain() {
        Setup s = new Setup();
        UserPages up = s.p.memory().userPages();
        long x = Integer.toUnsignedLong(s.t.linuxPte(A)) >>> 12;
        // a shared anonymous mapping, never touched: its shmem file stays live (not reaped)
        long b = A + (2L << 20);
        assertThat(s.p.mmap(s.mm, b, 0x2000, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED)
                .value()).isEqualTo(b);
        long file = s.p.mms().get(s.mm).vmas().stream().filter(v -> v.start() == b).findFirst().orElseThrow().file();
        assertThat(file).isNotZero();
        // a page-cache page at the frame A maps (refcount 1: the cache's, mapcount 0): the PTE now
        // counts as MM_SHMEMPAGES while the counters say anonymous (INV-UPT-04), and the frame's
        // mapcount 0 and refcount 1 disagree with its one PTE (mapcount 1, refcount 2: INV-UPT-06)
        up.newShmem(x, file, 7);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "into the page cache")).containsExactly(UptChecks.RSS, UptChecks.PAGE_REFS);
        up.newAnon(x);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "anonymous again")).isEmpty();

        // the same past the touched record (4096 frames): every entry classified again, every frame read
        for (int i = 0; i < UserPages.TOUCHED_CAP / 2 + 2; i++) {
            up.map(x);
            up.unmap(x, true);
        }
        up.newShmem(x, file, 7);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "into the page cache, record overflowed"))
                .containsExactly(UptChecks.RSS, UptChecks.PAGE_REFS);
        for (int i = 0; i < UserPages.TOUCHED_CAP / 2 + 2; i++) {
            up.map(x);
            up.unmap(x, true);
        }
        up.newAnon(x);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "anonymous again, record overflowed")).isEmpty();
    }
    @Test
    void findingsOfTwoMmsAreAllReported() throws Exception {
        Setup s = new Setup();
        long child = s.p.fork(s.mm).value();
        UserPageTables ct = s.p.pageTables(child);
        int parentPte = s.t.linuxPte(A);
        int childPte = ct.linuxPte(A);
        // pte_clear of A in both mms, no zap: each mm's MM_ANONPAGES is one above its PTEs
        // (INV-UPT-04, once per mm), and A's frame keeps mapcount 2 with no PTE (INV-UPT-06)
        s.t.pteClear(A);
        ct.pteClear(A);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "both cleared")).containsExactly(UptChecks.RSS, UptChecks.RSS, UptChecks.PAGE_REFS);
        s.t.setPteAt(A, parentPte, false);
        ct.setPteAt(A, childPte, false);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "both back")).isEmpty();

        // the first-level pair of 0xc0000000 (lowmem, no vmalloc) zeroed in both mms: each
        // kernel half differs from swapper_pg_dir there (INV-UPT-05, once per mm)
        int lowmem = (int) (0xc0000000L >>> 20);
        int w0 = s.t.l1(lowmem);
        int w1 = s.t.l1(lowmem + 1);
        assertThat(w0).isNotZero();
        for (UserPageTables t : new UserPageTables[] {s.t, ct}) {
            storeL1(t, lowmem, 0);
            storeL1(t, lowmem + 1, 0);
        }
        bump(s.p, s.mm);
        assertThat(ids(s.p, "kernel pair zeroed in both")).containsExactly(UptChecks.KERNEL_HALF, UptChecks.KERNEL_HALF);
        storeL1(ct, lowmem, w0);
        storeL1(ct, lowmem + 1, w1);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "the child's put back")).containsExactly(UptChecks.KERNEL_HALF);
        storeL1(ct, lowmem, 0);
        storeL1(ct, lowmem + 1, 0);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "the child's zeroed again")).containsExactly(UptChecks.KERNEL_HALF, UptChecks.KERNEL_HALF);
        // the child exits: its findings leave with it
        assertThat(s.p.exitMm(child).isRefused()).isFalse();
        assertThat(ids(s.p, "the child gone")).containsExactly(UptChecks.KERNEL_HALF);
        storeL1(s.t, lowmem, w0);
        storeL1(s.t, lowmem + 1, w1);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "both put back")).isEmpty();
    }
    /** A step of the kernel ({@code Kernel.apply}: every subsystem's step begins, the allocator's dirty frames restart). */
    private static void step(Setup s) {
        assertThat(s.k.apply(new MmOp.Mmap(s.mm, 0, 0x1000, VmFlags.PROT_READ, ANON, 0)).isRefused()).isFalse();
    }

    @Test
    void aFrameFreedInTheBuddyAllocatorBehindItsUserIsFoundAtThatStepOrALaterOne() {
        Setup s = new Setup();
        UserMemory mem = s.p.memory();
        long table = s.t.ptePfn(A);
        long x = Integer.toUnsignedLong(s.t.linuxPte(A)) >>> 12;
        long y = Integer.toUnsignedLong(s.t.linuxPte(A + 0x1000)) >>> 12;
        step(s);
        assertThat(ids(s.p, "a step")).isEmpty();
        // within a step: A's PTE page freed while its pmd still points at it (pte_free without
        // pmd_clear); the allocator's change count moves the signal and its dirty frames name
        // the frame: INV-UPT-06, a page table that is free
        step(s);
        mem.free(table, 0);
        assertThat(ids(s.p, "PTE page freed")).containsExactly(UptChecks.PAGE_REFS);
        // within a step: a mapped user page freed (a put_page too many): INV-UPT-06, a user page that is free
        step(s);
        mem.free(x, 0);
        assertThat(ids(s.p, "user page freed")).containsExactly(UptChecks.PAGE_REFS, UptChecks.PAGE_REFS);
        // another one freed and checked only after the next step began: that step's dirty
        // frames no longer name it, yet it is found
        step(s);
        mem.free(y, 0);
        step(s);
        assertThat(ids(s.p, "user page freed a step earlier"))
                .containsExactly(UptChecks.PAGE_REFS, UptChecks.PAGE_REFS, UptChecks.PAGE_REFS);
    }

    @Test
    void aPageCachePageNobodyMapsFreedInTheBuddyAllocatorIsFound() {
        Setup s = new Setup();
        long b = A + (4L << 20);
        assertThat(s.p.mmap(s.mm, b, 0x1000, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED)
                .value()).isEqualTo(b);
        s.p.touch(s.mm, b, Access.WRITE);
        long z = Integer.toUnsignedLong(s.t.linuxPte(b)) >>> 12;
        // a child keeps the shmem file open (its copy of the VMA, no PTE: dup_mmap copies no
        // shared PTEs); the parent's unmap leaves the page in the page cache, mapped by nobody
        long child = s.p.fork(s.mm).value();
        assertThat(s.p.munmap(s.mm, b, 0x1000).isRefused()).isFalse();
        assertThat(s.p.memory().userPages().inPageCache(z)).isTrue();
        assertThat(s.p.memory().userPages().mapcount(z)).isZero();
        step(s);
        assertThat(ids(s.p, "cached, unmapped")).isEmpty();
        // within a step the page is freed in the buddy allocator behind the page cache:
        // INV-UPT-06, a user page that is free
        step(s);
        s.p.memory().free(z, 0);
        assertThat(ids(s.p, "cached page freed")).containsExactly(UptChecks.PAGE_REFS);
        assertThat(child).isPositive();
    }

    @Test
    void aFirstLevelWordIsReadAsAPageTableOnlyWhenItIsOne() throws Exception {
        Setup s = new Setup();
        long table = s.t.ptePfn(A);
        int q = 0x90; // 0x12000000: no VMA, no PTE page
        long qva = (long) q << 21;
        // a section word (type 2) whose address bits name A's PTE page: no page table, so no
        // entries under it, only INV-UPT-03's first-level finding
        storeL1(s.t, 2 * q, (int) (table << 12) | 2);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "section word")).containsExactly(UptChecks.NOT_GLOBAL);
        s.t.pteClear(qva); // a journalled write of a slot under it
        bump(s.p, s.mm);
        assertThat(ids(s.p, "a slot under the section written")).containsExactly(UptChecks.NOT_GLOBAL);
        int linux = s.t.linuxPte(A);
        for (int i = 0; i <= UserPageTables.JOURNAL; i++) {
            s.t.setPteAt(A, linux, false);
        }
        bump(s.p, s.mm);
        assertThat(ids(s.p, "past the journal")).containsExactly(UptChecks.NOT_GLOBAL);
        storeL1(s.t, 2 * q, 0);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "section gone")).isEmpty();

        // both words of q's pair pointed at A's PTE page (two pmds sharing one page): A's two
        // entries appear again at q's first two slots, outside every VMA (INV-UPT-01, twice);
        // four anonymous PTEs for MM_ANONPAGES 2 (INV-UPT-04); both frames mapped twice with
        // mapcount 1 (INV-UPT-06, twice) and writable in each of their four PTEs (INV-UPT-07)
        int w0 = s.t.l1((int) (A >>> 21) * 2);
        int w1 = s.t.l1((int) (A >>> 21) * 2 + 1);
        storeL1(s.t, 2 * q, w0);
        storeL1(s.t, 2 * q + 1, w1);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "aliased")).containsExactly(UptChecks.PTES_IN_VMAS, UptChecks.PTES_IN_VMAS,
                UptChecks.RSS, UptChecks.PAGE_REFS, UptChecks.PAGE_REFS, UptChecks.COW_READ_ONLY,
                UptChecks.COW_READ_ONLY, UptChecks.COW_READ_ONLY, UptChecks.COW_READ_ONLY);
        storeL1(s.t, 2 * q, 0);
        storeL1(s.t, 2 * q + 1, 0);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "alias gone")).isEmpty();
        // the same alias seen past the journal
        for (int i = 0; i <= UserPageTables.JOURNAL; i++) {
            s.t.setPteAt(A, linux, false);
        }
        storeL1(s.t, 2 * q, w0);
        storeL1(s.t, 2 * q + 1, w1);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "aliased past the journal")).hasSize(9);
    }

    @Test
    void oldPtesOfAForkedChildStayCountedWhenItsTablesAreReadAgainWhole() {
        Setup s = new Setup();
        long child = s.p.fork(s.mm).value();
        UserPageTables ct = s.p.pageTables(child);
        int old = ct.linuxPte(A);
        // copy_present_pte's copies are old: Linux word present, hardware word 0
        assertThat(old).isNotZero();
        assertThat(ct.hwPte(A)).isZero();
        for (int i = 0; i <= UserPageTables.JOURNAL; i++) {
            ct.setPteAt(A, old, false);
        }
        bump(s.p, s.mm);
        assertThat(ids(s.p, "the child's tables read whole")).isEmpty();
        // and the child's two PTEs leave with it
        assertThat(s.p.exitMm(child).isRefused()).isFalse();
        assertThat(ids(s.p, "child gone")).isEmpty();
    }
    @Test
    void aPmdPointedAtAUserPageAndAnExitedMmsFirstLevelFindingsComeAndGo() throws Exception {
        Setup s = new Setup();
        long x = Integer.toUnsignedLong(s.t.linuxPte(A)) >>> 12;
        int q = 0x90;
        // q's pmd pair pointed at the user page x as if it were a PTE page (a user-domain table
        // word): INV-UPT-06, a page table that is also a user page; x holds no PTE page, so no entries
        int word = (int) (x << 12) + 1024 | (s.t.l1((int) (A >>> 21) * 2) & 0x3ff);
        storeL1(s.t, 2 * q, word);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "pmd at a user page")).containsExactly(UptChecks.PAGE_REFS);
        storeL1(s.t, 2 * q, 0);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "pmd cleared")).isEmpty();

        // a forked child with a section word in its user half (INV-UPT-03) exits: the finding leaves with it
        long child = s.p.fork(s.mm).value();
        storeL1(s.p.pageTables(child), 2 * q, 0x12000c02);
        bump(s.p, s.mm);
        assertThat(ids(s.p, "child's section word")).containsExactly(UptChecks.NOT_GLOBAL);
        assertThat(s.p.exitMm(child).isRefused()).isFalse();
        assertThat(ids(s.p, "child gone")).isEmpty();

        // a child's first-level writes read by another check alone, then the child exits before
        // INV-UPT-03 looks: nothing of it is left to read
        long b = A + (4L << 20);
        assertThat(s.p.mmap(s.mm, b, 0x1000, RW, FIXED).value()).isEqualTo(b);
        child = s.p.fork(s.mm).value();
        assertThat(ids(s.p, "second child forked")).isEmpty();
        // the child's first touch of b populates a pmd: a first-level write, journalled
        s.p.touch(child, b, Access.WRITE);
        assertThat(UptChecks.ALL.get(UptChecks.PTES_IN_VMAS).apply(s.p)).isEmpty();
        assertThat(s.p.exitMm(child).isRefused()).isFalse();
        assertThat(UptChecks.ALL.get(UptChecks.NOT_GLOBAL).apply(s.p)).isEmpty();
        assertThat(ids(s.p, "second child gone")).isEmpty();
    }

    @Test
    void sixteenSlotsAndEightPmdsWrittenInOneStepAreAllRead() throws Exception {
        Setup s = new Setup();
        long b = A + (4L << 20);
        assertThat(s.p.mmap(s.mm, b, 16 * 0x1000, RW, FIXED).value()).isEqualTo(b);
        assertThat(ids(s.p, "mapped")).isEmpty();
        // sixteen write faults, one check: sixteen slots to re-read at once
        for (int i = 0; i < 16; i++) {
            s.p.touch(s.mm, b + i * 0x1000L, Access.WRITE);
        }
        assertThat(ids(s.p, "sixteen pages written")).isEmpty();
        // eight user pmds stored (section words), one check: sixteen first-level words at once
        for (int i = 0; i < 8; i++) {
            storeL1(s.t, 2 * (0x90 + i), 0x12000c02 + (i << 20));
        }
        bump(s.p, s.mm);
        assertThat(ids(s.p, "eight sections")).hasSize(8).containsOnly(UptChecks.NOT_GLOBAL);
        for (int i = 0; i < 8; i++) {
            storeL1(s.t, 2 * (0x90 + i), 0);
        }
        bump(s.p, s.mm);
        assertThat(ids(s.p, "sections gone")).isEmpty();
    }
}
