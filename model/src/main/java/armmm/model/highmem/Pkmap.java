package armmm.model.highmem;

import armmm.model.layout.Layout;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The persistent kmap area of {@code mm/highmem.c} (6.1) on ARM without cache colouring:
 * {@code pkmap_count[LAST_PKMAP]}, {@code last_pkmap_nr}, the {@code page_address_htable}
 * (here a map from pfn to virtual address), {@code kmap_high}, {@code kunmap_high} and
 * {@code flush_all_zero_pkmaps}, the PTEs written into {@code swapper_pg_dir}'s pkmap table
 * ({@code pkmap_page_table}, built by {@code kmap_init} in {@code arch/arm/mm/mmu.c}).
 *
 * <p>Count semantics ({@code mm/highmem.c}, comment above {@code pkmap_count}): 0 = slot free and
 * TLB clean; 1 = slot unused but its PTE still set and the TLB possibly stale (only a flush makes
 * it reusable); n &gt; 1 = n - 1 users. The TLB is not modelled: a flush is recorded as owed.
 */
public final class Pkmap {
    /** {@code LAST_PKMAP}: PTRS_PER_PTE on non-LPAE ARM ({@code arch/arm/include/asm/highmem.h}). */
    public static final int LAST_PKMAP = (int) Layout.LAST_PKMAP;
    /** {@code LAST_PKMAP_MASK}. */
    public static final int LAST_PKMAP_MASK = LAST_PKMAP - 1;
    /** {@code PAGE_SHIFT}. */
    public static final int PAGE_SHIFT = 12;

    private final KernelPageTables tables;
    private final long pkmapBase;
    private final long pageOffset;
    private final long physOffset;
    private final long highmemStartPfn;
    private final int[] pkmapCount = new int[LAST_PKMAP];
    private final Map<Long, Long> pageAddress = new HashMap<>();
    private final List<FlushEvent> events;
    private Set<HighmemBug> bugs = EnumSet.noneOf(HighmemBug.class);
    private int lastPkmapNr;
    private long flushes;

    /**
     * @param tables          swapper_pg_dir, with the pkmap PTE table already populated by boot
     * @param pkmapBase       {@code PKMAP_BASE} (PAGE_OFFSET - PMD_SIZE)
     * @param pageOffset      {@code PAGE_OFFSET}
     * @param physOffset      {@code PHYS_OFFSET}
     * @param highmemStartPfn first pfn that is {@code PageHighMem} ({@code max_low_pfn})
     */
    public Pkmap(KernelPageTables tables, long pkmapBase, long pageOffset, long physOffset, long highmemStartPfn) {
        this(tables, pkmapBase, pageOffset, physOffset, highmemStartPfn, new ArrayList<>());
    }

    /** As above, recording flushes into {@code events} (shared with the kmap_local stacks). */
    Pkmap(KernelPageTables tables, long pkmapBase, long pageOffset, long physOffset, long highmemStartPfn,
            List<FlushEvent> events) {
        this.events = events;
        this.tables = tables;
        this.pkmapBase = pkmapBase;
        this.pageOffset = pageOffset;
        this.physOffset = physOffset;
        this.highmemStartPfn = highmemStartPfn;
    }

    /** Plants {@code planted} in this model. */
    void plant(Set<HighmemBug> planted) {
        bugs = planted.isEmpty() ? EnumSet.noneOf(HighmemBug.class) : EnumSet.copyOf(planted);
    }

    /** The flushes requested since the list was last emptied ({@link Highmem} does at each call), oldest first. */
    public List<FlushEvent> flushEvents() {
        return Collections.unmodifiableList(events);
    }

    /** {@code PKMAP_BASE}. */
    public long pkmapBase() {
        return pkmapBase;
    }

    /** {@code PKMAP_ADDR(nr)}. */
    public long pkmapAddr(int nr) {
        return pkmapBase + ((long) nr << PAGE_SHIFT);
    }

