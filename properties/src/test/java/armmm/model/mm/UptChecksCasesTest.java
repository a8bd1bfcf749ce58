package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each rule of the user page-table checks (INV-UPT-02 to 07) on hand-made words, each failing
 * case beside the allowed one next to it. The bits are those of
 * arch/arm/include/asm/pgtable-2level.h (Linux: PRESENT 0, YOUNG 1, DIRTY 6, RDONLY 7, USER 8,
 * XN 9, NONE 11) and pgtable-2level-hwdef.h (hardware small page: XN 0, AP0 4, AP1 5, APX 9,
 * nG 11; a first-level page-table word: type 0b01, domain in bits 5 to 8; a section's APX bit 15).
 */
class UptChecksCasesTest {
    private static final long MAY = VmFlags.VM_MAYREAD | VmFlags.VM_MAYWRITE | VmFlags.VM_MAYEXEC;
    private static final int PRESENT_YOUNG = 0x3;
    private static final int L_DIRTY = 1 << 6;
    private static final int L_RDONLY = 1 << 7;
    private static final int L_USER = 1 << 8;
    private static final int L_XN = 1 << 9;
    private static final int L_NONE = 1 << 11;
    private static final int HW_XN = 1;
    private static final int HW_AP1 = 1 << 5;
    private static final int HW_APX = 1 << 9;
    private static final int HW_NG = 1 << 11;

    private static String wider(int l, int h, long f) {
        Violation v = UptChecks.widerThanVma(1, 0x10000, l, h, f);
        if (v == null) {
            return null;
        }
        assertThat(v.id()).isEqualTo("INV-UPT-02");
        assertThat(v.reason()).isEqualTo("a user PTE wider than its VMA");
        return v.details();
    }

    @Test
    void aPteMayGrantNoMoreThanItsVma() {
        int userRo = PRESENT_YOUNG | L_USER | L_RDONLY | L_XN;
        assertThat(wider(userRo, 0, MAY)).isEqualTo(
                "mm 1, 00010000: user-accessible in a PROT_NONE VMA: linux 00000383 hw 00000000, vm_flags 0x70");
        assertThat(wider(userRo | L_NONE, 0, MAY)).as("L_PTE_NONE: not user-accessible").isNull();
        assertThat(wider(0, HW_AP1, MAY)).isEqualTo(
                "mm 1, 00010000: user-accessible in a PROT_NONE VMA: linux 00000000 hw 00000020, vm_flags 0x70");
        assertThat(wider(0, 0x12, MAY)).as("a hardware entry without AP[1]: kernel only").isNull();
        long r = VmFlags.VM_READ | MAY;
        assertThat(wider(PRESENT_YOUNG | L_USER | L_XN, 0, r)).startsWith("mm 1, 00010000: writable in a VMA without VM_WRITE");
        assertThat(wider(userRo, HW_AP1 | HW_XN, r)).startsWith("mm 1, 00010000: writable in a VMA without VM_WRITE");
        assertThat(wider(userRo, HW_AP1 | HW_APX | HW_XN, r)).as("read-only everywhere").isNull();
        long rw = VmFlags.VM_READ | VmFlags.VM_WRITE | MAY;
        assertThat(wider(PRESENT_YOUNG | L_USER | L_DIRTY, 0, rw)).startsWith("mm 1, 00010000: executable in a VMA without VM_EXEC");
        assertThat(wider(userRo, HW_AP1 | HW_APX, rw)).startsWith("mm 1, 00010000: executable in a VMA without VM_EXEC");
        assertThat(wider(PRESENT_YOUNG | L_USER | L_DIRTY | L_XN, HW_AP1 | HW_XN | HW_NG, rw)).isNull();
        long rwx = rw | VmFlags.VM_EXEC;
        String more = "mm 1, 00010000: the hardware entry grants more than the Linux one";
        assertThat(wider(PRESENT_YOUNG | L_USER | L_RDONLY, HW_AP1 | HW_NG, rwx)).startsWith(more);
        assertThat(wider(PRESENT_YOUNG, HW_AP1 | HW_APX | HW_XN, rwx)).startsWith(more);
        assertThat(wider(userRo, HW_AP1 | HW_APX, rwx)).startsWith(more);
        assertThat(wider(PRESENT_YOUNG | L_USER | L_DIRTY, HW_AP1 | HW_NG, rwx)).as("the same grant both ways").isNull();
        assertThat(wider(PRESENT_YOUNG | L_USER | L_DIRTY, 0, rwx)).as("an old entry: no hardware one").isNull();
    }

    @Test
    void aUserMappingCarriesNotGlobalAndEveryUserFirstLevelWordIsATableOfTheUserDomain() throws Exception {
        assertThat(UptChecks.notGlobalPte(1, 0x10000, 0)).isNull();
        assertThat(UptChecks.notGlobalPte(1, 0x10000, HW_AP1 | HW_NG)).isNull();
        assertThat(UptChecks.notGlobalPte(2, 0x10000, HW_AP1)).isEqualTo(new Violation("INV-UPT-03",
                "a user mapping not tagged with the ASID", "mm 2, 00010000: nG clear in hw 00000020"));
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        UserPageTables t = p.pageTables(m);
        assertThat(UptChecks.notGlobalL1(m, t)).isEmpty();
        Field f = UserPageTables.class.getDeclaredField("l1");
        f.setAccessible(true);
        int[] l1 = (int[]) f.get(t);
        l1[2] = 0x4000_0000 | 0x11 | (1 << 5);
        assertThat(UptChecks.notGlobalL1(m, t)).as("a table in domain 1").isEmpty();
        l1[3] = 0x4000_0400 | 0x11;
        l1[5] = 0x4010_0000 | 0x2 | (1 << 5);
        l1[2 * UserPageTables.USER_PTRS_PER_PGD - 1] = 0x4000_0000 | 0x11 | (2 << 5);
        assertThat(UptChecks.notGlobalL1(m, t)).containsExactly(
                new Violation("INV-UPT-03", "a user mapping not tagged with the ASID",
                        "mm 1, 00300000: first-level word 40000411 is not a page table in the user domain"),
                new Violation("INV-UPT-03", "a user mapping not tagged with the ASID",
                        "mm 1, 00500000: first-level word 40100022 is not a page table in the user domain"),
                new Violation("INV-UPT-03", "a user mapping not tagged with the ASID",
                        "mm 1, bef00000: first-level word 40000051 is not a page table in the user domain"));
    }

    @Test
    void theRssCountersMustBeThePresentPtes() {
        assertThat(UptChecks.rssDisagrees(1, 2, 1, 2, 1)).isNull();
        Violation v = new Violation("INV-UPT-04", "rss counters disagree with the present PTEs",
                "mm 3: MM_ANONPAGES 3 for 2 anonymous PTEs, MM_SHMEMPAGES 1 for 1 shmem PTEs");
        assertThat(UptChecks.rssDisagrees(3, 3, 1, 2, 1)).isEqualTo(v);
        assertThat(UptChecks.rssDisagrees(3, 2, 0, 2, 1)).isNotNull();
    }

    /**
     * INV-UPT-05's two allowances: a vmalloc pmd pair the mm does not have yet while its
     * vmalloc_seq is behind init_mm's, and a kernel section differing in APX alone.
     */
    @Test
    void theKernelHalfEqualsSwappersSaveTheTwoAllowances() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        UserPageTables t = p.pageTables(m);
        UserMemory mem = p.memory();
        assertThat(UptChecks.kernelHalf(mem, m, t)).isEmpty();
        Field f = UserPageTables.class.getDeclaredField("l1");
        f.setAccessible(true);
        int[] l1 = (int[]) f.get(t);
        int i = 0xc00;
        int sect = mem.swapper().l1(i);
        assertThat(sect & 3).as("lowmem is mapped by sections").isEqualTo(2);
        l1[i] ^= 1 << 15;
        assertThat(UptChecks.kernelHalf(mem, m, t)).as("set_kernel_text_rw/ro: APX alone").isEmpty();
        l1[i + 1] ^= 1 << 15;
        assertThat(UptChecks.kernelHalf(mem, m, t)).isEmpty();
        l1[i + 1] ^= 1 << 10;
        assertThat(UptChecks.kernelHalf(mem, m, t)).containsExactly(new Violation("INV-UPT-05",
                "a kernel pgd entry differs from swapper_pg_dir's", String.format(
                        "mm 1, c0000000: mm %08x %08x, swapper %08x %08x, vmalloc_seq 0 of 0", sect ^ (1 << 15),
                        mem.swapper().l1(i + 1) ^ (1 << 15) ^ (1 << 10), sect, mem.swapper().l1(i + 1))));
        l1[i] = sect;
        l1[i + 1] = mem.swapper().l1(i + 1);
        // vmalloc populates new pmds in swapper after the mm copied its half: the mm lags, allowed
        long va = 0;
        for (int n = 0; n < 3; n++) {
            va = k.apply(new armmm.model.vmalloc.VmallocOp.VmallocCall(3L << 20)).value();
        }
        int w = (int) (va >>> 21) * 2;
        assertThat(mem.swapper().l1(w)).isNotZero();
        assertThat(t.l1(w)).isZero();
        assertThat(t.vmallocSeq()).isLessThan(mem.vmallocSeq());
        assertThat(UptChecks.kernelHalf(mem, m, t)).isEmpty();
        l1[w] = 0x11;
        assertThat(UptChecks.kernelHalf(mem, m, t)).as("a lagging pair must be empty").hasSize(1);
        l1[w] = 0;
        Field seq = UserPageTables.class.getDeclaredField("vmallocSeq");
        seq.setAccessible(true);
        seq.setInt(t, mem.vmallocSeq());
        List<Violation> notBehind = UptChecks.kernelHalf(mem, m, t);
        assertThat(notBehind).as("not behind: the missing pairs are findings").isNotEmpty();
        assertThat(messages(notBehind)).contains(String.format("mm 1, %08x: mm 00000000 00000000, swapper %08x %08x,"
                + " vmalloc_seq %d of %d", (long) w << 20, mem.swapper().l1(w), mem.swapper().l1(w + 1), mem.vmallocSeq(),
                mem.vmallocSeq()));
        seq.setInt(t, 0);
        assertThat(p.checkVmallocSeq(m)).isTrue();
        assertThat(UptChecks.kernelHalf(mem, m, t)).isEmpty();
    }

    @Test
    void aFramesCountsAndAllocationAgreeWithItsMappingsAndTableUse() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        UserMemory mem = p.memory();
        long m = p.mmCreate(8L << 20).value();
        long a = p.mmap(m, 0, 0x3000, VmFlags.PROT_READ | VmFlags.PROT_WRITE, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS)
                .value();
        long s = p.mmap(m, 0, 0x1000, VmFlags.PROT_READ | VmFlags.PROT_WRITE, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS)
                .value();
        long anon = p.touch(m, a, Access.WRITE).value() >>> 12;
        long shm = p.touch(m, s, Access.WRITE).value() >>> 12;
        long gone = p.touch(m, a + 0x1000, Access.WRITE).value() >>> 12;
        p.munmap(m, a + 0x1000, 0x1000);
        long table = p.pageTables(m).ptePfn(a);
        assertThat(UptChecks.frameRefs(mem, anon, 1, null)).isEmpty();
        assertThat(UptChecks.frameRefs(mem, shm, 1, null)).as("the page cache's reference besides the mapping").isEmpty();
        assertThat(UptChecks.frameRefs(mem, table, 0, "mm 1's PTE page")).isEmpty();
        assertThat(UptChecks.frameRefs(mem, gone, 0, null)).as("free and no user page: nothing to say").isEmpty();
        assertThat(messages(UptChecks.frameRefs(mem, gone, 1, null)))
                .containsExactly(String.format("pfn %#x mapped 1 times is no user page", gone));
        assertThat(messages(UptChecks.frameRefs(mem, anon, 2, null)))
                .containsExactly(String.format("pfn %#x: mapcount 1 refcount 1, mapped by 2 PTEs (expected refcount 2)", anon));
        assertThat(messages(UptChecks.frameRefs(mem, shm, 0, null)))
                .containsExactly(String.format("pfn %#x: mapcount 1 refcount 2, mapped by 0 PTEs (expected refcount 1)", shm));
        assertThat(messages(UptChecks.frameRefs(mem, gone, 0, "mm 1's PTE page")))
                .containsExactly(String.format("mm 1's PTE page at pfn %#x is free or also a user page", gone));
        assertThat(messages(UptChecks.frameRefs(mem, anon, 1, "mm 1's pgd")))
                .containsExactly(String.format("mm 1's pgd at pfn %#x is free or also a user page", anon));
        mem.userPages().newAnon(gone);
        assertThat(messages(UptChecks.frameRefs(mem, gone, 1, null)))
                .containsExactly(String.format("pfn %#x is free in the buddy allocator", gone));
        assertThat(UptChecks.frameRefs(mem, gone, 1, null).get(0).id()).isEqualTo("INV-UPT-06");
    }

    private static List<String> messages(List<Violation> v) {
        return v.stream().map(Violation::details).toList();
    }

    @Test
    void aPageSharedCopyOnWriteOrTheZeroPageIsNeverWritable() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        UserMemory mem = k.state(Processes.class).memory();
        long zero = mem.zeroPfn();
        int w = PRESENT_YOUNG | L_USER | L_DIRTY;
        int ro = PRESENT_YOUNG | L_USER | L_RDONLY;
        assertThat(UptChecks.writableShared(mem, 1, 0x10000, 0x4100, w, 0, 1)).as("mapped once").isNull();
        assertThat(UptChecks.writableShared(mem, 1, 0x10000, 0x4100, ro, HW_AP1 | HW_APX, 2)).isNull();
        assertThat(UptChecks.writableShared(mem, 1, 0x10000, 0x4100, w | L_NONE, 0, 2)).as("PROT_NONE").isNull();
        assertThat(UptChecks.writableShared(mem, 1, 0x10000, 0x4100, w, 0, 2)).isEqualTo(new Violation("INV-UPT-07",
                "a writable mapping of a page shared copy-on-write", "mm 1, 00010000: pfn 0x4100 mapped 2 times"));
        assertThat(UptChecks.writableShared(mem, 1, 0x10000, 0x4100, ro, HW_AP1, 2)).as("the hardware word writable")
                .isNotNull();
        assertThat(UptChecks.writableShared(mem, 2, 0x20000, zero, w, 0, 1)).isEqualTo(new Violation("INV-UPT-07",
                "a writable mapping of a page shared copy-on-write",
                String.format("mm 2, 00020000: pfn %#x mapped 1 times (the zero page)", zero)));
        assertThat(UptChecks.writableShared(mem, 2, 0x20000, zero, ro, 0, 5)).isNull();
    }
}
