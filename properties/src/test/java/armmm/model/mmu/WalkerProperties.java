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
 * here from the ARMv7-A ARM's pseudocode order (B3.5, B3.7, B3.12), in a different shape (the
 * descriptor is decoded into fields first, the table index from VA[31-N:20] by shifting).
 * The generator writes the first-level descriptor where the architecture reads it, a
 * second-level one behind a page table, and random decoys around both, with every TTBCR.N,
 * domain, DACR value and AP encoding. Each walker bug the vectors catch is caught here too.
 */
class WalkerProperties {

    /** One generated case. */
    record Case(int ttbcr, int ttbr0, int ttbr1, int dacr, long va, Access access, Privilege mode, Map<Long, Integer> mem) {
        @Override
        public String toString() {
            StringBuilder m = new StringBuilder();
            mem.forEach((k, v) -> m.append(String.format(" [%08x]=%08x", k, v)));
            return String.format("TTBCR=%x TTBR0=%08x TTBR1=%08x DACR=%08x va=%08x %s %s%s", ttbcr, ttbr0, ttbr1, dacr, va,
                    access, mode, m);
        }
    }

    static Gen<Case> cases() {
        Gen<Integer> l1Kind = Gens.ints(0, 3);
        return Gens.combine(Gens.ints(0, 7), Gens.longs(0, 0xffffffffL), Gens.longs(0, 0xffffffffL),
                Gens.longs(0, 0xffffffffL), (n, va, d1, d2) -> new long[] {n, va, d1, d2})
                .flatMap(a -> Gens.combine(l1Kind, Gens.ints(0, 3), Gens.longs(0, 0xffffffffL), Gens.ints(0, 5),
                        (k1, k2, dacr, acc) -> build((int) a[0], a[1], (int) a[2], (int) a[3], k1, k2, (int) (long) dacr, acc)));
    }

    private static Case build(int n, long va, int d1, int d2, int l1Kind, int l2Kind, int dacr, int acc) {
        int ttbr0 = 0x10000000 | (d1 & 0x0fffc000);
        int ttbr1 = 0x20000000 | (d2 & 0x0fffc000);
        Map<Long, Integer> mem = new HashMap<>();
        boolean high = n != 0 && (va >>> (32 - n)) != 0;
        long slot = high ? Integer.toUnsignedLong(ttbr1) + (va >>> 20) * 4
                : Integer.toUnsignedLong(ttbr0) + ((va & (0xffffffffL >>> n)) >>> 20) * 4;
        int domainBits = (d1 >>> 3) & 0x1e0; // domain 0..15
        int apBits = d2 & 0x8c00;           // APX and AP[1:0] of a section
        long l2Base = 0x30000000L | (d2 & 0x0ffffc00L) | 0x400;
        int l1 = switch (l1Kind) {
            case 0 -> 0;
            case 1 -> (int) l2Base | domainBits | 1;
            case 2 -> (int) (0x40000000L | (d1 & 0x3ff00000)) | domainBits | apBits | 2;
            default -> (int) (0x80000000L | (d1 & 0x7f000000)) | 0x40000 | (d2 & 0xf00000) | domainBits | apBits | 2;
        };
        mem.put(slot, l1);
        mem.put(slot ^ 4, 0xdead0c02); // a decoy section beside it
        if (l1Kind == 1) {
            long l2slot = l2Base + ((va >>> 12) & 0xff) * 4;
            int ap2 = ((d1 & 0x8000) != 0 ? 0x200 : 0) | (d1 & 0x30);
            int l2 = switch (l2Kind) {
                case 0 -> 0;
                case 1 -> (int) (0x50000000L | (d2 & 0x0fff0000)) | ap2 | 1;
                default -> (int) (0x60000000L | (d2 & 0x0ffff000)) | ap2 | 2;
            };
            mem.put(l2slot, l2);
            // a decoy small page where a base masked with 0xFFFFFF00 would look (domain bit 3 set)
            mem.putIfAbsent(l2slot + 0x100, 0x7ace0032);
        }
        Access access = acc < 3 ? Access.READ : acc < 5 ? Access.WRITE : Access.EXEC;
        Privilege mode = (acc & 1) == 0 ? Privilege.KERNEL : Privilege.USER;
        return new Case(n, ttbr0, ttbr1, dacr, va, access, mode, Map.copyOf(mem));
    }

