package armmm.model.check;

import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import armmm.model.zone.NodeZones;
import armmm.model.zone.SysctlCall;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneTuning;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * INV-CALL-05: a {@code sysctl} write has the outcome its handler gives (kernel/sysctl.c
 * {@code vm_table} bounds; mm/page_alloc.c {@code min_free_kbytes_sysctl_handler},
 * {@code watermark_scale_factor_sysctl_handler}, {@code lowmem_reserve_ratio_sysctl_handler},
 * {@code percpu_pagelist_high_fraction_sysctl_handler}; {@code watermark_boost_factor}'s plain
 * {@code proc_dointvec_minmax}). Restated from the bounds alone, with its
 * own reading of the text, apart from the model's parser: it judges texts of plain decimal
 * integers (no {@code 0x}, no leading 0, at most 18 digits) and leaves other spellings, which
 * ZoneSysctlTest works by hand, unjudged.
 */
public final class ZoneCallChecks {
    private static final Pattern PLAIN = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long INT_MIN = Integer.MIN_VALUE;

    /** INV-CALL-05 as a kernel invariant, run after every step (it has nothing to do unless the step wrote a sysctl). */
    public static final Invariant SYSCTL_OUTCOME = Invariant.on("INV-CALL-05", NodeZones.class,
            z -> outcome(z.lastCall(), z.setup()));

    private ZoneCallChecks() {
    }

    /** The violations of INV-CALL-05 for the write {@code c} that left {@code now}; none when {@code c} is null. */
    static List<Violation> outcome(SysctlCall c, ZoneSetup now) {
        if (c == null || c.result() == null) {
            return List.of();
        }
        long[] v = plainValues(c.text());
        ZoneTuning b = c.before();
        ZoneTuning t = now.tuning();
        Result r = c.result();
        List<Violation> out = new ArrayList<>();
        boolean othersKept = true;
        switch (c.path()) {
            case "vm.min_free_kbytes" -> {
                othersKept = t.watermarkScaleFactor() == b.watermarkScaleFactor() && sameRatios(t, b)
                        && t.percpuPagelistHighFraction() == b.percpuPagelistHighFraction();
                if (v != null) {
                    scalar(out, c, r, v[0] >= 0 && v[0] <= INT_MAX, v[0], c.minFreeBefore(), now.minFreeKbytes());
                    if (!r.isRefused() && t.userMinFreeKbytes() != v[0]) {
                        out.add(new Violation("INV-CALL-05", "user_min_free_kbytes not the value written",
                                c.path() + " " + c.text() + ": user_min_free_kbytes " + t.userMinFreeKbytes()));
                    }
                }
            }
            case "vm.watermark_scale_factor" -> {
                othersKept = now.minFreeKbytes() == c.minFreeBefore() && sameRatios(t, b)
                        && t.percpuPagelistHighFraction() == b.percpuPagelistHighFraction();
                if (v != null) {
                    scalar(out, c, r, v[0] >= 1 && v[0] <= 3000, v[0], b.watermarkScaleFactor(), t.watermarkScaleFactor());
                }
            }
            case "vm.percpu_pagelist_high_fraction" -> {
                othersKept = now.minFreeKbytes() == c.minFreeBefore() && sameRatios(t, b)
                        && t.watermarkScaleFactor() == b.watermarkScaleFactor();
                if (v != null) {
                    scalar(out, c, r, v[0] == 0 || (v[0] >= 8 && v[0] <= INT_MAX), v[0], b.percpuPagelistHighFraction(),
                            t.percpuPagelistHighFraction());
                }
            }
            case "vm.watermark_boost_factor" -> {
                othersKept = now.minFreeKbytes() == c.minFreeBefore() && sameRatios(t, b)
                        && t.watermarkScaleFactor() == b.watermarkScaleFactor()
                        && t.percpuPagelistHighFraction() == b.percpuPagelistHighFraction();
                if (v != null) {
                    scalar(out, c, r, v[0] >= 0 && v[0] <= INT_MAX, v[0], b.watermarkBoostFactor(), t.watermarkBoostFactor());
                }
            }
            case "vm.lowmem_reserve_ratio" -> {
                othersKept = now.minFreeKbytes() == c.minFreeBefore() && t.watermarkScaleFactor() == b.watermarkScaleFactor()
                        && t.percpuPagelistHighFraction() == b.percpuPagelistHighFraction();
                if (r.isRefused()) {
                    out.add(new Violation("INV-CALL-05", "lowmem_reserve_ratio write refused",
                            c.path() + " " + c.text() + " -> " + r + ": the handler always returns 0"));
                }
                if (v != null) {
                    ratios(out, c, v, b.lowmemReserveRatio(), t.lowmemReserveRatio());
                }
            }
            default -> {
                othersKept = now.minFreeKbytes() == c.minFreeBefore() && t.equals(b);
                if (!r.isRefused() || !r.toString().contains("-ENOENT")) {
                    out.add(new Violation("INV-CALL-05", "write to no sysctl accepted", c.path() + " -> " + r));
                }
            }
        }
        if (!c.path().equals("vm.watermark_boost_factor") && t.watermarkBoostFactor() != b.watermarkBoostFactor()) {
            othersKept = false;
        }
        if (!othersKept) {
            out.add(new Violation("INV-CALL-05", "a write changed another sysctl", c.path() + " " + c.text()
                    + ": min_free_kbytes " + c.minFreeBefore() + " -> " + now.minFreeKbytes() + ", sysctls "
                    + describe(b) + " -> " + describe(t)));
        }
        return out;
    }

