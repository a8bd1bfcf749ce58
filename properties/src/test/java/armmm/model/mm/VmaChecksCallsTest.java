package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Violation;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * INV-VMA-06 and INV-VMA-07, which judge the current call, on call records set by hand beside
 * the VMAs they are judged against: which {@code mprotect} calls are judged at all (a
 * page-aligned start, a non-empty range that does not wrap, only PROT_READ/WRITE/EXEC/SEM, not
 * -EACCES), -ENOMEM only over a hole or at {@code max_map_count}, success only without a hole
 * and with every VMA of the range carrying the new read/write/exec bits
 * (mm/mprotect.c {@code do_mprotect_pkey}); and an {@code mmap} without MAP_FIXED never ending
 * inside {@code vm_start_gap} of the stack above it (mm/mmap.c {@code unmapped_area}).
 */
class VmaChecksCallsTest {
    private static final long RW = VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_MAYREAD | VmFlags.VM_MAYWRITE
            | VmFlags.VM_MAYEXEC;
    private static final long A = 0x20000000L;

    private static MmStruct mm(int maxMapCount) {
        UserLayoutConfig a = UserLayoutConfig.armmp();
        UserLayoutConfig c = new UserLayoutConfig(a.taskSize(), 8, 4096, a.stackGuardGap(), a.stackRndMask(), 2, false,
                maxMapCount);
        return MmStruct.exec(c, new UserLayout(0xb7000000L, true, 0xbf000000L, 0x22000), 0x21000, Set.of());
    }

    private static void set(MmStruct mm, String field, Object value) throws ReflectiveOperationException {
        Field f = MmStruct.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(mm, value);
    }

    private static List<Violation> mprotect(MmStruct mm, long start, long len, int prot, List<Vma> before, MmResult r)
            throws ReflectiveOperationException {
        set(mm, "lastMprotect", new MmStruct.MprotectCall(start, len, prot, before, r));
        return VmaChecks.mprotectResult(mm);
    }

    private static List<String> reasons(List<Violation> v) {
        return v.stream().map(Violation::reason).toList();
    }

    @Test
    void whichMprotectCallsAreJudgedAndHow() throws ReflectiveOperationException {
        MmStruct mm = mm(65530);
        mm.mmap(A, 0x3000, 3, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED);
        mm.beginCall();
        assertThat(VmaChecks.mprotectResult(mm)).as("no mprotect in this call").isEmpty();
        List<Vma> covered = mm.vmas();
        MmResult enomem = MmResult.fail(Errno.ENOMEM);
        assertThat(reasons(mprotect(mm, A, 0x3000, 1, covered, enomem)))
                .containsExactly("mprotect -ENOMEM over a range VMAs covered");
        assertThat(mprotect(mm, A, 0x3000, 1, covered, enomem).get(0).details())
                .isEqualTo("mprotect(0x20000000, 0x3000, 1) = -ENOMEM");
        assertThat(mprotect(mm, A + 1, 0x3000, 1, covered, enomem)).as("unaligned start: -EINVAL's").isEmpty();
        assertThat(mprotect(mm, A, 0, 1, covered, enomem)).as("empty range").isEmpty();
        assertThat(mprotect(mm, A, 0x3000, 0x10, covered, enomem)).as("an unknown PROT bit").isEmpty();
        assertThat(mprotect(mm, A, 0x3000, 0x01000000, covered, enomem)).as("PROT_GROWSDOWN").isEmpty();
        assertThat(reasons(mprotect(mm, A, 0x3000, VmFlags.PROT_SEM | 1, covered, enomem))).as("PROT_SEM is ignored")
                .hasSize(1);
        assertThat(mprotect(mm, 0xfffff000L, 0x2000, 1, covered, enomem)).as("a range that wraps").isEmpty();
        assertThat(mprotect(mm, A, 0x3000, 1, covered, MmResult.fail(Errno.EACCES))).isEmpty();
        assertThat(mprotect(mm, A, 0x3000, 1, covered, MmResult.fail(Errno.EINVAL))).as("only -ENOMEM is judged").isEmpty();
        assertThat(mprotect(mm, A, 0x4000, 1, covered, enomem)).as("the last page lay in no VMA").isEmpty();
        assertThat(mprotect(mm, A - 0x1000, 0x2000, 1, covered, enomem)).as("the first page lay in no VMA").isEmpty();
        assertThat(reasons(mprotect(mm, A, 0x2001, 1, covered, enomem))).as("len rounds up to 0x3000, still covered")
                .hasSize(1);
        MmStruct tight = mm(4);
        tight.mmap(A, 0x3000, 3, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED);
        assertThat(mprotect(tight, A + 0x1000, 0x1000, 1, tight.vmas(), enomem)).as("2 VMAs + 2 splits = 4: judged")
                .hasSize(1);
        MmStruct tighter = mm(3);
        tighter.mmap(A, 0x3000, 3, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED);
        assertThat(mprotect(tighter, A + 0x1000, 0x1000, 1, tighter.vmas(), enomem)).as("a split could pass the limit")
                .isEmpty();
        // success: over a hole, or leaving a VMA of the range with other rwx bits
        List<Violation> hole = mprotect(mm, A, 0x4000, 3, covered, MmResult.ok(0));
        assertThat(reasons(hole)).containsExactly("mprotect succeeded over a hole");
        assertThat(hole.get(0).details()).isEqualTo("mprotect(0x20000000, 0x4000, 3) = 0x0, page 0x20003000 was in no VMA");
        assertThat(mprotect(mm, A, 0x3000, 3, covered, MmResult.ok(0))).as("rw- as asked").isEmpty();
        List<Violation> unchanged = mprotect(mm, A + 0x1000, 0x1000, 1, covered, MmResult.ok(0));
        assertThat(reasons(unchanged)).containsExactly("mprotect succeeded but left a VMA of the range unchanged");
        assertThat(unchanged.get(0).details()).isEqualTo("mprotect(0x20001000, 0x1000, 1) = 0x0, " + mm.findVma(A));
        assertThat(mprotect(mm, A + 0x3000, 0x1000, 1, List.of(new Vma(A + 0x3000, A + 0x4000, RW, 0, 0)), MmResult.ok(0)))
                .as("no VMA of the range now: nothing left unchanged").isEmpty();
        // firstUncovered over several VMAs, one of them below the range
        List<Vma> three = List.of(new Vma(A - 0x2000, A - 0x1000, RW, 0, 0), new Vma(A, A + 0x1000, RW, 0, 0),
                new Vma(A + 0x1000, A + 0x3000, RW, 0, 0));
        assertThat(mprotect(mm, A, 0x3000, 3, three, MmResult.ok(0))).as("two touching VMAs cover it").isEmpty();
        List<Vma> gap = List.of(new Vma(A, A + 0x1000, RW, 0, 0), new Vma(A + 0x2000, A + 0x3000, RW, 0, 0));
        assertThat(mprotect(mm, A, 0x3000, 3, gap, MmResult.ok(0)).get(0).details()).endsWith("page 0x20001000 was in no VMA");
        assertThat(mprotect(mm, A, 0x3000, 3, List.of(), MmResult.ok(0)).get(0).details()).endsWith("page 0x20000000 was in no VMA");
    }

