package armmm.model.highmem;

import armmm.model.core.Violation;
import armmm.model.layout.Layout;
import armmm.model.mmu.Fixmap;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.vmalloc.Vmalloc;
import armmm.model.vmalloc.VmapArea;
import armmm.model.vmalloc.VmFlags;
import armmm.model.vmalloc.VmStruct;
import java.util.ArrayList;
import java.util.List;

/**
 * INV-MMU-06, no double mapping of a frame someone owns: every page entry of {@code swapper_pg_dir}
 * from MODULES_VADDR up, outside the linear map, that maps a RAM frame and lies where a live
 * mapping was made maps the frame that mapping was made for. 6.1 writes such an entry for one
 * frame in each of these places, and keeps what it was made for where this check reads it:
 * <ul>
 *   <li>a busy vmap area (mm/vmalloc.c): a vmalloc'ed one's {@code area->pages[i]}
 *       ({@code __vmalloc_area_node}), a {@code vmap}'ed one's {@code pages[i]} (the caller's
 *       array, or {@code area->pages} with VM_MAP_PUT_PAGES), an {@code ioremap}'ed one's
 *       {@code phys_addr} plus the page's offset (arch/arm/mm/ioremap.c, which refuses RAM mapped
 *       memory);</li>
 *   <li>a pkmap slot whose {@code pkmap_count} is not 0 ({@code map_new_virtual}): the page whose
 *       {@code page_address} ({@code page_address_htable}) is the slot's address;</li>
 *   <li>a kmap_local slot of a level the CPU's running task holds: that task's
 *       {@code kmap_ctrl.pteval} of the level ({@code __kmap_local_pfn_prot},
 *       {@code __kmap_local_sched_in});</li>
 *   <li>another fixmap slot: the frame its last {@code __set_fixmap} named (arch/arm/mm/mmu.c;
 *       6.1 keeps no record beside the PTE, so the call's own argument is kept);</li>
 *   <li>the vectors and stubs pages: {@code vectors_page} and the frame after it.</li>
 * </ul>
 * An entry where no live mapping is (a freed vmap area, a guard page, a pkmap slot at count 0, a
 * kmap_local level popped, a cleared fixmap slot) is not judged here: INV-VMALLOC-04, the highmem
 * invariants and INV-MMU-05 judge those. The kmap_local slot a warned out-of-order
 * {@code kunmap_local} left ({@link KmapLocal#disturbedByMisuse}) holds what the kernel left
 * there and is not judged either. Sections are not judged: the only kernel-half sections outside
 * the linear map are the device tree's, which boot maps for the megabytes around the DTB.
 *
 * <p>The entries are read from the raw words (the same copy INV-MMU-05 keeps,
 * {@link NoDoubleMappingShadow}), the owners from the data structures named above; per call only
 * the entries whose frame changed, the pkmap slots after a pkmap call, the kmap_local slots after a
 * context switch and the entries found wrong at the last check are judged, and {@link #fullScan}
 * judges all.
 */
public final class NoDoubleMappingOwners {
    /** The catalogue id. */
    public static final String ID = "INV-MMU-06";
    /** The reason every violation gives. */
    static final String REASON = "PTE maps a frame its mapping was not made for";

    /** The kinds of owner, for the coverage record ({@link NoDoubleMappingShadow#judgedAllocated}). */
    enum Kind {
        VMALLOC, VMAP, IOREMAP, PKMAP, KMAP_LOCAL, FIXMAP, VECTORS
    }

    private NoDoubleMappingOwners() {
    }

    /** The invariant: applies where INV-MMU-05 does; the vmap areas are read when the kernel has them. */
    public static final Invariant INVARIANT = NoDoubleMapping.fromShadow(ID, NoDoubleMappingShadow.Judged::owners);

    /** INV-MMU-06 over every page entry of the kernel half, read afresh from the raw words. */
    public static List<Violation> fullScan(KernelState k) {
        Highmem h = k.state(Highmem.class);
        PageAllocator pa = k.state(PageAllocator.class);
        List<Violation> out = new ArrayList<>();
        if (h == null || pa == null) {
            return out;
        }
        Vmalloc v = k.state(Vmalloc.class);
        NoDoubleMapping.forEachPageEntry(h, (va, pfn) -> judge(h, pa, v, va, pfn, out));
        return out;
    }

    /**
     * Judges the entry at {@code va} mapping {@code pfn}: a violation when it is a RAM frame and a
     * live mapping at {@code va} was made for another. Returns the owner's kind when the entry was
     * judged (whatever the verdict), null when it was not (no RAM frame, no live owner).
     */
    static Kind judge(Highmem h, PageAllocator pa, Vmalloc v, long va, long pfn, List<Violation> out) {
        if (!pa.hasPfn(pfn)) {
            return null; // device memory: ioremap and set_fixmap_io map what the driver names
        }
        if (v != null && va >= v.vmallocStart() && va < v.vmallocEnd()) {
            return vmapArea(v, va, pfn, out);
        }
        long pkmapBase = h.pkmap().pkmapBase();
        if (va >= pkmapBase && va < pkmapBase + ((long) Pkmap.LAST_PKMAP << 12)) {
            return pkmapSlot(h, va, pfn, out);
        }
        if (va >= Layout.VECTORS_BASE) {
            long want = h.vectorsPfn() < 0 ? -1 : h.vectorsPfn() + ((va - Layout.VECTORS_BASE) >>> 12);
            if (want < 0 || va >= Layout.VECTORS_BASE + 2 * 4096) {
                return null;
            }
            expect(want, pfn, va, () -> "the vectors page" + (want == h.vectorsPfn() ? "" : "'s stubs page")
                    + " (vectors_page)", out);
            return Kind.VECTORS;
        }
        long top = Fixmap.FIXADDR_TOP;
        long idx = (top - va) >>> 12;
        if (va <= top && idx < Fixmap.END_OF_FIXED_ADDRESSES) {
            return fixmapSlot(h, va, (int) idx, pfn, out);
        }
        return null;
    }

