package armmm.conformance;

/**
 * One compared value of one board: the real kernel's, the model's, and whether they agree within
 * the tolerance (0 for exact).
 *
 * @param board     the oracle folder
 * @param field     what is compared
 * @param kernel    the real kernel's value
 * @param model     the model's value
 * @param tolerance relative tolerance (0.005 is 0.5%), 0 for exact
 */
record Agreement(String board, String field, long kernel, long model, double tolerance) {

    /** True when the model agrees with the kernel within the tolerance. */
    boolean agrees() {
        if (tolerance == 0) {
            return kernel == model;
        }
        return Math.abs(model - kernel) <= tolerance * Math.abs(kernel);
    }

    /** The model's value minus the kernel's. */
    long difference() {
        return model - kernel;
    }

    /** A Markdown table row. */
    String row() {
        String tol = tolerance == 0 ? "exact" : String.format("%.1f%%", tolerance * 100);
        String diff = difference() == 0 ? "0" : String.format("%+d (%+.3f%%)", difference(),
                kernel == 0 ? 0.0 : 100.0 * difference() / kernel);
        return "| " + board + " | " + field + " | " + fmt(kernel) + " | " + fmt(model) + " | " + diff + " | " + tol
                + " | " + (agrees() ? "yes" : "**NO**") + " |";
    }

    private String fmt(long v) {
        return field.startsWith("high_memory") || field.startsWith("VMALLOC_START") || field.startsWith("lowmem limit")
                ? String.format("%#x", v) : Long.toString(v);
    }
}
