package armmm.model.mm;

import static armmm.model.mmu.Pgtable2Level.L_PTE_DIRTY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_YOUNG;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault, fork and unmap paths the other tests do not take, each with the kernel's outcome:
 * {@code shmem_fault} for a read, then the write that only sets the dirty bit
 * ({@code handle_pte_fault}'s {@code ptep_set_access_flags} and its flush, mm/memory.c); a
 * second process finding the page in the shmem page cache; the access checks of
 * {@code do_page_fault} (arch/arm/mm/fault.c: a read needs any of VM_READ, VM_WRITE, VM_EXEC);
 * {@code copy_present_pte}'s {@code pte_mkold} (the child's first access faults only to set
 * the young bit, the zero page gains no rss); {@code free_pgtables}' floor and ceiling
 * ({@code free_pgd_range}: a PTE page another VMA still uses stays); and memory running out
 * ({@code VM_FAULT_OOM}, fork's -ENOMEM with nothing left behind, {@code mm_init}'s -ENOMEM).
 */
class PageFaultPathsTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int SHARED = VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS;
    private static final long PAGE = 4096;

    private static long ok(Result r) {
        assertThat(r.isRefused()).as("%s", r).isFalse();
        return r.value();
    }

    @Test
    void aSharedPageIsReadFromThePageCacheAndAWriteOnlyDirtiesIt() {
        Kernel k = Kernel.boot(Board.virt(128L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long s = ok(p.mmap(m, 0, 2 * PAGE, RW, SHARED));
        p.beginCall();
        long pa = ok(p.touch(m, s + PAGE + 8, Access.READ));
        UserPageTables t = p.pageTables(m);
        int pte = t.linuxPte(s + PAGE);
        assertThat(pte & (L_PTE_DIRTY | L_PTE_RDONLY)).as("PAGE_SHARED, not yet dirty").isZero();
        assertThat(pte & L_PTE_YOUNG).isNotZero();
        assertThat(pa & 0xfff).isEqualTo(8);
        assertThat(p.shmemRss(m)).isEqualTo(1);
        assertThat(p.anonRss(m)).isZero();
        UserPages pages = p.memory().userPages();
        long pfn = pa >>> 12;
        assertThat(pages.inPageCache(pfn)).isTrue();
        assertThat(pages.refcount(pfn)).as("the page cache's and the mapping's").isEqualTo(2);
        assertThat(pages.mapcount(pfn)).isEqualTo(1);
        assertThat(p.tlbFlushes()).isEmpty();
        assertThat(k.check()).isEmpty();
        // the clean PTE is read-only to the hardware: the write faults and only dirties it
        p.beginCall();
        assertThat(ok(p.touch(m, s + PAGE, Access.WRITE))).isEqualTo(pfn << 12);
        assertThat(t.linuxPte(s + PAGE) & L_PTE_DIRTY).isNotZero();
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.PAGE, s + PAGE, s + 2 * PAGE,
                TlbFlush.Site.SET_ACCESS_FLAGS));
        assertThat(pages.refcount(pfn)).isEqualTo(2);
        // a child forked now does not copy the shared VMA's PTEs; its fault finds the cached page
        long c = ok(p.fork(m));
        assertThat(p.pageTables(c).linuxPte(s + PAGE)).isZero();
        assertThat(ok(p.touch(c, s + PAGE, Access.READ))).isEqualTo(pfn << 12);
        assertThat(pages.refcount(pfn)).isEqualTo(3);
        assertThat(pages.mapcount(pfn)).isEqualTo(2);
        assertThat(p.shmemRss(c)).isEqualTo(1);
        assertThat(ok(p.touch(c, s, Access.WRITE))).as("the other page of the file: a new cache page")
                .isNotEqualTo(pfn << 12);
        assertThat(ok(p.touch(m, s, Access.READ))).isEqualTo(p.pageTables(c).linuxPte(s) & ~0xfffL & 0xffffffffL);
        assertThat(k.check()).isEmpty();
        assertThat(k.checkComplete()).isEmpty();
        long before = AllocatedPages.of(k);
        p.exitMm(c);
        assertThat(AllocatedPages.of(k)).as("the child's PTE page and pgd back; the cache keeps both pages while mm %d maps the file", m)
                .isEqualTo(before - 1 - 4);
        p.munmap(m, s, 2 * PAGE);
        assertThat(pages.tracks(pfn)).as("the last mapping gone: the file and its cache with it").isFalse();
        assertThat(k.checkComplete()).isEmpty();
    }

    @Test
    void theAccessChecksOfDoPageFault() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long w = ok(p.mmap(m, 0, PAGE, VmFlags.PROT_WRITE, ANON));
        long x = ok(p.mmap(m, 0, PAGE, VmFlags.PROT_EXEC, ANON));
        long r = ok(p.mmap(m, 0, PAGE, VmFlags.PROT_READ, ANON));
        assertThat(ok(p.touch(m, w, Access.READ)) >>> 12).as("write implies read: the zero page")
                .isEqualTo(p.memory().zeroPfn());
        assertThat(ok(p.touch(m, x, Access.READ)) >>> 12).as("exec implies read").isEqualTo(p.memory().zeroPfn());
        assertThat(ok(p.touch(m, x, Access.EXEC)) >>> 12).isEqualTo(p.memory().zeroPfn());
        assertThat(((Result.Refused) p.touch(m, x, Access.WRITE)).reason()).isEqualTo("SIGSEGV SEGV_ACCERR");
        assertThat(((Result.Refused) p.touch(m, r, Access.EXEC)).reason()).isEqualTo("SIGSEGV SEGV_ACCERR");
        assertThat(((Result.Refused) p.touch(m, w, Access.EXEC)).reason()).isEqualTo("SIGSEGV SEGV_ACCERR");
        assertThat(ok(p.touch(m, w, Access.WRITE)) >>> 12).isNotEqualTo(p.memory().zeroPfn());
        assertThat(p.anonRss(m)).isEqualTo(1);
        assertThat(((Result.Refused) p.touch(m, 0xbf000000L, Access.READ)).report())
                .isEqualTo("touch: SIGSEGV (SEGV_MAPERR) at bf000000");
        assertThat(k.check()).isEmpty();
    }

    /**
     * copy_present_pte makes the child's PTEs old (pte_mkold): ARM maps an old PTE as no hardware
     * entry, so the child's first read faults, and handle_pte_fault sets the young bit and flushes
     * the page. A read-only private mapping that only ever saw the zero page gives the child no rss.
     */
    @Test
    void aForkedChildsFirstAccessOnlyMakesThePteYoung() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long a = ok(p.mmap(m, 0, 2 * PAGE, RW, ANON));
        long pa = ok(p.touch(m, a, Access.WRITE));
        long zero = ok(p.touch(m, a + PAGE, Access.READ));
        long c = ok(p.fork(m));
        UserPageTables ct = p.pageTables(c);
        assertThat(ct.linuxPte(a) & L_PTE_YOUNG).isZero();
        assertThat(ct.hwPte(a)).as("an old PTE has no hardware entry").isZero();
        assertThat(ct.linuxPte(a) & L_PTE_RDONLY).as("copy-on-write").isNotZero();
        assertThat(p.pageTables(m).linuxPte(a) & L_PTE_RDONLY).as("the parent write-protected too").isNotZero();
        assertThat(p.pageTables(m).linuxPte(a) & L_PTE_YOUNG).as("the parent's stays young").isNotZero();
        assertThat(p.anonRss(c)).as("the zero page is not counted").isEqualTo(1);
        assertThat(p.memory().userPages().exclusive(pa >>> 12)).isFalse();
        p.beginCall();
        assertThat(ok(p.touch(c, a, Access.READ))).isEqualTo(pa);
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(c, TlbFlush.Kind.PAGE, a, a + PAGE, TlbFlush.Site.SET_ACCESS_FLAGS));
        assertThat(ct.linuxPte(a) & L_PTE_YOUNG).isNotZero();
        p.beginCall();
        assertThat(ok(p.touch(c, a + PAGE, Access.READ))).isEqualTo(zero);
        assertThat(p.tlbFlushes()).hasSize(1);
        p.beginCall();
        assertThat(ok(p.touch(c, a + PAGE, Access.READ))).isEqualTo(zero);
        assertThat(p.tlbFlushes()).as("a hit: no fault").isEmpty();
        // the child's write to the zero page takes a new page (wp_page_copy from the zero page)
        long copy = ok(p.touch(c, a + PAGE, Access.WRITE));
        assertThat(copy >>> 12).isNotEqualTo(zero >>> 12);
        assertThat(p.anonRss(c)).isEqualTo(2);
        assertThat(k.check()).isEmpty();
    }

    /**
     * free_pgd_range keeps a PTE page whose pmd another VMA still covers: below the range (the
     * floor is prev->vm_end) or above it (the ceiling is next->vm_start); a VMA alone in its pmd
     * takes its PTE page with it.
     */
    @Test
    void freePgtablesKeepsAPtePageANeighbourStillUses() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long lo = 0x20000000L;
        long mid = 0x20100000L;
        long hi = 0x20300000L;
        for (long va : new long[] {lo, mid, hi}) {
            ok(p.mmap(m, va, PAGE, RW, ANON | VmFlags.MAP_FIXED));
            ok(p.touch(m, va, Access.WRITE));
        }
        UserPageTables t = p.pageTables(m);
        assertThat(t.pgtablesBytes()).as("pmds 0x20000000 and 0x20200000").isEqualTo(2 * 2048);
        long hiTable = t.ptePfn(hi);
        ok(p.munmap(m, lo, PAGE));
        assertThat(t.ptePfn(mid)).as("the ceiling, mid's start, is in the same pmd").isNotNegative();
        ok(p.mmap(m, lo, PAGE, RW, ANON | VmFlags.MAP_FIXED));
        ok(p.munmap(m, mid, PAGE));
        assertThat(t.ptePfn(lo)).as("the floor, lo's end, is in the same pmd").isNotNegative();
        assertThat(t.pgtablesBytes()).isEqualTo(2 * 2048);
        ok(p.munmap(m, hi, PAGE));
        assertThat(t.ptePfn(hi)).as("alone in its pmd").isEqualTo(-1);
        assertThat(p.memory().pages().isAllocated(hiTable)).isFalse();
        assertThat(t.pgtablesBytes()).isEqualTo(2048);
        ok(p.munmap(m, lo, PAGE));
        assertThat(t.pgtablesBytes()).isZero();
        assertThat(k.checkComplete()).isEmpty();
    }

    /**
     * A 24 MiB board: write faults until the buddy allocator says no give VM_FAULT_OOM; then a
     * fork that cannot copy its parent's PTE pages is -ENOMEM with every frame it took given
     * back, and so is a new mm whose pgd cannot be had.
     */
    @Test
    void runningOutOfMemory() {
        Kernel k = Kernel.boot(Board.virt(24L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long a = ok(p.mmap(m, 0, 64L << 20, RW, ANON));
        Result last = null;
        long n = 0;
        for (long va = a; va < a + (64L << 20); va += PAGE) {
            last = p.touch(m, va, Access.WRITE);
            if (last.isRefused()) {
                break;
            }
            n++;
        }
        assertThat(last).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) last).reason()).isEqualTo("VM_FAULT_OOM");
        assertThat(((Result.Refused) last).report()).isEqualTo(String.format(
                "touch: VM_FAULT_OOM at %08x (pagefault_out_of_memory)", a + n * PAGE));
        assertThat(p.anonRss(m)).isEqualTo(n);
        assertThat(n).as("the pages the kernel image and boot allocations left").isGreaterThan(1024);
        assertThat(k.check()).isEmpty();
        long before = AllocatedPages.of(k);
        long children = p.mms().size();
        Result fork = p.fork(m);
        assertThat(fork).isEqualTo(Result.refused("fork: -ENOMEM"));
        assertThat(p.mms()).hasSize((int) children);
        assertThat(AllocatedPages.of(k)).as("the child's pgd and PTE pages given back").isEqualTo(before);
        assertThat(p.memory().userPages().mapcount(p.pageTables(m).linuxPte(a) >>> 12 & 0xfffffL)).isEqualTo(1);
        assertThat(k.check()).isEmpty();
        // free a little, and the exhausted board still refuses a new mm's 16 KiB pgd only when no order-2 block is left
        List<Result> creates = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            creates.add(p.mmCreate(8L << 20));
        }
        assertThat(creates).contains(Result.refused("mm_create: -ENOMEM"));
        assertThat(k.checkComplete()).isEmpty();
    }
}
