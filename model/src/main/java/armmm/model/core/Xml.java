package armmm.model.core;

/**
 * XML text and attribute escaping, for the SVG and XHTML the CLI and the verification report
 * write: callers' names, board lines and kernel messages may hold any character.
 */
public final class Xml {
    private Xml() {
    }

    /** {@code t} with the five markup characters escaped and control characters (but newline and tab) as spaces. */
    public static String escape(String t) {
        StringBuilder b = new StringBuilder(t.length());
        for (char c : t.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
