package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Processes}' calls at the edges the other tests leave: {@code copy_pte_range}
 * (mm/memory.c) at a VMA's last page and after a pmd with no PTE page ({@code pmd_none}: the
 * walk goes on at the next pmd's first page); {@code exit_mmap} of an mm without a VMA (it
 * returns before {@code tlb_gather_mmu_fullmm}: no flush, mm/mmap.c); a shared mapping replaced
 * by {@code MAP_FIXED} (the shmem file's last {@code fput} truncates its page cache); a call that
 * must wait for a holder of the CPU or {@code mmap_lock}; {@code kernel_touch}'s kernel half,
 * which begins at {@code TASK_SIZE} and ends at 0xffffffff.
 */
class ProcessesEdgesTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int FIXED = VmFlags.MAP_FIXED;
    private static final long PAGE = 4096;
    /** A pmd boundary: 0x20000000 is 2 MiB aligned. */
    private static final long A = 0x20000000L;

    private static long ok(Result r) {
        assertThat(r.isRefused()).as("%s", r).isFalse();
        return r.value();
    }

    private static long pfn(Processes p, long mm, long va) {
        return Integer.toUnsignedLong(p.pageTables(mm).linuxPte(va)) >>> 12;
    }

    @Test
    void forkCopiesEachVmaUpToItsLastPageAndPastAPmdWithoutAPtePage() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        // one VMA over the pmd boundary at A, only its page at A written: the pmd below A has no
        // PTE page, so the copy's walk skips to A itself
        ok(p.mmap(m, A - PAGE, 2 * PAGE, RW, ANON | FIXED));
        ok(p.touch(m, A, Access.WRITE));
        // two VMAs that touch at B (different protections, so not merged), both pages written
        long b = A + (4L << 20);
        ok(p.mmap(m, b - PAGE, 2 * PAGE, RW, ANON | FIXED));
        ok(p.touch(m, b - PAGE, Access.WRITE));
        ok(p.touch(m, b, Access.WRITE));
        ok(p.mprotect(m, b, PAGE, VmFlags.PROT_READ));
        long x = pfn(p, m, A);
        long y = pfn(p, m, b);
        long c = ok(p.fork(m));
        // each private page is mapped once more by the child: mapcount 2, refcount 2
        assertThat(pfn(p, c, A)).isEqualTo(x);
        assertThat(p.memory().userPages().mapcount(x)).isEqualTo(2);
        assertThat(pfn(p, c, b)).isEqualTo(y);
        assertThat(p.memory().userPages().mapcount(y)).isEqualTo(2);
        assertThat(p.memory().userPages().refcount(y)).isEqualTo(2);
        assertThat(p.anonRss(c)).isEqualTo(3);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void anMmWithoutAVmaExitsWithoutAFlush() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.munmap(m, 0, p.config().taskSize()));
        assertThat(p.mm(m).vmas()).isEmpty();
        p.beginCall();
        ok(p.exitMm(m));
        assertThat(p.tlbFlushes()).isEmpty();
    }

    @Test
    void aSharedMappingReplacedByMapFixedLosesItsPageCacheAtOnce() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, PAGE, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS | FIXED));
        ok(p.touch(m, A, Access.WRITE));
        long s = pfn(p, m, A);
        assertThat(p.memory().userPages().inPageCache(s)).isTrue();
        ok(p.mmap(m, A, PAGE, RW, ANON | FIXED));
        assertThat(p.memory().userPages().tracks(s)).isFalse();
        assertThat(p.memory().userPages().hasCachedFiles()).isFalse();
    }

    @Test
    void aCallWaitsWhileAHolderBlocksIt() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, PAGE, RW, ANON | FIXED));
        assertThat(p.checkHeld("touch", m, 0, true)).isNull();
        p.holder((call, mm, cpu, fault) -> mm == m ? "mmap_lock held by cpu 1" : null);
        assertThat(p.checkHeld("touch", m, 0, true)).isEqualTo(Result.refused("touch: mmap_lock held by cpu 1"));
        assertThat(p.checkHeld("touch", m + 1, 0, true)).isNull();
        // a fault of that mm waits: nothing is mapped
        assertThat(p.touchOn(m, A, Access.READ, 0)).isEqualTo(Result.refused("touch: mmap_lock held by cpu 1"));
        assertThat(p.pageTables(m).linuxPte(A)).isZero();
        // released: the read fault maps the zero page
        p.holder(null);
        assertThat(p.touchOn(m, A, Access.READ, 0).isRefused()).isFalse();
        assertThat(Integer.toUnsignedLong(p.pageTables(m).linuxPte(A)) >>> 12).isEqualTo(p.memory().zeroPfn());
        // a plain model (no page tables) begins a call without a page allocator to step
        Processes plain = new Processes(UserLayoutConfig.armmp(), 0, Set.of());
        plain.beginCall();
        assertThat(plain.tlbFlushes()).isEmpty();
    }

    @Test
    void kernelTouchTakesEveryAddressFromTaskSizeTo0xffffffff() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long top = p.config().taskSize();
        // neither end is "not a kernel address": each is walked (no module is loaded at
        // MODULES_VADDR == TASK_SIZE, nothing is mapped at 0xfffff000: both oops)
        for (long va : new long[] {top, 0xffffffffL}) {
            Result r = p.kernelTouch(m, va);
            assertThat(r).isInstanceOf(Result.Refused.class);
            assertThat(((Result.Refused) r).report()).startsWith(String.format(
                    "Unable to handle kernel paging request at virtual address %08x", va));
        }
        assertThat(p.kernelTouch(m, top - 1)).isEqualTo(
                Result.refused("kernel_touch: not a kernel address (TASK_SIZE and up)"));
    }
}
