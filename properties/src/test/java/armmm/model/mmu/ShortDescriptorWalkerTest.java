package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The short-descriptor walk on tables written here by hand, for what the 2000 emulator vectors
 * do not reach: every vector runs with SCTLR.AFE clear, TTBCR.PD0/PD1 clear and only reads and
 * writes, and {@code mmu-check} compares only the output address or the fault. Every descriptor
 * below is assembled bit by bit from the ARMv7-A ARM's short-descriptor formats (B3.5.1: first
 * level section {@code [1:0]=1x}, PXN bit 0, XN bit 4, domain [8:5], AP[1:0] [11:10], AP[2] bit 15,
 * nG bit 17, supersection bit 18; page table {@code [1:0]=01}, PXN bit 2, base [31:10]; small
 * page {@code [1:0]=1x}, XN bit 0, AP[1:0] [5:4], AP[2] bit 9, nG bit 11; large page
 * {@code [1:0]=01}, XN bit 15), the fault checks in B3.12 and the access permissions in
 * tables B3-8 (SCTLR.AFE clear) and B3-9 (AFE set: AP[0] is the access flag, B3.7.3).
 * Linux writes these formats through {@code cpu_v7_set_pte_ext} (arch/arm/mm/proc-v7-2level.S)
 * and {@code PMD_SECT_*}/{@code PTE_EXT_*} (arch/arm/include/asm/pgtable-2level-hwdef.h).
 */
class ShortDescriptorWalkerTest {
    private static final int AFE = 1 << 29;
    /** TTBR0 with N = 0: the first-level table at physical 0x4000. */
    private static final int TTBR0 = 0x4000;
    /** DACR: domain 0 client (01), 1 manager (11), 2 no access (00), 3 reserved (10, treated as no access), 9 client. */
    private static final int DACR = 0b10_00_11_01 | (1 << 18);

    private final Map<Long, Integer> mem = new HashMap<>();
    private final ShortDescriptorWalker walker = new ShortDescriptorWalker();

    private void word(long pa, int value) {
        mem.put(pa, value);
    }

    private Translation walk(int sctlr, long va, Access a, Privilege p) {
        return walker.translate(sctlr, 0, TTBR0, 0, DACR, va, a, p, pa -> mem.getOrDefault(pa, 0));
    }

    private Translation walk(long va, Access a, Privilege p) {
        return walk(0, va, a, p);
    }

    private static Translation.Fault fault(FaultKind k, boolean page, int domain, boolean write) {
        return new Translation.Fault(k, page, domain, write);
    }

    @Test
    void aSectionCarriesItsXnNgAndPxnBitsAndXnStopsFetches() {
        // VA 0x001xxxxx: index 1 at 0x4004; base 0x80000000, nG, AP[1:0]=11, XN, domain 0, [1:0]=10
        word(0x4004, 0x80000000 | 1 << 17 | 3 << 10 | 1 << 4 | 2);
        assertThat(walk(0x00123456L, Access.READ, Privilege.KERNEL)).isEqualTo(new Translation.Mapped(0x80023456L,
                EntryKind.SECTION, 0x80020c12, 0x4004, 0, 3, true, false, true));
        assertThat(walk(0x00123456L, Access.EXEC, Privilege.KERNEL)).isEqualTo(fault(FaultKind.PERMISSION, false, 0, false));
        assertThat(walk(0x00123456L, Access.EXEC, Privilege.USER)).isEqualTo(fault(FaultKind.PERMISSION, false, 0, false));
        // VA 0x002xxxxx: the same without XN and nG, with PXN ([1:0]=11): PL1 may not fetch, PL0 may
        word(0x4008, 0x80100000 | 3 << 10 | 3);
        assertThat(walk(0x00200010L, Access.READ, Privilege.KERNEL)).isEqualTo(new Translation.Mapped(0x80100010L,
                EntryKind.SECTION, 0x80100c03, 0x4008, 0, 3, false, true, false));
        assertThat(walk(0x00200010L, Access.EXEC, Privilege.KERNEL)).isEqualTo(fault(FaultKind.PERMISSION, false, 0, false));
        assertThat(walk(0x00200010L, Access.EXEC, Privilege.USER)).isInstanceOfSatisfying(Translation.Mapped.class,
                m -> assertThat(m.pa()).isEqualTo(0x80100010L));
        assertThat(EntryKind.SECTION.secondLevel()).isFalse();
        assertThat(EntryKind.SUPERSECTION.secondLevel()).isFalse();
    }

