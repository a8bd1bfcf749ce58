package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Violation;
import org.junit.jupiter.api.Test;

/**
 * A race of Linux 6.1's ARM32 allocator itself, no planted defect: the model, run with other
 * seeds than {@link AsidProperties}' fixed ones, found two live mms with one {@code context.id}
 * (INV-ASID-01) and this is its interleaving, checked by hand against arch/arm/mm/context.c.
 * {@code check_and_switch_context}'s fast path reads the mm's id and {@code asid_generation}
 * (they match), a rollover on another CPU zeroes this CPU's {@code active_asids}, and the
 * {@code atomic64_xchg} then stores the old-generation id there even though it returns 0 and the
 * CPU goes to the slow path. Before this CPU takes {@code cpu_asid_lock}, a second rollover's
 * {@code flush_context} reads that stale id as the CPU's active ASID and reserves its number,
 * which the intermediate generation had given to another mm that another CPU reserves too; both
 * mms then keep the number through {@code check_update_reserved_asid}, with the same new id.
 * arm64's 6.1 allocator (arch/arm64/mm/context.c {@code check_and_switch_context}) closes the
 * window: it reads {@code active_asids} first and uses {@code atomic64_cmpxchg_relaxed} only when
 * that was non-zero, so a zeroed entry stays zero; ARM32's still uses the plain xchg.
 */
class AsidXchgAfterRolloverRaceTest {
    private long pgd = 0x48000000L;

    private MmContext exec(AsidAllocator a, int cpu) {
        MmContext mm = a.createMm(pgd);
        pgd += 0x4000;
        assertThat(a.switchMm(cpu, mm)).isTrue();
        return mm;
    }

    @Test
    void aStaleIdStoredByTheFastPathsXchgIsReservedByTheNextRolloverAndGivenTwice() {
        // two CPUs, two-bit ASIDs (1..3 usable), generation 1 is 0x4
        AsidAllocator a = new AsidAllocator(new AsidConfig(2, 2, AsidConfig.ARMMP_SWAPPER_PGD));
        MmContext onCpu1 = exec(a, 1);
        MmContext b = exec(a, 0);
        MmContext x = exec(a, 0);
        assertThat(new long[] {onCpu1.contextId(), b.contextId(), x.contextId()}).containsExactly(0x5, 0x6, 0x7);
        assertThat(a.switchMm(0, b)).isTrue();
        // CPU 1 switches to x: the fast path's reads see generation 1, x's id 0x7 matches
        assertThat(a.beginSwitch(1, x)).isTrue();
        assertThat(a.step(1)).isEqualTo("cpu_set_reserved_ttbr0");
        assertThat(a.step(1)).isEqualTo("read context.id 0x7");
        assertThat(a.step(1)).isEqualTo("generation matches");
        // CPU 0 rolls over: reserved 0x6 (its b) and 0x5 (CPU 1's active), ASID 3 is free: c gets 0xb
        MmContext c = exec(a, 0);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(c.contextId()).isEqualTo(0xb);
        assertThat(a.cpu(1).active()).isZero();
        // the xchg returns 0 (slow path) but leaves the old-generation 0x7 in active_asids
        assertThat(a.step(1)).isEqualTo("xchg found active_asids 0");
        assertThat(a.cpu(1).active()).isEqualTo(0x7);
        // the second rollover reserves 0xb for CPU 0 and the stale 0x7 for CPU 1: ASID 3 twice
        MmContext d = exec(a, 0);
        assertThat(a.rollovers()).isEqualTo(2);
        assertThat(d.contextId()).isEqualTo(0xd);
        assertThat(a.cpu(0).reserved()).isEqualTo(0xb);
        assertThat(a.cpu(1).reserved()).isEqualTo(0x7);
        // c comes back on CPU 0 through its reserved copy, x on CPU 1 through the stale one
        assertThat(a.switchMm(0, c)).isTrue();
        assertThat(c.contextId()).isEqualTo(0xf);
        assertThat(a.step(1)).startsWith("lock");
        a.step(1);
        assertThat(x.contextId()).isEqualTo(0xf);
        assertThat(AsidChecks.uniqueAsid(a)).extracting(Violation::reason).contains("two mms share an ASID");
    }
}
