package armmm.scenario;

import armmm.model.subsystem.OpSpec;
import armmm.model.kernel.OpTable;
import armmm.model.kernel.Reports;
import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a scenario file (the language of CONTRACTS.md section 3, extended in
 * spec/scenario-language.md) into statements, or throws {@link ScenarioException} at the first
 * malformed line.
 */
public final class Parser {
    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");
    private static final Pattern NAME = Pattern.compile("\\$[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern CPU = Pattern.compile("cpu=.*");

    /** The longest line read: it bounds an expression's length, and with it the evaluator's recursion. */
    static final int MAX_LINE = 4096;

    private final Set<String> bound = new HashSet<>();

    private Parser() {
    }

    /** Parses {@code text}, the contents of {@code file}. */
    public static Scenario parse(String file, String text) {
        return new Parser().scenario(file, text);
    }

    private Scenario scenario(String file, String text) {
        List<Statement> statements = new ArrayList<>();
        Map<String, String> board = null;
        int boardLine = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            if (lines[i].length() > MAX_LINE) {
                throw new ScenarioException(lineNo, MAX_LINE + 1, "line longer than " + MAX_LINE + " characters");
            }
            List<Token> words = Lexer.words(lines[i], lineNo);
            if (words.isEmpty()) {
                continue;
            }
            Token head = words.get(0);
            if (head.is("board")) {
                if (!statements.isEmpty() || board != null) {
                    throw new ScenarioException(lineNo, head.column(), "a board line must come before every other statement");
                }
                board = boardParams(words, lineNo);
                boardLine = lineNo;
                continue;
            }
            statements.add(statement(words, lineNo));
        }
        return new Scenario(file, board, boardLine, statements);
    }

    private Statement statement(List<Token> words, int lineNo) {
        Token head = words.get(0);
        Cursor in = new Cursor(words, lineNo);
        switch (head.text()) {
            case "expect": {
                in.next();
                Expr left = expr(in);
                Token cmp = in.next("a comparison (== != < <= > >=)");
                if (!COMPARISONS.contains(cmp.text())) {
                    throw in.error(cmp, "expected a comparison (== != < <= > >=), found '" + cmp.text() + "'");
                }
                Expr right = expr(in);
                in.end();
                return new Statement.Expect(left, cmp.text(), right, lineNo);
            }
            case "expect-fail": {
                in.next();
                if (!in.hasNext()) {
                    throw in.error(head, "expect-fail needs a kernel call");
                }
                return new Statement.ExpectFail(call(in), lineNo);
            }
            case "expect-warn":
            case "expect-finding": {
                in.next();
                if (!in.hasNext()) {
                    throw in.error(head, head.text() + " needs a kernel call");
                }
                return new Statement.ExpectWarn(call(in), head.is("expect-warn") ? Result.Origin.KERNEL : Result.Origin.MODEL,
                        lineNo);
            }
            case "print": {
                in.next();
                Token report = in.next("a report name");
                List<Expr> range = new ArrayList<>();
                // print NAME [FROM [TO]] for a report over an address range, such as the ptdump;
                // print NAME ITEM for a report of one item (print tlb CPU)
                while (in.hasNext() && range.size() < Reports.maxArgs(report.text())) {
                    range.add(expr(in));
                }
                in.end();
                return new Statement.Print(report.text(), report.column(), lineNo, range);
            }
            default:
                return call(in);
        }
    }