    private static List<Violation> mmapped(MmStruct mm, long addr, long len, int flags, MmResult r)
            throws ReflectiveOperationException {
        set(mm, "lastMmap", new MmStruct.MmapCall(addr, len, 3, flags, r));
        return VmaChecks.stackGapKept(mm);
    }

    /** The stack is [0xbefdf000, 0xbf000000), its gap from 0xbeedf000 (stack_guard_gap 1 MiB). */
    @Test
    void anMmapWithoutMapFixedStaysOutOfTheStackGuardGap() throws ReflectiveOperationException {
        MmStruct mm = mm(65530);
        int anon = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
        long gapStart = 0xbeedf000L;
        assertThat(VmaChecks.stackGapKept(mm)).isEmpty();
        assertThat(mmapped(mm, 0, 0x1000, anon, MmResult.ok(gapStart - 0x1000))).as("ends where the gap begins").isEmpty();
        List<Violation> in = mmapped(mm, 0, 0x1000, anon, MmResult.ok(gapStart));
        assertThat(reasons(in)).containsExactly("mmap placed a range in the stack guard gap");
        assertThat(in.get(0).details()).isEqualTo("mmap(0x0, 0x1000) = 0xbeedf000, end 0xbeee0000, stack "
                + mm.vmas().get(0) + ", stack_guard_gap 0x100000");
        assertThat(mmapped(mm, 0, 0x1001, anon, MmResult.ok(gapStart - 0x1000)).get(0).details())
                .as("the length is page-aligned: its end is in the gap").contains("end 0xbeee0000");
        assertThat(mmapped(mm, 0, 0x800, anon, MmResult.ok(gapStart - 0x1000))).isEmpty();
        assertThat(mmapped(mm, 0, 0x1000, anon | VmFlags.MAP_FIXED, MmResult.ok(gapStart))).isEmpty();
        assertThat(mmapped(mm, 0, 0x1000, anon | VmFlags.MAP_FIXED_NOREPLACE, MmResult.ok(gapStart))).isEmpty();
        assertThat(mmapped(mm, 0, 0x1000, anon, MmResult.fail(Errno.ENOMEM))).isEmpty();
        assertThat(mmapped(mm, 0, 0x1000, anon, MmResult.ok(0xbe001000L))).as("far under the gap").isEmpty();
        mm.mmap(0xbef00000L, 0x1000, 3, anon | VmFlags.MAP_FIXED);
        assertThat(mmapped(mm, 0, 0x1000, anon, MmResult.ok(gapStart))).as("the next VMA above is no stack").isEmpty();
        // a stack under 1 MiB: its gap starts at 0 (vm_start_gap clamps), every range below it is in it
        MmStruct low = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0x80000, 0x22000), 0x21000,
                Set.of());
        assertThat(mmapped(low, 0, 0x1000, anon, MmResult.ok(0x10000))).hasSize(1);
        assertThat(mmapped(low, 0, 0x1000, anon, MmResult.ok(0x80000))).as("above the stack").isEmpty();
    }
}
