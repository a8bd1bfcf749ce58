package armmm.model.balloon;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The bugs that can be planted in the virtio balloon (drivers/virtio/virtio_balloon.c), each a
 * mistake a kernel could make or made; each constant's javadoc names the invariant that must catch it.
 */
public enum BalloonBug implements SeededBug {
    /**
     * {@code virtballoon_migratepage} moves a ballooned page to a page of another zone without moving
     * the managed count with it: commit 63341ab03706 undone. INV-ZONE-03.
     */
    BALLOON_MIGRATE_KEEPS_MANAGED(
            "INV-ZONE-03", "63341ab03706 (\"virtio-balloon: fix managed page counts when migrating pages between zones\")",
            "balloon page migration to another zone leaves both zones' managed counts as they were"),
    /** {@code leak_balloon} gives the page back without {@code adjust_managed_page_count(page, 1)}: INV-ZONE-03. */
    BALLOON_DEFLATE_KEEPS_MANAGED(
            "INV-ZONE-03", null, "a deflate gives pages back to the allocator but not to the zone's managed count"),
    /** {@code leak_balloon} frees the page but leaves it on the balloon's list: INV-BALLOON-01. */
    BALLOON_DEFLATE_KEEPS_LISTED(
            "INV-BALLOON-01", null, "a deflate frees a page that stays on the balloon's page list");

    private final BugFacts facts;

    BalloonBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
