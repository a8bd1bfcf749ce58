package armmm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code armmm} command: what the ARM32 Linux 6.1 memory manager would make of a board or a scenario. */
@Command(name = "armmm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An executable reference model of the Linux 6.1 memory manager on 32-bit ARM.",
        subcommands = {BootCommand.class, RunCommand.class, ReplayMemblockCommand.class, MmuCheckCommand.class, BugsCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a check failed (expectation, invariant, conformance mismatch)",
                "2:bad input or usage", "3:internal error of the model"})
public final class Main implements Runnable {

    /** Exit code for a failed check. */
    public static final int CHECK_FAILED = 1;
    /** Exit code for bad input or usage. */
    public static final int BAD_INPUT = 2;
    /** Exit code for a bug in armmm itself. */
    public static final int INTERNAL_ERROR = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * The seeded bugs {@code -Darmmm.bug} plants in every kernel this process creates, resolved
     * once at the edge by {@link #execute}; none unless asked for.
     */
    private static volatile armmm.model.core.Bugs bugs = armmm.model.core.Bugs.NONE;

    /** The seeded bugs this run of the CLI plants, resolved from {@code -Darmmm.bug}. */
    static armmm.model.core.Bugs bugs() {
        return bugs;
    }

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code, for tests. */
    public static int execute(String... args) {
        try {
            bugs = armmm.model.kernel.Subsystems.bugsFromSystemProperty();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return BAD_INPUT;
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("armmm: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'armmm " + (ex.getCommandLine() == cli ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof BadInputException) {
                c.getErr().println(ex.getMessage());
                return BAD_INPUT;
            }
            c.getErr().println("armmm: internal error: " + ex);
            ex.printStackTrace(c.getErr());
            return INTERNAL_ERROR;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"armmm " + (v == null ? "(development build)" : v),
                    "models Linux 6.1 on ARMv7 (non-LPAE, VMSPLIT_3G, HIGHMEM; Debian armmp build)"};
        }
    }
}
