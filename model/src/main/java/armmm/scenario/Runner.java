package armmm.scenario;

import armmm.model.core.Violation;
import armmm.model.subsystem.ArgKind;
import armmm.model.kernel.Kernel;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.subsystem.Op;
import armmm.model.core.Result;
import armmm.model.kernel.Reports;
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
    /** Names whose binding call was refused: they have no value, and the line that refused it. */
    private final Map<String, Integer> unbound = new HashMap<>();
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
        return run(scenario, armmm.model.core.Bugs.NONE);
    }

    /**
     * Runs {@code scenario} with the run's seed {@code seed} ({@code armmm run --seed N}): the
     * board's command line gets the model's {@code armmm.seed=N} word (after any the board line
     * has, so the option wins), from which user address spaces draw their randomisation. Without
     * a board there is nothing to seed.
     */
    public static RunReport run(Scenario scenario, armmm.model.core.Bugs bugs, long seed) {
        if (scenario.board() == null) {
            return run(scenario, bugs);
        }
        java.util.Map<String, String> board = new java.util.HashMap<>(scenario.board());
        String cmdline = board.getOrDefault("cmdline", "");
        board.put("cmdline", (cmdline.isEmpty() ? "" : cmdline + " ") + armmm.model.mm.MmSubsystem.SEED_PARAM
                + Long.toUnsignedString(seed));
        return run(new Scenario(scenario.file(), board, scenario.boardLine(), scenario.statements()), bugs);
    }

    /** Runs {@code scenario} on a fresh kernel with the seeded bugs {@code bugs} planted. */
    public static RunReport run(Scenario scenario, armmm.model.core.Bugs bugs) {
        Kernel kernel = scenario.board() == null ? Kernel.bare(bugs) : Boards.boot(scenario.board(), scenario.boardLine(), bugs);
        Runner r = new Runner(scenario, kernel);
        r.checkInvariants(0, "boot", Result.VOID);
        for (Statement s : scenario.statements()) {
            r.step(s);
        }
        // the complete check re-checks, over every frame, list and entry, what the per-call checks read from counters
        r.checkComplete(scenario.statements().isEmpty() ? 0 : scenario.statements().get(scenario.statements().size() - 1).line());
        return new RunReport(scenario.file(), r.passed, r.failed, r.messages, r.output.toString());
    }

    /**
     * A statement that cannot run because a value it needs cannot be had (a name whose call was
     * refused, an observable that cannot be read): a failed check at its line, not a crash.
     */
    private static final class Unrunnable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unrunnable(String message) {
            super(message, null, false, false);
        }
    }

    private void step(Statement s) {
        try {
            run(s);
        } catch (Unrunnable | ObservableException e) {
            fail(s.line(), describeStatement(s) + ": " + e.getMessage());
        }
    }

    private static String warning(Result.Warned w) {
        return w.origin() == Result.Origin.KERNEL ? "the kernel warned: " + w.warning()
                : "the model's finding (6.1 stays silent): " + w.warning();
    }

    private static String describeStatement(Statement s) {
        if (s instanceof Statement.Call c) {
            return c.spec().name();
        }
        if (s instanceof Statement.ExpectFail ef) {
            return "expect-fail " + ef.call().spec().name();
        }
        if (s instanceof Statement.ExpectWarn ew) {
            return (ew.origin() == Result.Origin.KERNEL ? "expect-warn " : "expect-finding ") + ew.call().spec().name();
        }
        return "expect";
    }

    private void bind(String name, Result result, int line) {
        if (name == null) {
            return;
        }
        if (result.isRefused()) {
            names.remove(name);
            unbound.put(name, line);
        } else {
            names.put(name, result.value());
            unbound.remove(name);
        }
    }

    private void run(Statement s) {
        if (s instanceof Statement.Call call) {
            Op op = opOrFail(call, call.line());
            if (op == null) {
                return;
            }
            Result result = kernel.apply(op);
            if (result instanceof Result.Refused refused) {
                fail(call.line(), op + (refused.isModelFinding() ? ": the model's finding (6.1 stays silent): "
                        : ": the kernel refused: ") + refused.report());
            } else if (result instanceof Result.Warned w) {
                // a WARN splat is a failure to any kernel test harness; expect-warn states it
                fail(call.line(), op + ": " + warning(w));
            }
            bind(call.bind(), result, call.line());
            checkInvariants(call.line(), op.toString(), result);
        } else if (s instanceof Statement.ExpectFail ef) {
            Op op = opOrFail(ef.call(), ef.line());
            if (op == null) {
                return;
            }
            Result result = kernel.apply(op);
            if (result.isRefused() && !result.isModelFinding()) {
                passed++;
            } else if (result instanceof Result.Refused r) {
                fail(ef.line(), "expect-fail " + op + ": 6.1 reports nothing here; the model stops with its finding: "
                        + r.report());
            } else if (result instanceof Result.Warned w) {
                fail(ef.line(), "expect-fail " + op + ": the call went on, returning " + hex(w.value()) + ", with " + warning(w));
            } else {
                fail(ef.line(), "expect-fail " + op + ": the call succeeded, returning " + hex(result.value()));
            }
            bind(ef.call().bind(), result, ef.line());
            checkInvariants(ef.line(), op.toString(), result);
        } else if (s instanceof Statement.ExpectWarn ew) {
            Op op = op(ew.call());
            Result result = kernel.apply(op);
            String what = ew.origin() == Result.Origin.KERNEL ? "expect-warn " : "expect-finding ";
            if (result instanceof Result.Warned w && w.origin() == ew.origin()
                    || ew.origin() == Result.Origin.MODEL && result.isModelFinding()) {
                passed++;
            } else if (result instanceof Result.Warned w) {
                fail(ew.line(), what + op + ": " + warning(w));
            } else if (result instanceof Result.Refused r) {
                fail(ew.line(), what + op + ": the kernel refused: " + r.report());
            } else {
                fail(ew.line(), what + op + ": no warning, returning " + hex(result.value()));
            }
            bind(ew.call().bind(), result, ew.line());
            checkInvariants(ew.line(), op.toString(), result);
        } else if (s instanceof Statement.Expect e) {
            expect(e);
        } else if (s instanceof Statement.Print p) {
            if (!Reports.exists(p.report())) {
                throw new ScenarioException(p.line(), p.column(), "unknown report '" + p.report() + "', expected one of "
                        + String.join(", ", Reports.names()));
            }
            String text;
            if (p.args().isEmpty()) {
                text = Reports.render(p.report(), kernel).orElseThrow(() -> new ScenarioException(p.line(), p.column(),
                        "report '" + p.report() + "' needs a booted board " + missingWhy()));
            } else {
                // the parser takes arguments only up to the report's maxArgs (a range where it has one)
                long from = eval(p.args().get(0), p.line());
                long to = p.args().size() > 1 ? eval(p.args().get(1), p.line()) : from + 4096;
                try {
                    text = Reports.render(p.report(), kernel, from, Math.min(Math.max(to, from), 0x1_0000_0000L))
                            .orElseThrow(() -> new ScenarioException(p.line(), p.column(),
                                    "report '" + p.report() + "' needs a booted board " + missingWhy()));
                } catch (armmm.model.subsystem.Report.BadArgument bad) {
                    // the scenario names something this kernel does not have (print tlb 4 on two CPUs)
                    throw new ScenarioException(p.line(), p.args().get(0).column(), "print " + p.report() + ": "
                            + bad.getMessage());
                }
            }
            output.append(text);
            if (!text.endsWith("\n")) {
                output.append('\n');
            }
        } else {
            throw new IllegalStateException("a board line is not a step: " + s);
        }
    }

    private void expect(Statement.Expect e) {
        long left = eval(e.left(), e.line());
        long right = eval(e.right(), e.line());
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

    /** The call, or null (a failure counted) when an argument names a value an earlier refused call never bound. */
    private Op opOrFail(Statement.Call call, int line) {
        try {
            return op(call);
        } catch (ObservableException ex) {
            fail(line, call.spec().name() + ": " + ex.getMessage());
            return null;
        }
    }

    private Op op(Statement.Call call) {
        long[] args = new long[call.args().size()];
        String[] texts = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            Expr arg = call.args().get(i);
            if (arg instanceof Expr.Text t) {
                texts[i] = t.text();
                continue;
            }
            args[i] = eval(arg, call.line());
            ArgKind kind = call.spec().args().get(i);
            if ((kind == ArgKind.NUMBER || kind == ArgKind.GFP || kind == ArgKind.FLAGS) && Long.compareUnsigned(args[i], 0xFFFF_FFFFL) > 0) {
                // the kernel's parameter is an unsigned int (order, nid, gfp_t): a wider value would be truncated
                throw new ScenarioException(call.line(), arg.column(), call.spec().name() + ": argument " + (i + 1) + " is "
                        + hex(args[i]) + ", which does not fit the kernel's 32-bit parameter");
            }
        }
        int cpu = 0;
        if (call.cpu() != null) {
            long c = eval(call.cpu(), call.line());
            if (Long.compareUnsigned(c, Integer.MAX_VALUE) > 0) {
                throw new ScenarioException(call.line(), call.cpu().column(), call.spec().name() + ": cpu=" + hex(c)
                        + " is not a CPU number");
            }
            cpu = (int) c;
        }
        return call.spec().factory().make(args, texts, cpu);
    }

    private long eval(Expr e, int line) {
        if (e instanceof Expr.Literal lit) {
            return lit.value();
        }
        if (e instanceof Expr.Binding b) {
            Long v = names.get(b.name());
            if (v == null) {
                throw new Unrunnable("$" + b.name() + " has no value: the call that binds it (line "
                        + unbound.get(b.name()) + ") was refused");
            }
            return v;
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
            throw new ScenarioException(line, obs.column(), "unknown observable '" + obs.text() + "'"
                    + kernel.nextStage().map(n -> " " + stillBooting()).orElse(""));
        }
        return v.getAsLong();
    }

    /** Why a report found nothing to print: no board, or a kernel powered on stepwise still booting. */
    private String missingWhy() {
        return kernel.nextStage().isPresent() ? stillBooting() : "(a board line)";
    }

    /** A kernel powered on stepwise that has not run kernel_init yet: which stage it runs next. */
    private String stillBooting() {
        return "(the kernel is still booting, " + kernel.nextStage().orElseThrow().callName() + " runs next)";
    }

    /**
     * Reports each invariant newly broken after {@code after}. After a call that returned the
     * model's finding (6.1 goes on into a state it was not meant to reach), what that state
     * breaks is the finding's consequence, already reported with it: it is noted as seen, not
     * failed again.
     */
    private void checkInvariants(int line, String after, Result result) {
        boolean finding = result instanceof Result.Warned w && w.origin() == Result.Origin.MODEL;
        for (Violation v : kernel.check()) {
            if (seenViolations.add(v.toString()) && !finding) {
                fail(line, v + " (after " + after + ")");
            }
        }
    }

    /** The complete scan at the end: what the per-step checks of a very large array did not look at. */
    private void checkComplete(int line) {
        for (Violation v : kernel.checkComplete()) {
            if (seenViolations.add(v.toString())) {
                fail(line, v + " (found by the complete check at the end)");
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
