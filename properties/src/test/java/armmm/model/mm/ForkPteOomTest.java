package armmm.model.mm;

import static armmm.model.mm.MmTablesProtectionTest.RW;
import static armmm.model.mm.MmTablesProtectionTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.mmu.Pgtable2Level;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A fork that gets its pgd ({@code mm_init}'s {@code mm_alloc_pgd}) but not a PTE page in
 * {@code copy_page_range} (kernel/fork.c {@code dup_mmap}, mm/memory.c {@code copy_pte_range}'s
 * {@code pte_alloc_map_lock} returning -ENOMEM): {@code dup_mmap} still ends with
 * {@code flush_tlb_mm(oldmm)}, then {@code dup_mm}'s {@code free_pt} drops the half-built child
 * with {@code mmput} ({@code exit_mmap}: its own flush, every PTE page and the pgd freed), and
 * fork returns -ENOMEM. The parent keeps what {@code copy_present_pte} did to it: its private
 * writable PTEs copied before the failure are write-protected.
 */
class ForkPteOomTest {
    /** Private anonymous, placed by get_unmapped_area (not MmTablesProtectionTest's MAP_FIXED). */
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final long PAGE = 4096;

    /**
     * A 24 MiB board filled by write faults until VM_FAULT_OOM; six order-2-aligned groups of
     * four user pages are unmapped (24 frames back), and 17 of them taken again by write faults:
     * what is left holds the pgd's order-2 block but not the four PTE pages the parent's touched
     * range spans (worked on this board; the flushes below prove which allocation failed).
     */
    @Test
    void aForkWhosePtePageCannotBeHadFlushesTheParentThenDropsTheChild() {
        Kernel k = Kernel.boot(Board.virt(24L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long a = ok(p.mmap(m, 0, 64L << 20, RW, ANON));
        Map<Long, Long> vaOf = new TreeMap<>();
        long end = a;
        for (long va = a; va < a + (64L << 20); va += PAGE) {
            if (p.touch(m, va, Access.WRITE).isRefused()) {
                break;
            }
            vaOf.put(p.pageTables(m).linuxPte(va) >>> 12 & 0xfffffL, va);
            end = va + PAGE;
        }
        int groups = 0;
        for (long pfn : List.copyOf(vaOf.keySet())) {
            if ((pfn & 3) == 0 && vaOf.containsKey(pfn) && groups < 6 && vaOf.containsKey(pfn + 1) && vaOf.containsKey(pfn + 2)
                    && vaOf.containsKey(pfn + 3)) {
                for (long i = 0; i < 4; i++) {
                    ok(p.munmap(m, vaOf.remove(pfn + i), PAGE));
                }
                groups++;
            }
        }
        assertThat(groups).isEqualTo(6);
        for (int j = 0; j < 17; j++) {
            ok(p.touch(m, end + j * PAGE, Access.WRITE));
        }
        // the lowest page still mapped: dup_mmap copies VMAs in address order, and the first PTE page was had
        long first = vaOf.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long before = AllocatedPages.of(k);
        long rss = p.anonRss(m);
        int mms = p.mms().size();
        p.beginCall();
        Result fork = p.fork(m);

        assertThat(fork).isEqualTo(Result.refused("fork: -ENOMEM"));
        List<TlbFlush> flushes = p.tlbFlushes();
        assertThat(flushes).as("dup_mmap's flush_tlb_mm(oldmm), then the child's exit_mmap").hasSize(2);
        assertThat(flushes.get(0).mm()).isEqualTo(m);
        assertThat(flushes.get(0).site()).isEqualTo(TlbFlush.Site.DUP_MMAP);
        assertThat(flushes.get(1).mm()).as("the child, never handed out").isNotEqualTo(m);
        assertThat(flushes.get(1).site()).isEqualTo(TlbFlush.Site.EXIT_MMAP);
        assertThat(p.mms()).hasSize(mms);
        assertThat(AllocatedPages.of(k)).as("the child's pgd and PTE pages given back").isEqualTo(before);
        assertThat(p.anonRss(m)).isEqualTo(rss);
        long pfn = p.pageTables(m).linuxPte(first) >>> 12 & 0xfffffL;
        assertThat(p.memory().userPages().mapcount(pfn)).as("the child's map count dropped by exit_mmap").isEqualTo(1);
        assertThat(p.pageTables(m).linuxPte(first) & Pgtable2Level.L_PTE_RDONLY)
                .as("copy_present_pte write-protected the parent's COW PTE, and nothing undoes it").isNotZero();
        assertThat(k.checkComplete()).isEmpty();
    }
}
