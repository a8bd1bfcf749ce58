package armmm.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.spec.Catalogue;
import org.junit.jupiter.api.Test;

/**
 * Each planted layout bug's catalogue facts ({@link LayoutBug}) agree with spec/invariants.md: the
 * invariant it names is the one whose entry lists it as its seeded bug, and it says what it breaks.
 */
class LayoutBugFactsTest {

    @Test
    void everyBugNamesTheInvariantTheCatalogueListsItUnder() {
        for (LayoutBug bug : LayoutBug.values()) {
            assertThat(bug.facts().invariant()).as(bug.name()).isEqualTo(Catalogue.catcherOf(bug.name()));
            assertThat(bug.invariant()).as(bug.name()).isEqualTo(bug.facts().invariant());
            assertThat(bug.summary()).as(bug.name()).isNotBlank();
        }
    }
}
