package armmm.model.mm;

import static armmm.model.mm.MmTablesProtectionTest.RW;
import static armmm.model.mm.MmTablesProtectionTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * {@code shmem_fault} finds its page by {@code vmf->pgoff}, which {@code linear_page_index}
 * (include/linux/pagemap.h) makes {@code ((address - vm_start) >> PAGE_SHIFT) + vm_pgoff}; a
 * shared anonymous mapping's piece left after its first page is unmapped keeps
 * {@code vm_pgoff} 1 ({@code __split_vma}, mm/mmap.c), and a forked child shares the parent's
 * shmem file ({@code dup_mmap}), so its faults find the parent's pages (mm/shmem.c
 * {@code shmem_get_folio_gfp} looking the index up in the page cache).
 */
class ShmemFaultIndexTest {
    private static final int SHARED = VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS;
    private static final long PAGE = 4096;

    @Test
    void aChildFaultingASplitSharedMappingFindsTheParentsPageOfTheSameFileIndex() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long s = ok(p.mmap(m, 0, 3 * PAGE, RW, SHARED));
        long[] frame = new long[3];
        for (int i = 0; i < 3; i++) {
            frame[i] = ok(p.touch(m, s + i * PAGE, Access.WRITE)) >>> 12;
        }
        assertThat(frame).doesNotHaveDuplicates();
        ok(p.munmap(m, s, PAGE));
        long c = ok(p.fork(m));
        assertThat(p.pageTables(c).linuxPte(s + PAGE)).as("vma_needs_copy: a shared VMA's PTEs are not copied").isZero();
        assertThat(ok(p.touch(c, s + 2 * PAGE + 12, Access.READ))).isEqualTo(frame[2] << 12 | 12);
        assertThat(ok(p.touch(c, s + PAGE, Access.READ)) >>> 12).as("index 1, the piece's vm_pgoff").isEqualTo(frame[1]);
        assertThat(p.memory().userPages().mapcount(frame[2])).as("parent and child").isEqualTo(2);
        assertThat(p.shmemRss(c)).isEqualTo(2);
        assertThat(k.checkComplete()).isEmpty();
    }
}
