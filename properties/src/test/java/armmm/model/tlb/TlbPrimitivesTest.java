package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * The TLB's building blocks on exact values: which entries each CP15 c8 operation invalidates and
 * at which addresses its range ends (ARMv7-A ARM B4.2.3), how an entry answers a lookup
 * (B3.9.1: global, or tagged with the current ASID), the APX:AP/XN permission table at PL0 and
 * PL1 (B3.7.1, short descriptors with AFE=0), and the A15 L2 TLB's set index, replacement and
 * counters. Expected values are worked from those rules, not read off the model.
 */
class TlbPrimitivesTest {
    private static final long PAGE = 4096;

    private static TlbEntry user(long va, int asid) {
        return new TlbEntry(new Walk(va, PAGE, 0x80000000L + va, false, Walk.AP_USER_RW, true), asid, 1);
    }

    private static TlbEntry global(long va, long size) {
        return new TlbEntry(new Walk(va, size, 0x60000000L, true, 1, false), 9, -1);
    }

    @Test
    void eachOperationHitsWhatTheArchitectureSays() {
        TlbEntry mine = user(0x10000, 5);
        TlbEntry other = user(0x10000, 6);
        TlbEntry kernel = global(0x10000, PAGE);
        Tlbi all = new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false);
        assertThat(all.hits(mine)).isTrue();
        assertThat(all.hits(kernel)).isTrue();
        Tlbi byAsid = new Tlbi(Tlbi.Kind.TLBIASID, 0x99000, 5, false);
        assertThat(byAsid.hits(mine)).isTrue();
        assertThat(byAsid.hits(other)).isFalse();
        assertThat(byAsid.hits(global(0x10000, PAGE))).as("global entries survive TLBIASID").isFalse();
        // a global entry whose stored tag equals the ASID still survives
        assertThat(new Tlbi(Tlbi.Kind.TLBIASID, 0, 9, false).hits(kernel)).isFalse();
        Tlbi byMva = new Tlbi(Tlbi.Kind.TLBIMVA, 0x10abc, 5, true);
        assertThat(byMva.hits(mine)).isTrue();
        assertThat(byMva.hits(other)).isFalse();
        assertThat(byMva.hits(kernel)).as("global entries match any ASID").isTrue();
        assertThat(byMva.hits(user(0x11000, 5))).isFalse();
        Tlbi allAsids = new Tlbi(Tlbi.Kind.TLBIMVAA, 0x10fff, 0, false);
        assertThat(allAsids.hits(mine)).isTrue();
        assertThat(allAsids.hits(other)).isTrue();
        assertThat(allAsids.hits(kernel)).isTrue();
        assertThat(allAsids.hits(user(0xf000, 5))).isFalse();
    }

    @Test
    void aRangeCoversItsPagesAndNotTheOnesAroundIt() {
        // three pages from 0x20000 (va 0x20123 rounds down to its page): 0x20000..0x22fff
        Tlbi range = new Tlbi(Tlbi.Kind.TLBIMVAA, 0x20123, 0, true, 3);
        assertThat(range.hits(user(0x1f000, 1))).isFalse();
        assertThat(range.hits(user(0x20000, 1))).isTrue();
        assertThat(range.hits(user(0x22000, 1))).isTrue();
        assertThat(range.hits(user(0x23000, 1))).isFalse();
        // a 1 MiB section that contains the range, and one that ends where the range begins
        assertThat(range.hits(global(0x0, 0x100000))).isTrue();
        assertThat(new Tlbi(Tlbi.Kind.TLBIMVAA, 0x100000, 0, true).hits(global(0x0, 0x100000))).isFalse();
        assertThat(new Tlbi(Tlbi.Kind.TLBIMVAA, 0xff000, 0, true).hits(global(0x0, 0x100000))).isTrue();
        assertThat(new Tlbi(Tlbi.Kind.TLBIMVA, 0x0, 0, true).pages()).isEqualTo(1);
    }

    @Test
    void operationsPrintAsTheScenarioSpellsThem() {
        assertThat(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false).toString()).isEqualTo("tlbiall");
        assertThat(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, true).toString()).isEqualTo("tlbiallis");
        assertThat(new Tlbi(Tlbi.Kind.TLBIASID, 0, 42, false).toString()).isEqualTo("tlbiasid 42");
        assertThat(new Tlbi(Tlbi.Kind.TLBIMVA, 0x1000, 3, true).toString()).isEqualTo("tlbimvais 0x1000 3");
        assertThat(new Tlbi(Tlbi.Kind.TLBIMVAA, 0x2000, 0, false).toString()).isEqualTo("tlbimvaa 0x2000");
        assertThat(new Tlbi(Tlbi.Kind.TLBIMVAA, 0x2000, 0, true, 3).toString())
                .isEqualTo("tlbimvaais 0x2000 x3 pages");
        assertThat(new Tlbi(Tlbi.Kind.TLBIMVA, 0x2000, 1, false, 2).toString())
                .isEqualTo("tlbimva 0x2000 1 x2 pages");
        assertThat(new Tlbi(Tlbi.Kind.TLBIASID, 0, 1, true).spelling()).isEqualTo("tlbiasidis");
    }

    @Test
    void anEntryAnswersItsBlockUnderItsAsidOrAnyWhenGlobal() {
        TlbEntry e = user(0x3000, 4);
        assertThat(e.matches(0x3000, 4)).isTrue();
        assertThat(e.matches(0x3fff, 4)).isTrue();
        assertThat(e.matches(0x2fff, 4)).isFalse();
        assertThat(e.matches(0x4000, 4)).isFalse();
        assertThat(e.matches(0x3000, 5)).isFalse();
        TlbEntry g = global(0xc0000000L, 0x100000);
        assertThat(g.matches(0xc00fffffL, 1)).isTrue();
        assertThat(g.matches(0xc0100000L, 1)).isFalse();
        assertThat(e.toString()).isEqualTo("00003000-00003fff -> 80003000 asid 4 ap 3 xn (mm 1)");
        assertThat(g.toString()).isEqualTo("c0000000-c00fffff -> 60000000 global ap 1");
        assertThat(new TlbEntry(new Walk(0, PAGE, 0, false, 7, false), 1, 0).toString())
                .isEqualTo("00000000-00000fff -> 00000000 asid 1 ap 7 (mm 0)");
    }

    @Test
    void twoWalksAreTheSameTranslationOnlyWhenEveryFieldAgrees() {
        Walk w = new Walk(0x1000, PAGE, 0x80001000L, false, 3, true);
        assertThat(w.sameTranslation(new Walk(0x1000, PAGE, 0x80001000L, false, 3, true))).isTrue();
        assertThat(w.sameTranslation(null)).isFalse();
        assertThat(w.sameTranslation(new Walk(0x2000, PAGE, 0x80001000L, false, 3, true))).isFalse();
        assertThat(w.sameTranslation(new Walk(0x1000, 2 * PAGE, 0x80001000L, false, 3, true))).isFalse();
        assertThat(w.sameTranslation(new Walk(0x1000, PAGE, 0x80002000L, false, 3, true))).isFalse();
        assertThat(w.sameTranslation(new Walk(0x1000, PAGE, 0x80001000L, true, 3, true))).isFalse();
        assertThat(w.sameTranslation(new Walk(0x1000, PAGE, 0x80001000L, false, 7, true))).isFalse();
        assertThat(w.sameTranslation(new Walk(0x1000, PAGE, 0x80001000L, false, 3, false))).isFalse();
        assertThat(w.covers(0x1000)).isTrue();
        assertThat(w.covers(0x1fff)).isTrue();
        assertThat(w.covers(0xfff)).isFalse();
        assertThat(w.covers(0x2000)).isFalse();
    }

    @Test
    void permissionsFollowTheApTableAtPl0AndPl1() {
        // APX:AP: 0 none; 1 PL1 RW; 2 PL1 RW, PL0 RO; 3 RW both; 4 reserved; 5 PL1 RO; 6, 7 RO both
        boolean[] userRead = {false, false, true, true, false, false, true, true};
        boolean[] userWrite = {false, false, false, true, false, false, false, false};
        boolean[] kernRead = {false, true, true, true, false, true, true, true};
        boolean[] kernWrite = {false, true, true, true, false, false, false, false};
        for (int ap = 0; ap < 8; ap++) {
            Walk w = new Walk(0, PAGE, 0, false, ap, false);
            Walk xn = new Walk(0, PAGE, 0, false, ap, true);
            assertThat(Tlbs.permits(w, Access.READ, true)).as("user read ap %d", ap).isEqualTo(userRead[ap]);
            assertThat(Tlbs.permits(w, Access.WRITE, true)).as("user write ap %d", ap).isEqualTo(userWrite[ap]);
            assertThat(Tlbs.permits(w, Access.READ, false)).as("kernel read ap %d", ap).isEqualTo(kernRead[ap]);
            assertThat(Tlbs.permits(w, Access.WRITE, false)).as("kernel write ap %d", ap).isEqualTo(kernWrite[ap]);
            assertThat(Tlbs.permits(w, Access.EXEC, true)).as("user exec ap %d", ap).isEqualTo(userRead[ap]);
            assertThat(Tlbs.permits(w, Access.EXEC, false)).as("kernel exec ap %d", ap).isEqualTo(kernRead[ap]);
            assertThat(Tlbs.permits(xn, Access.EXEC, true)).as("xn at PL0, ap %d", ap).isFalse();
            assertThat(Tlbs.permits(xn, Access.EXEC, false)).as("xn at PL1, ap %d", ap).isFalse();
        }
    }

    @Test
    void theSetIsTheBlockNumberModuloTheSets() {
        assertThat(Tlb.SETS).isEqualTo(128);
        assertThat(Tlb.setOf(new Walk(0, PAGE, 0, false, 3, false))).isZero();
        assertThat(Tlb.setOf(new Walk(5 * PAGE, PAGE, 0, false, 3, false))).isEqualTo(5);
        assertThat(Tlb.setOf(new Walk(129 * PAGE, PAGE, 0, false, 3, false))).isEqualTo(1);
        assertThat(Tlb.setOf(new Walk(0x300000, 0x100000, 0, true, 1, false))).isEqualTo(3);
        assertThat(Tlb.setOf(new Walk(0xc0000000L, 0x100000, 0, true, 1, false))).isEqualTo(0xc00 % 128);
    }

    @Test
    void aFillReplacesOnlyAnEntryAnsweringTheSameLookups() {
        Tlb t = new Tlb();
        t.fill(user(0x5000, 1));
        t.fill(user(0x5000, 2));
        assertThat(t.entries()).hasSize(2);
        t.fill(user(0x5000, 1));
        assertThat(t.entries()).as("same block and ASID replaced").hasSize(2);
        assertThat(t.entries().get(1).asid()).isEqualTo(1);
        t.fill(global(0x5000, PAGE));
        assertThat(t.entries()).as("a global entry is another tag").hasSize(3);
        t.fill(new TlbEntry(new Walk(0x5000, PAGE, 0x1234000L, true, 1, false), 3, -1));
        assertThat(t.entries()).as("a global entry replaces the global one whatever its ASID").hasSize(3);
        assertThat(t.lookup(0x5000, 7).walk().pa()).isEqualTo(0x1234000L);
        assertThat(t.fills()).isEqualTo(5);
        assertThat(t.evicted()).isZero();
        assertThat(t.lookup(0x6000, 1)).isNull();
        // TLBIASID 2 removes one; a whole flush the other two
        t.invalidate(new Tlbi(Tlbi.Kind.TLBIASID, 0, 2, false));
        assertThat(t.invalidated()).isEqualTo(1);
        t.invalidate(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false));
        assertThat(t.invalidated()).isEqualTo(3);
        assertThat(t.entries()).isEmpty();
        // the set counts went down with them: four fills of one set evict nothing
        long stride = Tlb.SETS * PAGE;
        for (int i = 0; i < Tlb.WAYS; i++) {
            t.fill(user(0x5000 + i * stride, 1));
        }
        assertThat(t.evicted()).isZero();
        assertThat(t.entries()).hasSize(Tlb.WAYS);
        assertThat(t.evict(0x5000 + stride)).isEqualTo(1);
        assertThat(t.evict(0x5000 + stride)).isZero();
        assertThat(t.evicted()).isEqualTo(1);
        // one free way again: a fill evicts nothing, the next one the oldest (0x5000)
        t.fill(user(0x5000 + Tlb.WAYS * stride, 1));
        assertThat(t.evicted()).isEqualTo(1);
        t.fill(user(0x5000 + (Tlb.WAYS + 1) * stride, 1));
        assertThat(t.evicted()).isEqualTo(2);
        assertThat(t.lookup(0x5000, 1)).isNull();
        assertThat(t.lookup(0x5000 + 2 * stride, 1)).isNotNull();
    }
}
