package armmm.model.slub;

import static armmm.model.slub.SlubAllocator.RED_ACTIVE;
import static armmm.model.slub.SlubAllocator.RED_INACTIVE;
import static armmm.model.slub.SlubState.firstLine;

import armmm.model.core.Result;

/**
 * The single-object paths 6.1 takes for caches with SLUB_DEBUG flags (mm/slub.c):
 * {@code alloc_single_from_partial} and {@code alloc_single_from_new_slab} with
 * {@code alloc_debug_processing}, and {@code free_to_partial_list} with
 * {@code free_debug_processing}; one object at a time under the node's lock, checked.
 */
final class DebugProcessing {
    private final SlubState st;
    private final SlabPages slabs;
    private final FreePointer fp;

    DebugProcessing(SlubState st, SlabPages slabs, FreePointer fp) {
        this.st = st;
        this.slabs = slabs;
        this.fp = fp;
    }

    /** The debug caches' path: one object at a time from the node's lists, checks on every object. */
    Result allocDebug(KmemCache s, CacheNode n, long gfp) {
        while (true) {
            Slab slab = n.partial.isEmpty() ? null : n.partial.get(0);
            if (slab == null) {
                slab = slabs.newSlab(s, n, gfp);
                if (slab == null) {
                    return Result.of(0);
                }
                slab.freelist = slab.firstFree;
                slab.inuse = 0;
                slab.list = Slab.SlabList.NODE_PARTIAL;
                n.partial.add(0, slab);
            }
            int obj = slab.freelist;
            Result corrupt = fp.readFreePointer(s, slab, obj);
            if (corrupt != null) {
                return corrupt;
            }
            slab.freelist = slab.next[obj];
            slab.inuse++;
            String bad = (s.flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0
                    ? SlubObjectDebug.checkObject(s, slab, obj, RED_INACTIVE) : null;
            if (bad != null) {
                // alloc_debug_processing failed: "Marking all objects used", the slab is frozen for good
                n.partial.remove(slab);
                // every object left is leaked with the slab, as the kernel leaves it
                slab.allocated[obj] = true;
                for (int f = slab.freelist; f >= 0; f = slab.next[f]) {
                    slab.allocated[f] = true;
                }
                slab.freelist = -1;
                slab.inuse = slab.objects;
                slab.frozen = true;
                slab.failed = true;
                slab.list = Slab.SlabList.NONE;
                st.stats.report(firstLine(bad));
                return new Result.Refused(firstLine(bad), SlubObjectDebug.bugLine(s, bad)
                        + "\nFIX " + s.name() + ": Marking all objects used");
            }
            SlubObjectDebug.initObject(s, slab, obj, RED_ACTIVE);
            if (slab.inuse == slab.objects) {
                n.partial.remove(slab);
                n.full.add(slab);
                slab.list = Slab.SlabList.NODE_FULL;
            }
            st.lastSlab = slab;
            return Result.of(slab.objectAddress(obj));
        }
    }

    /** The debug path: checks, then the object goes back to its slab under the node's lock. */
    Result freeDebug(KmemCache s, CacheNode n, Slab slab, long addr, int obj) {
        if ((s.flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0) {
            String bad = null;
            String detail = "";
            if (obj < 0) {
                bad = "Invalid object pointer 0x" + Long.toHexString(addr);
            } else if (!slab.allocated[obj]) {
                bad = "Object already free";
            } else {
                bad = SlubObjectDebug.checkObject(s, slab, obj, RED_ACTIVE);
            }
            if (bad != null) {
                st.stats.report(bad.startsWith("Invalid") ? "Invalid object pointer" : firstLine(bad));
                // free_debug_processing's "out:" prints the FIX line for every failed check, an invalid pointer too
                String fix = "\nFIX " + s.name() + ": Object at 0x" + Long.toHexString(addr) + " not freed";
                return new Result.Refused(bad.startsWith("Invalid") ? "Invalid object pointer" : firstLine(bad),
                        SlubObjectDebug.bugLine(s, bad) + detail + fix);
            }
        } else if (obj < 0 || !slab.allocated[obj]) {
            return st.modelFinding((obj < 0 ? "free of a pointer into the middle of an object: 0x" : "double free of 0x")
                    + Long.toHexString(addr) + " in " + s.name() + " (slub_debug without F does not check this)");
        }
        slab.allocated[obj] = false;
        st.stats.frees++;
        if (!st.bugs.contains(SlubBug.FREE_SKIPS_INIT_OBJECT)) {
            SlubObjectDebug.initObject(s, slab, obj, RED_INACTIVE);
        }
        int prior = slab.freelist;
        slab.next[obj] = prior;
        fp.writeFreePointer(s, slab, obj, prior);
        slab.freelist = obj;
        slab.inuse--;
        boolean free = slab.inuse == 0 && SlabFree.mayDiscard(s, n);
        if (prior < 0) {
            n.full.remove(slab);
            if (!free) {
                n.partial.add(slab);
                slab.list = Slab.SlabList.NODE_PARTIAL;
            }
        } else if (free) {
            n.partial.remove(slab);
        }
        if (free) {
            slabs.discardSlab(slab, n);
        }
        return Result.VOID;
    }
}