    @Test
    void smallAndLargePagesCarryTheirOwnXnAndNgAndTheTablesPxn() {
        // VA 0x003xxxxx: page table at 0x90000400 (1 KiB aligned), domain 0, no PXN
        word(0x400c, 0x90000400 | 1);
        // small page at L2 index 5 (0x90000414): base 0xa0005000, nG, AP[1:0]=11, XN
        word(0x90000414L, 0xa0005000 | 1 << 11 | 3 << 4 | 2 | 1);
        assertThat(walk(0x00305678L, Access.READ, Privilege.USER)).isEqualTo(new Translation.Mapped(0xa0005678L,
                EntryKind.SMALL_PAGE, 0xa0005833, 0x90000414L, 0, 3, true, false, true));
        assertThat(walk(0x00305678L, Access.EXEC, Privilege.KERNEL)).isEqualTo(fault(FaultKind.PERMISSION, true, 0, false));
        // large page at L2 index 0x12 (0x90000448): base 0xb0010000, XN (bit 15), AP[1:0]=11, global
        word(0x90000448L, 0xb0010000 | 1 << 15 | 3 << 4 | 1);
        assertThat(walk(0x00312345L, Access.READ, Privilege.KERNEL)).isEqualTo(new Translation.Mapped(0xb0012345L,
                EntryKind.LARGE_PAGE, 0xb0018031, 0x90000448L, 0, 3, true, false, false));
        assertThat(walk(0x00312345L, Access.EXEC, Privilege.USER)).isEqualTo(fault(FaultKind.PERMISSION, true, 0, false));
        // a large page without XN: bit 0 of a large descriptor is part of its type, not XN
        word(0x90000484L, 0xb0020000 | 3 << 4 | 1);
        assertThat(walk(0x00321234L, Access.EXEC, Privilege.KERNEL)).isEqualTo(new Translation.Mapped(0xb0021234L,
                EntryKind.LARGE_PAGE, 0xb0020031, 0x90000484L, 0, 3, false, false, false));
        // VA 0x004xxxxx: a page table with PXN (bit 2); small page at index 1, executable, global
        word(0x4010, 0x90000800 | 1 << 2 | 1);
        word(0x90000804L, 0xa0401000 | 3 << 4 | 2);
        assertThat(walk(0x00401abcL, Access.READ, Privilege.KERNEL)).isEqualTo(new Translation.Mapped(0xa0401abcL,
                EntryKind.SMALL_PAGE, 0xa0401032, 0x90000804L, 0, 3, false, true, false));
        assertThat(walk(0x00401abcL, Access.EXEC, Privilege.KERNEL)).isEqualTo(fault(FaultKind.PERMISSION, true, 0, false));
        assertThat(walk(0x00401abcL, Access.EXEC, Privilege.USER)).isInstanceOf(Translation.Mapped.class);
        assertThat(EntryKind.SMALL_PAGE.secondLevel()).isTrue();
        assertThat(EntryKind.LARGE_PAGE.secondLevel()).isTrue();
    }

