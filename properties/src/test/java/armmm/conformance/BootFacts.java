package armmm.conformance;

import armmm.model.zone.ZoneSetup;

/**
 * What the model says about one board: the zones and the layout facts the conformance test compares.
 *
 * @param zones        the model's zone setup
 * @param lowmemLimit  {@code arm_lowmem_limit} (physical)
 * @param highMemory   {@code high_memory} (virtual)
 * @param vmallocStart {@code VMALLOC_START}
 * @param vmallocEnd   {@code VMALLOC_END}
 * @param source       how the inputs were obtained, for the table
 */
record BootFacts(ZoneSetup zones, long lowmemLimit, long highMemory, long vmallocStart, long vmallocEnd, String source) {
}
