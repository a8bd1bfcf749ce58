package armmm.model.slub;

import armmm.model.core.Result;

/**
 * The hardened free pointer of mm/slub.c (CONFIG_SLAB_FREELIST_HARDENED): {@code set_freepointer}
 * writes the link at {@code s->offset} encoded by {@code freelist_ptr} as
 * {@code ptr ^ s->random ^ swab(ptr_addr)}; {@code get_freepointer} decodes it. The model keeps the
 * true link as an index and reports a stored word that no longer decodes to it.
 */
final class FreePointer {
    private final SlubState st;

    FreePointer(SlubState st) {
        this.st = st;
    }

    /** {@code set_freepointer}: the hardened encoding of the link from {@code obj} to {@code next}. */
    void writeFreePointer(KmemCache s, Slab slab, int obj, int next) {
        int where = (int) (slab.objectAddress(obj) - slab.base) + s.layout().offset();
        slab.write32(where, encode(s, slab, obj, next));
    }

    /** {@code freelist_ptr}: the word stored for the link from {@code obj} to {@code next}. */
    private int encode(KmemCache s, Slab slab, int obj, int next) {
        long ptrAddr = slab.objectAddress(obj) + s.layout().offset();
        int ptr = next < 0 ? 0 : (int) slab.objectAddress(next);
        return ptr ^ s.node.random ^ Integer.reverseBytes((int) ptrAddr);
    }

    /** Reads the free pointer of {@code obj} as the kernel would; a word that no longer decodes to the true link is reported. */
    Result readFreePointer(KmemCache s, Slab slab, int obj) {
        int where = (int) (slab.objectAddress(obj) - slab.base) + s.layout().offset();
        int found = slab.read32(where);
        int expected = encode(s, slab, obj, slab.next[obj]);
        if (found == expected) {
            return null;
        }
        long ptrAddr = slab.objectAddress(obj) + s.layout().offset();
        long decoded = (found ^ s.node.random ^ Integer.reverseBytes((int) ptrAddr)) & 0xFFFF_FFFFL;
        slab.write32(where, expected);
        String what = "free pointer of free object 0x" + Long.toHexString(slab.objectAddress(obj)) + " in "
                + s.name() + " overwritten: it now decodes to 0x" + Long.toHexString(decoded);
        if ((s.flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0) {
            st.stats.report("Freepointer corrupt");
            return new Result.Refused("Freepointer corrupt", SlubObjectDebug.bugLine(s, "Freepointer corrupt")
                    + "\n" + what);
        }
        return st.modelFinding(what + " (the kernel would follow it)");
    }
}
