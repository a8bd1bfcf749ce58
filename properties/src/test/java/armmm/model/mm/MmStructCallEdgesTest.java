package armmm.model.mm;

import static armmm.model.mm.MmStructTest.ANON;
import static armmm.model.mm.MmStructTest.BASE;
import static armmm.model.mm.MmStructTest.BRK;
import static armmm.model.mm.MmStructTest.RW;
import static armmm.model.mm.MmStructTest.STACK_TOP;
import static armmm.model.mm.MmStructTest.topDown;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.PROT_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of the mm system calls at their edges, in the kernel's order:
 * {@code do_mprotect_pkey} (mm/mprotect.c: both grow flags, an unaligned start, a zero length,
 * the end wrapping past 4 GiB, {@code arch_validate_prot} of include/linux/mman.h with
 * {@code PROT_SEM} allowed, no VMA at or above the start, {@code PROT_GROWSDOWN} and
 * {@code PROT_GROWSUP}, ARM having no {@code VM_GROWSUP}), {@code do_mas_munmap}'s
 * {@code start > TASK_SIZE || len > TASK_SIZE - start} (mm/mmap.c), {@code find_vma_prev},
 * {@code dup_mmap}'s copy of the bases (kernel/fork.c) and {@code setup_arg_pages}' stack VMA
 * (fs/exec.c), whole pages under the stack top.
 */
class MmStructCallEdgesTest {
    private static final int GROWSDOWN = 0x01000000;
    private static final int GROWSUP = 0x02000000;
    private static final int PROT_SEM = 0x8;
    private static final long STACK = STACK_TOP - 0x21000;

