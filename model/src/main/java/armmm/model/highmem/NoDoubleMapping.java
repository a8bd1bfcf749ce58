package armmm.model.highmem;

import armmm.model.core.Violation;
import armmm.model.mmu.Fixmap;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.PhysicalMemory;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import java.util.ArrayList;
import java.util.List;

/**
 * INV-MMU-05, no double mapping over the whole kernel half of {@code swapper_pg_dir}: no free RAM
 * frame (in a buddy free block or on a per-CPU list, mm/page_alloc.c) is mapped by any entry from
 * MODULES_VADDR up (modules, pkmap, vmalloc, the fixmap's kmap_local/kmap_atomic and
 * {@code __set_fixmap} slots, the vectors) other than the linear map, but where 6.1 itself leaves
 * such an entry: the read-only device-tree sections at {@code FDT_FIXED_BASE}, a pkmap slot whose {@code pkmap_count} is 1 (mm/highmem.c {@code kunmap_high} leaves
 * the PTE until {@code flush_all_zero_pkmaps}) and a kmap_local slot a warned out-of-order
 * {@code kunmap_local} left ({@link KmapLocal#disturbedByMisuse}).
 *
 * <p>The mappings are read from the raw words the hardware walk reads (the first-level word, the
 * hardware PTE it points at, the Linux PTE 2 KiB below), never from a subsystem's bookkeeping.
 * Declared by highmem, the first subsystem that has the tables, the buddy allocator and the
 * pkmap state it needs. The per-call check is incremental ({@link NoDoubleMappingShadow}); the
 * complete check ({@link #fullScan}) reads every entry afresh.
 */
public final class NoDoubleMapping {
    /** The catalogue id. */
    public static final String ID = "INV-MMU-05";
    /** {@code MODULES_VADDR} ({@code PAGE_OFFSET - SZ_16M}): where the kernel half starts. */
    static final long KERNEL_HALF = 0xbf00_0000L;
    static final int FIRST_L1 = (int) (KERNEL_HALF >>> 20);
    private static final int MAX_ORDER = 11;
    private static final int PKMAP_SLOTS = (int) armmm.model.layout.Layout.LAST_PKMAP;

    private NoDoubleMapping() {
    }

    /** The invariant: applies to kernels with highmem's state, the tables and the buddy allocator. */
    public static final Invariant INVARIANT = fromShadow(ID, NoDoubleMappingShadow.Judged::free);

    /**
     * An invariant judged by the shared copy of the kernel half ({@link NoDoubleMappingShadow#sync},
     * read once per call for INV-MMU-05 and 06): {@code id} and which of the two verdicts is its.
     */
    static Invariant fromShadow(String id, java.util.function.Function<NoDoubleMappingShadow.Judged, List<Violation>> verdict) {
        return Invariant.where(id, k -> k.has(Highmem.class) && k.has(PageAllocator.class), k -> {
            Highmem h = k.state(Highmem.class);
            return verdict.apply(h.noDoubleShadow().sync(h, k.state(PageAllocator.class),
                    k.state(armmm.model.vmalloc.Vmalloc.class)));
        });
    }

    /** INV-MMU-05 over every entry of the kernel half, without the per-call record. */
    public static List<Violation> fullScan(KernelState k) {
        Highmem h = k.state(Highmem.class);
        PageAllocator pa = k.state(PageAllocator.class);
        List<Violation> out = new ArrayList<>();
        if (h == null || pa == null) {
            return out;
        }
        KernelPageTables t = h.tables();
        PhysicalMemory mem = t.memory();
        for (int i = FIRST_L1; i < 4096; i++) {
            int l1 = t.l1(i);
            long mb = (long) i << 20;
            if ((l1 & 3) == 2) {
                long base = sectionBase(l1, mb);
                if (!linear(h, mb, base)) {
                    for (int p = 0; p < 256; p++) {
                        checkFree(h, pa, mb + ((long) p << 12), (base >>> 12) + p, out);
                    }
                }
            }
        }
        forEachPageEntry(h, (va, pfn) -> checkFree(h, pa, va, pfn, out));
        return out;
    }

    /** What a scan of the kernel half's page entries is given: each entry's address and frame. */
    @FunctionalInterface
    interface PageEntryVisitor {
        void visit(long va, long pfn);
    }

    /**
     * Visits every small or large page entry of the kernel half (first-level page-table words from
     * {@link #FIRST_L1} up) that maps a frame other than by the linear map, read from the raw words;
     * sections are the caller's.
     */
    static void forEachPageEntry(Highmem h, PageEntryVisitor visitor) {
        KernelPageTables t = h.tables();
        PhysicalMemory mem = t.memory();
        for (int i = FIRST_L1; i < 4096; i++) {
            int l1 = t.l1(i);
            if ((l1 & 3) != 1) {
                continue;
            }
            long mb = (long) i << 20;
            for (int p = 0; p < 256; p++) {
                long va = mb + ((long) p << 12);
                long pfn = slotPfn(l1, mem, va);
                if (pfn >= 0 && !linear(h, va, pfn << 12)) {
                    visitor.visit(va, pfn);
                }
            }
        }
    }

    /** One violation when {@code pfn}, mapped at {@code va}, is a free RAM frame and 6.1 leaves no such PTE. */
    static void checkFree(Highmem h, PageAllocator pa, long va, long pfn, List<Violation> out) {
        if (!pa.hasPfn(pfn) || !free(pa, pfn) || allowed(h, va)) {
            return;
        }
        out.add(new Violation(ID, "free frame mapped",
                String.format("pfn %#x is free in the buddy allocator but %#x (%s) maps it", pfn, va, area(h, va))));
    }

