package armmm.reports;

import armmm.model.core.Xml;
import java.util.List;

/**
 * The report as it is written, once, into its two forms: a self-contained XHTML page (inline CSS
 * and SVG, no script, no external reference; it parses as XML) and its Markdown twin. Each section
 * has an id that the HTML anchors and the test looks for.
 */
final class Doc {
    private final StringBuilder md = new StringBuilder();
    private final StringBuilder html = new StringBuilder();
    private final StringBuilder toc = new StringBuilder();

    Doc(String title) {
        md.append("# ").append(title).append("\n\n");
        html.append("<h1>").append(esc(title)).append("</h1>\n");
    }

    /** A section: {@code id} anchors it in the HTML. */
    Doc section(String id, String title) {
        md.append("## ").append(title).append("\n\n");
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title)).append("</h2>\n");
        toc.append("<li><a href=\"#").append(id).append("\">").append(esc(title)).append("</a></li>\n");
        return this;
    }

    Doc endSection() {
        html.append("</section>\n");
        return this;
    }

    Doc subheading(String title) {
        md.append("### ").append(title).append("\n\n");
        html.append("<h3>").append(esc(title)).append("</h3>\n");
        return this;
    }

    /** A paragraph of plain text; {@code `code`} spans become code in both forms. */
    Doc para(String text) {
        md.append(text).append("\n\n");
        html.append("<p>").append(code(esc(text))).append("</p>\n");
        return this;
    }

    /** A table; cells are plain text (code spans allowed). Columns whose header starts with '#' align right. */
    Doc table(List<String> header, List<List<String>> rows) {
        md.append('|');
        header.forEach(h -> md.append(' ').append(h.replace("#", "")).append(" |"));
        md.append("\n|");
        header.forEach(h -> md.append(h.startsWith("#") ? "---:|" : "---|"));
        md.append('\n');
        html.append("<table>\n<thead><tr>");
        header.forEach(h -> html.append("<th>").append(esc(h.replace("#", ""))).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            md.append('|');
            html.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i) == null ? "" : row.get(i);
                md.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
                boolean right = i < header.size() && header.get(i).startsWith("#");
                html.append(right ? "<td class=\"num\">" : "<td>").append(code(esc(cell))).append("</td>");
            }
            md.append('\n');
            html.append("</tr>\n");
        }
        md.append('\n');
        html.append("</tbody>\n</table>\n");
        return this;
    }

    /**
     * An SVG picture, inline in the HTML; the Markdown twin names the file it is also written to
     * (relative to the report), since Markdown viewers do not all show inline SVG.
     */
    Doc figure(String svg, String caption, String file) {
        html.append("<figure>\n").append(svg).append("<figcaption>").append(esc(caption)).append("</figcaption>\n</figure>\n");
        md.append("![").append(caption).append("](").append(file).append(")\n\n");
        return this;
    }

    String markdown() {
        return md.toString();
    }

    String html() {
        return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                + "<title>armmm verification report</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n"
                + "<nav id=\"contents\"><ul>\n" + toc + "</ul></nav>\n" + html + "</body>\n</html>\n";
    }

    private static final String CSS = """
            body { font-family: sans-serif; margin: 1.5em auto; max-width: 76em; color: #222; }
            h1 { border-bottom: 2px solid #444; }
            h2 { margin-top: 2em; border-bottom: 1px solid #aaa; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; font-size: 0.9em; }
            th, td { border: 1px solid #bbb; padding: 2px 6px; vertical-align: top; }
            th { background: #eee; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            tr:nth-child(even) td { background: #f7f7f7; }
            code { font-family: monospace; background: #f2f2f2; }
            figure { margin: 1em 0; }
            figcaption { font-size: 0.85em; color: #555; }
            nav ul { columns: 3; }
            .fail { color: #b71c1c; font-weight: bold; }
            """;

    /** XML escaping of text. */
    static String esc(String t) {
        return Xml.escape(t);
    }

    /** {@code `x`} to {@code <code>x</code>}, on text already escaped; **x** to strong. */
    private static String code(String escaped) {
        return escaped.replaceAll("`([^`]*)`", "<code>$1</code>").replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
    }
}