    @Test
    void mprotectRefusesInDoMprotectPkeysOrder() {
        MmStruct mm = topDown();
        long a = mm.mmap(0, 0x3000, RW, ANON).value();
        assertThat(mm.mprotect(a, 0, PROT_READ | GROWSDOWN | GROWSUP)).as("both grow flags, before the zero length")
                .isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mprotect(a + 0x800, 0, PROT_READ)).as("an unaligned start, before the zero length")
                .isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mprotect(0xfffff000L, 0x1000, PROT_READ)).as("end = start + len wraps to 0")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mprotect(a, 0xffffffffL, PROT_READ)).as("PAGE_ALIGN(len) wraps to 0: end == start")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mprotect(a, 0x1000, PROT_READ | 0x10)).as("arch_validate_prot").isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mprotect(STACK_TOP, 0x1000, PROT_READ)).as("no VMA at or above the start")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.vmas()).as("nothing changed").hasSize(2);
        assertThat(mm.mprotect(a, 0x1000, PROT_READ | PROT_SEM)).as("PROT_SEM is a valid bit without a VM_ flag")
                .isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(a)).isEqualTo(new Vma(a, a + 0x1000, mm.findVma(a).flags(), a >>> 12, 0));
        assertThat(mm.findVma(a).flags() & 7).isEqualTo(PROT_READ);
        assertThat(mm.findVma(a + 0x1000).flags() & 7).isEqualTo(RW);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void protGrowsdownNeedsAStackThatBeginsBelowTheEndAndProtGrowsupIsRefusedOnArm() {
        MmStruct mm = topDown();
        assertThat(mm.mprotect(STACK - 0x2000, 0x1000, PROT_READ | GROWSDOWN)).as("the stack starts above the end")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mprotect(STACK - 0x1000, 0x1000, PROT_READ | GROWSDOWN)).as("vm_start >= end at equality")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mprotect(STACK - 0x1000, 0x2000, PROT_READ | GROWSDOWN)).as("start becomes vm_start")
                .isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(STACK).end()).isEqualTo(STACK + 0x1000);
        assertThat(mm.findVma(STACK).flags() & 7).isEqualTo(PROT_READ);
        long a = mm.mmap(0, 0x2000, RW, ANON).value();
        assertThat(mm.mprotect(a - 0x1000, 0x2000, PROT_READ | GROWSUP)).as("vm_start > start comes first: -ENOMEM")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mprotect(a, 0x1000, PROT_READ | GROWSUP)).as("VM_GROWSUP is VM_NONE on ARM")
                .isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.findVma(a).end()).as("unchanged").isEqualTo(a + 0x2000);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void munmapTakesARangeEndingAtTaskSizeAndNothingPastIt() {
        MmStruct mm = topDown();
        long top = UserLayoutConfig.TASK_SIZE - 0x1000;
        assertThat(mm.mmap(top, 0x1000, RW, ANON | MAP_FIXED)).as("the last user page").isEqualTo(MmResult.ok(top));
        assertThat(mm.munmap(top, 0x1001)).as("len > TASK_SIZE - start").isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.munmap(UserLayoutConfig.TASK_SIZE, 0x1000)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.munmap(UserLayoutConfig.TASK_SIZE + 0x1000, 0)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(mm.munmap(top, 0x1000)).as("len == TASK_SIZE - start").isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(1);
        assertThat(mm.totalVm()).isEqualTo(0x21);
    }

    @Test
    void findVmaPrevGivesTheVmaBeforeTheOneFindVmaFinds() {
        MmStruct mm = topDown();
        long a = mm.mmap(BASE - 0x10000, 0x1000, RW, ANON | MAP_FIXED).value();
        long b = mm.mmap(BASE - 0x8000, 0x1000, PROT_READ, ANON | MAP_FIXED).value();
        Vma va = mm.findVma(a);
        Vma vb = mm.findVma(b);
        Vma stack = mm.findVma(STACK);
        assertThat(mm.findVmaPrev(0x1000)).as("below every VMA").containsExactly(va, null);
        assertThat(mm.findVmaPrev(a)).containsExactly(va, null);
        assertThat(mm.findVmaPrev(a + 0x1000)).as("in the hole above a").containsExactly(vb, va);
        assertThat(mm.findVmaPrev(b + 0xfff)).containsExactly(vb, va);
        assertThat(mm.findVmaPrev(STACK)).containsExactly(stack, vb);
        assertThat(mm.findVmaPrev(STACK_TOP)).as("above every VMA: the last is prev").containsExactly(null, stack);
        assertThat(MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(BASE, true, STACK_TOP, BRK), 0, Set.of())
                .findVmaPrev(0x1000)).as("no VMA at all").containsExactly(null, null);
    }

    @Test
    void aForkedMmHasTheSameBasesBreakAndStackLimit() {
        MmStruct mm = topDown();
        mm.rlimitStack(0x22000);
        mm.brk(BRK + 0x3000);
        MmStruct child = mm.dup();
        assertThat(child.startStack()).isEqualTo(mm.startStack()).isEqualTo(STACK_TOP - 16);
        assertThat(child.mmapBase()).isEqualTo(BASE);
        assertThat(child.topDown()).isTrue();
        assertThat(child.startBrk()).isEqualTo(BRK);
        assertThat(child.brk()).isEqualTo(BRK + 0x3000);
        assertThat(child.vmas()).isEqualTo(mm.vmas());
        assertThat(child.mapCount()).isEqualTo(2);
        assertThat(child.totalVm()).isEqualTo(0x24);
        Vma stack = child.findVma(STACK);
        assertThat(child.expandDownwards(stack, STACK - 0x1001)).as("the parent's RLIMIT_STACK").isNull();
        assertThat(child.expandDownwards(stack, STACK - 0x1000)).isNotNull();
        assertThat(mm.findVma(STACK).start()).as("the parent's stack is its own").isEqualTo(STACK);
        MmStruct legacy = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0x40000000L, false, STACK_TOP, BRK),
                0x21000, Set.of());
        assertThat(legacy.dup().topDown()).isFalse();
        assertThat(legacy.dup().mmap(0, 0x1000, RW, ANON)).as("bottom-up from mmap_base").isEqualTo(MmResult.ok(0x40000000L));
    }

    @Test
    void theStackVmaIsWholePagesUnderTheStackTop() {
        UserLayoutConfig c = UserLayoutConfig.armmp();
        UserLayout layout = new UserLayout(BASE, true, STACK_TOP, BRK);
        MmStruct none = MmStruct.exec(c, layout, 0, Set.of());
        assertThat(none.vmas()).isEmpty();
        assertThat(none.totalVm()).isZero();
        MmStruct all = MmStruct.exec(c, layout, STACK_TOP - 0x1000, Set.of());
        assertThat(all.vmas()).extracting(Vma::start, Vma::end).containsExactly(org.assertj.core.groups.Tuple.tuple(0x1000L, STACK_TOP));
        assertThat(all.totalVm()).isEqualTo((STACK_TOP - 0x1000) / 4096);
        for (long bad : new long[] {0x1001, -0x1000, STACK_TOP, STACK_TOP + 0x1000}) {
            assertThatThrownBy(() -> MmStruct.exec(c, layout, bad, Set.of())).as("stackBytes %x", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aDirectCallTakesOnly32BitArguments() {
        MmStruct mm = topDown();
        long wide = 1L << 32;
        assertThatThrownBy(() -> mm.mmap(wide, 0x1000, RW, ANON)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mm.mmap(0, -1, RW, ANON)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mm.munmap(-0x1000, 0x1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mm.munmap(0x10000, wide)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mm.mprotect(wide, 0x1000, PROT_READ)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mm.mprotect(0x10000, -1, PROT_READ)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mm.brk(wide)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mm.brk(-1)).isInstanceOf(IllegalArgumentException.class);
        long max = 0xffffffffL;
        assertThat(mm.mmap(max, 0x1000, RW, ANON | MAP_FIXED)).as("addr > TASK_SIZE - len")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.munmap(max, 0x1000)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mprotect(0x10000, max, PROT_READ)).as("PAGE_ALIGN wraps").isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.brk(max)).as("PAGE_ALIGN(brk) wraps: check_brk_limits refuses").isEqualTo(BRK);
        assertThat(mm.vmas()).hasSize(1);
    }
}
