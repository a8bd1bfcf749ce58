package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The bounded TLB: 512 entries in 128 sets of 4 ways (Cortex-A15 TRM 5.2.3); a fill into a full
 * set evicts that set's oldest entry and no other, and {@code evict} drops what covers an address.
 */
class TlbCapacityTest {
    private static final long PAGE = 4096;

    private static TlbEntry user(long va, int asid) {
        return new TlbEntry(new Walk(va, PAGE, 0x80000000L + va, false, Walk.AP_USER_RW, true), asid, 1);
    }

    @Test
    void aFullSetEvictsItsOldestEntryOnly() {
        Tlb t = new Tlb();
        long stride = Tlb.SETS * PAGE; // same set
        for (int i = 0; i < Tlb.WAYS; i++) {
            t.fill(user(i * stride, 1));
        }
        t.fill(user(PAGE, 1)); // another set
        assertThat(t.entries()).hasSize(Tlb.WAYS + 1);
        t.fill(user(Tlb.WAYS * stride, 1));
        assertThat(t.entries()).hasSize(Tlb.WAYS + 1);
        assertThat(t.lookup(0, 1)).as("the set's oldest went").isNull();
        assertThat(t.lookup(stride, 1)).isNotNull();
        assertThat(t.lookup(PAGE, 1)).as("another set's entry stays").isNotNull();
        assertThat(t.evicted()).isEqualTo(1);
    }

    @Test
    void neverMoreThanItsCapacityAndTheSameBlockUnderAnotherAsidIsAnotherEntry() {
        Tlb t = new Tlb();
        for (int i = 0; i < 3 * Tlb.ENTRIES; i++) {
            t.fill(user((long) i * PAGE, i % 3));
        }
        assertThat(t.entries()).hasSize(Tlb.ENTRIES);
        t.fill(user(0, 7));
        t.fill(user(0, 8));
        assertThat(t.lookup(0, 7)).isNotNull();
        assertThat(t.lookup(0, 8)).isNotNull();
        assertThat(t.entries()).hasSize(Tlb.ENTRIES);
        assertThat(t.evict(0)).isEqualTo(2);
        assertThat(t.entries()).hasSize(Tlb.ENTRIES - 2);
    }
}
