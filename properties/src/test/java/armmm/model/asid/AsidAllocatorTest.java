package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Violation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The allocator's rules of arch/arm/mm/context.c on hand-written sequences, and each invariant of
 * {@link AsidChecks} failing on the state a planted defect leaves (the shortest interleavings,
 * written out by hand; {@link AsidProperties} finds them at random).
 */
class AsidAllocatorTest {
    private static final AsidConfig TWO_CPUS_TWO_BITS = new AsidConfig(2, 2, AsidConfig.ARMMP_SWAPPER_PGD);
    private long pgd = 0x48000000L;

    private MmContext exec(AsidAllocator a, int cpu) {
        MmContext mm = a.createMm(pgd);
        pgd += 0x4000;
        assertThat(a.switchMm(cpu, mm)).isTrue();
        return mm;
    }

    private static List<String> ids(List<Violation> violations) {
        return violations.stream().map(Violation::id).distinct().toList();
    }

    @Test
    void asidsAreHandedOutFromOneUpwardsAndTheCpuRegistersFollowTheMm() {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(1));
        MmContext first = exec(a, 0);
        MmContext second = exec(a, 0);
        assertThat(first.contextId()).isEqualTo(0x101);
        assertThat(second.contextId()).isEqualTo(0x102);
        assertThat(a.cpu(0).contextidr()).isEqualTo(0x102);
        assertThat(a.cpu(0).ttbr0()).isEqualTo(second.pgd() | 0x6a);
        assertThat(a.cpu(0).active()).isEqualTo(0x102);
        assertThat(a.switchMm(0, first)).isTrue();
        assertThat(a.fastPaths()).as("same generation, active set: the fast path").isEqualTo(1);
        assertThat(a.asidMapWeight()).isEqualTo(2);
    }

    @Test
    void aRolloverKeepsTheRunningAsidsAndQueuesAFlushOnEveryCpu() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS_TWO_BITS);
        MmContext onCpu0 = exec(a, 0);
        exec(a, 1);
        MmContext third = exec(a, 1);
        MmContext fourth = exec(a, 1);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(a.asidGeneration()).isEqualTo(8);
        assertThat(a.cpu(0).reserved()).isEqualTo(onCpu0.contextId());
        assertThat(a.cpu(1).reserved()).isEqualTo(third.contextId());
        assertThat(fourth.contextId()).as("first ASID free after the reserved 1 and 3").isEqualTo(8 | 2);
        assertThat(a.tlbFlushPending(0)).isTrue();
        assertThat(a.tlbFlushPending(1)).as("cleared by its own slow path").isFalse();
        assertThat(a.switchMm(1, onCpu0)).isTrue();
        assertThat(onCpu0.contextId()).as("the reserved ASID, moved to the new generation").isEqualTo(8 | 1);
        assertThat(a.cpu(0).reserved()).isEqualTo(8 | 1);
        assertThat(AsidChecks.all(a)).isEmpty();
    }

    @Test
    void aDeadMmKeepsItsAsidAndARunningMmCannotBeReleased() {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(1));
        MmContext first = exec(a, 0);
        assertThat(a.releaseMm(first)).isFalse();
        exec(a, 0);
        assertThat(a.releaseMm(first)).isTrue();
        assertThat(a.asidMap().get(1)).isTrue();
        assertThat(a.beginSwitch(0, first)).isFalse();
    }

    @Test
    void aCpuWaitsForTheLockAnotherCpuHolds() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS_TWO_BITS);
        MmContext m = a.createMm(pgd);
        a.beginSwitch(0, m);
        while (a.lockOwner() != 0) {
            a.step(0);
        }
        a.beginSwitch(1, m);
        while (a.cpu(1).step() != SwitchStep.LOCK) {
            a.step(1);
        }
        assertThat(a.canStep(1)).isFalse();
        assertThat(a.step(1)).isEqualTo("spin");
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            a.step(0);
        }
        assertThat(a.canStep(1)).isTrue();
        assertThat(a.switchMm(1, m)).isFalse();
        while (a.cpu(1).step() != SwitchStep.IDLE) {
            a.step(1);
        }
        assertThat(a.cpu(1).contextidr()).isEqualTo(a.cpu(0).contextidr());
        assertThat(AsidChecks.all(a)).isEmpty();
    }

    @Test
    void tooFewAsidsForTheCpusIsRefused() {
        assertThatThrownBy(() -> new AsidConfig(3, 2, AsidConfig.ARMMP_SWAPPER_PGD))
                .hasMessageContaining("2^asidBits must be at least nrCpus + 2");
    }

    /** 7767/1 absent: CPU 0 stays in its task through two rollovers and loses its reservation. */
    @Test
    void aSuspendedCpuLosingItsReservedAsidBreaksInv03AndThenInv01() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS_TWO_BITS, Set.of(AsidDefect.SUSPENDED_CPU_LOSES_RESERVED));
        exec(a, 0);
        exec(a, 1);
        exec(a, 1);
        exec(a, 1);
        assertThat(AsidChecks.all(a)).isEmpty();
        exec(a, 1);
        assertThat(a.rollovers()).isEqualTo(2);
        assertThat(ids(AsidChecks.reservedSurviveRollover(a))).containsExactly(AsidChecks.RESERVED_KEPT);
        assertThat(ids(AsidChecks.uniqueAsid(a))).as("CPU 1 got CPU 0's ASID 1").containsExactly(AsidChecks.UNIQUE);
    }

    /** 8465/1 absent: the reserved copy stays in the old generation and the mm gets a second ASID. */
    @Test
    void reservedAsidsOutOfSyncBreakInv04() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS_TWO_BITS, Set.of(AsidDefect.RESERVED_NOT_SYNCED));
        MmContext p = exec(a, 0);
        exec(a, 1);
        exec(a, 1);
        MmContext u = exec(a, 1);
        assertThat(a.switchMm(1, p)).isTrue();
        assertThat(a.switchMm(1, u)).isTrue();
        exec(a, 1);
        assertThat(AsidChecks.all(a)).isEmpty();
        assertThat(a.switchMm(1, p)).isTrue();
        assertThat(a.rollovers()).isEqualTo(3);
        assertThat(ids(AsidChecks.all(a))).containsExactly(AsidChecks.SAME_ASID);
    }

    /** The fast path's xchg as a read and a write: a rollover between them. */
    @Test
    void aFastPathReadThenWriteRacingARolloverBreaksInv02AndInv01() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS_TWO_BITS, Set.of(AsidDefect.FASTPATH_READ_THEN_WRITE));
        MmContext m1 = exec(a, 0);
        exec(a, 0);
        a.beginSwitch(0, m1);
        while (a.cpu(0).step() != SwitchStep.WRITE_ACTIVE) {
            a.step(0);
        }
        exec(a, 1);
        MmContext taker = exec(a, 1);
        assertThat(a.rollovers()).isEqualTo(1);
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            a.step(0);
        }
        assertThat(taker.contextId() & 3).as("ASID 1, which CPU 0 now runs for m1").isEqualTo(1);
        assertThat(ids(AsidChecks.all(a))).containsExactlyInAnyOrder(AsidChecks.UNIQUE, AsidChecks.CURRENT_GENERATION);
    }

    /** The same interleaving with the kernel's xchg: the CPU sees the rollover and takes the slow path. */
    @Test
    void theKernelsXchgSeesTheRolloverAndTakesTheSlowPath() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS_TWO_BITS);
        MmContext m1 = exec(a, 0);
        exec(a, 0);
        a.beginSwitch(0, m1);
        while (a.cpu(0).step() != SwitchStep.XCHG_ACTIVE) {
            a.step(0);
        }
        exec(a, 1);
        exec(a, 1);
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            a.step(0);
            assertThat(AsidChecks.all(a)).isEmpty();
        }
        assertThat(a.slowPaths()).isEqualTo(5);
        assertThat(a.cpu(0).localTlbFlushes()).isEqualTo(1);
    }

    /** Our own defect: the pending flush ignored, CPU 0 reuses ASID 2 with the old mm's entries. */
    @Test
    void ignoringThePendingFlushBreaksInv05() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS_TWO_BITS, Set.of(AsidDefect.PENDING_FLUSH_IGNORED));
        exec(a, 0);
        exec(a, 0);
        exec(a, 0);
        exec(a, 1);
        assertThat(AsidChecks.all(a)).isEmpty();
        exec(a, 0);
        assertThat(ids(AsidChecks.all(a))).containsExactly(AsidChecks.FLUSH_BEFORE_REUSE);
    }
}
