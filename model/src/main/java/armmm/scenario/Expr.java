package armmm.scenario;

import java.util.List;

/** A value in a scenario: a literal, a {@code $name}, an observable, or an arithmetic combination. */
sealed interface Expr {

    /** The 1-based column where the expression starts, for error messages. */
    int column();

    /** A number already known when the line is parsed. */
    record Literal(long value, int column) implements Expr {
    }

    /** A string argument ({@code ArgKind.NAME}): the word as written, without its quotes. */
    record Text(String text, int column) implements Expr {
    }

    /** A name bound earlier with {@code -> $name}. */
    record Binding(String name, int column) implements Expr {
    }

    /** A model observable such as {@code memblock.reserved[$i].size}. */
    record Observable(List<Segment> segments, String text, int column) implements Expr {
    }

    /**
     * One segment of an observable: a field name and an optional index, either a word (a zone or
     * migratetype name) or an expression.
     */
    record Segment(String name, String word, Expr index) {
    }

    /** {@code left op right} with op one of {@code + - *}. */
    record Binary(char op, Expr left, Expr right) implements Expr {
        @Override
        public int column() {
            return left.column();
        }
    }
}
