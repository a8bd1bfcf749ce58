package armmm.reports;

import armmm.model.core.SeededBug;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the properties hunted each seeded bug of the registry ({@code Subsystems.bugs()}), read from
 * the engine's statistics of the run that planted it: the property files are named after the bug
 * ({@code BuddyProperties.bug_buddy-expand-leak}, {@code AsidProperties.defect_PENDING_FLUSH_IGNORED},
 * {@code slub-DEACTIVATE_LOSES_OBJECT}), so a subsystem added later shows up without a change here.
 */
final class BugHunts {
    private static final Pattern MS = Pattern.compile("(\\d+) ms");

    /**
     * One bug's hunt; {@code found} false when no run planted it.
     *
     * @param chains   chains run until the failure (the engine's tries)
     * @param original the failing chain's length before shrinking
     * @param shrunk   its length after
     * @param minimal  the calls of the hand-minimal scenario beside the bug, -1 when it has none
     * @param millis   search and shrink, wall clock; -1 when the statistics do not say
     */
    record Hunt(SeededBug bug, boolean found, String property, String caughtBy, long chains, long original, long shrunk, int minimal,
                long millis) {
        boolean caughtByItsInvariant() {
            return found && bug.invariant().equals(caughtBy);
        }
    }

    private BugHunts() {
    }

    static List<Hunt> hunts(List<SeededBug> bugs, List<JsonNode> stats, Path scenarios) throws IOException {
        List<Hunt> out = new ArrayList<>();
        for (SeededBug b : bugs) {
            JsonNode best = null;
            for (JsonNode s : stats) {
                if (!names(s.path("property").asText(), b)) {
                    continue;
                }
                if (best == null || !best.has("failure") && s.has("failure")
                        || best.has("failure") && s.has("failure") && !b.invariant().equals(best.path("failure").asText())
                        && b.invariant().equals(s.path("failure").asText())) {
                    best = s;
                }
            }
            int minimal = handMinimal(scenarios.resolve(b.cliName() + ".scn"));
            if (best == null || !best.has("failure")) {
                out.add(new Hunt(b, false, best == null ? "" : best.path("property").asText(), "", 0, 0, 0, minimal, -1));
                continue;
            }
            long millis = best.path("millis").asLong(-1);
            if (millis < 0) {
                Matcher m = MS.matcher(best.path("shrink").asText());
                millis = m.find() ? Long.parseLong(m.group(1)) : -1;
            }
            long original = best.path("originalSteps").asLong();
            long shrunk = best.path("shrunkSteps").asLong();
            // a run that found the bug's invariant failing after different last calls shrank each
            // failure apart; the hunt's counterexample is the shortest of that invariant's, as the
            // hunts themselves take it
            JsonNode ids = best.path("distinctFailures");
            JsonNode lengths = best.path("distinctShrunkSteps");
            JsonNode originals = best.path("distinctOriginalSteps");
            boolean first = b.invariant().equals(best.path("failure").asText());
            for (int i = 0; i < ids.size() && i < lengths.size() && i < originals.size(); i++) {
                if (b.invariant().equals(ids.get(i).asText()) && (!first || lengths.get(i).asLong() < shrunk)) {
                    shrunk = lengths.get(i).asLong();
                    original = originals.get(i).asLong();
                    first = true;
                }
            }
            out.add(new Hunt(b, true, best.path("property").asText(), first ? b.invariant() : best.path("failure").asText(),
                    best.path("tries").asLong(), original, shrunk, minimal, millis));
        }
        return out;
    }

    /** True when the run {@code property} planted {@code bug}: its last name part spells the bug. */
    static boolean names(String property, SeededBug bug) {
        String last = property.substring(property.lastIndexOf('.') + 1);
        if (last.startsWith("without_")) {
            return false;
        }
        for (String prefix : new String[] {"bug_", "defect_"}) {
            if (last.startsWith(prefix)) {
                last = last.substring(prefix.length());
            }
        }
        return bug.isNamed(last) || last.endsWith("-" + bug.name()) || last.endsWith("_" + bug.name());
    }

    /** The kernel calls of a hand-minimal scenario: lines that are not blank, comments, board, print or expect. */
    static int handMinimal(Path scn) throws IOException {
        if (!Files.exists(scn)) {
            return -1;
        }
        int n = 0;
        for (String line : Files.readAllLines(scn)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("board ") || t.startsWith("print ") || t.startsWith("expect ")) {
                continue;
            }
            n++;
        }
        return n;
    }
}
