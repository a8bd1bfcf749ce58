package armmm.model.mm;

import static armmm.model.mm.MmTablesProtectionTest.A;
import static armmm.model.mm.MmTablesProtectionTest.ANON;
import static armmm.model.mm.MmTablesProtectionTest.P;
import static armmm.model.mm.MmTablesProtectionTest.RW;
import static armmm.model.mm.MmTablesProtectionTest.ok;
import static armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * {@code do_wp_page} (mm/memory.c) on a private anonymous page: once the forked child is gone the
 * page's only reference is the parent's, so a write reuses it in place ({@code wp_page_reuse}: the
 * PTE made writable, one page flushed); a write to the zero page takes a zeroed page
 * ({@code wp_page_copy}'s {@code alloc_zeroed_user_highpage_movable}, no copy) and counts it in
 * {@code MM_ANONPAGES}.
 */
class PageFaultWpPageTest {
    @Test
    void theLastReferenceIsReusedInPlace() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, P, RW, ANON));
        ok(p.touch(m, A, Access.WRITE));
        long c = ok(p.fork(m));
        ok(p.exitMm(c));
        UserPageTables t = p.pageTables(m);
        int before = t.linuxPte(A);
        assertThat(before & L_PTE_RDONLY).as("write-protected by fork").isNotZero();
        p.beginCall();
        ok(p.touch(m, A, Access.WRITE));
        assertThat(t.linuxPte(A) >>> 12).as("the same page").isEqualTo(before >>> 12);
        assertThat(t.linuxPte(A) & L_PTE_RDONLY).isZero();
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.PAGE, A, A + P, TlbFlush.Site.WP_PAGE_REUSE));
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aWriteToTheZeroPageTakesAZeroedPage() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        HighmemHook.Counting hook = (HighmemHook.Counting) p.memory().highmemHook();
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, P, RW, ANON));
        ok(p.touch(m, A, Access.READ));
        assertThat(p.anonRss(m)).as("the zero page: no rss").isZero();
        long clears = hook.clears();
        p.beginCall();
        ok(p.touch(m, A, Access.WRITE));
        assertThat(hook.clears()).isEqualTo(clears + 1);
        assertThat(hook.copies()).isZero();
        assertThat(p.anonRss(m)).isEqualTo(1);
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.PAGE, A, A + P, TlbFlush.Site.WP_PAGE_COPY));
        assertThat(k.check()).isEmpty();
    }
}
