package armmm.properties;

import armmm.model.core.SeededBug;
import armmm.model.subsystem.Op;
import armmm.model.core.Result;
import armmm.model.kernel.Reports;
import armmm.pbt.ChainFormatter;
import armmm.scenario.ScenarioWriter;
import java.util.Optional;
import java.util.function.Function;

/**
 * Prints a chain of kernel calls as a scenario ({@code armmm run} replays it) and kernel states
 * in their kernel formats, for counterexamples and their bug reports.
 */
public final class KernelFormatter implements ChainFormatter<World, Op> {
    private ScenarioWriter writer = new ScenarioWriter();
    /** The board's CPUs, read off the initial state: on more than one every per-CPU call prints its cpu=N. */
    private int cpus = 1;
    /** The calls a chain's initial state was made with after boot, as scenario lines (empty for none). */
    private final Function<World, String> setup;

    /** Chains whose initial state is the booted kernel. */
    public KernelFormatter() {
        this(w -> "");
    }

    /**
     * Chains whose initial state {@code setup} calls made after boot: their lines follow the
     * board line, so the counterexample replays from the same state.
     */
    public KernelFormatter(Function<World, String> setup) {
        this.setup = setup;
    }

    @Override
    public String scenarioHeader(World initial) {
        cpus = initial.kernel().board().map(b -> b.cpus()).orElse(1); // a kernel at power-on has its board too
        writer = new ScenarioWriter(cpus);
        StringBuilder header = new StringBuilder();
        for (SeededBug bug : initial.kernel().bugs().planted()) {
            header.append("# seeded bug planted: ").append(bug.cliName()).append("; replay with\n")
                    .append("#   java -Darmmm.bug=").append(bug.cliName()).append(" -jar model/target/armmm.jar run FILE\n");
        }
        header.append(initial.kernel().boardLine().orElse("# no board: an empty memblock, identity addressing")).append('\n');
        return header.append(setup.apply(initial)).toString();
    }

    @Override
    public String line(Op action, Object outcome, int stepIndex) {
        if (stepIndex == 0) {
            writer = new ScenarioWriter(cpus);
        }
        return writer.line(action, outcome instanceof Result r ? r : Result.VOID);
    }

    /** A kernel chain's scenario replays through the model's CLI. */
    @Override
    public String replayCommand(String scenarioPath) {
        return "java -jar model/target/armmm.jar run " + scenarioPath;
    }

    @Override
    public String describe(World state) {
        StringBuilder s = new StringBuilder();
        for (String name : Reports.names()) {
            Optional<String> text = Reports.render(name, state.kernel());
            text.ifPresent(t -> s.append("# ").append(name).append('\n').append(t).append(t.endsWith("\n") ? "" : "\n"));
        }
        return s.toString();
    }
}