    /** A one-value sysctl: taken and read back as written within its bounds, -EINVAL and unchanged outside them. */
    private static void scalar(List<Violation> out, SysctlCall c, Result r, boolean inBounds, long value, long before,
                               long after) {
        String what = c.path() + " " + c.text() + " -> " + r + ", value " + before + " -> " + after;
        if (inBounds && (r.isRefused() || r.value() != 0 || after != value)) {
            out.add(new Violation("INV-CALL-05", "write within bounds not taken", what));
        } else if (!inBounds && (!r.isRefused() || !r.toString().contains("-EINVAL") || after != before)) {
            out.add(new Violation("INV-CALL-05", "write outside bounds not refused with the value kept", what));
        }
    }

    /** The ratios: each value read, up to the first outside an int, stored as itself, or 0 when below 1; the rest kept. */
    private static void ratios(List<Violation> out, SysctlCall c, long[] v, int[] before, int[] after) {
        for (int i = 0; i < after.length; i++) {
            long expected = before[i];
            if (i < v.length) {
                if (v[i] > INT_MAX || v[i] < INT_MIN) {
                    v = java.util.Arrays.copyOf(v, i);
                } else {
                    expected = v[i] < 1 ? 0 : v[i];
                }
            }
            if (after[i] != expected) {
                out.add(new Violation("INV-CALL-05", "lowmem_reserve_ratio not as written", c.path() + " " + c.text()
                        + ": ratio[" + i + "] " + before[i] + " -> " + after[i] + ", expected " + expected));
            }
        }
    }

    /**
     * The text's values when every word is a plain decimal integer; null otherwise (or when there is
     * none). Words are as the kernel reads them: leading white space is its {@code isspace} set
     * (tab, newline, vertical tab, form feed, carriage return, space); a word ends at space, tab or
     * newline ({@code proc_wspace_sep}), and a text of more than {@code PAGE_SIZE - 1} bytes is
     * left unjudged, as the kernel reads only that much of it.
     */
    private static long[] plainValues(String text) {
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 4095 || !WORDS.matcher(text).matches()) {
            return null;
        }
        String[] words = text.replaceFirst("^" + KSPACE + "*", "").split("[ \\t\\n]" + KSPACE + "*");
        long[] v = new long[words.length];
        for (int i = 0; i < words.length; i++) {
            v[i] = new BigInteger(words[i]).longValueExact();
        }
        return v;
    }

    /** {@code isspace} of lib/ctype.c, in ASCII. */
    private static final String KSPACE = "[ \\t\\n\\x0B\\f\\r]";
    /** Plain words, each ended by space, tab or newline and then any white space, or by the text's end. */
    private static final Pattern WORDS = Pattern.compile(KSPACE + "*" + PLAIN.pattern() + "(?:[ \\t\\n]" + KSPACE
            + "*" + PLAIN.pattern() + ")*(?:[ \\t\\n]" + KSPACE + "*)?");

    private static boolean sameRatios(ZoneTuning a, ZoneTuning b) {
        return java.util.Arrays.equals(a.lowmemReserveRatio(), b.lowmemReserveRatio());
    }

    private static String describe(ZoneTuning t) {
        return "wsf " + t.watermarkScaleFactor() + ", ratio " + java.util.Arrays.toString(t.lowmemReserveRatio())
                + ", fraction " + t.percpuPagelistHighFraction() + ", boost factor " + t.watermarkBoostFactor();
    }
}
