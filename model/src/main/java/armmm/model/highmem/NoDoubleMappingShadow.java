package armmm.model.highmem;

import armmm.model.core.Violation;
import armmm.model.mmu.Fixmap;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.PhysicalMemory;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * INV-MMU-05's own copy of what it reads (no kernel counterpart): the frame each kernel-half
 * page-table slot mapped when last read from the raw words, the non-linear sections, and how
 * many slots map each frame. A call brings it up to date from the entries the call wrote
 * ({@link KernelPageTables#touchedPtes}, {@link KernelPageTables#touchedL1}) and re-judges only
 * the frames that changed: newly mapped ones, the ones the buddy allocator's journal marked
 * ({@link PageAllocator#dirtyFrames}), and the pkmap or kmap_local slots' frames after a call that
 * can change their exception. When a write escaped that record (the tables' total write count,
 * {@link KernelPageTables#writesIn}, moved by more than the call's record holds) or the
 * allocator's journal does not reach back to the last read, everything is read again.
 */
final class NoDoubleMappingShadow {
    private static final int L1_WORDS = 4096;
    /** Per megabyte of the kernel half, the frame + 1 each of its 256 slots maps (0: none); null when none maps. */
    private final int[][] slots = new int[L1_WORDS][];
    /** Per megabyte, its non-linear section's physical base + 1 (0: none). */
    private final long[] sections = new long[L1_WORDS];
    private int sectionCount;
    /**
     * The megabytes with a non-linear section, {@code sectionCount} of them in the front: the
     * per-frame test reads these few (the device tree's two on a booted board) instead of the
     * whole first-level range.
     */
    private int[] sectionIndex = new int[4];
    /** Non-linear slot mappings per frame. */
    private final Map<Long, Integer> counts = new HashMap<>();
    private long writes = -1;
    private long marks = -1;
    /**
     * The frames found violating at the last check: judged again at every check, so that a
     * violation stands until it is gone and a second check in one call repeats the first.
     */
    private Set<Long> violating = Set.of();
    /** INV-MMU-06: the entries found wrong at the last check, judged again at every check. */
    private Set<Long> violatingSlots = Set.of();
    /**
     * INV-MMU-06: the entries whose frame changed in this read (their addresses, {@code changedCount}
     * of them, each once), or all of them when the whole kernel half was read again; valid only
     * during a read ({@code reading}).
     */
    private long[] changed = new long[16];
    private int changedCount;
    private boolean reading;
    /** The read a call's checks share: the call (Highmem's step count), the tables' writes, the allocator's changes. */
    private long syncedStep = -1;
    private long syncedWrites = -1;
    private long syncedMarks = -1;
    private Judged last;
    /**
     * The coverage record: per kind of owner, a frame + 1 INV-MMU-06 judged at the last read (0:
     * none); whether it is allocated is asked only when the record is read ({@link #judgedAllocated}).
     */
    private final long[] judgedFrame = new long[NoDoubleMappingOwners.Kind.values().length];

    /**
     * The two invariants' verdicts from one read.
     *
     * @param free   INV-MMU-05's
     * @param owners INV-MMU-06's
     */
    record Judged(List<Violation> free, List<Violation> owners) {
    }

    /**
     * Brings the copy up to date once per call (INV-MMU-05 and 06 share the read; a second check
     * in one call, of either, returns the same verdicts) and judges both invariants.
     */
    Judged sync(Highmem h, PageAllocator pa, armmm.model.vmalloc.Vmalloc v) {
        long total = h.tables().writesIn(0, 1L << 32);
        if (last != null && syncedStep == h.steps() && syncedWrites == total && syncedMarks == pa.changeCount()) {
            return last;
        }
        changedCount = 0;
        reading = true;
        List<Violation> free = step(h, pa);
        List<Violation> owners = owners(h, pa, v);
        reading = false;
        syncedStep = h.steps();
        syncedWrites = total;
        syncedMarks = pa.changeCount();
        last = new Judged(free, owners);
        return last;
    }

    /** The kinds of owner of which INV-MMU-06 judged a frame, allocated in {@code pa} now, at the last read. */
    java.util.Set<NoDoubleMappingOwners.Kind> judgedAllocated(PageAllocator pa) {
        java.util.Set<NoDoubleMappingOwners.Kind> kinds = java.util.EnumSet.noneOf(NoDoubleMappingOwners.Kind.class);
        for (NoDoubleMappingOwners.Kind k : NoDoubleMappingOwners.Kind.values()) {
            long f = judgedFrame[k.ordinal()] - 1;
            if (f >= 0 && pa.hasPfn(f) && !NoDoubleMapping.free(pa, f)) {
                kinds.add(k);
            }
        }
        return kinds;
    }

    /**
     * INV-MMU-06 over the entries whose frame changed, every pkmap slot after a pkmap call (a kmap
     * changes a page's {@code page_address} without writing the slot it had), every kmap_local
     * slot after a context switch (the slots' owner becomes the next task, and a {@code sched_in}
     * that does not restore them leaves what was there), and the entries found wrong at the last
     * check; each judged once. Other kmap_local calls change a slot's owner only by writing it, or
     * leave it no owner (a pop).
     */
    private List<Violation> owners(Highmem h, PageAllocator pa, armmm.model.vmalloc.Vmalloc v) {
        java.util.Arrays.fill(judgedFrame, 0);
        List<Violation> out = new ArrayList<>();
        Set<Long> now = Set.of();
        Set<Long> last = violatingSlots;
        for (int i = 0; i < changedCount; i++) {
            now = judgeSlot(h, pa, v, changed[i], out, now);
        }
        for (long va : last) {
            if (!changedNow(va)) {
                now = judgeSlot(h, pa, v, va, out, now);
            }
        }
        if (h.pkmapCallThisStep()) {
            long base = h.pkmap().pkmapBase();
            for (int i = 0; i < armmm.model.layout.Layout.LAST_PKMAP; i++) {
                now = judgeUnlessJudged(h, pa, v, base + ((long) i << 12), out, now, last);
            }
        }
        if (h.switchCallThisStep()) {
            for (int idx = Fixmap.FIX_KMAP_BEGIN; idx <= Fixmap.FIX_KMAP_END; idx++) {
                now = judgeUnlessJudged(h, pa, v, Fixmap.FIXADDR_TOP - ((long) idx << 12), out, now, last);
            }
        }
        violatingSlots = now;
        return out;
    }

    /** A mapped slot the two lists above did not reach is judged (pkmap and kmap_local after their calls). */
    private Set<Long> judgeUnlessJudged(Highmem h, PageAllocator pa, armmm.model.vmalloc.Vmalloc v, long va,
                                        List<Violation> out, Set<Long> now, Set<Long> last) {
        int[] s = slots[(int) (va >>> 20)];
        if (s == null || s[(int) (va >>> 12) & 0xff] == 0 || changedNow(va) || last.contains(va)) {
            return now;
        }
        return judgeSlot(h, pa, v, va, out, now);
    }

    /** True when {@code va} is among this read's changed entries (a short list: the entries one call wrote). */
    private boolean changedNow(long va) {
        for (int i = 0; i < changedCount; i++) {
            if (changed[i] == va) {
                return true;
            }
        }
        return false;
    }

    private void addChanged(long va) {
        if (changedCount == changed.length) {
            changed = java.util.Arrays.copyOf(changed, 2 * changedCount);
        }
        changed[changedCount++] = va;
    }

    /**
     * Judges the entry at {@code va} (when it maps a frame); a violator joins {@code now} (made
     * when the first is found), which is returned; the coverage record takes the owner's kind.
     */
    private Set<Long> judgeSlot(Highmem h, PageAllocator pa, armmm.model.vmalloc.Vmalloc v, long va,
                                List<Violation> out, Set<Long> now) {
        int[] s = slots[(int) (va >>> 20)];
        long pfn = s == null ? -1 : (long) s[(int) (va >>> 12) & 0xff] - 1;
        if (pfn < 0) {
            return now;
        }
        int before = out.size();
        NoDoubleMappingOwners.Kind kind = NoDoubleMappingOwners.judge(h, pa, v, va, pfn, out);
        if (kind != null) {
            judgedFrame[kind.ordinal()] = pfn + 1;
        }
        if (out.size() > before) {
            Set<Long> n = now.isEmpty() ? new LinkedHashSet<>() : now;
            n.add(va);
            return n;
        }
        return now;
    }

    /** Brings the copy up to date and returns the violations among the frames that changed. */
    private List<Violation> step(Highmem h, PageAllocator pa) {
        KernelPageTables t = h.tables();
        PhysicalMemory mem = t.memory();
        Set<Long> candidates = new LinkedHashSet<>();
        long total = t.writesIn(0, 1L << 32);
        long[] ptes = t.touchedPtes();
        int[] l1s = t.touchedL1();
        boolean all = writes < 0 || total - writes != ptes.length + l1s.length;
        if (all) {
            for (int i = NoDoubleMapping.FIRST_L1; i < L1_WORDS; i++) {
                readMegabyte(h, t, mem, i, null);
            }
        } else {
            for (int i : l1s) {
                if (i >= NoDoubleMapping.FIRST_L1) {
                    readMegabyte(h, t, mem, i, candidates);
                }
            }
            for (long va : ptes) {
                if (va >= NoDoubleMapping.KERNEL_HALF) {
                    readSlot(h, t.l1((int) (va >>> 20)), mem, va, candidates);
                }
            }
        }
        writes = total;
        long m = pa.changeCount();
        if (!all && m != marks) {
            if (marks >= 0 && pa.changeCountAtStepStart() <= marks && !pa.dirtyOverflow()) {
                long base = pa.basePfn();
                for (int f : pa.dirtyFrames()) {
                    // a free marks only its block's head: every frame of the block became free
                    long head = base + f;
                    long end = head + blockPages(pa, head);
                    for (long pfn = head; pfn < end; pfn++) {
                        if (counts.containsKey(pfn) || inSection(pfn)) {
                            candidates.add(pfn);
                        }
                    }
                }
            } else {
                all = true;
            }
        }
        marks = m;
        if (!all && h.pkmapCallThisStep()) {
            long base = h.pkmap().pkmapBase();
            for (int i = 0; i < armmm.model.layout.Layout.LAST_PKMAP; i++) {
                addSlotFrame(base + ((long) i << 12), candidates);
            }
        }
        if (!all && h.localCallThisStep()) {
            for (int idx = Fixmap.FIX_KMAP_BEGIN; idx <= Fixmap.FIX_KMAP_END; idx++) {
                addSlotFrame(Fixmap.FIXADDR_TOP - ((long) idx << 12), candidates);
            }
        }
        if (all) {
            changedCount = 0;
            for (int i = NoDoubleMapping.FIRST_L1; i < L1_WORDS; i++) {
                int[] s = slots[i];
                for (int p = 0; s != null && p < 256; p++) {
                    if (s[p] != 0) {
                        addChanged(((long) i << 20) | ((long) p << 12));
                    }
                }
            }
            candidates.addAll(counts.keySet());
            for (int i = NoDoubleMapping.FIRST_L1; sectionCount > 0 && i < L1_WORDS; i++) {
                if (sections[i] != 0) {
                    for (int p = 0; p < 256; p++) {
                        candidates.add(((sections[i] - 1) >>> 12) + p);
                    }
                }
            }
        }
        candidates.addAll(violating);
        List<Violation> out = new ArrayList<>();
        Set<Long> now = new LinkedHashSet<>();
        for (long pfn : candidates) {
            if (pa.hasPfn(pfn) && NoDoubleMapping.free(pa, pfn)) {
                int before = out.size();
                for (long va : mappingsOf(pfn)) {
                    NoDoubleMapping.checkFree(h, pa, va, pfn, out);
                }
                if (out.size() > before) {
                    now.add(pfn);
                }
            }
        }
        violating = now;
        return out;
    }

    private void addSlotFrame(long va, Set<Long> candidates) {
        int[] s = slots[(int) (va >>> 20)];
        if (s != null && s[(int) (va >>> 12) & 0xff] != 0) {
            candidates.add((long) s[(int) (va >>> 12) & 0xff] - 1);
        }
    }

    /** The first-level word of megabyte {@code i} changed: its section and all 256 slots read again. */
    private void readMegabyte(Highmem h, KernelPageTables t, PhysicalMemory mem, int i, Set<Long> candidates) {
        int l1 = t.l1(i);
        long mb = (long) i << 20;
        long section = 0;
        if ((l1 & 3) == 2) {
            long base = NoDoubleMapping.sectionBase(l1, mb);
            if (!NoDoubleMapping.linear(h, mb, base)) {
                section = base + 1;
            }
        }
        if (section != sections[i]) {
            if (sections[i] == 0) {
                addSectionIndex(i);
            } else if (section == 0) {
                removeSectionIndex(i);
            }
            sections[i] = section;
            if (section != 0 && candidates != null) {
                for (int p = 0; p < 256; p++) {
                    candidates.add(((section - 1) >>> 12) + p);
                }
            }
        }
        if ((l1 & 3) != 1 && slots[i] == null) {
            return;
        }
        for (int p = 0; p < 256; p++) {
            readSlot(h, l1, mem, mb + ((long) p << 12), candidates);
        }
    }

    /** One slot read again from the raw words; a frame newly mapped there becomes a candidate. */
    private void readSlot(Highmem h, int l1, PhysicalMemory mem, long va, Set<Long> candidates) {
        long pfn = (l1 & 3) == 1 ? NoDoubleMapping.slotPfn(l1, mem, va) : -1;
        if (pfn >= 0 && NoDoubleMapping.linear(h, va, pfn << 12)) {
            pfn = -1;
        }
        int i = (int) (va >>> 20);
        int p = (int) (va >>> 12) & 0xff;
        int[] s = slots[i];
        long old = s == null ? -1 : (long) s[p] - 1;
        if (old == pfn) {
            return;
        }
        if (old >= 0) {
            counts.computeIfPresent(old, (k, c) -> c == 1 ? null : c - 1);
        }
        if (pfn >= 0) {
            if (s == null) {
                s = new int[256];
                slots[i] = s;
            }
            counts.merge(pfn, 1, Integer::sum);
            if (candidates != null) {
                candidates.add(pfn);
                if (reading) {
                    addChanged(va & ~0xfffL);
                }
            }
        }
        if (s != null) {
            s[p] = (int) (pfn + 1);
        }
    }

    /** The frames of the free block {@code pfn} heads (buddy or per-CPU list), else 1. */
    static long blockPages(PageAllocator pa, long pfn) {
        return pa.hasPfn(pfn) && (pa.isBuddy(pfn) || pa.isOnPcp(pfn)) ? 1L << pa.order(pfn) : 1;
    }

    private boolean inSection(long pfn) {
        for (int k = 0; k < sectionCount; k++) {
            long base = (sections[sectionIndex[k]] - 1) >>> 12;
            if (pfn >= base && pfn < base + 256) {
                return true;
            }
        }
        return false;
    }

    private void addSectionIndex(int i) {
        if (sectionCount == sectionIndex.length) {
            sectionIndex = java.util.Arrays.copyOf(sectionIndex, 2 * sectionCount);
        }
        sectionIndex[sectionCount++] = i;
    }

    private void removeSectionIndex(int i) {
        for (int k = 0; k < sectionCount; k++) {
            if (sectionIndex[k] == i) {
                sectionIndex[k] = sectionIndex[--sectionCount];
                return;
            }
        }
    }

    /** Every kernel-half address that maps {@code pfn} (slots, then section pages): only for a frame found free. */
    private List<Long> mappingsOf(long pfn) {
        List<Long> vas = new ArrayList<>();
        if (counts.containsKey(pfn)) {
            for (int i = NoDoubleMapping.FIRST_L1; i < L1_WORDS; i++) {
                int[] s = slots[i];
                for (int p = 0; s != null && p < 256; p++) {
                    if (s[p] == pfn + 1) {
                        vas.add(((long) i << 20) | ((long) p << 12));
                    }
                }
            }
        }
        for (int i = NoDoubleMapping.FIRST_L1; sectionCount > 0 && i < L1_WORDS; i++) {
            long base = (sections[i] - 1) >>> 12;
            if (sections[i] != 0 && pfn >= base && pfn < base + 256) {
                vas.add(((long) i << 20) | ((pfn - base) << 12));
            }
        }
        return vas;
    }
}
