package armmm.model.asid;

import armmm.model.core.Violation;
import armmm.pbt.ChainFormatter;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Chains of mm creation, releases, whole switches and single interleaved steps of
 * {@code check_and_switch_context} on several CPUs, checked against {@link AsidChecks} after
 * every step. A small ASID width makes rollovers frequent.
 */
final class AsidChains {
    private AsidChains() {
    }

    /** The chain's state: the allocator and a pgd counter. */
    static final class World {
        final AsidAllocator allocator;
        long nextPgd = 0x48000000L;

        World(AsidConfig config, Set<AsidDefect> defects) {
            allocator = new AsidAllocator(config, defects);
        }

        List<Integer> liveMms() {
            return allocator.liveMms().stream().map(MmContext::handle).toList();
        }

        List<Integer> releasable() {
            List<Integer> out = new ArrayList<>();
            for (MmContext mm : allocator.liveMms()) {
                boolean used = IntStream.range(0, allocator.nrCpus())
                        .anyMatch(c -> allocator.cpu(c).running() == mm || allocator.cpu(c).target() == mm);
                if (mm.live() && !used) {
                    out.add(mm.handle());
                }
            }
            return out;
        }

        List<Integer> idleCpus() {
            return IntStream.range(0, allocator.nrCpus())
                    .filter(c -> allocator.cpu(c).step() == SwitchStep.IDLE).boxed().toList();
        }

        List<Integer> steppable() {
            return IntStream.range(0, allocator.nrCpus()).filter(allocator::canStep).boxed().toList();
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            s.append(String.format("asid_generation 0x%x rollovers %d asid_map %s%n", allocator.asidGeneration(),
                    allocator.rollovers(), allocator.asidMap()));
            for (int c = 0; c < allocator.nrCpus(); c++) {
                CpuAsidState cpu = allocator.cpu(c);
                s.append(String.format("cpu %d step %s active_asids 0x%x reserved_asids 0x%x CONTEXTIDR 0x%x runs %s "
                        + "tlb %s%n", c, cpu.step(), cpu.active(), cpu.reserved(), cpu.contextidr(), cpu.running(),
                        cpu.tlbTags()));
            }
            allocator.mms().forEach(m -> s.append(m).append('\n'));
            return s.toString();
        }
    }

    static String apply(World w, AsidCall call) {
        AsidAllocator a = w.allocator;
        long rolloversBefore = a.rollovers();
        for (int c = 0; c < a.nrCpus(); c++) {
            if (a.cpu(c).step() == SwitchStep.FLUSH_CONTEXT && !(call instanceof AsidCall.Step st && st.cpu() == c)) {
                Stats.label("another CPU moves during flush_context");
            }
        }
        String outcome;
        if (call instanceof AsidCall.Create) {
            MmContext mm = a.createMm(w.nextPgd);
            w.nextPgd += 0x4000;
            outcome = "-> $m" + mm.handle();
        } else if (call instanceof AsidCall.Exec e) {
            MmContext mm = a.createMm(w.nextPgd);
            w.nextPgd += 0x4000;
            outcome = "-> $m" + mm.handle() + " " + wholeSwitch(a, e.cpu(), mm);
        } else if (call instanceof AsidCall.Switch s) {
            outcome = wholeSwitch(a, s.cpu(), a.mms().get(s.mm()));
        } else if (call instanceof AsidCall.Begin b) {
            outcome = a.beginSwitch(b.cpu(), a.mms().get(b.mm())) ? "begun" : "refused";
        } else if (call instanceof AsidCall.Step st) {
            outcome = a.step(st.cpu());
        } else if (call instanceof AsidCall.Release r) {
            outcome = a.releaseMm(a.mms().get(r.mm())) ? "released" : "refused";
        } else {
            throw new IllegalStateException("unknown call " + call);
        }
        if (a.rollovers() > rolloversBefore) {
            Stats.label("rollover");
            outcome += " (rollover " + a.rollovers() + ")";
        }
        if (outcome.contains("fast path")) {
            Stats.label("fast path");
        }
        if (outcome.contains("local_flush_tlb_all")) {
            Stats.label("pending TLB flush done");
        }
        return outcome;
    }

    private static String wholeSwitch(AsidAllocator a, int cpu, MmContext mm) {
        if (!a.beginSwitch(cpu, mm)) {
            return "refused";
        }
        List<String> events = new ArrayList<>();
        while (a.cpu(cpu).step() != SwitchStep.IDLE && a.canStep(cpu)) {
            events.add(a.step(cpu));
        }
        return events.stream().filter(e -> e.startsWith("rollover") || e.startsWith("fast")
                || e.contains("context.id 0x") && !e.startsWith("read") || e.startsWith("local_flush")
                || e.startsWith("spin")).toList().toString();
    }

