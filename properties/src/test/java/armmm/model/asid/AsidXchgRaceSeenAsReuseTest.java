package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * 6.1's xchg fast-path race (spec/asid.md, {@link AsidXchgAfterRolloverRaceTest}) seen through
 * INV-ASID-05 instead of INV-ASID-01. The stale old-generation id that the fast path's
 * {@code atomic64_xchg} leaves in {@code active_asids} is reserved by the next rollover's
 * {@code flush_context} (arch/arm/mm/context.c) next to another CPU's reservation of the same
 * number, so one generation hands that number to two mms through
 * {@code check_update_reserved_asid}. When the first of them is released before the second takes
 * the number, no two live mms ever share a {@code context.id}, but the CPU that ran the first
 * then runs the second under the same hardware ASID with no {@code local_flush_tlb_all} between
 * ({@code tlb_flush_pending} was consumed by the first): INV-ASID-05. A scratch run of the
 * allocator chains (seed 5033, 2 CPUs, 2-bit ASIDs) found it that way; with arm64's
 * read-then-{@code cmpxchg} fast path the same calls keep every invariant.
 */
class AsidXchgRaceSeenAsReuseTest {
    private static final String SEED_5033 = "/asid/xchg-race-seed5033-inv-asid-05.txt";
    private static final AsidConfig SIX_ONE = new AsidConfig(2, 2, AsidConfig.ARMMP_SWAPPER_PGD);

    /** A line of the chain's scenario text: the call, and the outcome the engine recorded. */
    private record Line(AsidCall call, String outcome) {
    }

    @Test
    void theSeed5033CounterexampleFailsOnlyAtItsLastCallOnInvAsid05WithOneAsidReservedTwice() throws IOException {
        List<Line> chain = read(SEED_5033);
        AsidChains.World w = new AsidChains.World(SIX_ONE, Set.of());
        boolean reservedTwice = false;
        for (int i = 0; i < chain.size(); i++) {
            Line line = chain.get(i);
            assertThat(AsidChains.apply(w, line.call())).as("outcome of call %d, %s", i + 1, line.call())
                    .isEqualTo(line.outcome());
            List<Violation> found = AsidChecks.all(w.allocator);
            if (i < chain.size() - 1) {
                assertThat(found).as("violations after call %d, %s", i + 1, line.call()).isEmpty();
            } else {
                assertThat(found).extracting(Violation::id).containsExactly(AsidChecks.FLUSH_BEFORE_REUSE);
                assertThat(found.get(0).details()).isEqualTo("cpu 1 used ASID 1 for mm0 and mm2 without a TLB flush between");
            }
            // the race's mark: right after the second rollover both CPUs reserve ASID 1, CPU 1 with
            // the stale generation-1 id of mm0 that its xchg stored, CPU 0 with mm2's generation-2 id
            if (line.outcome().endsWith("(rollover 2)")) {
                assertThat(new long[] {w.allocator.cpu(0).reserved(), w.allocator.cpu(1).reserved()})
                        .containsExactly(0x9, 0x5);
                reservedTwice = true;
            }
        }
        assertThat(reservedTwice).isTrue();
        // mm0 was released before mm2 took ASID 1 again: INV-ASID-01 (live mms) had nothing to compare
        assertThat(w.allocator.mms().get(0).live()).isFalse();
        assertThat(w.allocator.mms().get(0).contextId()).isEqualTo(w.allocator.mms().get(2).contextId()).isEqualTo(0xd);
    }

    @Test
    void theSameCallsKeepEveryInvariantWithArm64sCmpxchgFastPath() throws IOException {
        AsidChains.World w = new AsidChains.World(SIX_ONE.withFastPath(AsidConfig.FastPath.CMPXCHG_ARM64), Set.of());
        for (Line line : read(SEED_5033)) {
            AsidChains.apply(w, line.call());
            assertThat(AsidChecks.all(w.allocator)).as("violations after %s", line.call()).isEmpty();
        }
        assertThat(w.allocator.rollovers()).isGreaterThanOrEqualTo(2);
    }

