package armmm.pbt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A shrunk failing chain, written as a replayable scenario ({@code .scn}) and a bug report
 * ({@code .md}) under {@code target/counterexamples/}.
 *
 * @param property the property's name
 * @param fileName names its files (the property's name, suffixed when one JVM reports it twice)
 * @param failure the invariant or postcondition that failed, or the exception
 * @param seed the seed the run started from
 * @param header scenario lines before the steps (from the formatter)
 * @param steps one scenario line per step, ending at the failing step
 * @param stateBefore the state before the failing step
 * @param stateAfter the state after the failing step
 * @param originalSteps how many steps the chain had before shrinking
 * @param shrink how shrinking went
 * @param rerun the Maven command that reruns the property with this seed
 * @param replay the command that replays the scenario outside the tests, or null when there is none
 */
public record Counterexample(String property, String fileName, Failure failure, long seed, String header, List<String> steps,
        String stateBefore, String stateAfter, int originalSteps, ShrinkReport shrink, String rerun, String replay) {
    /** The directory counterexamples are written to, relative to the module (Surefire's working directory). */
    public static final Path DIRECTORY = Reporting.TARGET.resolve("counterexamples");

    /** Copies the steps. */
    public Counterexample {
        steps = List.copyOf(steps);
    }

    /** The scenario file: a comment header naming failure, seed and replay commands, then the steps. */
    public String scenario() {
        StringBuilder scn = new StringBuilder();
        comment(scn, "property:  " + property);
        comment(scn, "failure:   " + failure.id() + " " + failure.reason());
        if (!failure.details().isEmpty()) {
            comment(scn, "details:   " + failure.details());
        }
        comment(scn, "seed:      " + seed);
        if (replay != null) {
            comment(scn, "replay:    " + replay);
        }
        comment(scn, "rerun:     " + rerun);
        comment(scn, "shrunk from " + originalSteps + " to " + steps.size() + " steps (" + shrink.summary() + ")");
        if (!header.isEmpty()) {
            scn.append(header).append(header.endsWith("\n") ? "" : "\n");
        }
        steps.forEach(line -> scn.append(line).append('\n'));
        return scn.toString();
    }

    /** The Markdown bug report: failure, steps, details, states around the failing step, seed, commands. */
    public String markdown() {
        return "# " + failure.id() + ": " + failure.reason() + "\n\n"
                + "Property `" + property + "` fails after " + steps.size() + " steps (shrunk from " + originalSteps
                + "; " + shrink + ").\n\n"
                + "## Steps\n\n```\n" + (header.isEmpty() ? "" : header.strip() + "\n") + String.join("\n", steps)
                + "\n```\n\n"
                + "## Failure\n\n" + failure.id() + " " + failure.reason() + "\n\n"
                + "```\n" + failure.details() + "\n```\n\n"
                + "## State before the failing step\n\n```\n" + stateBefore.strip() + "\n```\n\n"
                + "## State after the failing step\n\n```\n" + stateAfter.strip() + "\n```\n\n"
                + "## Replay\n\nSeed " + seed + ".\n\n```\n" + (replay == null ? "" : replay + "\n") + rerun + "\n```\n";
    }

    /** The AssertionError message: the same essentials as the report, readable in a console. */
    public String message() {
        StringBuilder text = new StringBuilder();
        text.append(property).append(" failed: ").append(failure).append('\n');
        text.append("shrunk chain (").append(steps.size()).append(" steps, from ").append(originalSteps).append("):\n");
        if (!header.isEmpty()) {
            text.append(header.strip().indent(4));
        }
        steps.forEach(line -> text.append("    ").append(line).append('\n'));
        text.append("seed:   ").append(seed).append('\n');
        if (replay != null) {
            text.append("replay: ").append(replay).append('\n');
        }
        text.append("rerun:  ").append(rerun).append('\n');
        text.append("report: ").append(file(".md"));
        return text.toString();
    }

    /** Writes the .scn and .md files and returns the scenario's path. */
    public Path write() {
        try {
            Reporting.replace(file(".scn"), scenario().getBytes(StandardCharsets.UTF_8));
            Reporting.replace(file(".md"), markdown().getBytes(StandardCharsets.UTF_8));
            return file(".scn");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write counterexample of " + property, e);
        }
    }

    /** The path of this counterexample's file with the given extension. */
    public Path file(String extension) {
        return DIRECTORY.resolve(fileName + extension);
    }

    /** The scenario's path relative to the repository root (Surefire runs in properties/). */
    public String scenarioPath() {
        return "properties/" + file(".scn").toString().replace('\\', '/');
    }

    /** The command that replays the scenario, or null when the chain has no replayer. */
    public String replayCommand() {
        return replay;
    }

    private static void comment(StringBuilder scn, String text) {
        text.lines().forEach(line -> scn.append("# ").append(line).append('\n'));
    }
}
