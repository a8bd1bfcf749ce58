package armmm.model.vmalloc;

import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * INV-VMALLOC-06's own copy of the vmalloc space's mappings as {@code swapper_pg_dir} holds them
 * (no kernel counterpart): per page the frame last read from the raw words the walk reads (the
 * hardware PTE, else a present Linux PTE), and how many pages map each frame. A call brings it up to date from
 * the PTEs the tables record the call wrote ({@link KernelPageTables#touchedPtes}); when the
 * tables' writes to the window ({@link KernelPageTables#writesIn}) moved by more than that record
 * holds, or a first-level word of the window was written, the whole window is read again.
 * Nothing here comes from vmalloc's own record ({@link ShadowPtes}).
 */
final class VmallocTableCopy {
    private static final long PMD = 2L << 20;
    private final long base;
    private final long end;
    private final long lo;
    private final long hi;
    /** Per page of [base, end): frame + 1 (0: none). */
    private final int[] pfn;
    /** The buddy allocator's change count at the last check ({@code PageAllocator.changeCount}). */
    long marks = -1;
    /**
     * The frames and pages found wrong at the last check: judged again at every check, so that a
     * violation stands until it is gone and a second check in one call repeats the first.
     */
    OrderedLongSet badFrames = OrderedLongSet.EMPTY;
    OrderedLongSet badPages = OrderedLongSet.EMPTY;
    private final FrameCounts counts = new FrameCounts();
    private long writes = -1;

    VmallocTableCopy(long base, long end) {
        this.base = base;
        this.end = end;
        this.lo = base & -PMD;
        this.hi = (end + PMD - 1) & -PMD;
        int n = (int) ((end - base) >>> 12);
        this.pfn = new int[n];
    }

    /**
     * Brings the copy up to date; returns the pages the call wrote (in order of writing), or
     * null when the whole window was read again.
     */
    long[] sync(KernelPageTables t) {
        PhysicalMemory mem = t.memory();
        long total = t.writesIn(lo, hi);
        long[] ptes = t.touchedPtes();
        int[] l1s = t.touchedL1();
        int inWindow = 0;
        for (long va : ptes) {
            if (va >= lo && va < hi) {
                inWindow++;
            }
        }
        boolean l1Written = false;
        for (int i : l1s) {
            long mb = (long) i << 20;
            if (mb >= lo && mb < hi) {
                inWindow++;
                l1Written = true;
            }
        }
        if (writes < 0 || l1Written || total - writes != inWindow) {
            for (long mb = base; mb < end; mb += 1L << 20) {
                boolean table = (t.l1((int) (mb >>> 20)) & 3) == 1;
                for (long va = mb; va < Math.min(end, mb + (1L << 20)); va += 4096) {
                    if (table || pfn[(int) ((va - base) >>> 12)] != 0) {
                        read(t, mem, va);
                    }
                }
            }
            writes = total;
            return null;
        }
        writes = total;
        OrderedLongSet changed = new OrderedLongSet();
        for (long va : ptes) {
            if (va >= base && va < end) {
                read(t, mem, va);
                changed.add(va & ~0xfffL);
            }
        }
        long[] out = new long[changed.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = changed.get(i);
        }
        return out;
    }

    /** Reads one page's words again. */
    private void read(KernelPageTables t, PhysicalMemory mem, long va) {
        int i = (int) ((va - base) >>> 12);
        int l1 = t.l1((int) (va >>> 20));
        int h = 0;
        int l = 0;
        if ((l1 & 3) == 1) {
            long hwAddr = (Integer.toUnsignedLong(l1) & 0xffff_fc00L) + ((va >>> 12) & 0xff) * 4;
            h = mem.readWord(hwAddr);
            l = mem.readWord(hwAddr - 2048);
        }
        long p = (h & 2) != 0 ? Integer.toUnsignedLong(h) >>> 12 : (l & 1) != 0 ? Integer.toUnsignedLong(l) >>> 12 : -1;
        if (p + 1 == pfn[i]) {
            return;
        }
        long old = (long) pfn[i] - 1;
        if (old >= 0) {
            counts.decrement(old);
        }
        if (p >= 0) {
            counts.increment(p);
        }
        pfn[i] = (int) (p + 1);
    }

    /** The frame page {@code va} maps, -1 when none. */
    long pfnAt(long va) {
        return (long) pfn[(int) ((va - base) >>> 12)] - 1;
    }

    /** How many pages of the window map {@code frame}. */
    int count(long frame) {
        return counts.get(frame);
    }

    /** How many frames the window maps. */
    int frameCount() {
        return counts.size();
    }

    /** The mapped frames, ascending. */
    long[] frames() {
        return counts.frames();
    }

    /** Every page of the window that maps {@code frame} (a scan: only for a frame found wrong). */
    List<Long> mappingsOf(long frame) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < pfn.length; i++) {
            if (pfn[i] == frame + 1) {
                out.add(base + ((long) i << 12));
            }
        }
        return out;
    }

    long base() {
        return base;
    }

    long end() {
        return end;
    }
}