    private Statement.Call call(Cursor in) {
        Token name = in.next();
        OpSpec spec = OpTable.spec(name.text());
        if (spec == null) {
            throw in.error(name, "unknown kernel call '" + name.text() + "'");
        }
        List<Expr> args = new ArrayList<>();
        for (int i = 0; i < spec.args().size(); i++) {
            if (spec.args().get(i) == armmm.model.subsystem.ArgKind.NAME) {
                // a string (kmem_cache_create's cache name): one word as written, quotes taken off
                if (!in.hasNext() || in.peek().is("->") || CPU.matcher(in.peek().text()).matches()) {
                    Token at = in.hasNext() ? in.peek() : name;
                    throw in.error(at, name.text() + " takes " + describe(spec) + ": a name is missing");
                }
                Token t = in.next();
                args.add(new Expr.Text(t.text(), t.column()));
                continue;
            }
            List<String> words = spec.args().get(i).keywords();
            if (!words.isEmpty()) {
                // an optional keyword (translate's read|write|exec, user|kernel): absent means the first
                boolean given = in.hasNext() && words.contains(in.peek().text());
                Token at = given ? in.next() : name;
                args.add(new Expr.Literal(given ? words.indexOf(at.text()) : 0, at.column()));
                continue;
            }
            boolean absent = !in.hasNext() || in.peek().is("->") || CPU.matcher(in.peek().text()).matches();
            if (absent && spec.args().get(i).omitted().isPresent()) {
                // an optional trailing value (poke's width): absent means the kind's default
                args.add(new Expr.Literal(spec.args().get(i).omitted().getAsLong(), name.column()));
                continue;
            }
            if (absent) {
                Token at = in.hasNext() ? in.peek() : name;
                throw in.error(at, name.text() + " takes " + spec.args().size() + " argument"
                        + (spec.args().size() == 1 ? "" : "s") + " (" + describe(spec) + "), found " + i);
            }
            args.add(expr(in));
        }
        Expr cpu = null;
        if (in.hasNext() && CPU.matcher(in.peek().text()).matches()) {
            Token t = in.next();
            if (!spec.perCpu()) {
                throw in.error(t, name.text() + " is not a per-CPU call: cpu= does not apply");
            }
            cpu = operand(t.text().substring(4), t.column() + 4, in);
        }
        String bind = null;
        if (in.hasNext() && in.peek().is("->")) {
            in.next();
            Token target = in.next("a $name after ->");
            if (!NAME.matcher(target.text()).matches()) {
                throw in.error(target, "expected a $name after ->, found '" + target.text() + "'");
            }
            bind = target.text().substring(1);
        }
        in.end();
        if (bind != null) {
            bound.add(bind);
        }
        return new Statement.Call(spec, args, cpu, bind, in.lineNo);
    }

    private static String describe(OpSpec spec) {
        StringBuilder s = new StringBuilder();
        for (var kind : spec.args()) {
            s.append(s.length() == 0 ? "" : " ")
                    .append(!kind.keywords().isEmpty() ? "[" + String.join("|", kind.keywords().stream()
                            .filter(w -> !w.isEmpty()).toList()) + "]"
                            : kind.omitted().isPresent() ? "[" + kind.name() + "]" : kind.name());
        }
        return s.toString();
    }

    private Expr expr(Cursor in) {
        Expr left = term(in);
        while (in.hasNext() && (in.peek().is("+") || in.peek().is("-"))) {
            char op = in.next().text().charAt(0);
            left = new Expr.Binary(op, left, term(in));
        }
        return left;
    }

    private Expr term(Cursor in) {
        Token t = in.next("a value");
        Expr left = operand(t.text(), t.column(), in);
        while (in.hasNext() && in.peek().is("*")) {
            in.next();
            Token r = in.next("a value");
            left = new Expr.Binary('*', left, operand(r.text(), r.column(), in));
        }
        return left;
    }

    private Expr operand(String text, int column, Cursor in) {
        if (text.isEmpty()) {
            throw new ScenarioException(in.lineNo, column, "expected a value");
        }
        if (text.startsWith("$")) {
            if (!NAME.matcher(text).matches()) {
                throw new ScenarioException(in.lineNo, column, "malformed name '" + text + "'");
            }
            String name = text.substring(1);
            if (!bound.contains(name)) {
                throw new ScenarioException(in.lineNo, column, "'" + text + "' is not bound by an earlier call");
            }
            return new Expr.Binding(name, column);
        }
        OptionalLong literal;
        try {
            literal = Constants.literal(text);
        } catch (NumberFormatException e) {
            throw new ScenarioException(in.lineNo, column, "number out of range: '" + text + "'");
        }
        if (literal.isPresent()) {
            return new Expr.Literal(literal.getAsLong(), column);
        }
        if (Character.isLetter(text.charAt(0)) && (text.contains(".") || text.contains("["))) {
            return observable(text, column, in);
        }
        throw new ScenarioException(in.lineNo, column, "unknown value '" + text + "'");
    }

