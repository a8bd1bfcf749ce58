package armmm.cli;

import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.boot.BootException;
import armmm.model.boot.MemblockReplay;
import armmm.model.boot.ReplayException;
import armmm.scenario.ScenarioException;
import armmm.scenario.SourceText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code armmm replay-memblock [boot options] DMESG.txt} (CONTRACTS.md section 4): replays a
 * {@code memblock=debug} log; exit 0 when every allocation lands where the kernel put it, 1 on a
 * mismatch, 2 on bad input.
 */
@Command(name = "replay-memblock", mixinStandardHelpOptions = true,
        description = "Replay a memblock=debug boot log and compare each early allocation with the model's placement.")
public final class ReplayMemblockCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BoardOptions boardOptions;

    @Parameters(index = "0", paramLabel = "DMESG.txt", description = "the memblock=debug boot log")
    Path log;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> lines;
        try {
            lines = List.of(SourceText.read(log).split("\\r?\\n", -1));
        } catch (ScenarioException e) {
            err.println(e.format(log.toString()));
            err.flush();
            return Main.BAD_INPUT;
        }
        try {
            Board board = boardOptions.board();
            MemblockReplay.Outcome outcome = MemblockReplay.replay(board, log.toString(), lines);
            outcome.mismatches().forEach(out::println);
            out.println(outcome.summary());
            out.flush();
            return outcome.failed() == 0 ? 0 : 1;
        } catch (BoardException | BootException | ReplayException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
    }
}
