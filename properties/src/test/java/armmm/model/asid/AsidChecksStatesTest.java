package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Violation;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each check of {@link AsidChecks} on a captured-style state (restored, not reached by a planted
 * defect) that breaks exactly one of its conditions, and on the neighbouring state the kernel
 * allows (arch/arm/mm/context.c: {@code mm->context.id}, {@code active_asids},
 * {@code reserved_asids}, CONTEXTIDR, {@code asid_map}).
 */
class AsidChecksStatesTest {
    private static final AsidConfig TWO_CPUS = AsidConfig.armmp(2);

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    private static List<String> reasons(List<Violation> v) {
        return v.stream().map(Violation::reason).toList();
    }

    @Test
    void freshMmsShareContextId0WithoutBreakingUniqueness() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS);
        a.createMm(0x48000000L);
        a.createMm(0x48004000L);
        assertThat(AsidChecks.all(a)).isEmpty();
    }

    @Test
    void twoLiveMmsWithOneContextIdBreakInv01UntilOneIsReleased() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS);
        a.restore(0x100, bits(3), 3);
        MmContext x = a.adoptMm(0x48000000L, 0x103);
        a.adoptMm(0x48004000L, 0x103);
        a.adoptMm(0x48008000L, 0x203);
        assertThat(reasons(AsidChecks.uniqueAsid(a))).containsExactly("two mms share an ASID");
        assertThat(a.releaseMm(x)).isTrue();
        assertThat(AsidChecks.uniqueAsid(a)).isEmpty();
    }

    @Test
    void twoCpusRunningOneMmShareItsAsidButTwoMmsMayNot() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS);
        a.restore(0x100, bits(1, 2), 2);
        MmContext m = a.adoptMm(0x48000000L, 0x101);
        MmContext n = a.adoptMm(0x48004000L, 0x102);
        a.restoreCpu(0, m, 0x101, 0);
        a.restoreCpu(1, m, 0x101, 0);
        assertThat(AsidChecks.all(a)).isEmpty();
        // CPU 1 runs another mm with CONTEXTIDR 0x101: hardware ASID 1 twice (and not n's own ASID)
        a.restoreCpu(1, n, 0x102, 0);
        a.cpu(1).contextidr = 0x101;
        assertThat(reasons(AsidChecks.uniqueAsid(a))).containsExactly("two mms run with one hardware ASID");
        assertThat(reasons(AsidChecks.sameAsidEverywhere(a))).containsExactly("mm runs with two ASIDs");
        // mid-switch (TTBR0 reserved, no mm) the CPU runs nothing
        a.cpu(1).running = null;
        assertThat(AsidChecks.uniqueAsid(a)).isEmpty();
        assertThat(AsidChecks.sameAsidEverywhere(a)).isEmpty();
    }

    @Test
    void anIdleCpuWhoseActiveAsidIsOfAnOldGenerationOrNotItsMmsBreaksInv02() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS);
        a.restore(0x200, bits(5), 5);
        MmContext old = a.adoptMm(0x48000000L, 0x105);
        a.restoreCpu(0, old, 0x105, 0);
        assertThat(reasons(AsidChecks.noOldGeneration(a))).containsExactly("CPU runs an mm of an old generation");
        MmContext cur = a.adoptMm(0x48004000L, 0x205);
        a.restoreCpu(0, cur, 0x205, 0);
        assertThat(AsidChecks.noOldGeneration(a)).isEmpty();
        a.cpu(0).active = 0x206;
        assertThat(reasons(AsidChecks.noOldGeneration(a))).containsExactly("active ASID is not the running mm's");
        a.cpu(0).running = null;
        assertThat(reasons(AsidChecks.noOldGeneration(a))).containsExactly("active ASID is not the running mm's");
        // active_asids 0 (after a rollover) is INV-03's business, and a CPU mid-switch is not judged
        a.cpu(0).active = 0;
        assertThat(AsidChecks.noOldGeneration(a)).isEmpty();
        a.cpu(0).active = 0x105;
        a.cpu(0).step = SwitchStep.READ_CONTEXT_ID;
        assertThat(AsidChecks.noOldGeneration(a)).isEmpty();
    }

    @Test
    void anIdleCpuWithActive0MustReserveTheAsidItRunsAndKeepItInTheMap() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS);
        a.restore(0x200, bits(3), 1);
        MmContext m = a.adoptMm(0x48000000L, 0x103);
        a.restoreCpu(1, m, 0, 0x103);
        assertThat(AsidChecks.all(a)).isEmpty();
        a.cpu(1).reserved = 0x104;
        assertThat(reasons(AsidChecks.reservedSurviveRollover(a))).containsExactly("reserved ASID lost");
        a.cpu(1).reserved = 0x103;
        a.restore(0x200, bits(4), 1);
        assertThat(reasons(AsidChecks.reservedSurviveRollover(a))).containsExactly("reserved ASID free in asid_map");
        // a CPU with an active ASID is INV-02's business
        a.cpu(1).active = 0x203;
        assertThat(AsidChecks.reservedSurviveRollover(a)).isEmpty();
        a.cpu(1).active = 0;
        a.cpu(1).step = SwitchStep.LOCK;
        assertThat(AsidChecks.reservedSurviveRollover(a)).isEmpty();
        // a CPU on swapper_pg_dir (CONTEXTIDR 0, reserved 0) reserves nothing
        AsidAllocator b = new AsidAllocator(TWO_CPUS);
        b.restore(0x200, bits(), 1);
        assertThat(AsidChecks.all(b)).isEmpty();
    }

    @Test
    void aCpuPastItsActiveAsidsWriteMustReserveItsTargetsAsidThroughARollover() {
        AsidAllocator a = new AsidAllocator(TWO_CPUS);
        a.restore(0x200, bits(3), 1);
        MmContext m = a.adoptMm(0x48000000L, 0x203);
        MmContext other = a.adoptMm(0x48004000L, 0x104);
        // CPU 1 took the fast path to m (active_asids 0x203 then cleared by a rollover), CONTEXTIDR still other's
        a.restoreCpu(1, other, 0, 0x103);
        a.cpu(1).target = m;
        a.cpu(1).step = SwitchStep.WRITE_CONTEXTIDR;
        assertThat(AsidChecks.reservedSurviveRollover(a)).isEmpty();
        a.cpu(1).reserved = 0;
        assertThat(reasons(AsidChecks.reservedSurviveRollover(a))).containsExactly("reserved ASID lost");
        a.cpu(1).step = SwitchStep.WRITE_TTBR0;
        assertThat(reasons(AsidChecks.reservedSurviveRollover(a))).containsExactly("reserved ASID lost");
        a.cpu(1).reserved = 0x203;
        a.restore(0x200, bits(4), 1);
        assertThat(reasons(AsidChecks.reservedSurviveRollover(a))).containsExactly("reserved ASID free in asid_map");
        // before the xchg the CPU has committed to nothing
        a.cpu(1).reserved = 0;
        a.cpu(1).step = SwitchStep.XCHG_ACTIVE;
        assertThat(AsidChecks.reservedSurviveRollover(a)).isEmpty();
    }
}
