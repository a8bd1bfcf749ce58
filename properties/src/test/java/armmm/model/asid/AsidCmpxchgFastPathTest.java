package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link AsidConfig.FastPath#CMPXCHG_ARM64}: arm64's fast path (arch/arm64/mm/context.c
 * {@code check_and_switch_context}) applied to the ARM32 allocator as a patch, one visible step
 * per atomic: the read of {@code active_asids}, the generation test, the {@code cmpxchg}.
 */
class AsidCmpxchgFastPathTest {
    private static final AsidConfig TWO_BITS = new AsidConfig(2, 2, AsidConfig.ARMMP_SWAPPER_PGD);
    private long pgd = 0x48000000L;

    private MmContext exec(AsidAllocator a, int cpu) {
        MmContext mm = a.createMm(pgd);
        pgd += 0x4000;
        assertThat(a.switchMm(cpu, mm)).isTrue();
        return mm;
    }

    private static List<String> finish(AsidAllocator a, int cpu) {
        List<String> out = new ArrayList<>();
        while (a.cpu(cpu).step() != SwitchStep.IDLE) {
            out.add(a.step(cpu));
        }
        return out;
    }

    @Test
    void theDefaultIsSixOnesXchg() {
        assertThat(TWO_BITS.fastPath()).isEqualTo(AsidConfig.FastPath.XCHG_6_1);
        assertThat(AsidConfig.armmp(4).fastPath()).isEqualTo(AsidConfig.FastPath.XCHG_6_1);
    }

    @Test
    void aFastPathReadsActiveAsidsThenTheGenerationThenCompareAndExchanges() {
        AsidAllocator a = new AsidAllocator(TWO_BITS.withFastPath(AsidConfig.FastPath.CMPXCHG_ARM64));
        MmContext m = exec(a, 0);
        MmContext n = exec(a, 0);
        assertThat(a.beginSwitch(0, m)).isTrue();
        assertThat(finish(a, 0)).containsExactly("cpu_set_reserved_ttbr0", "read context.id 0x5", "read active_asids 0x6",
                "generation matches", "fast path", "CONTEXTIDR 0x5", "TTBR0 0x4800006a");
        assertThat(a.cpu(0).active()).isEqualTo(m.contextId());
        assertThat(a.fastPaths()).isEqualTo(1);
        assertThat(n.contextId()).isEqualTo(0x6);
    }

    @Test
    void aRolloverBetweenTheReadAndTheCmpxchgLeavesActiveAsidsZero() {
        AsidAllocator a = new AsidAllocator(TWO_BITS.withFastPath(AsidConfig.FastPath.CMPXCHG_ARM64));
        exec(a, 1);
        exec(a, 0);
        MmContext x = exec(a, 0);
        assertThat(a.beginSwitch(1, x)).isTrue();
        a.step(1);
        a.step(1);
        assertThat(a.step(1)).isEqualTo("read active_asids 0x5");
        assertThat(a.step(1)).isEqualTo("generation matches");
        exec(a, 0);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(a.cpu(1).active()).isZero();
        // 6.1's xchg would store 0x7 here; the cmpxchg finds 0, stores nothing, and goes to the lock
        assertThat(a.step(1)).isEqualTo("cmpxchg found active_asids 0");
        assertThat(a.cpu(1).active()).isZero();
        assertThat(a.cpu(1).step()).isEqualTo(SwitchStep.LOCK);
        assertThat(finish(a, 1)).contains("lock cpu_asid_lock");
        assertThat(AsidChecks.all(a)).isEmpty();
    }

    @Test
    void aZeroActiveAsidsGoesToTheLockWithoutTheGenerationTest() {
        AsidAllocator a = new AsidAllocator(TWO_BITS.withFastPath(AsidConfig.FastPath.CMPXCHG_ARM64));
        MmContext m = a.createMm(pgd);
        assertThat(a.beginSwitch(0, m)).isTrue();
        a.step(0);
        a.step(0);
        assertThat(a.step(0)).isEqualTo("read active_asids 0");
        assertThat(a.cpu(0).step()).isEqualTo(SwitchStep.LOCK);
    }

    @Test
    void theReadThenWriteDefectMakesTheCmpxchgAPlainWrite() {
        AsidAllocator a = new AsidAllocator(TWO_BITS.withFastPath(AsidConfig.FastPath.CMPXCHG_ARM64),
                Set.of(AsidDefect.FASTPATH_READ_THEN_WRITE));
        exec(a, 1);
        exec(a, 0);
        MmContext x = exec(a, 0);
        assertThat(a.beginSwitch(1, x)).isTrue();
        for (int i = 0; i < 4; i++) {
            a.step(1);
        }
        exec(a, 0);
        assertThat(a.step(1)).isEqualTo("fast path");
        finish(a, 1);
        assertThat(AsidChecks.noOldGeneration(a)).isNotEmpty();
    }
}
