package armmm.model.slub;

/**
 * One cache's numbers as {@code get_slabinfo} (mm/slub.c) gathers them for /proc/slabinfo:
 * objects on slabs of the node partial list that are free count as free, every other object
 * (CPU slabs and CPU partial slabs included) as active.
 *
 * @param name        the cache's name
 * @param activeObjs  {@code nr_objs - nr_free}
 * @param numObjs     objects in all the cache's slabs
 * @param objsize     {@code s->size}
 * @param objPerSlab  {@code oo_objects(s->oo)}
 * @param pagesPerSlab 2^{@code oo_order(s->oo)}
 * @param numSlabs    slabs of the cache (active and total are the same in SLUB)
 */
public record SlabinfoRow(String name, long activeObjs, long numObjs, int objsize, int objPerSlab, int pagesPerSlab,
                          long numSlabs) {
}
