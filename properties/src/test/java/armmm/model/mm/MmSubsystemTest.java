package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.kernel.Subsystems;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * The address-space subsystem through the registry and the scenario language: processes, their
 * calls and refusals, observables, {@code print maps}, and each of its seeded bugs caught by the
 * registered VMA invariants after a call of a chain (never at boot).
 */
class MmSubsystemTest {
    private static final String RW = "PROT_READ|PROT_WRITE";
    private static final String ANON = "MAP_PRIVATE|MAP_ANONYMOUS";

    private static RunReport run(String body, Bugs bugs) {
        return Runner.run(Parser.parse("mm.scn", "board ram=256M\n" + body), bugs);
    }

    @Test
    void registeredAfterVmallocWithItsBugsAndInvariants() {
        assertThat(Subsystems.ALL.indexOf(MmSubsystem.INSTANCE))
                .isGreaterThan(Subsystems.ALL.indexOf(armmm.model.vmalloc.VmallocSubsystem.INSTANCE));
        assertThat(Subsystems.bugs()).contains(VmaDefect.values());
        assertThat(Subsystems.invariants().stream().map(Object::toString))
                .contains("INV-VMA-01", "INV-VMA-02", "INV-VMA-03", "INV-VMA-04", "INV-VMA-05");
    }

    @Test
    void callsObservablesAndRefusalsOfTwoProcesses() {
        RunReport r = run("""
                mm_create RLIM_INFINITY -> $m
                mm_create SZ_8M -> $n
                expect mm[$m].map_count == 1
                expect mm[$m].total_vm == 0x21
                mmap $m 0 SZ_16K %1$s %2$s -> $a
                expect mm[$m].map_count == 2
                expect mm[$m].total_vm == 0x25
                mprotect $m $a + SZ_4K SZ_4K PROT_READ
                expect mm[$m].map_count == 4
                mprotect $m $a + SZ_4K SZ_4K %1$s
                expect mm[$m].map_count == 2
                munmap $m $a SZ_4K
                expect mm[$m].total_vm == 0x24
                expect-fail mmap $m 0 0 %1$s %2$s
                expect-fail mmap $m 0 SZ_4K %1$s %2$s|MAP_FIXED
                mmap $m 0x10000000 SZ_4K %1$s %2$s|MAP_FIXED_NOREPLACE -> $f
                expect-fail mmap $m 0x10000000 SZ_4K %1$s %2$s|MAP_FIXED_NOREPLACE
                expect-fail munmap $m 0x10000001 SZ_4K
                brk $m mm[$m].start_brk + SZ_8K -> $b
                expect mm[$m].brk == mm[$m].start_brk + SZ_8K
                expect mm[$n].map_count == 1
                exit_mm $n
                expect-fail exit_mm $n
                print maps
                """.formatted(RW, ANON), Bugs.NONE);
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(14);
        assertThat(r.output()).startsWith("mm 1:\n").contains(" rw-p 00000000 00:00 0 ", "[heap]", "[stack]",
                "ffff0000-ffff1000 r-xp 00000000 00:00 0").doesNotContain("mm 2:");
    }

    @Test
    void refusalsNameTheErrno() {
        RunReport r = run("""
                mm_create SZ_8M -> $m
                mmap $m 0 SZ_4K %1$s %2$s|MAP_FIXED
                mmap $m 0 0 %1$s %2$s
                mmap $m 0x10000000 SZ_4K %1$s %2$s|MAP_FIXED_NOREPLACE
                mmap $m 0x10000000 SZ_4K %1$s %2$s|MAP_FIXED_NOREPLACE
                """.formatted(RW, ANON), Bugs.NONE);
        assertThat(r.messages()).hasSize(3);
        assertThat(r.messages().get(0)).contains("-EPERM");
        assertThat(r.messages().get(1)).contains("-EINVAL");
        assertThat(r.messages().get(2)).contains("-EEXIST");
    }

    @Test
    void theSameSeedGivesTheSameLayoutAndDistinctProcessesDiffer() {
        String body = "mm_create SZ_8M -> $m\nmm_create SZ_8M -> $n\nexpect mm[$m].mmap_base != mm[$n].mmap_base\n"
                + "expect mm[$m].mmap_base >= 0xb0000000\n";
        RunReport r = run(body, Bugs.NONE);
        assertThat(r.messages()).isEmpty();
        assertThat(run("mm_create SZ_8M -> $m\nprint maps\n", Bugs.NONE).output())
                .isEqualTo(run("mm_create SZ_8M -> $m\nprint maps\n", Bugs.NONE).output());
    }

    @Test
    void norandmapsTurnsTheRandomisationOff() {
        // mmap_base = STACK_TOP - max(8 MiB + stack_guard_gap, MIN_GAP 128 MiB), no random offset
        RunReport r = Runner.run(Parser.parse("mm.scn", """
                board ram=256M cmdline="norandmaps"
                mm_create SZ_8M -> $m
                mm_create SZ_8M -> $n
                expect mm[$m].mmap_base == 0xb7000000
                expect mm[$n].mmap_base == 0xb7000000
                expect mm[$m].start_brk == 0x22000
                """), Bugs.NONE);
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(3);
    }

    @Test
    void noBugIsCaughtAtBootAndEachIsCaughtByItsInvariantAfterACall() {
        assertCaught(VmaDefect.MPROTECT_NO_MERGE, "INV-VMA-04", """
                mm_create SZ_8M -> $m
                mmap $m 0 SZ_8K %1$s %2$s -> $a
                mprotect $m $a + SZ_4K SZ_4K PROT_READ
                mprotect $m $a + SZ_4K SZ_4K %1$s
                """);
        assertCaught(VmaDefect.SPLIT_LOSES_PAGE, "INV-VMA-05", """
                mm_create SZ_8M -> $m
                mmap $m 0 SZ_16K %1$s %2$s -> $a
                munmap $m $a SZ_4K
                """);
        assertCaught(VmaDefect.MAP_FIXED_KEEPS_OLD, "INV-VMA-01", """
                mm_create SZ_8M -> $m
                mmap $m 0x10000000 SZ_16K %1$s %2$s|MAP_FIXED
                mmap $m 0x10001000 SZ_4K PROT_READ %2$s|MAP_FIXED
                """);
        assertCaught(VmaDefect.BRK_NOT_PAGE_ALIGNED, "INV-VMA-02", """
                mm_create SZ_8M -> $m
                brk $m mm[$m].start_brk + 1
                """);
        assertCaught(VmaDefect.NO_MMAP_MIN_ADDR_CHECK, "INV-VMA-03", """
                mm_create SZ_8M -> $m
                expect-fail mmap $m 0 SZ_4K %1$s %2$s|MAP_FIXED
                """);
    }

    private static void assertCaught(VmaDefect bug, String id, String chain) {
        String body = chain.formatted(RW, ANON);
        RunReport clean = run(body, Bugs.NONE);
        assertThat(clean.messages()).as("%s: the chain without the bug", bug).isEmpty();
        RunReport bare = run("", Bugs.of(bug));
        assertThat(bare.messages()).as("%s at boot", bug).isEmpty();
        RunReport planted = run(body, Bugs.of(bug));
        assertThat(planted.messages()).as("%s", bug).isNotEmpty().anySatisfy(m -> assertThat(m).contains(id));
        assertThat(planted.messages().get(0)).as("%s caught after a call, not at mm_create", bug).doesNotContain("line 2:");
    }
}