    /**
     * The physical frame a page-table slot maps, read as the walk reads it: the hardware entry at
     * the table base the first-level word holds (small page, or the 64 KiB large page's frame for
     * this page), else the Linux entry 2 KiB below it when it is present; -1 when neither maps.
     */
    static long slotPfn(int l1, PhysicalMemory mem, long va) {
        long hwAddr = (Integer.toUnsignedLong(l1) & 0xffff_fc00L) + ((va >>> 12) & 0xff) * 4;
        int hw = mem.readWord(hwAddr);
        if ((hw & 2) != 0) {
            return Integer.toUnsignedLong(hw) >>> 12;
        }
        if ((hw & 3) == 1) {
            return ((Integer.toUnsignedLong(hw) & 0xffff_0000L) | (va & 0xf000)) >>> 12;
        }
        int linux = mem.readWord(hwAddr - 2048);
        return (linux & 1) != 0 ? Integer.toUnsignedLong(linux) >>> 12 : -1;
    }

    /** The physical base of the megabyte a section (or supersection) word maps at {@code mb}. */
    static long sectionBase(int l1, long mb) {
        long w = Integer.toUnsignedLong(l1);
        return (l1 & (1 << 18)) != 0 ? (w & 0xff00_0000L) | (mb & 0x00f0_0000L) : w & 0xfff0_0000L;
    }

    /** True when {@code va} lies in lowmem's linear map and maps its own linear frame ({@code __pa(va)}). */
    static boolean linear(Highmem h, long va, long phys) {
        long pageOffset = h.memMap().pageOffset();
        long physOffset = h.memMap().physOffset();
        long end = pageOffset + (h.tables().lowmemLimit() - physOffset);
        return va >= pageOffset && va < end && phys == va - pageOffset + physOffset;
    }

    /** True when {@code pfn} lies in a free buddy block or a block on a per-CPU list (PageBuddy, the pcp flag, the head's order). */
    static boolean free(PageAllocator pa, long pfn) {
        for (int o = 0; o < MAX_ORDER; o++) {
            long head = pfn & -(1L << o);
            if (pa.hasPfn(head) && (pa.isBuddy(head) || pa.isOnPcp(head)) && pa.order(head) >= o) {
                return true;
            }
        }
        return false;
    }

    /** {@code FDT_FIXED_BASE}, {@code FDT_FIXED_SIZE} (arch/arm/include/asm/memory.h). */
    static final long FDT_FIXED_BASE = armmm.model.mmu.SwapperPgDir.FDT_FIXED_BASE;
    static final long FDT_FIXED_SIZE = 2L << 20;
    /** A section's APX bit (pgtable-2level-hwdef.h {@code PMD_SECT_APX}): read-only. */
    private static final int SECTION_APX = 1 << 15;

    /**
     * 6.1's three entries that may map a free frame: the read-only sections of the device tree
     * at {@code FDT_FIXED_BASE} ({@code devicemaps_init} maps the two megabytes around the DTB
     * with MT_MEMORY_RO and keeps them: memblock reserves only the DTB itself, so the rest of
     * those megabytes is free RAM), and 6.1's two PTEs that may still map a frame its owner freed: a pkmap slot with
     * {@code pkmap_count} 1 (mapped, unused, cleared by the next {@code flush_all_zero_pkmaps}),
     * and a kmap_local slot a warned out-of-order {@code kunmap_local} left.
     */
    static boolean allowed(Highmem h, long va) {
        if (va >= FDT_FIXED_BASE && va < FDT_FIXED_BASE + FDT_FIXED_SIZE) {
            int l1 = h.tables().l1((int) (va >>> 20));
            return (l1 & 3) == 2 && (l1 & SECTION_APX) != 0;
        }
        long pkmapBase = h.pkmap().pkmapBase();
        if (va >= pkmapBase && va < pkmapBase + ((long) PKMAP_SLOTS << 12)) {
            return h.pkmap().pkmapCount((int) ((va - pkmapBase) >>> 12)) == 1;
        }
        long idx = (Fixmap.FIXADDR_TOP - (va & ~0xfffL)) >>> 12;
        if (va <= Fixmap.FIXADDR_TOP && idx >= Fixmap.FIX_KMAP_BEGIN && idx <= Fixmap.FIX_KMAP_END) {
            int k = (int) idx - Fixmap.FIX_KMAP_BEGIN;
            int cpu = k / Fixmap.KM_MAX_IDX;
            return cpu < h.local().cpus() && h.local().disturbedByMisuse(cpu, k % Fixmap.KM_MAX_IDX);
        }
        return false;
    }

    /** The kernel area {@code va} lies in, for messages. */
    static String area(Highmem h, long va) {
        long pkmapBase = h.pkmap().pkmapBase();
        if (va < pkmapBase) {
            return "modules";
        }
        if (va < pkmapBase + ((long) PKMAP_SLOTS << 12)) {
            return "pkmap slot " + ((va - pkmapBase) >>> 12);
        }
        if (va >= 0xffff_0000L) {
            return "vectors";
        }
        if (va >= 0xffc0_0000L && va <= Fixmap.FIXADDR_TOP) {
            return "fixmap slot " + ((Fixmap.FIXADDR_TOP - (va & ~0xfffL)) >>> 12);
        }
        if (va >= FDT_FIXED_BASE && va < FDT_FIXED_BASE + FDT_FIXED_SIZE) {
            return "the device tree's section";
        }
        if (va >= 0xff80_0000L) {
            return "above VMALLOC_END";
        }
        return "vmalloc or lowmem";
    }
}