    private Expr observable(String text, int column, Cursor in) {
        List<Expr.Segment> segments = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && text.charAt(i) != '.' && text.charAt(i) != '[') {
                i++;
            }
            String name = text.substring(start, i);
            if (!WORD.matcher(name).matches()) {
                throw new ScenarioException(in.lineNo, column + start, "malformed observable '" + text + "'");
            }
            String word = null;
            Expr index = null;
            if (i < text.length() && text.charAt(i) == '[') {
                int close = matching(text, i);
                if (close < 0) {
                    throw new ScenarioException(in.lineNo, column + i, "unbalanced brackets in '" + text + "'");
                }
                String inside = text.substring(i + 1, close).trim();
                if (WORD.matcher(inside).matches() && !isLiteral(inside)
                        || inside.matches("[A-Z][A-Za-z]*")) {
                    word = inside;
                } else {
                    Cursor sub = new Cursor(Lexer.words(text.substring(i + 1, close), in.lineNo, column + i), in.lineNo);
                    if (!sub.hasNext()) {
                        throw new ScenarioException(in.lineNo, column + i, "empty index in '" + text + "'");
                    }
                    index = expr(sub);
                    sub.end();
                }
                i = close + 1;
            }
            segments.add(new Expr.Segment(name, word, index));
            if (i < text.length()) {
                if (text.charAt(i) != '.') {
                    throw new ScenarioException(in.lineNo, column + i, "malformed observable '" + text + "'");
                }
                i++;
                if (i == text.length()) {
                    throw new ScenarioException(in.lineNo, column + i, "observable ends with '.': '" + text + "'");
                }
            }
        }
        return new Expr.Observable(segments, text, column);
    }

    /** True when {@code word} is a literal, also one out of range (which the expression parser then reports). */
    private static boolean isLiteral(String word) {
        try {
            return Constants.literal(word).isPresent();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static int matching(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == '[') {
                depth++;
            } else if (text.charAt(i) == ']' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, String> boardParams(List<Token> words, int lineNo) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Token t : words.subList(1, words.size())) {
            int eq = t.text().indexOf('=');
            if (eq <= 0) {
                throw new ScenarioException(lineNo, t.column(), "expected key=value on the board line, found '" + t.text() + "'");
            }
            String key = t.text().substring(0, eq);
            String value = t.text().substring(eq + 1);
            if (params.containsKey(key) && !key.equals("memory") && !key.equals("reserve")) {
                throw new ScenarioException(lineNo, t.column(), "board parameter '" + key + "' given twice");
            }
            params.merge(key, value, (a, b) -> a + "," + b);
        }
        return params;
    }

    /** Walks the words of one line. */
    private static final class Cursor {
        private final List<Token> words;
        private final int lineNo;
        private int pos;

        Cursor(List<Token> words, int lineNo) {
            this.words = words;
            this.lineNo = lineNo;
        }

        boolean hasNext() {
            return pos < words.size();
        }

        Token peek() {
            return words.get(pos);
        }

        Token next() {
            return words.get(pos++);
        }

        Token next(String what) {
            if (!hasNext()) {
                int col = words.isEmpty() ? 1 : last().column() + last().text().length() + 1;
                throw new ScenarioException(lineNo, col, "expected " + what + " at the end of the line");
            }
            return next();
        }

        private Token last() {
            return words.get(words.size() - 1);
        }

        void end() {
            if (hasNext()) {
                throw error(peek(), "unexpected '" + peek().text() + "'");
            }
        }

        ScenarioException error(Token at, String message) {
            return new ScenarioException(lineNo, at.column(), message);
        }
    }
}