    /**
     * The same by hand, 19 allocator calls (the 15 of scenarios/asid/xchg-race-reuse-without-flush.scn,
     * with {@code switch_mm_finish} as its six steps): as {@link AsidXchgAfterRolloverRaceTest} up to
     * the second rollover, then the stale-id mm runs on CPU 1, is released, and the other mm that keeps
     * the number comes to CPU 1.
     */
    @Test
    void byHandTheReleasedHolderHidesTheSharedIdFromInvAsid01ButNotFromInvAsid05() {
        AsidAllocator a = new AsidAllocator(SIX_ONE);
        List<MmContext> mm = new ArrayList<>();
        for (int cpu : new int[] {1, 0, 0}) {
            mm.add(a.createMm(0x48000000L + 0x4000L * mm.size()));
            assertThat(a.switchMm(cpu, mm.get(mm.size() - 1))).isTrue();
        }
        MmContext x = mm.get(1);
        assertThat(x.contextId()).isEqualTo(0x6);
        assertThat(a.beginSwitch(1, x)).isTrue();
        assertThat(List.of(a.step(1), a.step(1), a.step(1)))
                .containsExactly("cpu_set_reserved_ttbr0", "read context.id 0x6", "generation matches");
        MmContext c = a.createMm(0x48100000L);
        assertThat(a.switchMm(0, c)).isTrue();
        assertThat(c.contextId()).isEqualTo(0xa);
        assertThat(a.step(1)).isEqualTo("xchg found active_asids 0");
        MmContext d = a.createMm(0x48104000L);
        assertThat(a.switchMm(0, d)).isTrue();
        // ASID 2 reserved twice: CPU 0's c (generation 2) and CPU 1's stale x (generation 1)
        assertThat(new long[] {a.cpu(0).reserved(), a.cpu(1).reserved(), a.rollovers()}).containsExactly(0xa, 0x6, 2);
        List<String> rest = new ArrayList<>();
        while (a.cpu(1).step() != SwitchStep.IDLE) {
            rest.add(a.step(1));
        }
        assertThat(rest).hasSize(6).contains("context.id 0xe", "local_flush_tlb_all");
        assertThat(a.switchMm(1, d)).isTrue();
        assertThat(a.releaseMm(x)).isTrue();
        assertThat(AsidChecks.all(a)).isEmpty();
        assertThat(a.switchMm(1, c)).isTrue();
        assertThat(c.contextId()).isEqualTo(0xe);
        assertThat(AsidChecks.uniqueAsid(a)).isEmpty();
        assertThat(AsidChecks.all(a)).extracting(Violation::details)
                .containsExactly("cpu 1 used ASID 2 for mm1 and mm3 without a TLB flush between");
    }

    /** Parses the scenario lines the allocator chains print ({@link AsidCall#toString()}, then {@code   # outcome}). */
    private static List<Line> read(String resource) throws IOException {
        List<Line> out = new ArrayList<>();
        try (InputStream in = AsidXchgRaceSeenAsReuseTest.class.getResourceAsStream(resource)) {
            for (String text : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (text.isBlank() || text.startsWith("#") || text.startsWith("asid ")) {
                    continue;
                }
                int hash = text.indexOf("   # ");
                out.add(new Line(call(text.substring(0, hash).trim()), text.substring(hash + 5)));
            }
        }
        return out;
    }

    private static AsidCall call(String text) {
        String[] t = text.split(" ");
        int cpu = t[t.length - 1].startsWith("cpu=") ? Integer.parseInt(t[t.length - 1].substring(4)) : -1;
        int mm = t.length > 1 && t[1].startsWith("$m") ? Integer.parseInt(t[1].substring(2)) : -1;
        return switch (t[0]) {
            case "mm_create" -> new AsidCall.Create();
            case "exec" -> new AsidCall.Exec(cpu);
            case "switch_mm" -> new AsidCall.Switch(mm, cpu);
            case "switch_mm_begin" -> new AsidCall.Begin(mm, cpu);
            case "step" -> new AsidCall.Step(cpu);
            case "mm_release" -> new AsidCall.Release(mm);
            default -> throw new IllegalArgumentException("not an allocator chain call: " + text);
        };
    }
}