    /** The reference walk: "pa X" or "fault KIND LEVEL domain D". */
    static String reference(Case c) {
        int n = c.ttbcr() & 7;
        long va = c.va();
        boolean high = n != 0 && (va >>> (32 - n)) != 0;
        long base = Integer.toUnsignedLong(high ? c.ttbr1() & 0xffffc000 : c.ttbr0() & (int) (0xffffffffL << (14 - n)));
        long index = high ? va >>> 20 : ((va << n) & 0xffffffffL) >>> (20 + n);
        int l1 = c.mem().getOrDefault(base + 4 * index, 0);
        int type = l1 & 3;
        if (type == 0) {
            return "fault translation section";
        }
        int domain;
        int ap;
        boolean xn;
        boolean pxn;
        long pa;
        String level;
        if (type == 1) {
            domain = (l1 >> 5) & 15;
            long l2addr = Integer.toUnsignedLong(l1 & ~0x3ff) + ((va >> 12) & 0xff) * 4;
            int l2 = c.mem().getOrDefault(l2addr, 0);
            level = "page";
            if ((l2 & 3) == 0) {
                return "fault translation page domain " + domain;
            }
            ap = ((l2 >> 9) & 1) << 2 | ((l2 >> 4) & 3);
            pxn = (l1 & 4) != 0;
            if ((l2 & 2) != 0) {
                xn = (l2 & 1) != 0;
                pa = Integer.toUnsignedLong(l2 & ~0xfff) | (va & 0xfff);
            } else {
                xn = (l2 & 0x8000) != 0;
                pa = Integer.toUnsignedLong(l2 & ~0xffff) | (va & 0xffff);
            }
        } else {
            level = "section";
            boolean supersection = ((l1 >> 18) & 1) == 1;
            domain = supersection ? 0 : (l1 >> 5) & 15;
            ap = ((l1 >> 15) & 1) << 2 | ((l1 >> 10) & 3);
            xn = (l1 & 0x10) != 0;
            pxn = (l1 & 1) != 0;
            pa = supersection
                    ? ((long) ((l1 >> 5) & 15) << 36) | ((long) ((l1 >> 20) & 15) << 32) | Integer.toUnsignedLong(l1 & 0xff000000) | (va & 0xffffff)
                    : Integer.toUnsignedLong(l1 & 0xfff00000) | (va & 0xfffff);
        }
        int da = (c.dacr() >>> (domain * 2)) & 3;
        if (da == 0 || da == 2) {
            return "fault domain " + level + " domain " + domain;
        }
        if (da == 1) {
            boolean user = c.mode() == Privilege.USER;
            boolean write = c.access() == Access.WRITE;
            boolean[][] table = { // [ap][user*2 + write]: priv read, priv write, user read, user write
                {false, false, false, false}, {true, true, false, false}, {true, true, true, false}, {true, true, true, true},
                {false, false, false, false}, {true, false, false, false}, {true, false, true, false}, {true, false, true, false}};
            boolean ok = table[ap][(user ? 2 : 0) + (write ? 1 : 0)];
            if (c.access() == Access.EXEC && (xn || pxn && !user)) {
                ok = false;
            }
            if (!ok) {
                return "fault permission " + level + " domain " + domain;
            }
        }
        return String.format("pa %x", pa);
    }

    static String model(ShortDescriptorWalker w, Case c) {
        Translation t = w.translate(c.ttbcr(), c.ttbr0(), c.ttbr1(), c.dacr(), c.va(), c.access(), c.mode(),
                pa -> c.mem().getOrDefault(pa, 0));
        if (t instanceof Translation.Mapped m) {
            return String.format("pa %x", m.pa());
        }
        Translation.Fault f = (Translation.Fault) t;
        return "fault " + f.kind().spelling() + " " + f.level() + (f.domain() >= 0 ? " domain " + f.domain() : "");
    }

    @PropertyTest
    void theWalkerAgreesWithTheReferenceOnGeneratedTables(PropertyRunner runner) {
        ShortDescriptorWalker w = new ShortDescriptorWalker();
        runner.forAll(cases()).tries(3000).check(c -> model(w, c).equals(reference(c)));
    }

    @Test
    void everyWalkerBugIsCaughtOnGeneratedTables() {
        for (WalkerBug bug : List.of(WalkerBug.L2_BASE_MASK_FFFFFF00, WalkerBug.DOMAIN_BEFORE_L2_FETCH, WalkerBug.TTBR1_INDEX_USES_N)) {
            ShortDescriptorWalker w = new ShortDescriptorWalker(EnumSet.of(bug));
            PropertyResult<Case> r = new PropertyRunner("WalkerProperties", "bug_" + bug.cliName(), (k, v) -> { }).derandomized()
                    .forAll(cases()).tries(3000).run(c -> model(w, c).equals(reference(c)));
            assertThat(r.passed()).as("%s planted", bug).isFalse();
        }
    }
}
