package armmm.model.page;

import java.util.Arrays;

/**
 * The model's own bookkeeping for the invariant checks (no kernel counterpart): which frames of
 * {@link MemMap} the current kernel call touched, so that checks read only those instead of
 * scanning every frame of a 3 GiB board per step, and which invariants still owe the one full
 * scan after boot's hand-over, which touched every frame.
 */
final class DirtyFrames {
    /** Beyond this many touched frames a call is marked as overflowed and checks scan everything. */
    private static final int DIRTY_CAP = 1 << 14;

    private int[] dirty = new int[256];
    private int nDirty;
    private boolean dirtyOverflow;
    /**
     * Invariants that have scanned every frame since boot's hand-over, by id: a short list (one
     * entry per invariant that asks, a dozen) that every check of a step searches, first by
     * identity (the ids are constants) and only then by value, which beats hashing it.
     */
    private String[] scannedSinceBoot = new String[16];
    private int nScanned;
    private boolean bootScanPending;
    /** Every mark ever made, never reset: the allocator's change signal for checks of other subsystems. */
    private long marks;

    /** {@link #marks} when {@link #begin} last ran: the frames since then are all in the dirty list. */
    private long marksAtBegin;

    /** Forgets the frames the previous call touched. */
    void begin() {
        marksAtBegin = marks;
        nDirty = 0;
        dirtyOverflow = false;
    }

    /** Records that frame {@code f} changed. */
    void mark(int f) {
        marks++;
        if (nDirty == dirty.length) {
            if (dirty.length >= DIRTY_CAP) {
                dirtyOverflow = true;
                return;
            }
            dirty = Arrays.copyOf(dirty, dirty.length * 2);
        }
        dirty[nDirty++] = f;
    }

    /** How many frame changes were ever recorded: it moves whenever a frame changed. */
    long marks() {
        return marks;
    }

    /** {@link #marks()} at the start of the frames {@link #frames()} lists: every mark since is among them. */
    long marksAtBegin() {
        return marksAtBegin;
    }

    /** Frame indexes the last call touched, each once, in order. */
    int[] frames() {
        // every buddy check of a step asks: sort and deduplicate once per change
        if (framesCache == null || framesMarks != marks || framesN != nDirty) {
            framesCache = sortedFrames();
            framesMarks = marks;
            framesN = nDirty;
        }
        return framesCache.clone();
    }

    private int[] framesCache;
    private long framesMarks;
    private int framesN;

    private int[] sortedFrames() {
        int[] d = Arrays.copyOf(dirty, nDirty);
        Arrays.sort(d);
        int n = 0;
        for (int i = 0; i < d.length; i++) {
            if (n == 0 || d[n - 1] != d[i]) {
                d[n++] = d[i];
            }
        }
        return Arrays.copyOf(d, n);
    }

    /** True when the last call touched more frames than are tracked. */
    boolean overflow() {
        return dirtyOverflow;
    }

    /** Whether invariant {@code id} must scan every frame now (see {@link PageAllocator#needsFullScan}). */
    boolean needsFullScan(String id) {
        if (dirtyOverflow) {
            return true;
        }
        if (!bootScanPending) {
            return false;
        }
        for (int i = 0; i < nScanned; i++) {
            if (scannedSinceBoot[i] == id) {
                return false;
            }
        }
        for (int i = 0; i < nScanned; i++) {
            if (scannedSinceBoot[i].equals(id)) {
                return false;
            }
        }
        if (nScanned == scannedSinceBoot.length) {
            scannedSinceBoot = Arrays.copyOf(scannedSinceBoot, nScanned * 2);
        }
        scannedSinceBoot[nScanned++] = id;
        return true;
    }

    /** After boot's hand-over: each invariant must scan every frame once. */
    void startBootScan() {
        marks++;
        bootScanPending = true;
        java.util.Arrays.fill(scannedSinceBoot, null);
        nScanned = 0;
    }
}