    /** {@code PKMAP_NR(virt)}. */
    public int pkmapNr(long vaddr) {
        return (int) ((vaddr - pkmapBase) >>> PAGE_SHIFT);
    }

    /** {@code PageHighMem}: the page lies at or above {@code max_low_pfn}. */
    public boolean pageHighMem(long pfn) {
        return pfn >= highmemStartPfn;
    }

    /** {@code lowmem_page_address}: the linear-map address of a lowmem page. */
    public long lowmemPageAddress(long pfn) {
        return ((pfn << PAGE_SHIFT) - physOffset) + pageOffset;
    }

    /**
     * {@code page_address}: the linear address of a lowmem page; for a highmem page the pkmap
     * address recorded in {@code page_address_htable}, or empty (NULL) when it has none.
     */
    public OptionalLong pageAddress(long pfn) {
        if (!pageHighMem(pfn)) {
            return OptionalLong.of(lowmemPageAddress(pfn));
        }
        Long v = pageAddress.get(pfn);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** {@code kmap}: a lowmem page's linear address, otherwise {@link #kmapHigh}. */
    public KmapResult kmap(long pfn) {
        if (!pageHighMem(pfn)) {
            return new KmapResult.Mapped(lowmemPageAddress(pfn));
        }
        return kmapHigh(pfn);
    }

    /**
     * {@code kmap_high}: reuses the page's slot if it has one, otherwise {@code map_new_virtual};
     * then one more user on the slot.
     */
    public KmapResult kmapHigh(long pfn) {
        Long v = bugs.contains(HighmemBug.HIGHMEM_KMAP_SKIPS_LOOKUP) ? null : pageAddress.get(pfn);
        long vaddr;
        if (v != null) {
            vaddr = v;
        } else {
            int nr = mapNewVirtual(pfn);
            if (nr < 0) {
                return new KmapResult.WouldBlock();
            }
            vaddr = pkmapAddr(nr);
        }
        pkmapCount[pkmapNr(vaddr)]++;
        return new KmapResult.Mapped(vaddr);
    }

    /**
     * {@code map_new_virtual}: scans from {@code last_pkmap_nr + 1}; each time the scan wraps to
     * slot 0 it first runs {@code flush_all_zero_pkmaps} and restarts its budget of LAST_PKMAP
     * probes; after LAST_PKMAP probes without a free slot the kernel sleeps (here: -1).
     */
    private int mapNewVirtual(long pfn) {
        int count = LAST_PKMAP;
        boolean probeBeforeAdvancing = bugs.contains(HighmemBug.HIGHMEM_KMAP_SCAN_WITHOUT_ADVANCE);
        while (true) {
            if (!probeBeforeAdvancing) {
                lastPkmapNr = (lastPkmapNr + 1) & LAST_PKMAP_MASK;
            }
            probeBeforeAdvancing = false;
            if (lastPkmapNr == 0) {
                flushAllZeroPkmaps();
                count = LAST_PKMAP;
            }
            if (pkmapCount[lastPkmapNr] == 0) {
                break;
            }
            if (--count == 0) {
                return -1;
            }
        }
        long vaddr = pkmapAddr(lastPkmapNr);
        tables.setPteExt(vaddr, pfn, MemType.MT_MEMORY_RW.protPte(), 0);
        pkmapCount[lastPkmapNr] = 1;
        pageAddress.put(pfn, vaddr);
        return lastPkmapNr;
    }

    /**
     * {@code flush_all_zero_pkmaps}: every slot at count 1 is cleared (PTE and hash entry) and set
     * to 0; one {@code flush_tlb_kernel_range} over the whole area is owed if any was.
     */
    public void flushAllZeroPkmaps() {
        boolean needFlush = false;
        for (int i = 0; i < LAST_PKMAP; i++) {
            if (pkmapCount[i] != 1) {
                continue;
            }
            pkmapCount[i] = 0;
            long va = pkmapAddr(i);
            long pfn = Integer.toUnsignedLong(tables.linuxPte(va)) >>> PAGE_SHIFT;
            tables.pteClear(va);
            if (!bugs.contains(HighmemBug.HIGHMEM_FLUSH_KEEPS_HASH)) {
                pageAddress.remove(pfn);
            }
            needFlush = true;
        }
        if (needFlush && !bugs.contains(HighmemBug.HIGHMEM_PKMAP_REUSE_WITHOUT_FLUSH)) {
            flushes++;
            FlushEvent e = new FlushEvent(FlushEvent.Kind.RANGE, -1, pkmapAddr(0), pkmapAddr(LAST_PKMAP));
            events.add(e);
        }
    }

    /**
     * {@code kunmap}/{@code kunmap_high}: one user fewer. A lowmem page is a no-op. Returns a
     * {@code BUG} description when the kernel would BUG (page not kmapped, or count already at 1),
     * leaving the state unchanged; null on success.
     */
    public String kunmap(long pfn) {
        if (!pageHighMem(pfn)) {
            return null;
        }
        Long v = pageAddress.get(pfn);
        if (v == null) {
            return "kernel BUG at mm/highmem.c: kunmap_high: page_address(page) is NULL";
        }
        int nr = pkmapNr(v);
        if (pkmapCount[nr] <= 1) {
            return "kernel BUG at mm/highmem.c: kunmap_high: pkmap_count[" + nr + "] would drop to 0";
        }
        pkmapCount[nr]--;
        return null;
    }

    /** The page tables the slots are written into ({@code swapper_pg_dir}). */
    public KernelPageTables tables() {
        return tables;
    }

    /** The {@code page_address_htable} entries: pfn to pkmap address (a read-only view). */
    public Map<Long, Long> pageAddressTable() {
        return Collections.unmodifiableMap(pageAddress);
    }

    /** The pkmap address {@code page_address_htable} holds for {@code pfn}, or null. */
    public Long hashedAddress(long pfn) {
        return pageAddress.get(pfn);
    }

    /** {@code pkmap_count[i]}. */
    public int pkmapCount(int i) {
        return pkmapCount[i];
    }

    /** {@code last_pkmap_nr}. */
    public int lastPkmapNr() {
        return lastPkmapNr;
    }

    /** Number of {@code flush_tlb_kernel_range} calls owed over the pkmap area (TLB not modelled). */
    public long flushes() {
        return flushes;
    }

    /** Number of highmem pages with an entry in {@code page_address_htable}. */
    public int hashedPages() {
        return pageAddress.size();
    }

    /** True when {@code vaddr} lies in the pkmap area. */
    public boolean isPkmapAddr(long vaddr) {
        return vaddr >= pkmapBase && vaddr < pkmapAddr(LAST_PKMAP);
    }

    /**
     * {@code kmap_to_page}'s pkmap branch ({@code pte_page(pkmap_page_table[PKMAP_NR(addr)])}) and
     * its {@code virt_to_page} fall-through: the frame, pfn 0 for a clear PTE as pte_page gives.
     */
    public long kmapToPfn(long vaddr) {
        if (isPkmapAddr(vaddr)) {
            return Integer.toUnsignedLong(tables.linuxPte(vaddr)) >>> PAGE_SHIFT;
        }
        return virtToPfn(vaddr);
    }

    /** {@code virt_to_pfn}: the linear-map arithmetic, unchecked, as {@code virt_to_page} does it. */
    public long virtToPfn(long vaddr) {
        return (((vaddr - pageOffset) + physOffset) & 0xffffffffL) >>> PAGE_SHIFT;
    }

    /** {@code print kmaps}: one line per slot in use, {@code slot vaddr pfn count}. */
    public String report() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("last_pkmap_nr %d%n", lastPkmapNr));
        for (int i = 0; i < LAST_PKMAP; i++) {
            if (pkmapCount[i] != 0) {
                s.append(String.format("%3d %08x pfn %05x count %d%n", i, pkmapAddr(i),
                        Integer.toUnsignedLong(tables.linuxPte(pkmapAddr(i))) >>> PAGE_SHIFT, pkmapCount[i]));
            }
        }
        return s.toString();
    }
}
