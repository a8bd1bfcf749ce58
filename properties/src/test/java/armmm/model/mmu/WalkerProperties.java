package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyResult;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Generated translation tables and accesses: the model's walker against a second walk written
 * here from the ARMv7-A ARM's pseudocode order (B3.5, B3.6, B3.7, B3.12, B3.13), in a different
 * shape (the descriptor is decoded into fields first, the table index from VA[31-N:20] by
 * shifting, the fault status from its own table). The generator writes the first-level
 * descriptor where the architecture reads it, a second-level one behind a page table, and
 * optional decoys around both, with every TTBCR.N, domain, DACR value and AP encoding, PXN, XN
 * and nG set or clear, and SCTLR.AFE on or off. Both walks are compared on the physical address
 * and nG, or on the fault's kind, level, domain, DFSR.FS and WnR. Each walker bug the vectors
 * catch is caught here, and its shrunk case holds at most twice the descriptors of its
 * hand-written vector (seeded-bugs/mmu-walker/*.jsonl).
 */
class WalkerProperties {
    /** SCTLR.AFE (bit 29): AP[0] is the access flag (B3.6.2). */
    private static final int AFE = 1 << 29;
    /** Generator switches, each clear when shrunk: PXN, XN, nG, AFE, the two decoys. */
    private static final int PXN = 1;
    private static final int XN = 2;
    private static final int NG = 4;
    private static final int SCTLR_AFE = 8;
    private static final int DECOY_L1 = 16;
    private static final int DECOY_L2 = 32;

    /** One generated case. */
    record Case(int sctlr, int ttbcr, int ttbr0, int ttbr1, int dacr, long va, Access access, Privilege mode,
            Map<Long, Integer> mem) {
        /** The descriptors in memory: the words the case wrote that are not zero. */
        int descriptors() {
            return (int) mem.values().stream().filter(w -> w != 0).count();
        }

        @Override
        public String toString() {
            StringBuilder m = new StringBuilder();
            new java.util.TreeMap<>(mem).forEach((k, v) -> m.append(String.format(" [%08x]=%08x", k, v)));
            return String.format("SCTLR=%08x TTBCR=%x TTBR0=%08x TTBR1=%08x DACR=%08x va=%08x %s %s%s", sctlr, ttbcr, ttbr0,
                    ttbr1, dacr, va, access, mode, m);
        }
    }

    static Gen<Case> cases() {
        Gen<Integer> l1Kind = Gens.ints(0, 3);
        return Gens.combine(Gens.ints(0, 7), Gens.longs(0, 0xffffffffL), Gens.longs(0, 0xffffffffL),
                Gens.longs(0, 0xffffffffL), (n, va, d1, d2) -> new long[] {n, va, d1, d2})
                .flatMap(a -> Gens.combine(l1Kind, Gens.ints(0, 3), Gens.longs(0, 0xffffffffL), Gens.ints(0, 5),
                        (k1, k2, dacr, acc) -> new long[] {a[0], a[1], a[2], a[3], k1, k2, dacr, acc}))
                .flatMap(b -> Gens.ints(0, 63).map(flags -> build((int) b[0], b[1], (int) b[2], (int) b[3], (int) b[4],
                        (int) b[5], (int) b[6], (int) b[7], flags)));
    }

    private static Case build(int n, long va, int d1, int d2, int l1Kind, int l2Kind, int dacr, int acc, int flags) {
        int ttbr0 = 0x10000000 | (d1 & 0x0fffc000);
        int ttbr1 = 0x20000000 | (d2 & 0x0fffc000);
        Map<Long, Integer> mem = new HashMap<>();
        boolean high = n != 0 && (va >>> (32 - n)) != 0;
        long slot = high ? Integer.toUnsignedLong(ttbr1) + (va >>> 20) * 4
                : Integer.toUnsignedLong(ttbr0) + ((va & (0xffffffffL >>> n)) >>> 20) * 4;
        int domainBits = (d1 >>> 3) & 0x1e0; // domain 0..15
        int apBits = d2 & 0x8c00;           // APX and AP[1:0] of a section
        long l2Base = 0x30000000L | (d2 & 0x0ffffc00L) | 0x400;
        boolean pxn = (flags & PXN) != 0;
        boolean xn = (flags & XN) != 0;
        boolean ng = (flags & NG) != 0;
        int sectionBits = (pxn ? 1 : 0) | (xn ? 1 << 4 : 0) | (ng ? 1 << 17 : 0);
        int l1 = switch (l1Kind) {
            case 0 -> 0;
            case 1 -> (int) l2Base | domainBits | (pxn ? 1 << 2 : 0) | 1;
            case 2 -> (int) (0x40000000L | (d1 & 0x3ff00000)) | domainBits | apBits | sectionBits | 2;
            default -> (int) (0x80000000L | (d1 & 0x7f000000)) | 0x40000 | (d2 & 0xf00000) | domainBits | apBits | sectionBits | 2;
        };
        mem.put(slot, l1);
        if ((flags & DECOY_L1) != 0) {
            mem.put(slot ^ 4, 0xdead0c02); // a decoy section beside it
        }
        if (l1Kind == 1) {
            long l2slot = l2Base + ((va >>> 12) & 0xff) * 4;
            int ap2 = ((d1 & 0x8000) != 0 ? 0x200 : 0) | (d1 & 0x30) | (ng ? 1 << 11 : 0);
            int l2 = switch (l2Kind) {
                case 0 -> 0;
                case 1 -> (int) (0x50000000L | (d2 & 0x0fff0000)) | ap2 | (xn ? 1 << 15 : 0) | 1;
                default -> (int) (0x60000000L | (d2 & 0x0ffff000)) | ap2 | (xn ? 1 : 0) | 2;
            };
            mem.put(l2slot, l2);
            if ((flags & DECOY_L2) != 0) {
                // a decoy small page where a base masked with 0xFFFFFF00 would look (domain bit 3 set)
                mem.putIfAbsent(l2slot + 0x100, 0x7ace0032);
            }
        }
        Access access = acc < 3 ? Access.READ : acc < 5 ? Access.WRITE : Access.EXEC;
        Privilege mode = (acc & 1) == 0 ? Privilege.KERNEL : Privilege.USER;
        return new Case((flags & SCTLR_AFE) != 0 ? AFE : 0, n, ttbr0, ttbr1, dacr, va, access, mode, Map.copyOf(mem));
    }

    /** DFSR.FS, ARMv7-A ARM table B3-23 (short-descriptor format): [kind][0 section, 1 page]. */
    private static final Map<String, int[]> FS = Map.of("translation", new int[] {0x05, 0x07},
            "access flag", new int[] {0x03, 0x06}, "domain", new int[] {0x09, 0x0b}, "permission", new int[] {0x0d, 0x0f});

    private static String fault(Case c, String kind, boolean page, int domain) {
        return String.format("fault %s %s%s fs %02x wnr %d", kind, page ? "page" : "section",
                domain >= 0 ? " domain " + domain : "", FS.get(kind)[page ? 1 : 0], c.access() == Access.WRITE ? 1 : 0);
    }

    /** The reference walk: "pa X nG B" or "fault KIND LEVEL [domain D] fs FS wnr W". */
    static String reference(Case c) {
        int n = c.ttbcr() & 7;
        long va = c.va();
        boolean high = n != 0 && (va >>> (32 - n)) != 0;
        long base = Integer.toUnsignedLong(high ? c.ttbr1() & 0xffffc000 : c.ttbr0() & (int) (0xffffffffL << (14 - n)));
        long index = high ? va >>> 20 : ((va << n) & 0xffffffffL) >>> (20 + n);
        int l1 = c.mem().getOrDefault(base + 4 * index, 0);
        int type = l1 & 3;
        if (type == 0) {
            return fault(c, "translation", false, -1);
        }
        int domain;
        int ap;
        boolean xn;
        boolean pxn;
        boolean ng;
        long pa;
        boolean page;
        if (type == 1) {
            domain = (l1 >> 5) & 15;
            long l2addr = Integer.toUnsignedLong(l1 & ~0x3ff) + ((va >> 12) & 0xff) * 4;
            int l2 = c.mem().getOrDefault(l2addr, 0);
            page = true;
            if ((l2 & 3) == 0) {
                return fault(c, "translation", true, domain);
            }
            ap = ((l2 >> 9) & 1) << 2 | ((l2 >> 4) & 3);
            pxn = (l1 & 4) != 0;
            ng = (l2 & 0x800) != 0;
            if ((l2 & 2) != 0) {
                xn = (l2 & 1) != 0;
                pa = Integer.toUnsignedLong(l2 & ~0xfff) | (va & 0xfff);
            } else {
                xn = (l2 & 0x8000) != 0;
                pa = Integer.toUnsignedLong(l2 & ~0xffff) | (va & 0xffff);
            }
        } else {
            page = false;
            boolean supersection = ((l1 >> 18) & 1) == 1;
            domain = supersection ? 0 : (l1 >> 5) & 15;
            ap = ((l1 >> 15) & 1) << 2 | ((l1 >> 10) & 3);
            xn = (l1 & 0x10) != 0;
            pxn = (l1 & 1) != 0;
            ng = (l1 & 0x20000) != 0;
            pa = supersection
                    ? ((long) ((l1 >> 5) & 15) << 36) | ((long) ((l1 >> 20) & 15) << 32) | Integer.toUnsignedLong(l1 & 0xff000000) | (va & 0xffffff)
                    : Integer.toUnsignedLong(l1 & 0xfff00000) | (va & 0xfffff);
        }
        boolean afe = (c.sctlr() & AFE) != 0;
        if (afe && (ap & 1) == 0) {
            return fault(c, "access flag", page, domain);   // B3.6.2: AF is AP[0]; checked before the domain (B3.12.1)
        }
        int da = (c.dacr() >>> (domain * 2)) & 3;
        if (da == 0 || da == 2) {
            return fault(c, "domain", page, domain);
        }
        if (da == 1) {
            boolean user = c.mode() == Privilege.USER;
            boolean write = c.access() == Access.WRITE;
            boolean ok;
            if (afe) {
                // table B3-9, AP[2:1]: 00 PL1 RW, 01 RW, 10 PL1 RO, 11 RO
                boolean[][] simple = {{true, true, false, false}, {true, true, true, true},
                    {true, false, false, false}, {true, false, true, false}};
                ok = simple[ap >> 1][(user ? 2 : 0) + (write ? 1 : 0)];
            } else {
                boolean[][] table = { // B3-8 [ap][user*2 + write]: priv read, priv write, user read, user write
                    {false, false, false, false}, {true, true, false, false}, {true, true, true, false}, {true, true, true, true},
                    {false, false, false, false}, {true, false, false, false}, {true, false, true, false}, {true, false, true, false}};
                ok = table[ap][(user ? 2 : 0) + (write ? 1 : 0)];
            }
            if (c.access() == Access.EXEC && (xn || pxn && !user)) {
                ok = false;
            }
            if (!ok) {
                return fault(c, "permission", page, domain);
            }
        }
        return String.format("pa %x nG %b", pa, ng);
    }

    static String model(ShortDescriptorWalker w, Case c) {
        Translation t = w.translate(c.sctlr(), c.ttbcr(), c.ttbr0(), c.ttbr1(), c.dacr(), c.va(), c.access(), c.mode(),
                pa -> c.mem().getOrDefault(pa, 0));
        if (t instanceof Translation.Mapped m) {
            return String.format("pa %x nG %b", m.pa(), m.notGlobal());
        }
        Translation.Fault f = (Translation.Fault) t;
        return String.format("fault %s %s%s fs %02x wnr %d", f.kind().spelling(), f.level(),
                f.domain() >= 0 ? " domain " + f.domain() : "", f.fs(), f.wnr() ? 1 : 0);
    }

    @PropertyTest
    void theWalkerAgreesWithTheReferenceOnGeneratedTables(PropertyRunner runner) {
        ShortDescriptorWalker w = new ShortDescriptorWalker();
        runner.forAll(cases()).tries(3000).check(c -> model(w, c).equals(reference(c)));
    }

    /** The descriptors (memory words) of the bug's hand-written vector, seeded-bugs/mmu-walker/NAME.jsonl. */
    static int handMinimalDescriptors(WalkerBug bug) throws java.io.IOException {
        String file = "/seeded-bugs/mmu-walker/" + bug.cliName() + ".jsonl";
        try (java.io.InputStream in = WalkerProperties.class.getResourceAsStream(file)) {
            assertThat(in).as(file).isNotNull();
            List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            List<TranslationVector> v = TranslationVectors.parse(file, lines);
            assertThat(v).hasSize(1);
            assertThat(v.get(0).check(new ShortDescriptorWalker())).as("the architecture passes %s", file).isNull();
            assertThat(v.get(0).check(new ShortDescriptorWalker(EnumSet.of(bug)))).as("%s fails %s", bug, file).isNotNull();
            return (int) v.get(0).memory().values().stream().filter(w -> w != 0).count();
        }
    }

    @Test
    void everyWalkerBugIsCaughtOnGeneratedTablesAndShrunkToAtMostTwiceItsHandWrittenVector() throws java.io.IOException {
        Map<WalkerBug, Integer> handMinimal = new java.util.EnumMap<>(WalkerBug.class);
        for (WalkerBug bug : WalkerBug.values()) {
            handMinimal.put(bug, handMinimalDescriptors(bug));
        }
        // worked-domain-after-l2 and worked-ttbr1-index: one first-level word; worked-l2-base-mask: the first-level word and the PTE
        assertThat(handMinimal).containsExactly(Map.entry(WalkerBug.L2_BASE_MASK_FFFFFF00, 2),
                Map.entry(WalkerBug.DOMAIN_BEFORE_L2_FETCH, 1), Map.entry(WalkerBug.TTBR1_INDEX_USES_N, 1));
        for (WalkerBug bug : WalkerBug.values()) {
            ShortDescriptorWalker w = new ShortDescriptorWalker(EnumSet.of(bug));
            PropertyResult<Case> r = new PropertyRunner("WalkerProperties", "bug_" + bug.cliName(), (k, v) -> { }).derandomized()
                    .forAll(cases()).tries(3000).run(c -> model(w, c).equals(reference(c)));
            assertThat(r.passed()).as("%s planted", bug).isFalse();
            Case shrunk = r.shrunk();
            assertThat(model(w, shrunk)).as("%s: the shrunk case still fails", bug).isNotEqualTo(reference(shrunk));
            assertThat(shrunk.descriptors()).as("%s shrunk to %s", bug, shrunk).isBetween(1, 2 * handMinimal.get(bug));
        }
    }
}
