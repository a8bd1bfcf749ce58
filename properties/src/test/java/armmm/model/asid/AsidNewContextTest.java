package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code new_context} (arch/arm/mm/context.c, 6.1) after a rollover: an mm of the previous
 * generation keeps its ASID number when a CPU reserves it ({@code check_update_reserved_asid}) or
 * when the number is still clear in {@code asid_map} ({@code __test_and_set_bit}), without moving
 * {@code cur_idx}; otherwise the search for a free number starts at {@code cur_idx}. Also the
 * fast path's read of {@code active_asids} when it is 0, and the refusals around a switch.
 */
class AsidNewContextTest {
    private static final AsidConfig ONE_CPU_THREE_BITS = new AsidConfig(1, 3, AsidConfig.ARMMP_SWAPPER_PGD);
    private long pgd = 0x48000000L;

    private MmContext exec(AsidAllocator a, int cpu) {
        MmContext mm = a.createMm(pgd);
        pgd += 0x4000;
        assertThat(a.switchMm(cpu, mm)).isTrue();
        return mm;
    }

    private static List<String> steps(AsidAllocator a, int cpu, MmContext mm) {
        assertThat(a.beginSwitch(cpu, mm)).isTrue();
        List<String> out = new ArrayList<>();
        while (a.cpu(cpu).step() != SwitchStep.IDLE) {
            out.add(a.step(cpu));
        }
        return out;
    }

    @Test
    void afterARolloverAnOldMmKeepsItsNumberWhenFreeOrReservedAndNewMmsSearchFromCurIdx() {
        AsidAllocator a = new AsidAllocator(ONE_CPU_THREE_BITS);
        List<MmContext> mms = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            mms.add(exec(a, 0));
        }
        assertThat(mms.get(6).contextId()).isEqualTo(8 | 7);
        MmContext eighth = exec(a, 0);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(eighth.contextId()).isEqualTo(16 | 1);
        assertThat(a.curIdx()).isEqualTo(1);
        // ASID 3 of the old generation is free in the new map: kept, cur_idx untouched
        assertThat(steps(a, 0, mms.get(2))).contains("generation differs", "context.id 0x13", "no flush pending");
        assertThat(a.curIdx()).isEqualTo(1);
        // ASID 7 is reserved by cpu 0 (it ran it at the rollover): kept, and the reservation moves
        assertThat(a.switchMm(0, mms.get(6))).isTrue();
        assertThat(mms.get(6).contextId()).isEqualTo(16 | 7);
        assertThat(a.cpu(0).reserved()).isEqualTo(16 | 7);
        assertThat(a.switchMm(0, mms.get(4))).isTrue();
        assertThat(mms.get(4).contextId()).isEqualTo(16 | 5);
        // a new mm: the first clear bit from cur_idx 1 is 2
        MmContext ninth = exec(a, 0);
        assertThat(ninth.contextId()).isEqualTo(16 | 2);
        assertThat(a.curIdx()).isEqualTo(2);
        // ASID 2's old owner finds its number taken by the ninth mm: a new number, the next from cur_idx
        assertThat(a.switchMm(0, mms.get(1))).isTrue();
        assertThat(mms.get(1).contextId()).isEqualTo(16 | 4);
        assertThat(a.asidMapWeight()).isEqualTo(6);
        assertThat(AsidChecks.all(a)).isEmpty();
    }

    @Test
    void aSecondCpuWaitingForTheLockFindsTheMmsContextCurrent() {
        AsidAllocator a = new AsidAllocator(new AsidConfig(2, 2, AsidConfig.ARMMP_SWAPPER_PGD));
        MmContext m = a.createMm(pgd);
        a.beginSwitch(0, m);
        a.beginSwitch(1, m);
        List<String> one = new ArrayList<>();
        while (a.cpu(1).step() != SwitchStep.LOCK) {
            one.add(a.step(1));
        }
        assertThat(steps0UntilIdle(a)).contains("lock cpu_asid_lock", "context.id 0x5");
        while (a.cpu(1).step() != SwitchStep.IDLE) {
            one.add(a.step(1));
        }
        assertThat(one).containsExactly("cpu_set_reserved_ttbr0", "read context.id 0x0", "generation differs",
                "lock cpu_asid_lock", "generation current", "no flush pending", "unlock", "CONTEXTIDR 0x5",
                "TTBR0 0x4800006a");
        assertThat(a.cpu(1).active()).isEqualTo(5);
        assertThat(m.inCpumask(0)).isTrue();
        assertThat(m.inCpumask(1)).isTrue();
        assertThat(a.asidMapWeight()).isEqualTo(1);
        assertThat(a.slowPaths()).isEqualTo(2);
    }

    private static List<String> steps0UntilIdle(AsidAllocator a) {
        List<String> out = new ArrayList<>();
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            out.add(a.step(0));
        }
        return out;
    }

    @Test
    void theReadThenWriteFastPathGoesToTheLockWhenItReadsActive0() {
        AsidAllocator a = new AsidAllocator(new AsidConfig(2, 2, AsidConfig.ARMMP_SWAPPER_PGD),
                Set.of(AsidDefect.FASTPATH_READ_THEN_WRITE));
        MmContext onCpu0 = exec(a, 0);
        exec(a, 1);
        exec(a, 1);
        MmContext fresh = exec(a, 1);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(a.cpu(0).active()).isZero();
        // cpu 0 switches to an mm of the new generation: the generation matches, active_asids reads 0
        List<String> s = steps(a, 0, fresh);
        assertThat(s.subList(0, 5)).containsExactly("cpu_set_reserved_ttbr0", "read context.id 0xa", "generation matches",
                "read found active_asids 0", "lock cpu_asid_lock");
        assertThat(s).contains("local_flush_tlb_all");
        // and back: now active is set, the read sees it and the write completes the fast path
        List<String> back = steps(a, 0, onCpu0);
        assertThat(back).contains("generation differs");
        List<String> again = steps(a, 0, fresh);
        assertThat(again).containsExactly("cpu_set_reserved_ttbr0", "read context.id 0xa", "generation matches",
                "read active_asids 0x" + Long.toHexString(onCpu0.contextId()), "fast path", "CONTEXTIDR 0xa",
                "TTBR0 " + "0x" + Long.toHexString(fresh.pgd() | 0x6a));
    }

    @Test
    void anMmIsReleasedOnceOnlyAndNotWhileACpuSwitchesToIt() {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(1));
        MmContext m = a.createMm(pgd);
        MmContext other = a.createMm(pgd + 0x4000);
        a.beginSwitch(0, m);
        assertThat(a.releaseMm(m)).isFalse();
        assertThat(a.canStep(0)).isTrue();
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            a.step(0);
        }
        assertThat(a.canStep(0)).isFalse();
        assertThat(a.releaseMm(other)).isTrue();
        assertThat(other.live()).isFalse();
        assertThat(a.releaseMm(other)).isFalse();
        assertThat(a.liveMms()).containsExactly(m);
        assertThat(a.mms()).containsExactly(m, other);
        assertThat(a.switchMm(0, other)).isFalse();
        assertThat(other.toString()).isEqualTo("mm1{context.id=0x0, dead}");
        assertThat(m.toString()).isEqualTo("mm0{context.id=0x101}");
    }
}
