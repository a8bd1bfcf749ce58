package armmm.model.mm;

import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_FIXED_NOREPLACE;
import static armmm.model.mm.VmFlags.MAP_PRIVATE;
import static armmm.model.mm.VmFlags.MAP_SHARED;
import static armmm.model.mm.VmFlags.PROT_EXEC;
import static armmm.model.mm.VmFlags.PROT_READ;
import static armmm.model.mm.VmFlags.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of mm/mmap.c and mm/mprotect.c on hand-written calls, each with the kernel's outcome. */
class MmStructTest {
    static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    static final int RW = PROT_READ | PROT_WRITE;
    static final long BASE = 0xb6f63000L;
    static final long STACK_TOP = 0xbe957000L;
    static final long BRK = 0x017d7000L;

    static MmStruct topDown(Set<VmaDefect> defects) {
        return MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(BASE, true, STACK_TOP, BRK), 0x21000, defects);
    }

    static MmStruct topDown() {
        return topDown(Set.of());
    }

    @Test
    void anonymousMappingsStackDownFromMmapBaseAndMergeWithEachOther() {
        MmStruct mm = topDown();
        assertThat(mm.mmap(0, 0x10000, RW, ANON)).isEqualTo(MmResult.ok(BASE - 0x10000));
        assertThat(mm.mmap(0, 0x3000, RW, ANON)).isEqualTo(MmResult.ok(BASE - 0x13000));
        assertThat(mm.mapCount()).as("stack + one merged anonymous VMA").isEqualTo(2);
        assertThat(mm.vmas().get(0).start()).isEqualTo(BASE - 0x13000);
        assertThat(mm.vmas().get(0).pgoff()).isEqualTo((BASE - 0x13000) / 4096);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void theLegacyLayoutPlacesMappingsUpwardsFromMmapBase() {
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0x400d3000L, false, STACK_TOP, BRK), 0x21000,
                Set.of());
        assertThat(mm.mmap(0, 0x10000, RW, ANON)).isEqualTo(MmResult.ok(0x400d3000L));
        assertThat(mm.mmap(0, 0x1000, RW, ANON)).isEqualTo(MmResult.ok(0x400e3000L));
    }

    @Test
    void sharedAnonymousMappingsNeverMerge() {
        MmStruct mm = topDown();
        mm.mmap(0, 0x1000, RW, MAP_SHARED | MAP_ANONYMOUS);
        mm.mmap(0, 0x1000, RW, MAP_SHARED | MAP_ANONYMOUS);
        assertThat(mm.mapCount()).isEqualTo(3);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void aFreeHintIsTakenAndATakenOneSearches() {
        MmStruct mm = topDown();
        assertThat(mm.mmap(0x20000000L, 0x2000, RW, ANON)).isEqualTo(MmResult.ok(0x20000000L));
        assertThat(mm.mmap(0x20001000L, 0x1000, RW, ANON)).isEqualTo(MmResult.ok(BASE - 0x1000));
        assertThat(mm.mmap(0x800, 0x1000, RW, ANON)).as("a hint inside page 0 is no hint")
                .isEqualTo(MmResult.ok(BASE - 0x2000));
        UserLayoutConfig a = UserLayoutConfig.armmp();
        UserLayoutConfig minAddr64k = new UserLayoutConfig(a.taskSize(), 8, 0x10000, a.stackGuardGap(), a.stackRndMask(),
                2, false, a.maxMapCount());
        MmStruct high = MmStruct.exec(minAddr64k, new UserLayout(BASE, true, STACK_TOP, BRK), 0x21000, Set.of());
        assertThat(high.mmap(0x2000, 0x1000, RW, ANON)).as("a hint under mmap_min_addr is raised to it")
                .isEqualTo(MmResult.ok(0x10000));
    }

    @Test
    void mapFixedReplacesAndMergesBack() {
        MmStruct mm = topDown();
        long a = mm.mmap(0, 0x4000, RW, ANON).value();
        assertThat(mm.mmap(a + 0x1000, 0x1000, PROT_READ, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(a + 0x1000));
        assertThat(mm.mapCount()).isEqualTo(4);
        assertThat(mm.mmap(a + 0x1000, 0x1000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(a + 0x1000));
        assertThat(mm.mapCount()).as("the same flags and offsets: one VMA again").isEqualTo(2);
        assertThat(mm.totalVm()).isEqualTo(4 + 0x21);
    }

    @Test
    void theKernelsErrors() {
        MmStruct mm = topDown();
        long a = mm.mmap(0, 0x2000, RW, ANON).value();
        assertThat(mm.mmap(a, 0x1000, RW, ANON | MAP_FIXED_NOREPLACE)).isEqualTo(MmResult.fail(Errno.EEXIST));
        assertThat(mm.mmap(0, 0, RW, ANON)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mmap(0, 0x1000, RW, MAP_ANONYMOUS)).as("no mapping type").isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mmap(0, 0x1000, RW, MAP_PRIVATE)).as("a file").isEqualTo(MmResult.fail(Errno.EBADF));
        assertThat(mm.mmap(0x10000001L, 0x1000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mmap(0, 0x1000, RW, ANON | MAP_FIXED)).as("under mmap_min_addr").isEqualTo(MmResult.fail(Errno.EPERM));
        assertThat(mm.mmap(0xbeffe000L, 0x4000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mmap(0, 0xfffff001L, RW, ANON)).as("PAGE_ALIGN wraps to 0").isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.munmap(a + 1, 0x1000)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.munmap(a, 0)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.munmap(0x30000000L, 0x1000)).as("nothing there is fine").isEqualTo(MmResult.ok(0));
        assertThat(mm.mprotect(a + 1, 0x1000, PROT_READ)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mprotect(a, 0x1000, 0x10)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mprotect(a - 0x1000, 0x2000, PROT_READ)).as("starts in a hole").isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mprotect(a, 0, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void munmapInTheMiddleSplitsAndAtTheEdgesTrims() {
        MmStruct mm = topDown();
        long a = mm.mmap(0, 0x5000, RW, ANON).value();
        assertThat(mm.munmap(a + 0x2000, 0x1000)).isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(3);
        assertThat(mm.findVma(a + 0x2000).start()).isEqualTo(a + 0x3000);
        assertThat(mm.findVma(a + 0x3000).pgoff()).isEqualTo((a + 0x3000) / 4096);
        assertThat(mm.findVmaPrev(a + 0x2000)[1].end()).isEqualTo(a + 0x2000);
        assertThat(mm.munmap(a, 0x1001)).isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(a).start()).as("the first two pages gone, the third was already").isEqualTo(a + 0x3000);
        assertThat(mm.totalVm()).isEqualTo(2 + 0x21);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void mprotectSplitsInThreeAndMergesBack() {
        MmStruct mm = topDown();
        long a = mm.mmap(0, 0x3000, RW, ANON).value();
        assertThat(mm.mprotect(a + 0x1000, 0x1000, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(4);
        assertThat(mm.findVma(a + 0x1000).flags() & 7).isEqualTo(PROT_READ);
        assertThat(mm.mprotect(a + 0x1000, 0x1000, RW)).isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void mprotectOverAHoleChangesWhatPrecedesItAndFails() {
        MmStruct mm = topDown();
        long a = mm.mmap(0x20000000L, 0x1000, RW, ANON).value();
        mm.mmap(0x20002000L, 0x1000, RW, ANON);
        assertThat(mm.mprotect(a, 0x3000, PROT_READ)).isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.findVma(a).flags() & 7).isEqualTo(PROT_READ);
        assertThat(mm.findVma(0x20002000L).flags() & 7).isEqualTo(RW);
    }

    @Test
    void vmAccountStaysAfterWriteIsDroppedSoSuchVmasDoNotMergeWithReadOnlyOnes() {
        MmStruct mm = topDown();
        long a = mm.mmap(0x20000000L, 0x1000, RW, ANON).value();
        mm.mmap(0x20001000L, 0x1000, PROT_READ, ANON);
        assertThat(mm.mprotect(a, 0x1000, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).as("VM_ACCOUNT differs").isEqualTo(3);
        assertThat(mm.mprotect(0x20001000L, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC)).isEqualTo(MmResult.ok(0));
        assertThat(mm.mprotect(0x20001000L, 0x1000, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).as("both accounted now: merged").isEqualTo(2);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void brkGrowsInOneVmaShrinksAndRefusesBelowItsStart() {
        MmStruct mm = topDown();
        assertThat(mm.brk(0)).isEqualTo(BRK);
        assertThat(mm.brk(BRK + 0x21000)).isEqualTo(BRK + 0x21000);
        assertThat(mm.brk(BRK + 0x22000)).isEqualTo(BRK + 0x22000);
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(mm.findVma(BRK).end()).isEqualTo(BRK + 0x22000);
        assertThat(mm.brk(BRK + 0x800)).isEqualTo(BRK + 0x800);
        assertThat(mm.findVma(BRK).end()).isEqualTo(BRK + 0x1000);
        assertThat(mm.brk(BRK - 0x1000)).isEqualTo(BRK + 0x800);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void brkStopsAPageAndAGuardGapShortOfTheNextMapping() {
        MmStruct mm = topDown();
        mm.mmap(BRK + 0x10000, 0x1000, RW, ANON | MAP_FIXED);
        assertThat(mm.brk(BRK + 0xf000)).isEqualTo(BRK + 0xf000);
        assertThat(mm.brk(BRK + 0x10000)).as("newbrk + PAGE_SIZE would pass the next VMA").isEqualTo(BRK + 0xf000);
    }

    @Test
    void topDownSearchKeepsTheStackGuardGap() {
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xb7200000L, BRK),
                0x21000, Set.of());
        long stackStart = 0xb7200000L - 0x21000;
        long hint = stackStart - 0x80000;
        assertThat(mm.mmap(hint, 0x1000, RW, ANON)).as("inside the guard gap: searched elsewhere")
                .isEqualTo(MmResult.ok(0xb7000000L - 0x1000));
        assertThat(mm.mmap(stackStart - (1 << 20) - 0x1000, 0x1000, RW, ANON).value())
                .isEqualTo(stackStart - (1 << 20) - 0x1000);
    }

    @Test
    void protGrowsdownExtendsTheChangeToTheStacksStartAndOnlyThere() {
        MmStruct mm = topDown();
        long stackStart = STACK_TOP - 0x21000;
        assertThat(mm.mprotect(stackStart + 0x3000, 0x1000, PROT_READ | 0x01000000)).isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(stackStart).end()).as("[start, addr + len) changed").isEqualTo(stackStart + 0x4000);
        assertThat(mm.findVma(stackStart).flags() & 7).isEqualTo(PROT_READ);
        long a = mm.mmap(0, 0x1000, RW, ANON).value();
        assertThat(mm.mprotect(a, 0x1000, PROT_READ | 0x01000000)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(mm.mprotect(a, 0x1000, PROT_READ | 0x03000000)).isEqualTo(MmResult.fail(Errno.EINVAL));
        assertThat(VmaChecks.all(mm)).isEmpty();
    }
}
