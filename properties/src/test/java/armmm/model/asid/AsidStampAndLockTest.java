package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two things the allocator's other tests leave open. First its change signal: the ASID
 * invariants are checked after a step only when {@link AsidAllocator#mutations()} moved, so every
 * mutating call must move it forward, never back to a value a check already saw. Second the
 * {@code cpu_asid_lock} of {@code check_and_switch_context} (arch/arm/mm/context.c): a CPU whose
 * slow path finds the lock held by another spins and cannot step, a whole switch that meets it
 * gives up, and the fast path's {@code atomic64_xchg} of {@code active_asids} that reads 0 (a
 * rollover's {@code flush_context} zeroed it) takes the slow path.
 */
class AsidStampAndLockTest {

    private static final long PGD_A = 0x48000000L;
    private static final long PGD_B = 0x48004000L;

    @Test
    void everyMutatingCallMovesTheChangeSignalForward() {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(2));
        List<Long> seen = new ArrayList<>();
        seen.add(a.mutations());
        BitSet map = new BitSet();
        map.set(1);
        a.restore(0x100, map, 1);
        seen.add(a.mutations());
        MmContext m = a.adoptMm(PGD_A, 0x101);
        seen.add(a.mutations());
        MmContext n = a.createMm(PGD_B);
        seen.add(a.mutations());
        a.restoreCpu(0, m, 0x101, 0);
        seen.add(a.mutations());
        a.onLocalFlushTlbAll(cpu -> { });
        seen.add(a.mutations());
        a.omitReservedTtbr0(false);
        seen.add(a.mutations());
        assertThat(a.beginSwitch(1, n)).isTrue();
        seen.add(a.mutations());
        a.step(1);
        seen.add(a.mutations());
        assertThat(a.switchMm(0, n)).isTrue();
        seen.add(a.mutations());
        MmContext dead = a.createMm(0x4800c000L);
        seen.add(a.mutations());
        assertThat(a.releaseMm(dead)).isTrue();
        seen.add(a.mutations());
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("after call %d", i).isGreaterThan(seen.get(i - 1));
        }
    }

    @Test
    void aCpuWaitingForTheLockCannotStepAndAWholeSwitchGivesUp() {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(2));
        MmContext m = a.createMm(PGD_A);
        MmContext n = a.createMm(PGD_B);
        assertThat(a.canStep(0)).as("idle").isFalse();
        a.beginSwitch(0, m);
        assertThat(a.canStep(0)).isTrue();
        // cpu_set_reserved_ttbr0, read context.id 0, generation differs, lock
        for (int i = 0; i < 4; i++) {
            a.step(0);
        }
        assertThat(a.lockOwner()).isEqualTo(0);
        assertThat(a.canStep(0)).as("the holder goes on").isTrue();
        assertThat(a.switchMm(1, n)).as("cpu 1 reaches the held lock").isFalse();
        assertThat(a.cpu(1).step()).isEqualTo(SwitchStep.LOCK);
        assertThat(a.canStep(1)).isFalse();
        assertThat(a.step(1)).isEqualTo("spin");
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            a.step(0);
        }
        assertThat(a.lockOwner()).isEqualTo(-1);
        assertThat(a.canStep(1)).isTrue();
        assertThat(a.step(1)).isEqualTo("lock cpu_asid_lock");
    }

    @Test
    void theFastPathsXchgReadingZeroTakesTheSlowPath() {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(1));
        BitSet map = new BitSet();
        map.set(5);
        a.restore(0x100, map, 5);
        MmContext m = a.adoptMm(PGD_A, 0x105);
        // flush_context left active_asids 0 (reserved_asids holds the ASID) on the CPU running m
        a.restoreCpu(0, m, 0, 0x105);
        a.beginSwitch(0, m);
        assertThat(a.step(0)).isEqualTo("cpu_set_reserved_ttbr0");
        assertThat(a.step(0)).isEqualTo("read context.id 0x105");
        assertThat(a.step(0)).isEqualTo("generation matches");
        assertThat(a.step(0)).isEqualTo("xchg found active_asids 0");
        assertThat(a.cpu(0).step()).isEqualTo(SwitchStep.LOCK);
        assertThat(a.cpu(0).active()).as("the xchg wrote the ASID").isEqualTo(0x105);
    }
}
