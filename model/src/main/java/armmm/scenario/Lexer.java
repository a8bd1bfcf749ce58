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

    static List<Token> words(String line, int lineNo) {
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
                    depth++;
                    word.append(c);
                } else if (c == ']') {
                    depth--;
                    word.append(c);
                } else if (depth == 0 && (Character.isWhitespace(c) || c == '#')) {
                    break;
                } else {
                    word.append(c);
                }
                i++;
            }
            if (quoted) {
                throw new ScenarioException(lineNo, start + 1, "unterminated string");
            }
            if (depth != 0) {
                throw new ScenarioException(lineNo, start + 1, "unbalanced brackets in '" + word + "'");
            }
            words.add(new Token(word.toString(), start + 1));
        }
        return words;
    }
}