    /**
     * An idle CPU, the last one eight times as often as each other: some CPUs stay in one task for
     * long stretches, the "suspended animation" that two of the allocator's historical bugs need.
     */
    private static Gen<Integer> idleCpu(World w) {
        List<Integer> idle = w.idleCpus();
        int busy = idle.get(idle.size() - 1);
        return idle.size() == 1 ? Gens.constant(busy)
                : Gens.frequency(Gens.weighted(8, Gens.constant(busy)), Gens.weighted(idle.size() - 1,
                        Gens.oneOf(idle.subList(0, idle.size() - 1))));
    }

    /**
     * The chain over {@code config} with {@code defects} planted, checking the invariants whose
     * ids {@code checked} accepts.
     */
    static ChainSpec.Builder<World, AsidCall> spec(AsidConfig config, Set<AsidDefect> defects,
            Predicate<String> checked) {
        return spec(config, defects, checked, new int[] {6, 1, 5, 3, 10, 2});
    }

    /**
     * The same with the weights of exec, mm_create, switch_mm, switch_mm_begin, step and
     * mm_release.
     */
    static ChainSpec.Builder<World, AsidCall> spec(AsidConfig config, Set<AsidDefect> defects,
            Predicate<String> checked, int[] weights) {
        ChainSpec.Builder<World, AsidCall> b = ChainSpec.<World, AsidCall>builder()
                .initialState(() -> new World(config, defects))
                .action("exec", weights[0], w -> w.liveMms().size() < 12 && !w.idleCpus().isEmpty(),
                        w -> idleCpu(w).map(AsidCall.Exec::new))
                .action("mm_create", weights[1], w -> w.liveMms().size() < 12, w -> Gens.constant(new AsidCall.Create()))
                .action("switch_mm", weights[2], w -> !w.liveMms().isEmpty() && !w.idleCpus().isEmpty(),
                        w -> Gens.combine(Gens.oneOf(w.liveMms()), idleCpu(w), AsidCall.Switch::new))
                .action("switch_mm_begin", weights[3], w -> !w.liveMms().isEmpty() && !w.idleCpus().isEmpty(),
                        w -> Gens.combine(Gens.oneOf(w.liveMms()), idleCpu(w), AsidCall.Begin::new))
                .action("step", weights[4], w -> !w.steppable().isEmpty(),
                        w -> Gens.oneOf(w.steppable()).map(AsidCall.Step::new))
                .action("mm_release", weights[5], w -> !w.releasable().isEmpty(),
                        w -> Gens.oneOf(w.releasable()).map(AsidCall.Release::new))
                .executor(AsidChains::apply)
                .formatter(new ChainFormatter<>() {
                    @Override
                    public String scenarioHeader(World initial) {
                        return "asid cpus=" + config.nrCpus() + " asid_bits=" + config.asidBits()
                                + (config.fastPath() == AsidConfig.FastPath.CMPXCHG_ARM64 ? " fastpath=cmpxchg" : "")
                                + (defects.isEmpty() ? "" : "   # planted: " + defects);
                    }

                    @Override
                    public String line(AsidCall action, Object outcome, int stepIndex) {
                        return action + "   # " + outcome;
                    }
                })
                .steps(80);
        for (String id : List.of(AsidChecks.UNIQUE, AsidChecks.CURRENT_GENERATION, AsidChecks.RESERVED_KEPT,
                AsidChecks.SAME_ASID, AsidChecks.FLUSH_BEFORE_REUSE)) {
            if (checked.test(id)) {
                b.invariant(id, w -> failures(AsidChecks.ALL.get(id).apply(w.allocator)));
            }
        }
        return b;
    }

    static List<Failure> failures(List<Violation> violations) {
        return violations.stream().map(v -> new Failure(v.id(), v.reason(), v.details())).toList();
    }

    /** Rollovers the steps of a scenario made, read off the outcome comments. */
    static int rolloversIn(List<String> steps) {
        int max = 0;
        for (String line : steps) {
            int at = line.lastIndexOf("(rollover ");
            if (at >= 0) {
                max = Math.max(max, Integer.parseInt(line.substring(at + 10, line.indexOf(')', at)).trim()));
            }
        }
        return max;
    }
}
