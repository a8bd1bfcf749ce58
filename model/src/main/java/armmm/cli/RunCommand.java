package armmm.cli;

import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.Scenario;
import armmm.scenario.ScenarioException;
import armmm.scenario.SourceText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code armmm run FILE...}: runs scenario files, each on a fresh kernel, checking every invariant after every call. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run scenario files, each on a fresh kernel, checking every invariant after every call.",
                "Prints one line per failure (FILE:LINE: ...) and ends with 'N passed, M failed'."})
public final class RunCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "scenario files (.scn)")
    private List<Path> files;

    @CommandLine.Option(names = "--seed", paramLabel = "N",
            description = "the seed of the kernel's randomness (mmap and stack layout); default: the board line's armmm.seed=, else 0")
    private Long seed;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int passed = 0;
        int failed = 0;
        int exit = 0;
        for (Path file : files) {
            String name = file.toString();
            try {
                String text = SourceText.read(file);
                Scenario scenario = Parser.parse(name, text);
                RunReport report = seed == null ? Runner.run(scenario, Main.bugs()) : Runner.run(scenario, Main.bugs(), seed);
                out.print(report.output());
                report.messages().forEach(out::println);
                passed += report.passed();
                failed += report.failed();
                exit = Math.max(exit, report.exitCode());
            } catch (ScenarioException e) {
                err.println(e.format(name));
                exit = Math.max(exit, Main.BAD_INPUT);
            }
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return exit;
    }
}
