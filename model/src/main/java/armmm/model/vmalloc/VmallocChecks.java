package armmm.model.vmalloc;

import armmm.model.core.Violation;
import armmm.model.mmu.Access;
import armmm.model.mmu.FaultKind;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The vmalloc invariants (mm/vmalloc.c): the vmap space partitioned, areas in range with their
 * guard pages, ioremap's alignment, nothing mapped outside a live area, the lazy purge's TLB
 * discipline, and no double mapping.
 *
 * <p>The checks read the areas and the PTEs (through their walk, {@code pfnAt}), never the
 * allocator's placement code. The PTE checks look at the pages the last call mapped or cleared
 * and the areas it freed; {@link #fullScan} looks at every page, for the end of a chain, and
 * runs whenever the last call changed more than the dirty record holds.
 */
public final class VmallocChecks {
    private static final long PAGE = VmapAreas.PAGE_SIZE;
    private static final int MAX_ORDER = PageAllocator.MAX_ORDER;

    /** The vmalloc invariants, in catalogue order. */
    public static final List<Invariant> ALL = List.of(
            Invariant.on("INV-VMALLOC-01", Vmalloc.class, Signals.AREAS, VmallocChecks::partitioned),
            Invariant.on("INV-VMALLOC-02", Vmalloc.class, VmallocChecks::areasAndGuardPtes, VmallocChecks::inRangeWithGuard),
            Invariant.on("INV-VMALLOC-03", Vmalloc.class, Signals.AREAS, VmallocChecks::ioremapAligned),
            Invariant.on("INV-VMALLOC-04", Vmalloc.class, v -> on(v, VmallocChecks::mappedOnlyInLiveAreas)),
            Invariant.on("INV-VMALLOC-05", Vmalloc.class, v -> on(v, (w, full) -> lazyPurgeFlushesFirst(w))),
            Invariant.on("INV-VMALLOC-06", Vmalloc.class, v -> on(v, (w, full) -> noDoubleMapping(w, allocator(w),
                    full || allocator(w) != null && allocator(w).dirtyOverflow()))));

    private VmallocChecks() {
    }

    /** The change signals, apart so that {@link #ALL} can use them while the class initialises. */
    private static final class Signals {
        /** INV-VMALLOC-01 and 03 read the areas and their vm_structs alone: one function, one shared signal. */
        static final java.util.function.ToLongFunction<Vmalloc> AREAS = Vmalloc::changeCount;
    }

    /**
     * INV-VMALLOC-02's change signal: besides the areas and their vm_structs
     * ({@link Vmalloc#changeCount}), which INV-VMALLOC-01 and 03 read alone, it reads the PTEs of
     * the guard pages ({@code pfnAt}), which lie in the PTE record's range: that record's writes
     * and the kernel tables' writes in that range. Every term only grows. Without the
     * {@link ShadowPtes} record there is no signal.
     */
    static long areasAndGuardPtes(Vmalloc v) {
        if (!(v.ptes() instanceof ShadowPtes s)) {
            return Invariant.ALWAYS;
        }
        return v.changeCount() + s.writes() + (s.tables() == null ? 0 : s.tables().writesIn(s.base(), s.end()));
    }

    private interface Check {
        List<Violation> apply(Vmalloc v, boolean full);
    }

    private static List<Violation> on(Vmalloc v, Check check) {
        boolean full = !(v.ptes() instanceof ShadowPtes s) || s.dirtyOverflow() || v.areas().leftBusyOverflow();
        return check.apply(v, full);
    }

    /** The buddy allocator vmalloc takes its pages from, whose frames INV-VMALLOC-06 reads. */
    private static PageAllocator allocator(Vmalloc v) {
        return v.pages() instanceof BuddyPageSource b ? b.allocator() : null;
    }

    /** Every vmalloc invariant over every page: for tests and the end of a chain. */
    public static List<Violation> fullScan(Vmalloc v) {
        List<Violation> out = new ArrayList<>();
        out.addAll(partitioned(v));
        out.addAll(inRangeWithGuard(v));
        out.addAll(ioremapAligned(v));
        out.addAll(mappedOnlyInLiveAreas(v, true));
        out.addAll(lazyPurgeFlushesFirst(v));
        out.addAll(noDoubleMapping(v, allocator(v), true));
        return out;
    }

    /**
     * INV-VMALLOC-01: busy, lazily freed and free ranges tile [1, ULONG_MAX) without overlap. The
     * three are each in address order; one merge walk over them, taking the lowest start next,
     * sees every range once (no copy, no sort).
     */
    static List<Violation> partitioned(Vmalloc v) {
        java.util.Iterator<VmapArea> busy = v.areas().busyAreas().iterator();
        long[] free = v.areas().freeBlocksFlat();
        long[] purge = v.areas().purgeRangesFlat();
        VmapArea b = busy.hasNext() ? busy.next() : null;
        int fi = 0;
        int pi = 0;
        List<Violation> out = null;
        long expect = 1;
        while (true) {
            long start = Long.MAX_VALUE;
            long end = 0;
            int from = -1;
            if (b != null && b.vaStart() < start) {
                start = b.vaStart();
                end = b.vaEnd();
                from = 0;
            }
            if (fi < free.length && free[fi] < start) {
                start = free[fi];
                end = free[fi + 1];
                from = 1;
            }
            if (pi < purge.length && purge[pi] < start) {
                start = purge[pi];
                end = purge[pi + 1];
                from = 2;
            }
            if (from < 0) {
                break;
            }
            if (from == 0) {
                b = busy.hasNext() ? busy.next() : null;
            } else if (from == 1) {
                fi += 2;
            } else {
                pi += 2;
            }
            if (start < expect) {
                out = add(out, new Violation("INV-VMALLOC-01", "vmap areas overlap",
                        String.format("[%#x, %#x) starts before %#x, the end of the range before it", start, end, expect)));
            } else if (start > expect) {
                out = add(out, new Violation("INV-VMALLOC-01", "vmap space lost",
                        String.format("[%#x, %#x) is neither busy, lazily freed nor free", expect, start)));
            }
            expect = Math.max(expect, end);
        }
        if (expect != VmapAreas.ULONG_MAX) {
            out = add(out, new Violation("INV-VMALLOC-01", "vmap space lost",
                    String.format("[%#x, %#x) is neither busy, lazily freed nor free", expect, VmapAreas.ULONG_MAX)));
        }
        return out == null ? List.of() : out;
    }

    private static List<Violation> add(List<Violation> out, Violation v) {
        List<Violation> o = out == null ? new ArrayList<>() : out;
        o.add(v);
        return o;
    }

    /**
     * INV-VMALLOC-02: every area made after boot lies in [VMALLOC_START, VMALLOC_END); its
     * vm_struct spans the whole area; unless VM_NO_GUARD its last page is mapped by no PTE and a
     * vmalloc'ed one has one page fewer than its size.
     */
    static List<Violation> inRangeWithGuard(Vmalloc v) {
        List<Violation> out = new ArrayList<>();
        for (VmapArea va : v.areas().busyAreas()) {
            if (!va.early() && (va.vaStart() < v.vmallocStart() || va.vaEnd() > v.vmallocEnd())) {
                out.add(new Violation("INV-VMALLOC-02", "vmap area outside the vmalloc range",
                        String.format("[%#x, %#x) outside [%#x, %#x)", va.vaStart(), va.vaEnd(), v.vmallocStart(), v.vmallocEnd())));
            }
            VmStruct vm = va.vm();
            if (vm == null || va.early()) {
                continue;
            }
            if (vm.addr() == va.vaStart() && vm.addr() + vm.size() > va.vaEnd()) {
                out.add(new Violation("INV-VMALLOC-02", "guard page not reserved",
                        String.format("vm %#x+%#x ends past its vmap area [%#x, %#x): its guard page %#x is not the area's",
                                vm.addr(), vm.size(), va.vaStart(), va.vaEnd(), vm.addr() + vm.size() - PAGE)));
            } else if (vm.addr() != va.vaStart() || vm.size() != va.vaEnd() - va.vaStart()) {
                out.add(new Violation("INV-VMALLOC-02", "vm_struct does not span its vmap area",
                        String.format("vm %#x+%#x, area [%#x, %#x)", vm.addr(), vm.size(), va.vaStart(), va.vaEnd())));
            }
            if ((vm.flags() & VmFlags.VM_NO_GUARD) != 0) {
                continue;
            }
            long guard = va.vaEnd() - PAGE;
            if (v.ptes().pfnAt(guard) >= 0) {
                out.add(new Violation("INV-VMALLOC-02", "guard page mapped",
                        String.format("area [%#x, %#x): its last page %#x maps pfn %#x", va.vaStart(), va.vaEnd(), guard,
                                v.ptes().pfnAt(guard))));
            }
            // an area with pages (vmalloc's) has one for every page but the guard; get_vm_area's have none
            if (vm.nrPages() > 0 && (vm.flags() & VmFlags.VM_UNINITIALIZED) == 0
                    && (long) vm.nrPages() * PAGE != vm.size() - PAGE) {
                out.add(new Violation("INV-VMALLOC-02", "no guard page",
                        String.format("vmalloc area [%#x, %#x) of %d pages has %d pages behind it", va.vaStart(), va.vaEnd(),
                                vm.size() / PAGE, vm.nrPages())));
            }
        }
        return out;
    }

    /** INV-VMALLOC-03: a VM_IOREMAP area made after boot starts on a multiple of its size's power of two (clamped to a page and 2^24). */
    static List<Violation> ioremapAligned(Vmalloc v) {
        List<Violation> out = new ArrayList<>();
        for (VmapArea va : v.areas().busyAreas()) {
            VmStruct vm = va.vm();
            if (vm == null || va.early() || (vm.flags() & VmFlags.VM_IOREMAP) == 0) {
                continue;
            }
            long size = (vm.flags() & VmFlags.VM_NO_GUARD) != 0 ? vm.size() : vm.size() - PAGE;
            long align = PAGE;
            while (align < size && align < (1L << 24)) {
                align <<= 1;
            }
            if (vm.addr() % align != 0) {
                out.add(new Violation("INV-VMALLOC-03", "ioremap area not aligned to its size",
                        String.format("area %#x of %#x bytes, expected alignment %#x", vm.addr(), size, align)));
            }
        }
        return out;
    }

    /**
     * INV-VMALLOC-04: every PTE in the vmalloc space lies inside a busy area that has its
     * vm_struct (so after vfree, and after the purge, none of the area stays mapped).
     */
    static List<Violation> mappedOnlyInLiveAreas(Vmalloc v, boolean full) {
        List<Violation> out = new ArrayList<>();
        if (!(v.ptes() instanceof ShadowPtes s)) {
            return out;
        }
        if (full) {
            for (long mib = s.base() & -SECTION; mib < s.end(); mib += SECTION) {
                long from = Math.max(mib, s.base());
                long to = Math.min(mib + SECTION, s.end());
                if (s.tables() != null && firstLevelFault(s.tables().translate(from, Access.READ, Privilege.KERNEL))) {
                    // the walker finds no first-level descriptor, which covers the whole MiB: every
                    // page of it faults, so only what vmalloc recorded for it is left to compare
                    for (long va = from; va < to; va += PAGE) {
                        unmappedSection(s, va, out);
                    }
                } else {
                    for (long va = from; va < to; va += PAGE) {
                        checkLive(v, va, out);
                    }
                }
            }
            return out;
        }
        for (long d : s.dirty()) {
            if (d >= 0) {
                checkLive(v, d, out);
            }
        }
        for (long[] r : v.areas().leftBusySinceStep()) {
            for (long va = Math.max(r[0], s.base()); va < Math.min(r[1], s.end()); va += PAGE) {
                checkLive(v, va, out);
            }
        }
        return out;
    }

    private static final long SECTION = 1L << 20;

    private static boolean firstLevelFault(Translation t) {
        return t instanceof Translation.Fault f && !f.pageLevel() && f.kind() == FaultKind.TRANSLATION;
    }

    /** A page under a first-level translation fault: vmalloc must neither have mapped it nor left a Linux PTE. */
    private static void unmappedSection(ShadowPtes s, long va, List<Violation> out) {
        long meant = s.recordedPfnAt(va);
        long pfn = s.pfnAt(va);
        if (meant >= 0 || pfn >= 0) {
            out.add(new Violation("INV-VMALLOC-04", "the walk does not reach the mapped frame",
                    String.format("%#x maps pfn %#x (vmalloc mapped %#x), the hardware walk finds no first-level entry", va, pfn, meant)));
        }
    }

    private static void checkLive(Vmalloc v, long va, List<Violation> out) {
        long pfn = v.ptes().pfnAt(va);
        if (v.ptes() instanceof ShadowPtes s && s.tables() != null) {
            checkWalk(s, va, pfn, out);
        }
        if (pfn < 0) {
            return;
        }
        VmapArea area = v.areas().find(va);
        if (area == null || area.vm() == null) {
            out.add(new Violation("INV-VMALLOC-04", "mapped outside a live vmap area",
                    String.format("%#x maps pfn %#x but belongs to no live area", va, pfn)));
        }
    }

    /**
     * The Linux PTE holds the frame vmalloc meant to map, and the hardware walk of the kernel's
     * tables reaches that frame (a kernel read), or faults where the PTE is clear.
     */
    private static void checkWalk(ShadowPtes s, long va, long pfn, List<Violation> out) {
        long meant = s.recordedPfnAt(va);
        if (pfn != meant) {
            out.add(new Violation("INV-VMALLOC-04", "PTE is not the mapping vmalloc made",
                    String.format("%#x: the Linux PTE maps pfn %#x, vmalloc mapped %#x", va, pfn, meant)));
            return;
        }
        Translation t = s.tables().translate(va, Access.READ, Privilege.KERNEL);
        if (pfn >= 0 && !(t instanceof Translation.Mapped m && m.pa() >>> 12 == pfn)) {
            out.add(new Violation("INV-VMALLOC-04", "the walk does not reach the mapped frame",
                    String.format("%#x maps pfn %#x, the hardware walk gives %s", va, pfn, t)));
        } else if (pfn < 0 && t.ok()) {
            out.add(new Violation("INV-VMALLOC-04", "the walk reaches a cleared PTE",
                    String.format("%#x has no PTE, the hardware walk gives %s", va, t)));
        }
    }

    /**
     * INV-VMALLOC-05: a page whose PTE was cleared and whose TLB flush is still owed is never in
     * the free tree; {@code vmap_lazy_nr} counts the pages of the lazily freed areas and stays at
     * or below {@code lazy_max_pages} after each call while no begun purge holds
     * {@code vmap_purge_lock} (the drain waits for that lock, spec/vmalloc.md).
     */
    static List<Violation> lazyPurgeFlushesFirst(Vmalloc v) {
        List<Violation> out = new ArrayList<>();
        if (v.ptes() instanceof ShadowPtes s) {
            long[] free = v.areas().freeBlocksFlat();
            for (int i = 0; i < free.length; i += 2) {
                long page = s.firstStaleIn(free[i], free[i + 1]);
                if (page >= 0) {
                    out.add(new Violation("INV-VMALLOC-05", "free before its TLB flush",
                            String.format("%#x is in the free block [%#x, %#x) while its TLB flush is still owed", page,
                                    free[i], free[i + 1])));
                    break;
                }
            }
        }
        long pages = 0;
        long[] purge = v.areas().purgeRangesFlat();
        for (int i = 0; i < purge.length; i += 2) {
            pages += (purge[i + 1] - purge[i]) / PAGE;
        }
        if (pages != v.areas().vmapLazyNr()) {
            out.add(new Violation("INV-VMALLOC-05", "vmap_lazy_nr does not count the purge list",
                    String.format("vmap_lazy_nr %d, lazily freed pages %d", v.areas().vmapLazyNr(), pages)));
        }
        // a drain past lazy_max_pages waits for the vmap_purge_lock a begun purge holds
        if (v.areas().vmapLazyNr() > v.areas().lazyMaxPages() && !v.areas().purgeLockHeld()) {
            out.add(new Violation("INV-VMALLOC-05", "lazy pages above lazy_max_pages",
                    String.format("vmap_lazy_nr %d > lazy_max_pages %d", v.areas().vmapLazyNr(), v.areas().lazyMaxPages())));
        }
        return out;
    }

    /**
     * INV-VMALLOC-06, no double mapping, as 6.1 guarantees it: each page a vmalloc'ed area
     * (VM_ALLOC) holds is mapped by one PTE of the vmalloc space (a caller may {@code vmap} its
     * own pages as often as it likes: kernel/bpf/ringbuf.c maps its data pages twice), no free
     * frame (in a buddy block or on a per-CPU list) is mapped there, and each PTE vmalloc wrote
     * has the words of the protection it meant (PAGE_KERNEL: Linux 0x65f, hardware 0x45f;
     * MT_DEVICE: 0x653, 0x453, as the probe read them; read-only: L_PTE_RDONLY and APX on top of
     * PAGE_KERNEL). The mappings are read from swapper_pg_dir's raw words
     * ({@link VmallocTableCopy}), never from vmalloc's own record; per call only the pages the
     * call wrote and the frames the buddy allocator's journal marked are judged.
     */
    static List<Violation> noDoubleMapping(Vmalloc v, PageAllocator pa, boolean full) {
        List<Violation> out = new ArrayList<>();
        if (!(v.ptes() instanceof ShadowPtes s) || s.tables() == null) {
            return out;
        }
        VmallocTableCopy c = v.tableCopy(s.base(), s.end());
        long[] written = c.sync(s.tables());
        OrderedLongSet frames = new OrderedLongSet();
        boolean all = full || written == null;
        if (pa != null) {
            long m = pa.changeCount();
            if (!all && m != c.marks) {
                if (c.marks >= 0 && pa.changeCountAtStepStart() <= c.marks && !pa.dirtyOverflow()) {
                    long[] mapped = null;
                    for (int f : pa.dirtyFrames()) {
                        // a free marks only its block's head: every frame of the block became free
                        long head = pa.basePfn() + f;
                        long end = head + (pa.hasPfn(head) && (pa.isBuddy(head) || pa.isOnPcp(head)) ? 1L << pa.order(head) : 1);
                        if (end - head > c.frameCount()) {
                            // a large block: the window's few mapped frames in it, ascending as the walk would find them
                            if (mapped == null) {
                                mapped = c.frames();
                            }
                            for (int i = lowerBound(mapped, head); i < mapped.length && mapped[i] < end; i++) {
                                frames.add(mapped[i]);
                            }
                            continue;
                        }
                        for (long pfn = head; pfn < end; pfn++) {
                            if (c.count(pfn) > 0) {
                                frames.add(pfn);
                            }
                        }
                    }
                } else {
                    all = true;
                }
            }
            c.marks = m;
        }
        OrderedLongSet pages = new OrderedLongSet();
        if (all) {
            for (long pfn : c.frames()) {
                frames.add(pfn);
            }
            for (long va = s.base(); va < s.end(); va += PAGE) {
                if (c.pfnAt(va) >= 0) {
                    pages.add(va);
                }
            }
        } else {
            for (long va : written) {
                long pfn = c.pfnAt(va);
                if (pfn >= 0) {
                    frames.add(pfn);
                    pages.add(va);
                }
            }
            pages.addAll(c.badPages);
            frames.addAll(c.badFrames);
        }
        OrderedLongSet badPages = OrderedLongSet.EMPTY;
        for (int i = 0; i < pages.size(); i++) {
            long va = pages.get(i);
            if (c.pfnAt(va) >= 0 && checkProt(s, va, out)) {
                if (badPages == OrderedLongSet.EMPTY) {
                    badPages = new OrderedLongSet();
                }
                badPages.add(va);
            }
        }
        OrderedLongSet badFrames = OrderedLongSet.EMPTY;
        for (int i = 0; i < frames.size(); i++) {
            long pfn = frames.get(i);
            int before = out.size();
            checkFrame(v, c, pa, pfn, out);
            if (out.size() > before) {
                if (badFrames == OrderedLongSet.EMPTY) {
                    badFrames = new OrderedLongSet();
                }
                badFrames.add(pfn);
            }
        }
        c.badPages = badPages;
        c.badFrames = badFrames;
        return out;
    }

    /** The first index of ascending {@code a} whose element is at least {@code x}. */
    private static int lowerBound(long[] a, long x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static final int PAGE_KERNEL_LINUX = 0x65f;
    private static final int PAGE_KERNEL_HW = 0x45f;
    private static final int MT_DEVICE_LINUX = 0x653;
    private static final int MT_DEVICE_HW = 0x453;
    private static final int L_PTE_RDONLY = 1 << 7;
    private static final int PTE_EXT_APX = 1 << 9;

    /** The low twelve bits of the Linux and hardware PTE at {@code va} against the protection vmalloc meant there. */
    private static boolean checkProt(ShadowPtes s, long va, List<Violation> out) {
        KernelPtes.Prot meant = s.recordedPfnAt(va) >= 0 ? s.protAt(va) : null;
        if (meant == null) {
            return false; // a PTE vmalloc did not write: INV-VMALLOC-04's
        }
        int linux = s.tables().linuxPte(va) & 0xfff;
        int hw = s.tables().hwPte(va) & 0xfff;
        int wantLinux = switch (meant) {
            case KERNEL -> PAGE_KERNEL_LINUX;
            case KERNEL_RO -> PAGE_KERNEL_LINUX | L_PTE_RDONLY;
            case DEVICE -> MT_DEVICE_LINUX;
        };
        int wantHw = switch (meant) {
            case KERNEL -> PAGE_KERNEL_HW;
            case KERNEL_RO -> PAGE_KERNEL_HW | PTE_EXT_APX;
            case DEVICE -> MT_DEVICE_HW;
        };
        if (linux != wantLinux || hw != wantHw) {
            out.add(new Violation("INV-VMALLOC-06", "PTE protection is not the one vmalloc meant",
                    String.format("%#x: Linux %#05x, hardware %#05x; %s is Linux %#05x, hardware %#05x", va, linux, hw,
                            meant, wantLinux, wantHw)));
            return true;
        }
        return false;
    }

    private static void checkFrame(Vmalloc v, VmallocTableCopy c, PageAllocator pa, long pfn, List<Violation> out) {
        if (pa == null || !pa.hasPfn(pfn) || c.count(pfn) == 0) {
            return; // device memory: ioremap may map it as often as drivers ask
        }
        if (isFree(pa, pfn)) {
            out.add(new Violation("INV-VMALLOC-06", "free frame mapped",
                    String.format("pfn %#x is free but mapped in the vmalloc space at %s", pfn, hexList(c.mappingsOf(pfn)))));
        }
        if (c.count(pfn) > 1) {
            List<Long> vas = c.mappingsOf(pfn);
            for (long va : vas) {
                VmapArea area = v.areas().find(va);
                if (area != null && area.vm() != null && (area.vm().flags() & VmFlags.VM_ALLOC) != 0) {
                    out.add(new Violation("INV-VMALLOC-06", "vmalloc page mapped twice",
                            String.format("pfn %#x of the vmalloc area at %#x is mapped at %s", pfn, area.vaStart(), hexList(vas))));
                    break;
                }
            }
        }
    }

    private static String hexList(List<Long> vas) {
        StringBuilder b = new StringBuilder();
        for (long va : vas) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%#x", va));
        }
        return b.toString();
    }

    /** True when {@code pfn} lies in a free buddy block or a per-CPU list block. */
    private static boolean isFree(PageAllocator pa, long pfn) {
        for (int o = 0; o < MAX_ORDER; o++) {
            long head = pfn & -(1L << o);
            if (pa.hasPfn(head) && (pa.isBuddy(head) || pa.isOnPcp(head)) && pa.order(head) >= o) {
                return true;
            }
        }
        return false;
    }
}
