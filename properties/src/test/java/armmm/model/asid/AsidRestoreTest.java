package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Restoring a captured allocator state ({@code asid_generation}, {@code asid_map}, {@code cur_idx},
 * an mm's {@code context.id}, a CPU's {@code active_asids}/{@code reserved_asids} and registers)
 * and what arch/arm/mm/context.c then does from it: {@code new_context} searching from
 * {@code cur_idx} with {@code find_next_zero_bit}, the fast path for a CPU whose active ASID is of
 * the current generation. The bounds are those of the kernel's types (NUM_USER_ASIDS ASIDs, a
 * generation a multiple of ASID_FIRST_VERSION, a 16 KiB aligned 32-bit pgd).
 */
class AsidRestoreTest {
    private static final AsidConfig ONE_CPU = AsidConfig.armmp(1);
    private static final long TTB_FLAGS_SMP = 0x6a;

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    @Test
    void aGenerationMustBeANonzeroMultipleOfAsidFirstVersion() {
        AsidAllocator a = new AsidAllocator(ONE_CPU);
        assertThatThrownBy(() -> a.restore(0, bits(1), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generation");
        assertThatThrownBy(() -> a.restore(0xff, bits(1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.restore(0x301, bits(1), 1)).isInstanceOf(IllegalArgumentException.class);
        a.restore(0x100, bits(1), 1);
        assertThat(a.asidGeneration()).isEqualTo(0x100);
        a.restore(0x500, bits(1), 1);
        assertThat(a.asidGeneration()).isEqualTo(0x500);
    }

    @Test
    void theMapAndCurIdxMustLieInsideTheAsidSpace() {
        AsidAllocator a = new AsidAllocator(ONE_CPU);
        assertThatThrownBy(() -> a.restore(0x200, bits(256), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 ASIDs");
        assertThatThrownBy(() -> a.restore(0x200, bits(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.restore(0x200, bits(1), 256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.restore(0x200, bits(1), -1)).isInstanceOf(IllegalArgumentException.class);
        // a refused restore leaves the booted state
        assertThat(a.asidGeneration()).isEqualTo(0x100);
        assertThat(a.curIdx()).isEqualTo(1);
        a.restore(0x200, bits(1, 255), 255);
        assertThat(a.curIdx()).isEqualTo(255);
        assertThat(a.asidMap()).isEqualTo(bits(1, 255));
        // a second restore replaces the map, it does not add to it
        a.restore(0x200, bits(2), 1);
        assertThat(a.asidMap()).isEqualTo(bits(2));
        assertThat(a.asidMapWeight()).isEqualTo(1);
    }

    @Test
    void newContextSearchesFromCurIdxSoAHoleBelowItStaysFree() {
        AsidAllocator a = new AsidAllocator(ONE_CPU);
        a.restore(0x300, bits(1, 2, 3, 5), 5);
        MmContext mm = a.createMm(0x48000000L);
        assertThat(a.switchMm(0, mm)).isTrue();
        assertThat(mm.contextId()).isEqualTo(0x306);
        assertThat(a.curIdx()).isEqualTo(6);
        assertThat(a.asidMap()).isEqualTo(bits(1, 2, 3, 5, 6));
        assertThat(a.cpu(0).contextidr()).isEqualTo(0x306);
        assertThat(a.rollovers()).isZero();
    }

    @Test
    void anAdoptedMmKeepsItsContextIdAndItsPgdMustBeA16KiBAligned32BitAddress() {
        AsidAllocator a = new AsidAllocator(ONE_CPU);
        assertThatThrownBy(() -> a.adoptMm(-0x4000L, 0x101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgd");
        assertThatThrownBy(() -> a.adoptMm(0x1_0000_0000L, 0x101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.adoptMm(0x48002000L, 0x101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.adoptMm(0x48000001L, 0x101)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.mms()).isEmpty();
        MmContext top = a.adoptMm(0xffffc000L, 0x105);
        MmContext bottom = a.adoptMm(0, 0);
        assertThat(top.pgd()).isEqualTo(0xffffc000L);
        assertThat(top.contextId()).isEqualTo(0x105);
        assertThat(top.handle()).isZero();
        assertThat(bottom.handle()).isEqualTo(1);
        assertThat(a.liveMms()).containsExactly(top, bottom);
        assertThat(a.mms()).containsExactly(top, bottom);
    }

    @Test
    void aRestoredCpuRunsItsMmAndItsNextSwitchToItIsTheFastPath() {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(2));
        a.restore(0x400, bits(1, 7), 7);
        MmContext mm = a.adoptMm(0x48004000L, 0x407);
        a.restoreCpu(1, mm, 0x407, 0x301);
        CpuAsidState c = a.cpu(1);
        assertThat(c.active()).isEqualTo(0x407);
        assertThat(c.reserved()).isEqualTo(0x301);
        assertThat(c.running()).isSameAs(mm);
        assertThat(c.contextidr()).isEqualTo(0x407);
        assertThat(c.ttbr0()).isEqualTo(0x48004000L | TTB_FLAGS_SMP);
        assertThat(mm.inCpumask(1)).isTrue();
        assertThat(mm.inCpumask(0)).isFalse();
        assertThat(c.tlbTags()).isEqualTo(Map.of(7, List.of(mm.handle())));
        assertThat(a.releaseMm(mm)).as("a CPU runs it").isFalse();
        assertThat(a.switchMm(1, mm)).isTrue();
        assertThat(a.fastPaths()).isEqualTo(1);
        assertThat(a.slowPaths()).isZero();
        assertThat(AsidChecks.all(a)).isEmpty();
        assertThatThrownBy(() -> a.restoreCpu(2, mm, 0x407, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 0 to 1");
        assertThatThrownBy(() -> a.cpu(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTlbTagsListEachAsidWithTheFirstMmAndAnotherUntilTheNextLocalFlush() {
        AsidAllocator a = new AsidAllocator(ONE_CPU);
        MmContext m0 = a.adoptMm(0x48000000L, 0x103);
        MmContext m1 = a.adoptMm(0x48004000L, 0x103);
        MmContext m2 = a.adoptMm(0x48008000L, 0x103);
        a.restoreCpu(0, m0, 0x103, 0);
        CpuAsidState c = a.cpu(0);
        assertThat(c.tlbTagFirst(3)).isEqualTo(0);
        assertThat(c.tlbTagOther(3)).isEqualTo(-1);
        assertThat(c.tlbTagFirst(4)).isEqualTo(-1);
        a.restoreCpu(0, m1, 0x103, 0);
        a.restoreCpu(0, m2, 0x103, 0);
        // one other mm is remembered: the first one that shared the ASID
        assertThat(c.tlbTags()).isEqualTo(Map.of(3, List.of(0, 1)));
        assertThat(c.tlbTagSlots()).isEqualTo(256);
        assertThat(AsidChecks.flushBeforeReuse(a)).hasSize(1);
        assertThat(AsidChecks.flushBeforeReuse(a).get(0).id()).isEqualTo(AsidChecks.FLUSH_BEFORE_REUSE);
    }

    @Test
    void aSlowPathSwitchTakesTheKernelsStepsInOrder() {
        AsidAllocator a = new AsidAllocator(ONE_CPU);
        MmContext mm = a.createMm(0x48000000L);
        assertThat(a.step(0)).isEqualTo("idle");
        assertThat(a.beginSwitch(0, mm)).isTrue();
        assertThat(a.beginSwitch(0, mm)).as("already switching").isFalse();
        List<String> steps = new ArrayList<>();
        List<Long> ttbr0 = new ArrayList<>();
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            steps.add(a.step(0));
            ttbr0.add(a.cpu(0).ttbr0());
        }
        assertThat(steps).containsExactly("cpu_set_reserved_ttbr0", "read context.id 0x0", "generation differs",
                "lock cpu_asid_lock", "context.id 0x101", "no flush pending", "unlock", "CONTEXTIDR 0x101",
                "TTBR0 0x4800006a");
        // TTBR0 holds swapper_pg_dir (TTBR1's value) from the first step until the last
        long swapper = AsidConfig.ARMMP_SWAPPER_PGD | TTB_FLAGS_SMP;
        assertThat(ttbr0.subList(0, 8)).containsOnly(swapper);
        assertThat(a.lockOwner()).isEqualTo(-1);
        assertThat(a.cpu(0).target()).isNull();
        assertThat(a.slowPaths()).isEqualTo(1);
        assertThat(mm.inCpumask(0)).isTrue();
    }

    @Test
    void whileSwitchingTheCpuRunsNoUserMmUnlessTheReservedTtbr0IsOmitted() {
        AsidAllocator a = new AsidAllocator(ONE_CPU);
        MmContext first = a.createMm(0x48000000L);
        MmContext second = a.createMm(0x48004000L);
        assertThat(a.switchMm(0, first)).isTrue();
        a.beginSwitch(0, second);
        a.step(0);
        assertThat(a.cpu(0).running()).isNull();
        assertThat(a.cpu(0).ttbr0()).isEqualTo(AsidConfig.ARMMP_SWAPPER_PGD | TTB_FLAGS_SMP);
        while (a.cpu(0).step() != SwitchStep.IDLE) {
            a.step(0);
        }
        a.omitReservedTtbr0(true);
        a.beginSwitch(0, first);
        a.step(0);
        assertThat(a.cpu(0).running()).isSameAs(second);
        assertThat(a.cpu(0).ttbr0()).isEqualTo(0x48004000L | TTB_FLAGS_SMP);
    }

    @Test
    void aRolloverOnThreeCpusVisitsEachCpuInFlushContextThenTakesTheFirstFreeAsid() {
        AsidAllocator a = new AsidAllocator(new AsidConfig(3, 3, AsidConfig.ARMMP_SWAPPER_PGD));
        List<Integer> flushed = new ArrayList<>();
        a.onLocalFlushTlbAll(flushed::add);
        long pgd = 0x48000000L;
        for (int i = 0; i < 7; i++) {
            assertThat(a.switchMm(i % 3, a.createMm(pgd))).isTrue();
            pgd += 0x4000;
        }
        // generation 1 is 8 (ASID_FIRST_VERSION = 2^3): ASIDs 1..7 taken; cpu 0 runs 7, cpu 1 runs 5, cpu 2 runs 6
        assertThat(a.asidMapWeight()).isEqualTo(7);
        MmContext next = a.createMm(pgd);
        a.beginSwitch(1, next);
        List<String> steps = new ArrayList<>();
        while (a.cpu(1).step() != SwitchStep.IDLE) {
            steps.add(a.step(1));
            if (a.cpu(1).step() == SwitchStep.FLUSH_CONTEXT) {
                assertThat(AsidChecks.all(a)).as(steps.toString()).isEmpty();
            }
        }
        assertThat(steps).containsExactly("cpu_set_reserved_ttbr0", "read context.id 0x0", "generation differs",
                "lock cpu_asid_lock", "rollover to generation 2", "flush_context cpu 0", "flush_context cpu 1",
                "flush_context cpu 2, context.id 0x11", "local_flush_tlb_all", "unlock", "CONTEXTIDR 0x11",
                "TTBR0 0x4801c06a");
        assertThat(a.asidGeneration()).isEqualTo(0x10);
        // cpu 0 and cpu 2 keep their running ASIDs as reserved; cpu 1 was switching (TTBR0 reserved), so
        // its active 5 is reserved too, and the new mm takes the first free ASID, 1
        assertThat(a.cpu(0).reserved()).isEqualTo(8 | 7);
        assertThat(a.cpu(1).reserved()).isEqualTo(8 | 5);
        assertThat(a.cpu(2).reserved()).isEqualTo(8 | 6);
        assertThat(a.asidMap()).isEqualTo(bits(1, 5, 6, 7));
        assertThat(flushed).containsExactly(1);
        assertThat(a.tlbFlushPending(0)).isTrue();
        assertThat(a.tlbFlushPending(1)).isFalse();
        assertThat(a.tlbFlushPending(2)).isTrue();
        assertThat(a.cpu(1).localTlbFlushes()).isEqualTo(1);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(AsidChecks.all(a)).isEmpty();
    }
}
