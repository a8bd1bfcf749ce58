package armmm.model.mm;

import static armmm.model.mm.MmTablesProtectionTest.A;
import static armmm.model.mm.MmTablesProtectionTest.P;
import static armmm.model.mm.MmTablesProtectionTest.RW;
import static armmm.model.mm.MmTablesProtectionTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every shared anonymous mapping gets a shmem file of its own ({@code shmem_zero_setup},
 * mm/shmem.c), whichever process maps it: two processes' mappings, and a forked child's new one,
 * never share a file, while the child's copy of its parent's mapping is the same file
 * ({@code dup_mmap}, kernel/fork.c, takes a reference on {@code vm_file}).
 */
class ProcessesShmemFilesTest {
    private static final int SHARED = VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED;

    @Test
    void eachSharedAnonymousMappingHasItsOwnFile() {
        Processes p = new Processes(UserLayoutConfig.armmp(), 0, Set.of());
        long m1 = ok(p.mmCreate(8L << 20));
        long m2 = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m1, A, P, RW, SHARED));
        ok(p.mmap(m2, A, P, RW, SHARED));
        long c = ok(p.fork(m1));
        assertThat(p.mm(c).findVma(A).file()).as("the child's copy").isEqualTo(p.mm(m1).findVma(A).file());
        ok(p.mmap(c, A + 0x10000, P, RW, SHARED));
        ok(p.mmap(m1, A + 0x10000, P, RW, SHARED));
        List<Long> files = List.of(p.mm(m1).findVma(A).file(), p.mm(m2).findVma(A).file(),
                p.mm(c).findVma(A + 0x10000).file(), p.mm(m1).findVma(A + 0x10000).file());
        assertThat(new HashSet<>(files)).as("%s", files).hasSize(4);
    }
}
