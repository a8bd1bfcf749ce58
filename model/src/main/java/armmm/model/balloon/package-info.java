/**
 * The virtio balloon (drivers/virtio/virtio_balloon.c, mm/balloon_compaction.c): the guest driver
 * that gives pages to the host and takes them back, the run-time caller of
 * {@code adjust_managed_page_count} on this build.
 */
package armmm.model.balloon;
