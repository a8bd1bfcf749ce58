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
 * {@code do_wp_page} (mm/memory.c) on a page fork shares: {@code copy_present_pte} cleared
 * PageAnonExclusive and took a reference ({@code page_try_dup_anon_rmap}), so the first writer,
 * seeing the page neither exclusive nor of count 1, copies it ({@code wp_page_copy}: a new page,
 * the old one's reference and map count dropped, not freed while the other mm maps it); the
 * second writer then holds the only reference and reuses the page in place
 * ({@code wp_page_reuse} after {@code page_move_anon_rmap}).
 */
class CowAfterForkTest {
    @Test
    void theFirstWriterCopiesAndTheLastReusesTheSharedPage() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, P, RW, ANON));
        long shared = ok(p.touch(m, A, Access.WRITE)) >>> 12;
        long c = ok(p.fork(m));
        UserPages pages = p.memory().userPages();
        assertThat(pages.refcount(shared)).isEqualTo(2);
        assertThat(pages.mapcount(shared)).isEqualTo(2);

        long parentNew = ok(p.touch(m, A, Access.WRITE)) >>> 12;
        assertThat(parentNew).as("wp_page_copy").isNotEqualTo(shared);
        assertThat(p.pageTables(c).linuxPte(A) >>> 12).as("the child keeps the old page").isEqualTo(shared);
        assertThat(pages.refcount(shared)).as("the parent's reference dropped, the page not freed").isEqualTo(1);
        assertThat(pages.mapcount(shared)).isEqualTo(1);
        assertThat(pages.refcount(parentNew)).isEqualTo(1);
        assertThat(k.checkComplete()).isEmpty();

        long before = AllocatedPages.of(k);
        assertThat(ok(p.touch(c, A, Access.WRITE)) >>> 12).as("wp_page_reuse: the only reference").isEqualTo(shared);
        assertThat(p.pageTables(c).linuxPte(A) & L_PTE_RDONLY).isZero();
        assertThat(AllocatedPages.of(k)).as("no page taken").isEqualTo(before);
        assertThat(k.checkComplete()).isEmpty();
    }
}
