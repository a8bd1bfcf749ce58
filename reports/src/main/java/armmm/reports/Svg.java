package armmm.reports;

import java.util.List;
import java.util.Locale;

/**
 * The report's plots, drawn as SVG by the project (no plotting library, no script): horizontal
 * bars with labels, and a histogram of two series side by side. Every bar is a {@code rect} with
 * a {@code <title>} giving its exact value.
 */
final class Svg {
    private Svg() {
    }

    /** A labelled value; {@code value2} is a second series (or negative for none). */
    record Bar(String label, double value, double value2) {
        Bar(String label, double value) {
            this(label, value, -1);
        }
    }

    /**
     * Horizontal bars, one row each, on a linear or logarithmic axis; the second series, when
     * present, is drawn as a thinner bar below the first.
     */
    static String bars(String id, List<Bar> bars, String unit, boolean log, String series1, String series2) {
        int rowH = 16;
        int labelW = 330;
        int plotW = 480;
        int top = 24;
        int h = top + Math.max(1, bars.size()) * rowH + 24;
        double max = bars.stream().mapToDouble(b -> Math.max(b.value(), b.value2())).max().orElse(1);
        max = Math.max(max, 1);
        StringBuilder s = open(id, labelW + plotW + 90, h);
        legend(s, labelW, 14, series1, "#4e79a7", series2, "#f28e2b");
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = top + i * rowH;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW - 6, y + 11,
                    Doc.esc(shorten(b.label(), 52))));
            double w = scale(b.value(), max, plotW, log);
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4e79a7\">"
                    + "<title>%s: %s %s</title></rect>\n", labelW, y + 2, w, b.value2() >= 0 ? 7 : 12, Doc.esc(b.label()), num(b.value()), unit));
            if (b.value2() >= 0) {
                double w2 = scale(b.value2(), max, plotW, log);
                s.append(String.format(Locale.ROOT, "<rect class=\"bar2\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"6\" fill=\"#f28e2b\">"
                        + "<title>%s: %s %s</title></rect>\n", labelW, y + 9, w2, Doc.esc(b.label()), num(b.value2()), unit));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#444\">%s</text>\n", labelW + Math.max(w,
                    b.value2() >= 0 ? scale(b.value2(), max, plotW, log) : 0) + 4, y + 11,
                    num(b.value()) + (b.value2() >= 0 ? " / " + num(b.value2()) : "")));
        }
        int axisY = top + bars.size() * rowH + 4;
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", labelW, labelW + plotW, axisY, axisY));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#444\">%s%s</text>\n", labelW, axisY + 14, unit,
                log ? " (log scale)" : ""));
        return s.append("</svg>\n").toString();
    }

    /** A histogram: bins left to right, two series side by side, normalised to fractions. */
    static String histogram(String id, long[] a, long[] b, String seriesA, String seriesB, String xLabel) {
        int n = a.length;
        int left = 50;
        int plotW = 760;
        int plotH = 200;
        int top = 24;
        double sumA = Math.max(1, java.util.Arrays.stream(a).sum());
        double sumB = Math.max(1, java.util.Arrays.stream(b).sum());
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.max(a[i] / sumA, b[i] / sumB));
        }
        max = max == 0 ? 1 : max;
        StringBuilder s = open(id, left + plotW + 20, top + plotH + 40);
        legend(s, left, 14, seriesA, "#4e79a7", seriesB, "#f28e2b");
        double binW = (double) plotW / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            double x = left + i * binW;
            double ha = a[i] / sumA / max * plotH;
            double hb = b[i] / sumB / max * plotH;
            s.append(String.format(Locale.ROOT, "<rect class=\"bin\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#4e79a7\">"
                    + "<title>slot %d: %d</title></rect>\n", x, top + plotH - ha, binW / 2, ha, i, a[i]));
            s.append(String.format(Locale.ROOT, "<rect class=\"bin2\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#f28e2b\">"
                    + "<title>slot %d: %d</title></rect>\n", x + binW / 2, top + plotH - hb, binW / 2, hb, i, b[i]));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, left + plotW,
                top + plotH, top + plotH));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#444\">%s</text>\n", left, top + plotH + 16, Doc.esc(xLabel)));
        s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" fill=\"#444\">%.2f%%</text>\n", top + 10, 100 * max));
        return s.append("</svg>\n").toString();
    }

    private static StringBuilder open(String id, int w, int h) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n", id, w, h, w, h));
    }

    private static void legend(StringBuilder s, int x, int y, String a, String ca, String b, String cb) {
        if (a == null) {
            return;
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
                x, y - 9, ca, x + 14, y, Doc.esc(a)));
        if (b != null) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
                    x + 200, y - 9, cb, x + 214, y, Doc.esc(b)));
        }
    }

    private static double scale(double v, double max, int width, boolean log) {
        if (v <= 0) {
            return 0;
        }
        return log ? width * Math.log10(1 + v) / Math.log10(1 + max) : width * v / max;
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
