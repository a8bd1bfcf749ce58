package armmm.reports;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.SeededBug;
import armmm.model.page.PageBug;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bug table takes a hunt's counterexample as the hunt does: the shortest of the failures of the
 * bug's invariant, when the run shrank several apart (GFP_WMARK_COUNTS_CMA's run of 29 Nov 2026
 * wrote 25 calls first and a shorter second failure, while the table showed the 25).
 */
class BugHuntsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SeededBug BUG = PageBug.GFP_WMARK_COUNTS_CMA;

    private static BugHunts.Hunt hunt(String stats) throws Exception {
        JsonNode node = JSON.readTree(stats.replace('\'', '"'));
        return BugHunts.hunts(List.of(BUG), List.of(node), Path.of("no-such-folder")).get(0);
    }

    @Test
    void theShortestFailureOfTheBugsInvariantIsTheHuntsCounterexample() throws Exception {
        BugHunts.Hunt h = hunt("{'property': 'BuddyProperties.bug_gfp-wmark-counts-cma', 'tries': 22, 'millis': 100,"
                + " 'failure': 'INV-GFP-03', 'shrunkSteps': 25, 'originalSteps': 65,"
                + " 'distinctFailures': ['INV-GFP-03', 'INV-GFP-03', 'INV-ZONE-01'],"
                + " 'distinctShrunkSteps': [25, 10, 3], 'distinctOriginalSteps': [65, 40, 9]}");
        assertThat(h.found()).isTrue();
        assertThat(h.caughtBy()).isEqualTo("INV-GFP-03");
        assertThat(h.shrunk()).isEqualTo(10);
        assertThat(h.original()).isEqualTo(40);
    }

    @Test
    void aLaterFailureOfTheBugsInvariantCountsWhenTheFirstWasAnother() throws Exception {
        BugHunts.Hunt h = hunt("{'property': 'BuddyProperties.bug_gfp-wmark-counts-cma', 'tries': 5, 'millis': 7,"
                + " 'failure': 'INV-ZONE-01', 'shrunkSteps': 2, 'originalSteps': 9,"
                + " 'distinctFailures': ['INV-ZONE-01', 'INV-GFP-03'],"
                + " 'distinctShrunkSteps': [2, 12], 'distinctOriginalSteps': [9, 30]}");
        assertThat(h.caughtByItsInvariant()).isTrue();
        assertThat(h.shrunk()).isEqualTo(12);
        assertThat(h.original()).isEqualTo(30);
    }

    @Test
    void aRunWithOneFailureIsReadAsItStands() throws Exception {
        BugHunts.Hunt h = hunt("{'property': 'BuddyProperties.bug_gfp-wmark-counts-cma', 'tries': 3, 'millis': 7,"
                + " 'failure': 'INV-ZONE-01', 'shrunkSteps': 4, 'originalSteps': 8}");
        assertThat(h.caughtBy()).isEqualTo("INV-ZONE-01");
        assertThat(h.caughtByItsInvariant()).isFalse();
        assertThat(h.shrunk()).isEqualTo(4);
    }
}