    private static Kind vmapArea(Vmalloc v, long va, long pfn, List<Violation> out) {
        VmapArea area = v.areas().find(va);
        VmStruct vm = area == null ? null : area.vm();
        if (vm == null || va < vm.addr()) {
            return null; // a free, lazily freed or bare area: INV-VMALLOC-04's
        }
        int i = (int) ((va - vm.addr()) >>> 12);
        java.util.function.Supplier<String> where = () -> String.format("page %d of the %s area at %#x", i, kind(vm), vm.addr());
        if ((vm.flags() & VmFlags.VM_IOREMAP) != 0) {
            if ((vm.flags() & VmFlags.VM_ARM_EMPTY_MAPPING) != 0 || va >= vm.addr() + vm.sizeWithoutGuard()) {
                return null;
            }
            expect((vm.physAddr() >>> 12) + i, pfn, va, () -> where.get() + " (phys_addr + offset)", out);
            return Kind.IOREMAP;
        }
        if (i < vm.nrPages()) {
            expect(vm.pagePfn(i), pfn, va, () -> where.get() + " (area->pages[" + i + "])", out);
            return (vm.flags() & VmFlags.VM_ALLOC) != 0 ? Kind.VMALLOC : Kind.VMAP;
        }
        if (i < vm.vmapPageCount()) {
            expect(vm.vmapPagePfn(i), pfn, va, () -> where.get() + " (vmap's pages[" + i + "])", out);
            return Kind.VMAP;
        }
        return null; // the guard page, or an area whose user maps nothing: INV-VMALLOC-02 and 04's
    }

    private static String kind(VmStruct vm) {
        long f = vm.flags();
        return (f & VmFlags.VM_ALLOC) != 0 ? "vmalloc" : (f & VmFlags.VM_MAP) != 0 ? "vmap"
                : (f & VmFlags.VM_IOREMAP) != 0 ? "ioremap" : "vm";
    }

    private static Kind pkmapSlot(Highmem h, long va, long pfn, List<Violation> out) {
        Pkmap pk = h.pkmap();
        int nr = (int) ((va - pk.pkmapBase()) >>> 12);
        if (pk.pkmapCount(nr) == 0) {
            return null; // a slot no page holds: the highmem invariants'
        }
        Long address = pk.hashedAddress(pfn);
        if (address == null || address != va) {
            out.add(new Violation(ID, REASON, String.format(
                    "%#x (pkmap slot %d, pkmap_count %d) maps pfn %#x, whose page_address is %s, not the slot's",
                    va, nr, pk.pkmapCount(nr), pfn, address == null ? "NULL" : String.format("%#x", address))));
        }
        return Kind.PKMAP;
    }

    private static Kind fixmapSlot(Highmem h, long va, int idx, long pfn, List<Violation> out) {
        if (idx >= Fixmap.FIX_KMAP_BEGIN && idx <= Fixmap.FIX_KMAP_END) {
            int k = idx - Fixmap.FIX_KMAP_BEGIN;
            int cpu = k / Fixmap.KM_MAX_IDX;
            int level = k % Fixmap.KM_MAX_IDX;
            KmapLocal local = h.local();
            if (cpu < local.cpus()) {
                if (local.disturbedByMisuse(cpu, level)) {
                    return null; // what a warned out-of-order kunmap_local left: 6.1 leaves it so
                }
                int task = local.current(cpu);
                if (level < local.taskDepth(task)) {
                    expect(local.pteval(task, level) - 1, pfn, va, () -> String.format(
                            "kmap_local level %d of task %d on CPU %d (kmap_ctrl.pteval[%d])", level, task, cpu, level), out);
                    return Kind.KMAP_LOCAL;
                }
            }
        }
        long named = h.fixmapNamed(idx);
        if (named < 0) {
            return null; // cleared, or never set: INV-MMU-05 judges what a cleared slot keeps
        }
        expect(named, pfn, va, () -> "fixmap slot " + idx + " (the frame __set_fixmap named)", out);
        return Kind.FIXMAP;
    }

    /** A violation when {@code pfn} is not {@code want}; {@code owner} (made only then) names what was made for it. */
    private static void expect(long want, long pfn, long va, java.util.function.Supplier<String> owner, List<Violation> out) {
        if (want != pfn) {
            out.add(new Violation(ID, REASON,
                    String.format("%#x maps pfn %#x; %s is pfn %#x", va, pfn, owner.get(), want)));
        }
    }
}
