package armmm.model.vmalloc;

import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import armmm.model.mmu.Pgtable2Level;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The kernel PTEs of the vmalloc space: written into {@code swapper_pg_dir}
 * ({@link KernelPageTables}, with {@code pte_alloc_kernel} taking PTE tables from the page
 * allocator) when the kernel has them, and kept alongside as vmalloc's own record: one entry per
 * page of {@code [VMALLOC_START, VMALLOC_END)}, the set of pages whose PTE was cleared but whose
 * TLB entry may survive until {@code flush_tlb_kernel_range}, and how many writable vmalloc PTEs
 * point at each frame (the reverse map the no-double-mapping check reads). {@link #pfnAt} reads
 * the Linux PTE of the real tables, as {@code vmalloc_to_page} walks them.
 *
 * <p>Every change is also recorded as a dirty page for the checks' incremental pass.
 */
public final class ShadowPtes implements KernelPtes {
    private static final int MAX_DIRTY = 4096;
    private static final Prot[] PROTS = Prot.values();
    private final long base;
    private final long end;
    private final int[] pte;
    private final BitSet stale;
    private final long ramBasePfn;
    private final int[] writableMaps;
    private final java.util.HashMap<Long, Integer> ioWritableMaps = new java.util.HashMap<>();
    private final long[] dirty = new long[MAX_DIRTY];
    private int dirtyCount;
    private boolean dirtyOverflow;
    private long mapped;
    /** Calls of {@link #map} and {@link #unmap} so far (see {@link #writes}). */
    private long writes;
    private final KernelPageTables tables;
    private final armmm.model.mmu.PageSource pteSource;

    /**
     * @param base    first virtual address covered (VMALLOC_START)
     * @param end     one past the last (VMALLOC_END)
     * @param ramBasePfn the first RAM frame
     * @param ramEndPfn  one past the last RAM frame (other frames are I/O, counted apart)
     */
    public ShadowPtes(long base, long end, long ramBasePfn, long ramEndPfn) {
        this(base, end, ramBasePfn, ramEndPfn, null, null);
    }

    /**
     * PTEs written into {@code tables} too, PTE tables taken from {@code pteSource}
     * ({@code __get_free_page(GFP_PGTABLE_KERNEL)}).
     */
    public ShadowPtes(long base, long end, long ramBasePfn, long ramEndPfn, KernelPageTables tables,
                      armmm.model.mmu.PageSource pteSource) {
        if ((base & (VmapAreas.PAGE_SIZE - 1)) != 0 || end <= base) {
            throw new IllegalArgumentException(String.format("bad PTE range [%#x, %#x)", base, end));
        }
        this.base = base;
        this.end = end;
        this.pte = new int[(int) ((end - base) >>> VmapAreas.PAGE_SHIFT)];
        this.stale = new BitSet(pte.length);
        this.tables = tables;
        this.pteSource = pteSource;
        this.ramBasePfn = ramBasePfn;
        this.writableMaps = new int[(int) (ramEndPfn - ramBasePfn)];
    }

    /** True when {@code va} lies in the covered range. */
    public boolean covers(long va) {
        return va >= base && va < end;
    }

    private int index(long va) {
        if (!covers(va)) {
            throw new IllegalArgumentException(String.format("%#x is outside the vmalloc PTEs [%#x, %#x)", va, base, end));
        }
        return (int) ((va - base) >>> VmapAreas.PAGE_SHIFT);
    }

    @Override
    public boolean map(long va, long pfn, Prot prot) {
        writes++;
        int i = index(va);
        if (pfn < 0 || pfn >= 1L << 20) {
            throw new IllegalArgumentException(String.format("pfn %#x outside the 32-bit physical space", pfn));
        }
        if (tables != null) {
            if (!tables.pteAllocKernel(va, pteSource).ok()) {
                return false;
            }
            tables.setPteExt(va, pfn, memType(prot).protPte(), 0);
        }
        if (pte[i] != 0) {
            drop(i);
        }
        pte[i] = (int) ((pfn + 1) << 2) | prot.ordinal();
        mapped++;
        if (prot != Prot.KERNEL_RO) {
            addWritable(pfn, 1);
        }
        touch(va);
        return true;
    }

    private static MemType memType(Prot prot) {
        return switch (prot) {
            case KERNEL -> MemType.MT_MEMORY_RW;
            case KERNEL_RO -> MemType.MT_MEMORY_RO;
            case DEVICE -> MemType.MT_DEVICE;
        };
    }

    /** The kernel's page tables these PTEs are written into, or null when vmalloc keeps them alone. */
    public KernelPageTables tables() {
        return tables;
    }

    @Override
    public void unmap(long start, long stop) {
        writes++;
        for (long va = start; va < stop; va += VmapAreas.PAGE_SIZE) {
            int i = index(va);
            if (pte[i] != 0) {
                if (tables != null) {
                    tables.pteClear(va);
                }
                drop(i);
                pte[i] = 0;
                stale.set(i);
                touch(va);
            }
        }
    }

    private void drop(int i) {
        long pfn = (pte[i] >>> 2) - 1;
        if (PROTS[pte[i] & 3] != Prot.KERNEL_RO) {
            addWritable(pfn, -1);
        }
        mapped--;
        dirtyPfn(pfn);
    }

    private void addWritable(long pfn, int delta) {
        long i = pfn - ramBasePfn;
        if (i >= 0 && i < writableMaps.length) {
            writableMaps[(int) i] += delta;
        } else {
            ioWritableMaps.merge(pfn, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    @Override
    public void flushTlbKernelRange(long start, long stop) {
        long from = Math.max(start, base);
        long to = Math.min(stop, end);
        if (from < to) {
            stale.clear(index(from), (int) ((to - base + VmapAreas.PAGE_SIZE - 1) >>> VmapAreas.PAGE_SHIFT));
        }
    }

    @Override
    public long pfnAt(long va) {
        if (!covers(va)) {
            return -1;
        }
        if (tables != null) {
            int linux = tables.linuxPte(va);
            return (linux & Pgtable2Level.L_PTE_PRESENT) == 0 ? -1 : Integer.toUnsignedLong(linux) >>> 12;
        }
        int e = pte[index(va)];
        return e == 0 ? -1 : (e >>> 2) - 1;
    }

    /** The frame vmalloc recorded for {@code va} (what it meant to map), or -1. */
    public long recordedPfnAt(long va) {
        if (!covers(va)) {
            return -1;
        }
        int e = pte[index(va)];
        return e == 0 ? -1 : (e >>> 2) - 1;
    }

    @Override
    public Prot protAt(long va) {
        if (!covers(va)) {
            return null;
        }
        int e = pte[index(va)];
        return e == 0 ? null : PROTS[e & 3];
    }

    /** True when the PTE at {@code va} was cleared and no TLB flush has covered it since. */
    public boolean staleAt(long va) {
        return covers(va) && stale.get(index(va));
    }

    /** The first page in {@code [start, end)} whose TLB flush is owed, or -1. */
    public long firstStaleIn(long start, long stop) {
        long from = Math.max(start, base);
        long to = Math.min(stop, end);
        if (from >= to) {
            return -1;
        }
        int i = stale.nextSetBit(index(from));
        return i < 0 || base + ((long) i << VmapAreas.PAGE_SHIFT) >= to ? -1 : base + ((long) i << VmapAreas.PAGE_SHIFT);
    }

    /** How many writable vmalloc-space PTEs name {@code pfn}. */
    public int writableMappings(long pfn) {
        long i = pfn - ramBasePfn;
        return i >= 0 && i < writableMaps.length ? writableMaps[(int) i] : ioWritableMaps.getOrDefault(pfn, 0);
    }

    /**
     * Calls of {@link #map} and {@link #unmap} so far: the change signal of vmalloc's own PTE
     * record, for the per-step checks (no kernel counterpart). The PTEs of {@link #tables} are
     * signalled by {@code KernelPageTables.writesIn}.
     */
    public long writes() {
        return writes;
    }

    /** Number of PTEs set. */
    public long mappedCount() {
        return mapped;
    }

    /** First covered address. */
    public long base() {
        return base;
    }

    /** One past the last covered address. */
    public long end() {
        return end;
    }

    /** Starts a step: forgets the dirty records of the last one. */
    public void beginStep() {
        dirtyCount = 0;
        dirtyOverflow = false;
    }

    /**
     * Virtual pages (as addresses) and frames (as {@code -1 - pfn}) changed since
     * {@link #beginStep}; meaningless when {@link #dirtyOverflow}.
     */
    public long[] dirty() {
        return Arrays.copyOf(dirty, dirtyCount);
    }

    /** True when a step changed more than the dirty record holds: the checks scan in full. */
    public boolean dirtyOverflow() {
        return dirtyOverflow;
    }

    private void touch(long va) {
        record(va);
    }

    /** Records a frame whose mappings changed. */
    public void dirtyPfn(long pfn) {
        record(-1 - pfn);
    }

    private void record(long v) {
        if (dirtyCount < MAX_DIRTY) {
            dirty[dirtyCount++] = v;
        } else {
            dirtyOverflow = true;
        }
    }
}
