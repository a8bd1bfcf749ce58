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
     * INV-MMU-06: the entries whose frame changed in this read (their addresses), or all of them
     * when the whole kernel half was read again; null outside a read.
     */
    private List<Long> changedSlots;
    /** The read a call's checks share: the call (Highmem's step count), the tables' writes, the allocator's changes. */
    private long syncedStep = -1;
    private long syncedWrites = -1;
    private long syncedMarks = -1;
    private Judged last;
    /** The kinds of owner whose allocated frames INV-MMU-06 judged at the last read (the coverage record). */
    private final java.util.EnumSet<NoDoubleMappingOwners.Kind> judgedAllocated =
            java.util.EnumSet.noneOf(NoDoubleMappingOwners.Kind.class);

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
        changedSlots = new ArrayList<>();
        List<Violation> free = step(h, pa);
        List<Violation> owners = owners(h, pa, v);
        changedSlots = null;
        syncedStep = h.steps();
        syncedWrites = total;
        syncedMarks = pa.changeCount();
        last = new Judged(free, owners);
        return last;
    }

    /** The kinds of owner whose allocated frames INV-MMU-06 judged at the last read. */
    java.util.Set<NoDoubleMappingOwners.Kind> judgedAllocated() {
        return java.util.Collections.unmodifiableSet(judgedAllocated);
    }

    /**
     * INV-MMU-06 over the entries whose frame changed, every pkmap (kmap_local) slot after a pkmap
     * (kmap_local) call, and the entries found wrong at the last check; each judged once.
     */
    private List<Violation> owners(Highmem h, PageAllocator pa, armmm.model.vmalloc.Vmalloc v) {
        judgedAllocated.clear();
        List<Violation> out = new ArrayList<>();
        Set<Long> now = new LinkedHashSet<>();
        Set<Long> seen = changedSlots.isEmpty() && violatingSlots.isEmpty() ? Set.of() : new java.util.HashSet<>();
        for (long va : changedSlots) {
            if (seen.add(va)) {
                judgeSlot(h, pa, v, va, out, now);
            }
        }
        for (long va : violatingSlots) {
            if (seen.add(va)) {
                judgeSlot(h, pa, v, va, out, now);
            }
        }
        if (h.pkmapCallThisStep()) {
            long base = h.pkmap().pkmapBase();
            for (int i = 0; i < armmm.model.layout.Layout.LAST_PKMAP; i++) {
                long va = base + ((long) i << 12);
                if (mapped(va) && !seen.contains(va)) {
                    judgeSlot(h, pa, v, va, out, now);
                }
            }
        }
        if (h.localCallThisStep()) {
            for (int idx = Fixmap.FIX_KMAP_BEGIN; idx <= Fixmap.FIX_KMAP_END; idx++) {
                long va = Fixmap.FIXADDR_TOP - ((long) idx << 12);
                if (mapped(va) && !seen.contains(va)) {
                    judgeSlot(h, pa, v, va, out, now);
                }
            }
        }
        violatingSlots = now;
        return out;
    }

    private boolean mapped(long va) {
        int[] s = slots[(int) (va >>> 20)];
        return s != null && s[(int) (va >>> 12) & 0xff] != 0;
    }

    /** Judges the entry at {@code va} (when it maps a frame); records a violator and the owner kind of an allocated frame. */
    private void judgeSlot(Highmem h, PageAllocator pa, armmm.model.vmalloc.Vmalloc v, long va, List<Violation> out, Set<Long> now) {
        int[] s = slots[(int) (va >>> 20)];
        long pfn = s == null ? -1 : (long) s[(int) (va >>> 12) & 0xff] - 1;
        if (pfn < 0) {
            return;
        }
        int before = out.size();
        NoDoubleMappingOwners.Kind kind = NoDoubleMappingOwners.judge(h, pa, v, va, pfn, out);
        if (out.size() > before) {
            now.add(va);
        }
        if (kind != null && !judgedAllocated.contains(kind) && !NoDoubleMapping.free(pa, pfn)) {
            judgedAllocated.add(kind);
        }
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
            changedSlots.clear();
            for (int i = NoDoubleMapping.FIRST_L1; i < L1_WORDS; i++) {
                int[] s = slots[i];
                for (int p = 0; s != null && p < 256; p++) {
                    if (s[p] != 0) {
                        changedSlots.add(((long) i << 20) | ((long) p << 12));
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
                if (changedSlots != null) {
                    changedSlots.add(va & ~0xfffL);
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
