package armmm.model.mm;

import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_PRIVATE;
import static armmm.model.mm.VmFlags.PROT_EXEC;
import static armmm.model.mm.VmFlags.PROT_READ;
import static armmm.model.mm.VmFlags.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Stack growth and the search for free space at their edges: {@code expand_downwards} (mm/mmap.c:
 * -EPERM under {@code mmap_min_addr} or {@code FIRST_USER_ADDRESS}, -ENOMEM within
 * {@code stack_guard_gap} of an accessible VMA below, {@code acct_stack_growth}'s
 * {@code RLIMIT_STACK}), {@code do_mprotect_pkey}'s -EACCES for a protection the VMA's
 * {@code VM_MAY*} bits forbid, {@code round_hint_to_min} and the hint test of
 * {@code arch_get_unmapped_area} (arch/arm/mm/mmap.c: {@code TASK_SIZE - len >= addr} and the
 * next VMA's {@code vm_start_gap}), and {@code unmapped_area}'s retry above a stack whose guard
 * gap the first fit would enter.
 */
class MmStructStackAndSearchTest {
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final long STACK_TOP = 0xbe957000L;
    private static final long STACK = STACK_TOP - 0x21000;
    private static final long BASE = 0xb6f63000L;
    private static final long BRK = 0x017d7000L;

    private static MmStruct topDown() {
        return MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(BASE, true, STACK_TOP, BRK), 0x21000, Set.of());
    }

    private static Vma stack(MmStruct mm) {
        return mm.vmas().get(mm.vmas().size() - 1);
    }

    @Test
    void theStackGrowsDownToFirstUserAddressAndNoFurther() {
        MmStruct mm = topDown();
        Vma grown = mm.expandDownwards(stack(mm), 0x2000);
        assertThat(grown).as("FIRST_USER_ADDRESS itself").isEqualTo(new Vma(0x2000, STACK_TOP, stack(mm).flags(), 2, 0));
        assertThat(mm.totalVm()).isEqualTo((STACK_TOP - 0x2000) / 4096);
        MmStruct low = topDown();
        long before = low.changeCount();
        assertThat(low.expandDownwards(stack(low), 0x1fff)).as("page 0x1000: under FIRST_USER_ADDRESS, -EPERM").isNull();
        assertThat(low.expandDownwards(stack(low), 0xfff)).as("page 0: under mmap_min_addr").isNull();
        assertThat(low.vmas()).containsExactly(new Vma(STACK, STACK_TOP, stack(low).flags(), STACK >>> 12, 0));
        assertThat(low.totalVm()).isEqualTo(0x21);
        assertThat(low.changeCount()).as("nothing changed").isEqualTo(before);
        Vma one = low.expandDownwards(stack(low), STACK - 1);
        assertThat(one).isEqualTo(new Vma(STACK - 0x1000, STACK_TOP, stack(low).flags(), (STACK >>> 12) - 1, 0));
        assertThat(low.changeCount()).isEqualTo(before + 1);
        assertThat(low.totalVm()).isEqualTo(0x22);
    }

    /** An unlimited stack's task touching page 0x1000: expand_downwards refuses it, bad_area gives SEGV_MAPERR. */
    @Test
    void aTouchOfThePageUnderFirstUserAddressIsASegvNotAStackThatCoversIt() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(ExecParams.RLIM_INFINITY).value();
        assertThat(p.touch(m, 0x1000, Access.WRITE)).isEqualTo(new Result.Refused("SIGSEGV SEGV_MAPERR",
                "touch: SIGSEGV (SEGV_MAPERR) at 00001000"));
        assertThat(p.mm(m).vmas()).hasSize(1);
        assertThat(p.mm(m).vmas().get(0).start()).isGreaterThan(0x2000);
        assertThat(p.touch(m, 0x2000, Access.WRITE).isRefused()).isFalse();
        assertThat(p.mm(m).vmas().get(0).start()).isEqualTo(0x2000);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theStackRlimitBoundsTheWholeStackSize() {
        MmStruct mm = topDown();
        mm.rlimitStack(0x22000);
        assertThat(mm.expandDownwards(stack(mm), STACK - 0x1001)).as("0x23000 bytes > 0x22000").isNull();
        assertThat(mm.expandDownwards(stack(mm), STACK - 0x1000).start()).as("exactly the rlimit").isEqualTo(STACK - 0x1000);
    }

    @Test
    void theGuardGapIsKeptFromAnAccessibleVmaBelowOnly() {
        long guard = 1L << 20;
        long below = STACK - guard - 0x2000;
        MmStruct mm = topDown();
        assertThat(mm.mmap(below, 0x1000, PROT_READ, ANON | MAP_FIXED).isOk()).isTrue();
        long end = below + 0x1000;
        assertThat(mm.expandDownwards(stack(mm), end + guard - 0x1000)).as("0xff000 above it").isNull();
        assertThat(mm.expandDownwards(stack(mm), end + guard).start()).as("a whole gap above it").isEqualTo(end + guard);
        MmStruct none = topDown();
        assertThat(none.mmap(below, 0x1000, 0, ANON | MAP_FIXED).isOk()).isTrue();
        assertThat(none.expandDownwards(stack(none), end).start()).as("a PROT_NONE VMA is no neighbour to keep off")
                .isEqualTo(end);
        assertThat(none.expandDownwards(stack(none), end - 1)).as("under mmap_min_addr? no: it overlaps; the gap test"
                + " does not apply to PROT_NONE, so the VMA grows down to the page holding the address").isNotNull();
    }

    @SuppressWarnings("unchecked")
    private static MmStruct withVma(Vma v) throws ReflectiveOperationException {
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(BASE, true, STACK_TOP, BRK), 0, Set.of());
        Field tree = MmStruct.class.getDeclaredField("tree");
        tree.setAccessible(true);
        ((TreeMap<Long, Vma>) tree.get(mm)).put(v.start(), v);
        Field count = MmStruct.class.getDeclaredField("mapCount");
        count.setAccessible(true);
        count.setInt(mm, 1);
        return mm;
    }

    /** A VMA without VM_MAYWRITE (a read-only file's mapping in the kernel): PROT_WRITE is -EACCES, PROT_READ is fine. */
    @Test
    void mprotectBeyondTheVmaMayBitsIsEacces() throws ReflectiveOperationException {
        long ro = VmFlags.VM_READ | VmFlags.VM_MAYREAD | VmFlags.VM_MAYEXEC;
        MmStruct mm = withVma(new Vma(0x20000000L, 0x20002000L, ro, 0x20000, 0));
        assertThat(mm.mprotect(0x20000000L, 0x2000, RW)).isEqualTo(MmResult.fail(Errno.EACCES));
        assertThat(mm.mprotect(0x20000000L, 0x1000, PROT_READ | VmFlags.PROT_EXEC)).isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(0x20000000L).flags()).isEqualTo(ro | VmFlags.VM_EXEC);
        assertThat(mm.mprotect(0x20001000L, 0x1000, 0)).isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(0x20001000L).flags()).isEqualTo(ro & ~VmFlags.VM_READ);
        assertThat(mm.mprotect(0x20000000L, 0x1000, PROT_WRITE)).isEqualTo(MmResult.fail(Errno.EACCES));
        MmStruct noExec = withVma(new Vma(0x20000000L, 0x20001000L, VmFlags.VM_READ | VmFlags.VM_MAYREAD | VmFlags.VM_MAYWRITE,
                0x20000, 0));
        assertThat(noExec.mprotect(0x20000000L, 0x1000, PROT_READ | VmFlags.PROT_EXEC)).isEqualTo(MmResult.fail(Errno.EACCES));
        assertThat(noExec.mprotect(0x20000000L, 0x1000, RW).isOk()).isTrue();
        assertThat(noExec.findVma(0x20000000L).flags() & VmFlags.VM_ACCOUNT).as("a private mapping made writable is charged")
                .isEqualTo(VmFlags.VM_ACCOUNT);
        MmStruct noRead = withVma(new Vma(0x20000000L, 0x20001000L, VmFlags.VM_MAYWRITE, 0x20000, 0));
        assertThat(noRead.mprotect(0x20000000L, 0x1000, PROT_READ)).isEqualTo(MmResult.fail(Errno.EACCES));
    }

    @Test
    void aHintIsRoundedDownAndTakenUpToTaskSizeLessTheLength() {
        MmStruct mm = topDown();
        assertThat(mm.mmap(0x20000800L, 0x1000, RW, ANON)).as("round_hint_to_min: hint &= PAGE_MASK")
                .isEqualTo(MmResult.ok(0x20000000L));
        assertThat(mm.mmap(0xbeffe000L, 0x2000, RW, ANON)).as("TASK_SIZE - len >= addr").isEqualTo(MmResult.ok(0xbeffe000L));
        MmStruct other = topDown();
        assertThat(other.mmap(0xbefff000L, 0x2000, RW, ANON)).as("one page too high: searched")
                .isEqualTo(MmResult.ok(BASE - 0x2000));
        assertThat(other.mmap(0xbeffe000L, 0x2000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(0xbeffe000L));
        assertThat(other.mmap(0xbefff000L, 0x2000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.fail(Errno.ENOMEM));
        // a hint whose end is the start of a VMA that is no stack is taken
        MmStruct next = topDown();
        next.mmap(0x30000000L, 0x1000, RW, ANON | MAP_FIXED);
        assertThat(next.mmap(0x2ffff000L, 0x1000, PROT_READ, ANON)).isEqualTo(MmResult.ok(0x2ffff000L));
        assertThat(next.mmap(0x2fffe000L, 0x2000, PROT_READ, ANON)).as("overlapping the one just mapped").isEqualTo(
                MmResult.ok(BASE - 0x2000));
        assertThat(next.mmap(0xc0000000L - 0x1000, 0x1000, RW, ANON)).as("a hint above TASK_SIZE").isEqualTo(
                MmResult.ok(BASE - 0x3000));
        assertThat(next.mmap(0, 0xc0000000L, RW, ANON)).as("len > TASK_SIZE").isEqualTo(MmResult.fail(Errno.ENOMEM));
    }

    /**
     * A legacy (bottom-up) layout with the stack at 0xb0000000: everything from mmap_base up to
     * one page short of the stack's guard gap is taken, so the first hole of two pages starts a
     * page under the gap and would end inside it; unmapped_area retries from the stack's end and
     * finds 0xb0000000. A one-page mapping still fits under the gap.
     */
    @Test
    void theBottomUpSearchRetriesAboveAStackWhoseGuardGapItsFirstFitEnters() {
        long stackTop = 0xb0000000L;
        long gapStart = stackTop - 0x21000 - (1L << 20);
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0x40000000L, false, stackTop, BRK), 0x21000, Set.of());
        assertThat(mm.mmap(0x40000000L, gapStart - 0x1000 - 0x40000000L, PROT_READ, ANON | MAP_FIXED).isOk()).isTrue();
        assertThat(mm.mmap(0, 0x2000, RW, ANON)).isEqualTo(MmResult.ok(stackTop));
        assertThat(mm.mmap(0, 0x1000, PROT_READ, ANON)).as("ends where the gap begins; merges below")
                .isEqualTo(MmResult.ok(gapStart - 0x1000));
        assertThat(VmaChecks.all(mm)).isEmpty();
        assertThat(mm.mmap(0, 0x1000, PROT_WRITE, ANON)).as("then above the first retry's mapping")
                .isEqualTo(MmResult.ok(stackTop + 0x2000));
    }

    /**
     * Top-down with mmap_base 0x40100000 and the stack at [0x40300000, 0x40321000): once nothing
     * fits under mmap_base, the search falls back to bottom-up from mmap_base
     * (arch_get_unmapped_area_topdown), where a fit ending under vm_start_gap 0x40200000 is
     * taken and one that would end inside the gap is retried above the stack.
     */
    @Test
    void theTopDownSearchStaysUnderTheGuardGapAndFallsBackToBottomUp() {
        long stackTop = 0x40321000L;
        UserLayoutConfig a = UserLayoutConfig.armmp();
        MmStruct mm = MmStruct.exec(a, new UserLayout(0x40100000L, true, stackTop, BRK), 0x21000, Set.of());
        assertThat(mm.mmap(0, 0x1000, RW, ANON)).as("under mmap_base").isEqualTo(MmResult.ok(0x400ff000L));
        assertThat(mm.mmap(0x2000, 0x400ff000L - 0x2000 - 0x1000, PROT_READ, ANON | MAP_FIXED).isOk()).isTrue();
        assertThat(mm.mmap(0, 0x1000, PROT_READ, ANON)).as("the last page under it").isEqualTo(MmResult.ok(0x400fe000L));
        assertThat(mm.mmap(0, 0x2000, PROT_WRITE, ANON)).as("from mmap_base up, ending under the gap")
                .isEqualTo(MmResult.ok(0x40100000L));
        assertThat(mm.mmap(0, 0xfe000, PROT_WRITE, ANON)).as("ending exactly at vm_start_gap")
                .isEqualTo(MmResult.ok(0x40102000L));
        assertThat(mm.mmap(0, 0x1000, PROT_EXEC, ANON)).as("a page more would enter the gap: above the stack")
                .isEqualTo(MmResult.ok(stackTop));
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    /**
     * mas_empty_area and mas_empty_area_rev skip a hole smaller than the request: bottom-up from
     * mmap_base 0x40000000 past a one-page hole at 0x40001000, top-down from mmap_base past a
     * one-page hole at mmap_base - 0x2000; an exact fit is taken.
     */
    @Test
    void bothSearchesSkipAHoleTooSmallAndTakeAnExactFit() {
        MmStruct up = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0x40000000L, false, STACK_TOP, BRK), 0x21000,
                Set.of());
        up.mmap(0x40000000L, 0x1000, PROT_READ, ANON | MAP_FIXED);
        up.mmap(0x40002000L, 0x1000, PROT_READ, ANON | MAP_FIXED);
        up.mmap(0x40005000L, 0x1000, PROT_READ, ANON | MAP_FIXED);
        assertThat(up.mmap(0, 0x2000, RW, ANON)).as("the two-page hole at 0x40003000, exactly").isEqualTo(MmResult.ok(0x40003000L));
        assertThat(up.mmap(0, 0x2000, RW, ANON)).as("then past 0x40005000").isEqualTo(MmResult.ok(0x40006000L));
        assertThat(up.mmap(0, 0x1000, PROT_EXEC, ANON)).as("the one-page hole").isEqualTo(MmResult.ok(0x40001000L));
        MmStruct down = topDown();
        down.mmap(BASE - 0x1000, 0x1000, PROT_READ, ANON | MAP_FIXED);
        down.mmap(BASE - 0x3000, 0x1000, PROT_READ, ANON | MAP_FIXED);
        down.mmap(BASE - 0x6000, 0x1000, PROT_READ, ANON | MAP_FIXED);
        assertThat(down.mmap(0, 0x2000, RW, ANON)).as("the two-page hole under BASE - 0x3000, exactly")
                .isEqualTo(MmResult.ok(BASE - 0x5000));
        assertThat(down.mmap(0, 0x2000, RW, ANON)).isEqualTo(MmResult.ok(BASE - 0x8000));
        assertThat(down.mmap(0, 0x1000, PROT_EXEC, ANON)).isEqualTo(MmResult.ok(BASE - 0x2000));
    }
}
