package armmm.model.mm;

import static armmm.model.mm.MmTablesProtectionTest.A;
import static armmm.model.mm.MmTablesProtectionTest.ANON;
import static armmm.model.mm.MmTablesProtectionTest.RW;
import static armmm.model.mm.MmTablesProtectionTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two ways a user access reaches memory. Through the MMU: only an address below
 * {@code TASK_SIZE} of a live mm with page tables goes through the TLB path a TLB model installs
 * (the hardware walk of TTBR0, arch/arm/mm/fault.c {@code do_page_fault} when it faults); every
 * other touch enters the fault handler's checks at once. And the user pages a fault takes on a
 * board with HighMem: {@code GFP_HIGHUSER_MOVABLE} pages at or above {@code max_low_pfn} have no
 * linear address, so {@code clear_user_highpage} and {@code copy_user_highpage}
 * (include/linux/highmem.h) map each through {@code kmap_local_page}.
 */
class UserAccessAndHighPagesTest {
    private static final Result MARK = Result.of(0xabcL);

    @Test
    void onlyAUserAddressOfALiveMmWithTablesTakesTheTlbPath() {
        Processes p = Kernel.boot(Board.virt(64L << 20), Bugs.NONE).state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, 0x1000, RW, ANON));
        List<Long> seen = new ArrayList<>();
        p.userAccessPath((mm, va, access, cpu, fault) -> {
            seen.add(va);
            return va == A ? null : MARK;
        });
        long top = UserLayoutConfig.TASK_SIZE;
        assertThat(p.touchOn(m, 0, Access.READ, 0)).isEqualTo(MARK);
        assertThat(p.touchOn(m, top - 1, Access.READ, 0)).isEqualTo(MARK);
        assertThat(p.touchOn(m, top, Access.READ, 0).isRefused()).as("a kernel address: the fault handler").isTrue();
        assertThat(p.touchOn(m, -1, Access.READ, 0)).isEqualTo(p.touch(m, -1, Access.READ));
        assertThat(p.touchOn(m + 1, 0x1000, Access.READ, 0)).isEqualTo(p.touch(m + 1, 0x1000, Access.READ));
        assertThat(p.touchOn(m, A, Access.WRITE, 0).isRefused()).as("no CPU runs it: the fault handler maps the page")
                .isFalse();
        assertThat(seen).containsExactly(0L, top - 1, A);
        p.runningMm(cpu -> m + 5);
        assertThat(p.touchOn(m, A, Access.READ, 0).isRefused()).as("cpu 0 runs another mm").isTrue();
        assertThat(seen).hasSize(3);

        Processes bare = new Processes(UserLayoutConfig.armmp(), 0, Set.of());
        long b = ok(bare.mmCreate(8L << 20));
        bare.userAccessPath((mm, va, access, cpu, fault) -> MARK);
        assertThat(bare.touchOn(b, A, Access.READ, 0)).as("no page tables: not the TLB path")
                .isEqualTo(bare.touch(b, A, Access.READ));
    }

    @Test
    void userPagesAboveMaxLowPfnAreClearedAndCopiedThroughKmap() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        UserMemory mem = p.memory();
        long maxLow = mem.pages().layout().maxLowPfn();
        HighmemHook.Counting hook = (HighmemHook.Counting) mem.highmemHook();
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, 0x3000, RW, ANON));
        for (long va = A; va < A + 0x3000; va += 0x1000) {
            ok(p.touch(m, va, Access.WRITE));
        }
        long pfn0 = Integer.toUnsignedLong(p.pageTables(m).linuxPte(A)) >>> 12;
        long high = 0;
        for (long va = A; va < A + 0x3000; va += 0x1000) {
            high += (Integer.toUnsignedLong(p.pageTables(m).linuxPte(va)) >>> 12) >= maxLow ? 1 : 0;
        }
        assertThat(high).as("GFP_HIGHUSER_MOVABLE on a 1 GiB board: HighMem first").isEqualTo(3);
        assertThat(pfn0).isGreaterThanOrEqualTo(maxLow);
        assertThat(mem.highUserPages()).isEqualTo(3);
        assertThat(hook.clears()).isEqualTo(3);
        assertThat(hook.highClears()).isEqualTo(3);
        assertThat(hook.highKmaps()).isEqualTo(3);
        long c = ok(p.fork(m));
        ok(p.touch(c, A, Access.WRITE));
        assertThat(hook.copies()).as("wp_page_copy of the shared page").isEqualTo(1);
        assertThat(hook.highKmaps()).as("both pages HighMem: two kmaps").isEqualTo(5);
        assertThat(mem.highUserPages()).isEqualTo(4);
        assertThat(k.check()).isEmpty();

        Processes low = Kernel.boot(Board.virt(64L << 20), Bugs.NONE).state(Processes.class);
        HighmemHook.Counting lowHook = (HighmemHook.Counting) low.memory().highmemHook();
        long l = ok(low.mmCreate(8L << 20));
        ok(low.mmap(l, A, 0x1000, RW, ANON));
        ok(low.touch(l, A, Access.WRITE));
        long lc = ok(low.fork(l));
        ok(low.touch(lc, A, Access.WRITE));
        assertThat(lowHook.clears()).isEqualTo(1);
        assertThat(lowHook.copies()).isEqualTo(1);
        assertThat(lowHook.highKmaps()).as("all lowmem: no kmap").isZero();
        assertThat(low.memory().highUserPages()).isZero();
    }
}
