package armmm.scenario;

import armmm.model.check.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.ObservableException;
import armmm.model.kernel.ObservablePath;
import armmm.model.kernel.Op;
import armmm.model.kernel.Result;
import armmm.model.report.Reports;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Runs a {@link Scenario} on a fresh kernel, checking every invariant after every call.
 * Bad input found while running (an unknown observable, a report that needs a board) throws
 * {@link ScenarioException}.
 */
public final class Runner {
    private final Scenario scenario;
    private final Kernel kernel;
    private final Map<String, Long> names = new HashMap<>();
    private final Set<String> seenViolations = new HashSet<>();
    private final List<String> messages = new ArrayList<>();
    private final StringBuilder output = new StringBuilder();
    private int passed;
    private int failed;

    private Runner(Scenario scenario, Kernel kernel) {
        this.scenario = scenario;
        this.kernel = kernel;
    }

    /** Runs {@code scenario} on a fresh kernel: its board booted, or an empty memblock without one. */
    public static RunReport run(Scenario scenario) {
        Kernel kernel = scenario.board() == null ? Kernel.bare() : Boards.boot(scenario.board(), scenario.boardLine());
        Runner r = new Runner(scenario, kernel);
        r.checkInvariants(0, "boot");
        int last = 0;
        for (Statement s : scenario.statements()) {
            r.step(s);
            last = s.line();
        }
        // the full scan re-checks, over every frame and list, what the per-call checks read from counters
        r.report(last, "the end of the scenario (full scan)", kernel.fullCheck());
        return new RunReport(scenario.file(), r.passed, r.failed, r.messages, r.output.toString());
    }

    private void step(Statement s) {
        if (s instanceof Statement.Call call) {
            Op op = op(call);
            Result result = kernel.apply(op);
            if (result instanceof Result.Refused refused) {
                fail(call.line(), op + ": the kernel refused: " + refused.report());
            } else if (call.bind() != null) {
                names.put(call.bind(), result.value());
            }
            checkInvariants(call.line(), op.toString());
        } else if (s instanceof Statement.ExpectFail ef) {
            Op op = op(ef.call());
            Result result = kernel.apply(op);
            if (result.isRefused()) {
                passed++;
            } else {
                fail(ef.line(), "expect-fail " + op + ": the call succeeded, returning " + hex(result.value()));
                if (ef.call().bind() != null) {
                    names.put(ef.call().bind(), result.value());
                }
            }
            checkInvariants(ef.line(), op.toString());
        } else if (s instanceof Statement.Expect e) {
            expect(e);
        } else if (s instanceof Statement.Print p) {
            if (!Reports.exists(p.report())) {
                throw new ScenarioException(p.line(), p.column(), "unknown report '" + p.report() + "', expected one of "
                        + String.join(", ", Reports.names()));
            }
            String text = Reports.render(p.report(), kernel).orElseThrow(() -> new ScenarioException(p.line(), p.column(),
                    "report '" + p.report() + "' needs a booted board (a board line)"));
            output.append(text);
            if (!text.endsWith("\n")) {
                output.append('\n');
            }
        } else {
            throw new IllegalStateException("a board line is not a step: " + s);
        }
    }

    private void expect(Statement.Expect e) {
        long left;
        long right;
        try {
            left = eval(e.left(), e.line());
            right = eval(e.right(), e.line());
        } catch (ObservableException ex) {
            fail(e.line(), "expect: " + ex.getMessage());
            return;
        }
        if (compare(left, e.cmp(), right)) {
            passed++;
        } else {
            fail(e.line(), "expected " + describe(e.left()) + " " + e.cmp() + " " + describe(e.right())
                    + found(e.left(), left, e.right(), right));
        }
    }

    private static boolean compare(long l, String cmp, long r) {
        int c = Long.compareUnsigned(l, r);
        return switch (cmp) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private Op op(Statement.Call call) {
        long[] args = new long[call.args().size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = eval(call.args().get(i), call.line());
        }
        int cpu = call.cpu() == null ? 0 : (int) eval(call.cpu(), call.line());
        return call.spec().factory().make(args, cpu);
    }

    private long eval(Expr e, int line) {
        if (e instanceof Expr.Literal lit) {
            return lit.value();
        }
        if (e instanceof Expr.Binding b) {
            return names.get(b.name());
        }
        if (e instanceof Expr.Binary bin) {
            long l = eval(bin.left(), line);
            long r = eval(bin.right(), line);
            return switch (bin.op()) {
                case '+' -> l + r;
                case '-' -> l - r;
                default -> l * r;
            };
        }
        Expr.Observable obs = (Expr.Observable) e;
        List<ObservablePath.Segment> segments = new ArrayList<>();
        for (Expr.Segment seg : obs.segments()) {
            String index = seg.word() != null ? seg.word()
                    : seg.index() == null ? null : Long.toUnsignedString(eval(seg.index(), line));
            segments.add(new ObservablePath.Segment(seg.name(), index));
        }
        OptionalLong v = kernel.observe(new ObservablePath(segments));
        if (v.isEmpty()) {
            throw new ScenarioException(line, obs.column(), "unknown observable '" + obs.text() + "'");
        }
        return v.getAsLong();
    }

    private void checkInvariants(int line, String after) {
        report(line, after, kernel.check());
    }

    private void report(int line, String after, List<Violation> violations) {
        for (Violation v : violations) {
            if (seenViolations.add(v.toString())) {
                fail(line, v + " (after " + after + ")");
            }
        }
    }

    private void fail(int line, String message) {
        failed++;
        messages.add(scenario.file() + ":" + line + ": " + message);
    }

    /** ", found $a = 0x1000" for the sides that are not literals. */
    private static String found(Expr left, long l, Expr right, long r) {
        List<String> parts = new ArrayList<>();
        if (!(left instanceof Expr.Literal)) {
            parts.add(describe(left) + " = " + hex(l));
        }
        if (!(right instanceof Expr.Literal)) {
            parts.add(describe(right) + " = " + hex(r));
        }
        return parts.isEmpty() ? "" : ", found " + String.join(" and ", parts);
    }

    private static String describe(Expr e) {
        if (e instanceof Expr.Literal lit) {
            return hex(lit.value());
        }
        if (e instanceof Expr.Binding b) {
            return "$" + b.name();
        }
        if (e instanceof Expr.Observable o) {
            return o.text();
        }
        Expr.Binary bin = (Expr.Binary) e;
        return describe(bin.left()) + " " + bin.op() + " " + describe(bin.right());
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
