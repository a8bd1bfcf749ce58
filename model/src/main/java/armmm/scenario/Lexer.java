package armmm.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a scenario line into words: white space separates them, except inside brackets
 * ({@code page[$p + 1].pfn} is one word) and inside double quotes ({@code cmdline="mem=700M vmalloc=128M"}).
 * A {@code #} outside quotes starts a comment.
 */
final class Lexer {
    private Lexer() {
    }

    /** Bracket nesting deeper than this is refused: no scenario needs it, and it bounds the parser's recursion. */
    static final int MAX_DEPTH = 16;

    static List<Token> words(String line, int lineNo) {
        return words(line, lineNo, 0);
    }

    /**
     * The words of {@code line}, whose first character is at column {@code offset + 1} of line
     * {@code lineNo} (a bracketed index is lexed again with its own offset, so that an error
     * inside it points at its own column).
     */
    static List<Token> words(String line, int lineNo, int offset) {
        List<Token> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            int start = i;
            StringBuilder word = new StringBuilder();
            int depth = 0;
            boolean quoted = false;
            while (i < n) {
                c = line.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        quoted = false;
                    } else {
                        word.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == '[') {
                    if (++depth > MAX_DEPTH) {
                        throw new ScenarioException(lineNo, offset + i + 1, "brackets nested deeper than " + MAX_DEPTH);
                    }
                    word.append(c);
                } else if (c == ']') {
                    if (--depth < 0) {
                        throw new ScenarioException(lineNo, offset + i + 1, "']' without '['");
                    }
                    word.append(c);
                } else if (depth == 0 && (Character.isWhitespace(c) || c == '#')) {
                    break;
                } else {
                    word.append(c);
                }
                i++;
            }
            if (quoted) {
                throw new ScenarioException(lineNo, offset + start + 1, "unterminated string");
            }
            if (depth != 0) {
                throw new ScenarioException(lineNo, offset + start + 1, "unbalanced brackets in '" + word + "'");
            }
            words.add(new Token(word.toString(), offset + start + 1));
        }
        return words;
    }
}