    @Test
    void withAfeSetApZeroIsTheAccessFlagAndAp21TheSimplifiedPermissions() {
        // sections at VA 0x01x00000 in domain 0, AP[2:0] = x: index 0x010 + x
        int[] aps = {0, 1, 2, 3, 4, 5, 6, 7};
        for (int ap : aps) {
            word(0x4000 + (0x10 + ap) * 4L, (0x81000000 + (ap << 20)) | (ap & 4) << 13 | (ap & 3) << 10 | 2);
        }
        // AP[0] clear: access flag fault, section FS 0x03, before the domain and permissions
        for (int ap : new int[] {0, 2, 4, 6}) {
            long va = (0x10L + ap) << 20;
            assertThat(walk(AFE, va, Access.READ, Privilege.KERNEL)).as("AP %d", ap)
                    .isEqualTo(fault(FaultKind.ACCESS_FLAG, false, 0, false));
            assertThat(walk(AFE, va, Access.WRITE, Privilege.USER)).isEqualTo(fault(FaultKind.ACCESS_FLAG, false, 0, true));
        }
        assertThat(fault(FaultKind.ACCESS_FLAG, false, 0, false).fs()).isEqualTo(0x03);
        // table B3-9 on AP[2:1]: 00 PL1 RW, PL0 none; 01 RW; 10 PL1 RO, PL0 none; 11 RO
        String[] expected = {
            "ap1: KERNEL READ ok, KERNEL WRITE ok, USER READ fault, USER WRITE fault",
            "ap3: KERNEL READ ok, KERNEL WRITE ok, USER READ ok, USER WRITE ok",
            "ap5: KERNEL READ ok, KERNEL WRITE fault, USER READ fault, USER WRITE fault",
            "ap7: KERNEL READ ok, KERNEL WRITE fault, USER READ ok, USER WRITE fault",
        };
        int i = 0;
        for (int ap : new int[] {1, 3, 5, 7}) {
            StringBuilder s = new StringBuilder("ap" + ap + ":");
            for (Privilege p : new Privilege[] {Privilege.KERNEL, Privilege.USER}) {
                for (Access a : new Access[] {Access.READ, Access.WRITE}) {
                    Translation t = walk(AFE, (0x10L + ap) << 20 | 0x44, a, p);
                    if (t instanceof Translation.Mapped m) {
                        assertThat(m.pa()).isEqualTo(0x81000044L + ((long) ap << 20));
                    } else {
                        assertThat(t).isEqualTo(fault(FaultKind.PERMISSION, false, 0, a == Access.WRITE));
                    }
                    s.append(s.charAt(s.length() - 1) == ':' ? " " : ", ").append(p).append(' ').append(a)
                            .append(t.ok() ? " ok" : " fault");
                }
            }
            assertThat(s.toString()).isEqualTo(expected[i++]);
        }
        // a page with AP[0] clear: page access flag fault, FS 0x06, in the table's domain
        word(0x4000 + 0x20 * 4, 0x90000c00 | 1);
        word(0x90000c00L, 0xa2000000 | 2 << 4 | 2);
        assertThat(walk(AFE, 0x02000000L, Access.WRITE, Privilege.KERNEL)).isEqualTo(fault(FaultKind.ACCESS_FLAG, true, 0, true));
        assertThat(fault(FaultKind.ACCESS_FLAG, true, 0, true).fs()).isEqualTo(0x06);
        // the same entry with AFE clear is AP 2: PL1 RW
        assertThat(walk(0, 0x02000000L, Access.WRITE, Privilege.KERNEL)).isInstanceOf(Translation.Mapped.class);
    }

    @Test
    void domainsManagerSkipsPermissionsNoAccessAndReservedFault() {
        // AP 0 (no access) sections in domains 1 (manager), 2 (no access) and 3 (reserved)
        word(0x4000 + 0x30 * 4, 0x83000000 | 1 << 5 | 2);
        word(0x4000 + 0x31 * 4, 0x83100000 | 2 << 5 | 3 << 10 | 2);
        word(0x4000 + 0x32 * 4, 0x83200000 | 3 << 5 | 3 << 10 | 2);
        assertThat(walk(0x03000008L, Access.WRITE, Privilege.USER)).isEqualTo(new Translation.Mapped(0x83000008L,
                EntryKind.SECTION, 0x83000022, 0x40c0, 1, 0, false, false, false));
        assertThat(walk(0x03100008L, Access.READ, Privilege.KERNEL)).isEqualTo(fault(FaultKind.DOMAIN, false, 2, false));
        assertThat(walk(0x03200008L, Access.WRITE, Privilege.KERNEL)).isEqualTo(fault(FaultKind.DOMAIN, false, 3, true));
    }

    @Test
    void pd0AndPd1StopWalksThroughTheirTtbrAsSectionTranslationFaults() {
        // N = 2: VA below 0x40000000 through TTBR0 (table at 0x4000), above through TTBR1 (0x8000)
        word(0x4004, 0x80000000 | 3 << 10 | 2);
        word(0x8000 + 0xc00 * 4, 0x8c000000 | 3 << 10 | 2);
        Map<Long, Integer> m = mem;
        PhysicalMemory pm = pa -> m.getOrDefault(pa, 0);
        Translation low = new Translation.Mapped(0x80000004L, EntryKind.SECTION, 0x80000c02, 0x4004, 0, 3, false,
                false, false);
        Translation high = new Translation.Mapped(0x8c000004L, EntryKind.SECTION, 0x8c000c02, 0xb000, 0, 3, false,
                false, false);
        Translation stopped = fault(FaultKind.TRANSLATION, false, -1, true);
        assertThat(walker.translate(2, TTBR0, 0x8000, DACR, 0x00100004L, Access.WRITE, Privilege.KERNEL, pm)).isEqualTo(low);
        assertThat(walker.translate(2, TTBR0, 0x8000, DACR, 0xc0000004L, Access.WRITE, Privilege.KERNEL, pm)).isEqualTo(high);
        // PD0 (bit 4)
        assertThat(walker.translate(2 | 1 << 4, TTBR0, 0x8000, DACR, 0x00100004L, Access.WRITE, Privilege.KERNEL, pm))
                .isEqualTo(stopped);
        assertThat(walker.translate(2 | 1 << 4, TTBR0, 0x8000, DACR, 0xc0000004L, Access.WRITE, Privilege.KERNEL, pm))
                .isEqualTo(high);
        // PD1 (bit 5)
        assertThat(walker.translate(2 | 1 << 5, TTBR0, 0x8000, DACR, 0xc0000004L, Access.WRITE, Privilege.KERNEL, pm))
                .isEqualTo(stopped);
        assertThat(walker.translate(2 | 1 << 5, TTBR0, 0x8000, DACR, 0x00100004L, Access.WRITE, Privilege.KERNEL, pm))
                .isEqualTo(low);
        assertThat(((Translation.Fault) stopped).describe()).isEqualTo("section translation fault (fs 0x05, write)");
    }

