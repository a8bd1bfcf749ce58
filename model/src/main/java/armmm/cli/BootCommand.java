package armmm.cli;

import armmm.model.board.BoardException;
import armmm.model.boot.BootException;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.Reports;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code armmm boot}: what Linux 6.1 on ARM32 makes of a board (CONTRACTS.md section 2). */
@Command(name = "boot", mixinStandardHelpOptions = true,
        description = {"Boot a board in the model and print what the kernel would report.",
                "Without --print, prints the layout and every report that applies."})
public final class BootCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BoardOptions boardOptions;

    @Option(names = "--print", paramLabel = "REPORT", arity = "1..2",
            description = "a report to print (repeatable): ${COMPLETION-CANDIDATES}, l1 (the first-level table),"
                    + " l2 VA (the second-level table behind VA), memmap-svg (an SVG picture of the memory map)", completionCandidates = ReportNames.class)
    List<String> print = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Object> wanted = PagetablePrints.parse(print);
        for (Object w : wanted) {
            if (w instanceof String name && !Reports.exists(name) && !name.equals(MemmapSvg.NAME)) {
                throw new BadInputException("--print: unknown report '" + name + "', expected one of " + String.join(", ", Reports.names()));
            }
        }
        Kernel kernel;
        try {
            kernel = Kernel.boot(boardOptions.board(), Main.bugs());
        } catch (BoardException | BootException e) {
            throw new BadInputException(e.getMessage());
        }
        List<Object> names = print.isEmpty() ? new ArrayList<>(Reports.names()) : wanted;
        for (Object w : names) {
            if (w instanceof String name && name.equals(MemmapSvg.NAME)) {
                out.print(MemmapSvg.render(kernel));
            } else if (w instanceof String name) {
                Reports.render(name, kernel).ifPresent(text -> out.print(text.endsWith("\n") ? text : text + "\n"));
            } else {
                out.print(PagetablePrints.render((PagetablePrints.Request) w, kernel));
            }
        }
        out.flush();
        return 0;
    }

    /** The report names, for help and completion. */
    static final class ReportNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ReportNames() {
            super(Reports.names());
        }
    }
}
