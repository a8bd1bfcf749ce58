package armmm.cli;

import armmm.model.core.SeededBug;
import armmm.model.kernel.Subsystems;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code armmm bugs}: the catalogue of seeded bugs ({@link SeededBug}) every subsystem declares
 * ({@link Subsystems#bugs()}), one line each, tab-separated, no header: the bug's name as
 * {@code -Darmmm.bug} spells it, what it reenacts (an undone kernel commit or the model's own
 * planted mistake) and the invariant id that must catch it. Always exit 0.
 */
@Command(name = "bugs", mixinStandardHelpOptions = true,
        description = "List the seeded bugs: name, what it reenacts, the invariant that must catch it (tab-separated).")
public final class BugsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (SeededBug b : Subsystems.bugs()) {
            out.println(b.catalogueLine());
        }
        out.flush();
        return 0;
    }
}
