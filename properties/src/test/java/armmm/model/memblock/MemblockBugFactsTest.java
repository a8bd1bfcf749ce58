package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.spec.Catalogue;
import org.junit.jupiter.api.Test;

/**
 * Each planted memblock bug's catalogue facts agree with spec/invariants.md: the invariant it
 * names is the one whose entry lists it as its seeded bug, and the three that reenact kernel
 * commits (8f7a66051b75, eb18f1b5bfb9, 29f6738609e4 in mm/memblock.c's history) name them.
 */
class MemblockBugFactsTest {

    @Test
    void everyBugNamesTheInvariantTheCatalogueListsItUnder() {
        for (MemblockBug bug : MemblockBug.values()) {
            assertThat(bug.facts().invariant()).as(bug.name()).isEqualTo(Catalogue.catcherOf(bug.name()));
            assertThat(bug.invariant()).as(bug.name()).isEqualTo(bug.facts().invariant());
            assertThat(bug.summary()).as(bug.name()).isNotBlank();
        }
    }

    @Test
    void theReenactedKernelCommitsAreNamed() {
        assertThat(MemblockBug.MEMBLOCK_ADD_OVERLAP.kernelCommit()).startsWith("8f7a66051b75 ");
        assertThat(MemblockBug.MEMBLOCK_NO_CAP.kernelCommit()).startsWith("eb18f1b5bfb9 ");
        assertThat(MemblockBug.MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED.kernelCommit()).startsWith("29f6738609e4 ");
        assertThat(MemblockBug.MEMBLOCK_NO_MERGE.kernelCommit()).isNull();
    }
}