    @Test
    void eachWalkerBugReadsExactlyTheWordItsMistakePoints() {
        PhysicalMemory pm = pa -> mem.getOrDefault(pa, 0);
        // TTBR1_INDEX_USES_N, N = 2, VA 0xc0100000: index 0xc01 at 0x8000 + 0x3004; masked, 0x001 at 0x8004
        word(0xb004, 0x81000000 | 3 << 10 | 2);
        word(0x8004, 0x82000000 | 3 << 10 | 2);
        ShortDescriptorWalker ttbr1Bug = new ShortDescriptorWalker(EnumSet.of(WalkerBug.TTBR1_INDEX_USES_N));
        assertThat(walker.translate(2, TTBR0, 0x8000, DACR, 0xc0100abcL, Access.READ, Privilege.KERNEL, pm))
                .isEqualTo(new Translation.Mapped(0x81000abcL, EntryKind.SECTION, 0x81000c02, 0xb004, 0, 3, false, false, false));
        assertThat(ttbr1Bug.translate(2, TTBR0, 0x8000, DACR, 0xc0100abcL, Access.READ, Privilege.KERNEL, pm))
                .isEqualTo(new Translation.Mapped(0x82000abcL, EntryKind.SECTION, 0x82000c02, 0x8004, 0, 3, false, false, false));
        // L2_BASE_MASK_FFFFFF00: a page table in domain 9 (bit 8 set): 0x90000400 | 9 << 5 | 1 = 0x90000521;
        // bits [31:10] give 0x90000400, the wrong mask 0x90000500
        word(0x4000 + 0x50 * 4, 0x90000521);
        word(0x90000400L, 0xa5000000 | 3 << 4 | 2);
        word(0x90000500L, 0xa6000000 | 3 << 4 | 2);
        ShortDescriptorWalker maskBug = new ShortDescriptorWalker(EnumSet.of(WalkerBug.L2_BASE_MASK_FFFFFF00));
        assertThat(walk(0x05000010L, Access.READ, Privilege.KERNEL)).isEqualTo(new Translation.Mapped(0xa5000010L,
                EntryKind.SMALL_PAGE, 0xa5000032, 0x90000400L, 9, 3, false, false, false));
        assertThat(maskBug.translate(0, TTBR0, 0, DACR, 0x05000010L, Access.READ, Privilege.KERNEL, pm))
                .isEqualTo(new Translation.Mapped(0xa6000010L, EntryKind.SMALL_PAGE, 0xa6000032, 0x90000500L, 9, 3, false,
                        false, false));
    }

    @Test
    void theWalkerBugPropertyNamesOneBugInEitherSpelling() {
        String old = System.getProperty("armmm.walker-bug");
        try {
            System.setProperty("armmm.walker-bug", " ttbr1-index-uses-n ");
            assertThat(WalkerBug.fromProperty()).containsExactly(WalkerBug.TTBR1_INDEX_USES_N);
            System.setProperty("armmm.walker-bug", "DOMAIN_BEFORE_L2_FETCH");
            assertThat(WalkerBug.fromProperty()).containsExactly(WalkerBug.DOMAIN_BEFORE_L2_FETCH);
            System.setProperty("armmm.walker-bug", "no-such-bug");
            assertThat(WalkerBug.fromProperty()).isEmpty();
        } finally {
            if (old == null) {
                System.clearProperty("armmm.walker-bug");
            } else {
                System.setProperty("armmm.walker-bug", old);
            }
        }
        assertThat(WalkerBug.L2_BASE_MASK_FFFFFF00.cliName()).isEqualTo("l2-base-mask-ffffff00");
    }
}
