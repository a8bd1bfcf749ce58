package armmm.scenario;

import armmm.model.subsystem.OpSpec;
import java.util.List;
import java.util.Map;

/** One line of a scenario file that does something. */
sealed interface Statement {

    /** The 1-based line number. */
    int line();

    /**
     * A kernel call.
     *
     * @param spec the call
     * @param args its argument expressions, in kernel order
     * @param cpu  the {@code cpu=N} expression, or null for CPU 0
     * @param bind the name after {@code ->} (without {@code $}), or null
     */
    record Call(OpSpec spec, List<Expr> args, Expr cpu, String bind, int line) implements Statement {
    }

    /** {@code expect LEFT CMP RIGHT}. */
    record Expect(Expr left, String cmp, Expr right, int line) implements Statement {
    }

    /** {@code expect-fail CALL}: the call must be refused or reported. */
    record ExpectFail(Call call, int line) implements Statement {
    }

    /** {@code print REPORT}. */
    record Print(String report, int column, int line) implements Statement {
    }

    /** {@code board key=value ...}: only as the first statement. */
    record Board(Map<String, String> params, int line) implements Statement {
    }
}
