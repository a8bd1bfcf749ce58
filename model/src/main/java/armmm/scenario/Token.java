package armmm.scenario;

/**
 * A word of a scenario line and where it starts.
 *
 * @param text   the word; a quoted string keeps its quotes out
 * @param column the 1-based column of its first character
 */
record Token(String text, int column) {
    boolean is(String s) {
        return text.equals(s);
    }
}
