package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code /proc/PID/maps} names and columns on a hand-built mm (fs/proc/task_mmu.c
 * {@code show_map_vma}): a VMA is [heap] when {@code vm_start <= brk && vm_end >= start_brk},
 * so the bss VMA that ends at {@code start_brk} is named [heap] too; [stack] holds
 * {@code start_stack}; a shared anonymous VMA is its shmem file {@code /dev/zero (deleted)}
 * with a device and inode; the permission letters and s/p; the name after the padding to
 * column {@code 25 + sizeof(void *) * 6 - 1} and one space; [vectors] last when asked for.
 */
class MapsReportNamesTest {
    @Test
    void namesColumnsAndPadding() {
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x22000),
                0x21000, Set.of());
        int anon = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
        int rw = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
        assertThat(mm.mmap(0x21000, 0x1000, rw, anon | VmFlags.MAP_FIXED).isOk()).isTrue();
        assertThat(mm.brk(0x23800)).isEqualTo(0x23800);
        assertThat(mm.mmap(0, 0x1000, rw, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS).value()).isEqualTo(0xb6fff000L);
        assertThat(mm.mmap(0, 0x1000, VmFlags.PROT_READ | VmFlags.PROT_EXEC, anon).value()).isEqualTo(0xb6ffe000L);
        assertThat(mm.mmap(0, 0x1000, 0, anon).value()).isEqualTo(0xb6ffd000L);
        assertThat(mm.mmap(0x30000000L, 0x1000, VmFlags.PROT_WRITE, anon | VmFlags.MAP_FIXED).isOk()).isTrue();
        String expected = """
                00021000-00022000 rw-p 00000000 00:00 0          [heap]
                00022000-00024000 rw-p 00000000 00:00 0          [heap]
                30000000-30001000 -w-p 00000000 00:00 0 \n\
                b6ffd000-b6ffe000 ---p 00000000 00:00 0 \n\
                b6ffe000-b6fff000 r-xp 00000000 00:00 0 \n\
                b6fff000-b7000000 rw-s 00000000 00:01 1          /dev/zero (deleted)
                befdf000-bf000000 rw-p 00000000 00:00 0          [stack]
                """;
        assertThat(MapsReport.render(mm, false)).isEqualTo(expected);
        assertThat(MapsReport.render(mm, true)).isEqualTo(expected
                + "ffff0000-ffff1000 r-xp 00000000 00:00 0          [vectors]\n");
    }

    /** The heap test's two edges: a VMA starting at brk is [heap]; one starting a page above it is not. */
    @Test
    void theHeapTestsEdges() {
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x22000),
                0x21000, Set.of());
        int anon = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
        assertThat(mm.brk(0x23000)).isEqualTo(0x23000);
        mm.mmap(0x23000, 0x1000, VmFlags.PROT_READ, anon | VmFlags.MAP_FIXED);
        mm.mmap(0x25000, 0x1000, VmFlags.PROT_READ, anon | VmFlags.MAP_FIXED);
        mm.mmap(0x20000, 0x1000, VmFlags.PROT_READ, anon | VmFlags.MAP_FIXED);
        assertThat(MapsReport.render(mm, false)).isEqualTo("""
                00020000-00021000 r--p 00000000 00:00 0 \n\
                00022000-00023000 rw-p 00000000 00:00 0          [heap]
                00023000-00024000 r--p 00000000 00:00 0          [heap]
                00025000-00026000 r--p 00000000 00:00 0 \n\
                befdf000-bf000000 rw-p 00000000 00:00 0          [stack]
                """);
        // the stack test's edges: start_stack is stackTop - 16, held by the [stack] VMA only
        MmStruct low = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x22000),
                0, Set.of());
        low.mmap(0xbefff000L, 0x1000, VmFlags.PROT_READ, anon | VmFlags.MAP_FIXED);
        low.mmap(0xbeffe000L, 0x1000, VmFlags.PROT_WRITE, anon | VmFlags.MAP_FIXED);
        assertThat(MapsReport.render(low, false)).isEqualTo("""
                beffe000-befff000 -w-p 00000000 00:00 0 \n\
                befff000-bf000000 r--p 00000000 00:00 0          [stack]
                """);
    }
}
