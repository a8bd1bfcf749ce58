package armmm.model.mmu;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code init_mm}'s page tables, {@code swapper_pg_dir}: the 16 KiB first-level table (4096
 * hardware words, read by Linux as 2048 two-word pgd entries) and the PTE pages it points to,
 * each a 4 KiB page holding 512 Linux entries followed by the two 256-entry hardware tables
 * (arch/arm/include/asm/pgtable-2level.h). The tables live in physical memory; {@link #memory()}
 * is that memory as the hardware walker reads it.
 *
 * <p>The writes are the kernel's: {@link #populatePmd} ({@code __pmd_populate}),
 * {@link #setSection}, {@link #setPteExt} ({@code set_pte_ext}, both views), {@link #pteClear},
 * and {@link #pteAllocKernel}; a PTE page, once installed, is never freed (the kernel keeps
 * kernel PTE tables for good).
 */
public final class KernelPageTables {
    private static final int L1_WORDS = 4096;

    private final long pgdPhys;
    private final long lowmemLimit;
    private final int[] l1 = new int[L1_WORDS];
    private final Map<Long, int[]> ptePages = new HashMap<>();
    /**
     * Per pmd (first-level pair), the first-level word {@link #ptePage} last resolved and the PTE
     * page it found: a frame's page, once made, is never replaced or dropped from
     * {@link #ptePages}, so while the word is the same the page is. Spares a boxed hash lookup per
     * PTE read or write. The model's bookkeeping; no kernel counterpart.
     */
    private final int[] pmdSeen = new int[L1_WORDS / 2];
    private final int[][] pageSeen = new int[L1_WORDS / 2][];
    /** The frame and PTE page {@link #memory()} read last (-1: none), for the same reason. */
    private long memPfn = -1;
    private int[] memPage;
    /**
     * {@link #ptePages} again as an open-addressing table (frame, page), for {@link #memory()}'s
     * reads, which alternate between a few PTE pages (the vmalloc window's, pkmap's, the
     * fixmap's): no boxing, no node to chase. Pages are only ever added.
     */
    private long[] pteIndexKeys = emptyKeys(64);
    private int[][] pteIndexPages = new int[64][];
    private int pteIndexSize;
    private final Set<MmuBug> bugs;
    private final ShortDescriptorWalker walker;
    /** Each CPU's TTBR0 and what it reaches; null: every CPU on {@code swapper_pg_dir}. */
    private CpuTables cpuTables;
    /**
     * The planted bugs fire only once boot has handed the tables over ({@link #bootDone()}): the
     * two PTE-writing ones sit on the post-boot {@code set_pte_ext} path that
     * {@code pte_alloc_kernel} users (vmalloc, ioremap, fixmap, kmap) take, the section one on
     * the runtime {@code set_kernel_text_rw}/{@code ro} path (boot's {@code mark_rodata_ro} ran
     * it too, on some boards' odd sections, so a hunt found it with no call), so boot's tables
     * are right and only a call after boot exposes them.
     */
    private boolean xnDropped;
    private boolean hwAt256;
    private boolean sectionWrongHalf;
    /** Virtual addresses of the PTEs written since {@link #beginStep()}, in order, with repeats. */
    private long[] touchedPtes = new long[16];
    private int touchedPteCount;
    /** First-level indices written since {@link #beginStep()}. */
    private int[] touchedL1 = new int[16];
    private int touchedL1Count;
    /**
     * Writes so far to the entries of each megabyte of virtual space (its first-level word, or a
     * PTE under it), as a Fenwick tree over the first-level indexes, so that the writes to any
     * window are two prefix sums ({@link #writesIn}). The model's change signal for checks that
     * read one window of the tables (vmalloc's guard pages); no kernel counterpart.
     */
    private final long[] writeTree = new long[L1_WORDS + 1];

    /**
     * Empty tables.
     *
     * @param pgdPhys     the first-level table's physical address (16 KiB aligned)
     * @param lowmemLimit {@code arm_lowmem_limit}, to tell lowmem PTE pages from others in reports
     * @param bugs        planted MMU bugs
     */
    public KernelPageTables(long pgdPhys, long lowmemLimit, Set<MmuBug> bugs) {
        if ((pgdPhys & 0x3fff) != 0) {
            throw new IllegalArgumentException(String.format("swapper_pg_dir at %#x, expected 16 KiB alignment", pgdPhys));
        }
        this.pgdPhys = pgdPhys;
        this.lowmemLimit = lowmemLimit;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(MmuBug.class) : EnumSet.copyOf(bugs);
        this.walker = new ShortDescriptorWalker();
    }

    private SectionPerms sectionPerms;
    private long vectorsPage = -1;

    /**
     * Boot is over (arch/arm/mm/mmu.c {@code paging_init} .. {@code mark_rodata_ro}, and the early
     * vmalloc mappings of later subsystems): from now on PTEs are written by the callers of
     * {@code set_pte_ext} after boot, where the planted PTE bugs sit. Idempotent; the kernel calls
     * it before each call.
     */
    public void bootDone() {
        this.xnDropped = bugs.contains(MmuBug.MMU_PTE_XN_DROPPED);
        this.hwAt256 = bugs.contains(MmuBug.MMU_HW_PTE_AT_256);
        this.sectionWrongHalf = bugs.contains(MmuBug.MMU_SECTION_UPDATE_WRONG_HALF);
    }

    /** The kernel image's section permissions ({@code set_kernel_text_rw}/{@code ro}), once boot set them. */
    public SectionPerms sectionPerms() {
        return sectionPerms;
    }

    /** Boot hands over the image's section permissions with the tables. */
    void sectionPerms(SectionPerms perms) {
        this.sectionPerms = perms;
    }

    /**
     * The physical address of {@code vectors_page}, the frame {@code devicemaps_init} allocated for
     * the vectors (the stubs page follows it; arch/arm/mm/mmu.c, arch/arm/kernel/traps.c
     * {@code early_trap_init}), as boot recorded it; -1 before boot made it.
     */
    public long vectorsPage() {
        return vectorsPage;
    }

    /** Boot records the vectors page it allocated. */
    void vectorsPage(long phys) {
        this.vectorsPage = phys;
    }

    /** The planted bugs. */
    public Set<MmuBug> bugs() {
        return bugs;
    }

    /** A kernel call starts: forget what the previous one touched. */
    public void beginStep() {
        touchedPteCount = 0;
        touchedL1Count = 0;
    }

    /** The PTEs (by virtual address) written since the current call began, in order. */
    public long[] touchedPtes() {
        return java.util.Arrays.copyOf(touchedPtes, touchedPteCount);
    }

    /** The first-level words (by index) written since the current call began. */
    public int[] touchedL1() {
        return java.util.Arrays.copyOf(touchedL1, touchedL1Count);
    }

    private void touchPte(long va) {
        countWrite((int) (va >>> 20) & (L1_WORDS - 1));
        if (touchedPteCount == touchedPtes.length) {
            touchedPtes = java.util.Arrays.copyOf(touchedPtes, touchedPteCount * 2);
        }
        touchedPtes[touchedPteCount++] = va;
    }

    private void touchL1(int index) {
        countWrite(index);
        if (touchedL1Count == touchedL1.length) {
            touchedL1 = java.util.Arrays.copyOf(touchedL1, touchedL1Count * 2);
        }
        touchedL1[touchedL1Count++] = index;
    }

    private void countWrite(int l1Index) {
        for (int i = l1Index + 1; i <= L1_WORDS; i += i & -i) {
            writeTree[i]++;
        }
    }

    /** Writes to the first {@code n} megabytes' entries. */
    private long writesBelow(int n) {
        long sum = 0;
        for (int i = n; i > 0; i -= i & -i) {
            sum += writeTree[i];
        }
        return sum;
    }

    /**
     * How many writes the entries translating {@code [from, to)} have had so far, first-level
     * words and PTEs: a number that only grows, and moves whenever such an entry is written. The
     * window is widened to whole pmds (2 MiB): one PTE page serves both megabytes of its pmd, so
     * a stray write to one half's page lands in the other's entries.
     */
    public long writesIn(long from, long to) {
        if (from >= to) {
            return 0;
        }
        int lo = (int) Math.max(0, Math.min(L1_WORDS, (from >>> 21) << 1));
        int hi = (int) Math.max(0, Math.min(L1_WORDS, ((to + (1L << 21) - 1) >>> 21) << 1));
        return writesBelow(hi) - writesBelow(lo);
    }

    /** The first-level table's physical address (what TTBR1 holds, with its attribute bits). */
    public long pgdPhys() {
        return pgdPhys;
    }

    /** {@code arm_lowmem_limit}. */
    public long lowmemLimit() {
        return lowmemLimit;
    }

    /** First-level word {@code index} (0..4095). */
    public int l1(int index) {
        return l1[index];
    }

    /** The first-level word covering {@code va}. */
    public int l1At(long va) {
        return l1[(int) (va >>> 20) & 0xfff];
    }

    /**
     * Whether the pmd of {@code va} is empty ({@code pmd_none}, arch/arm/include/asm/pgtable.h).
     * On the two-level tables a {@code pgd_t} is a pair of first-level words and the folded
     * {@code pmd_offset} points at the first of them (pgtable-2level-types.h: {@code pmd_t} is one
     * {@code u32}), so {@code pmd_none(*pmd)} reads the even word only: a pair whose even word is
     * zero is empty even when its odd word holds a section.
     */
    public boolean pmdNone(long va) {
        int i = (int) (va >>> 21) << 1;
        return l1[i] == 0;
    }

    /** {@code __pmd_populate}: both first-level words of {@code va}'s pmd point at the PTE page at {@code ptePhys}. */
    public void populatePmd(long va, long ptePhys, int prot) {
        if ((ptePhys & 0xfff) != 0) {
            throw new IllegalArgumentException(String.format("PTE page at %#x, expected page alignment", ptePhys));
        }
        int i = (int) (va >>> 21) << 1;
        int value = (int) (ptePhys + Pgtable2Level.PTE_HWTABLE_OFF) | prot;
        l1[i] = value;
        l1[i + 1] = value + 256 * 4;
        touchL1(i);
        touchL1(i + 1);
        long ptePfn = ptePhys >>> 12;
        if (!ptePages.containsKey(ptePfn)) {
            int[] page = new int[Pgtable2Level.PTE_PAGE_WORDS];
            ptePages.put(ptePfn, page);
            indexPage(ptePfn, page);
        }
    }

    /** {@code pmd_clear}: both words of {@code va}'s pmd. */
    public void pmdClear(long va) {
        int i = (int) (va >>> 21) << 1;
        l1[i] = 0;
        l1[i + 1] = 0;
        touchL1(i);
        touchL1(i + 1);
    }

    /** A 1 MiB section at {@code va} ({@code __map_init_section}): one first-level word. */
    public void setSection(long va, long phys, int protSect) {
        int i = (int) (va >>> 20) & 0xfff;
        l1[i] = (int) (phys & 0xfff00000L) | protSect;
        touchL1(i);
    }

    /** Rewrites the section word at {@code va} ({@code section_update}): clear {@code mask} bits, set {@code prot}. */
    public void updateSection(long va, int clear, int set) {
        int i = (int) (va >>> 20) & 0xfff;
        int from = sectionWrongHalf ? i & ~1 : i;
        l1[i] = (l1[from] & ~clear) | set;
        touchL1(i);
    }

    /**
     * {@code pte_alloc_kernel}: the PTE page behind {@code va}, taking one from {@code source} and
     * populating the pmd with {@code _PAGE_KERNEL_TABLE} when the pmd is empty.
     */
    public PteAlloc pteAllocKernel(long va, PageSource source) {
        if (!pmdNone(va)) {
            return (l1At(va) & 3) == Pgtable2Level.PMD_TYPE_TABLE ? PteAlloc.PRESENT : PteAlloc.SECTION;
        }
        long pfn = source.allocPage();
        if (pfn < 0) {
            return PteAlloc.NO_MEMORY;
        }
        populatePmd(va, pfn << 12, Pgtable2Level.PAGE_KERNEL_TABLE);
        return PteAlloc.ALLOCATED;
    }

    /** The PTE page behind {@code va}'s pmd, or null when the pmd is not a table. */
    private int[] ptePage(long va) {
        int pi = (int) (va >>> 21);
        int pmd = l1[pi << 1];
        if ((pmd & 3) != Pgtable2Level.PMD_TYPE_TABLE) {
            return null;
        }
        int[] seen = pageSeen[pi];
        if (seen != null && pmdSeen[pi] == pmd) {
            return seen;
        }
        int[] page = ptePages.get(Integer.toUnsignedLong(pmd - Pgtable2Level.PTE_HWTABLE_OFF) >>> 12);
        if (page != null) {
            pmdSeen[pi] = pmd;
            pageSeen[pi] = page;
        }
        return page;
    }

    private static long[] emptyKeys(int n) {
        long[] k = new long[n];
        java.util.Arrays.fill(k, -1);
        return k;
    }

    private static int slotOf(long pfn, int mask) {
        long h = pfn * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The PTE page at frame {@code pfn} from {@link #pteIndexKeys}, or null. */
    private int[] indexedPage(long pfn) {
        int mask = pteIndexKeys.length - 1;
        for (int h = slotOf(pfn, mask); pteIndexKeys[h] != -1; h = (h + 1) & mask) {
            if (pteIndexKeys[h] == pfn) {
                return pteIndexPages[h];
            }
        }
        return null;
    }

    private void indexPage(long pfn, int[] page) {
        if ((pteIndexSize + 1) * 2 > pteIndexKeys.length) {
            long[] oldKeys = pteIndexKeys;
            int[][] oldPages = pteIndexPages;
            pteIndexKeys = emptyKeys(oldKeys.length * 2);
            pteIndexPages = new int[oldKeys.length * 2][];
            pteIndexSize = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != -1) {
                    indexPage(oldKeys[i], oldPages[i]);
                }
            }
        }
        int mask = pteIndexKeys.length - 1;
        int h = slotOf(pfn, mask);
        while (pteIndexKeys[h] != -1) {
            h = (h + 1) & mask;
        }
        pteIndexKeys[h] = pfn;
        pteIndexPages[h] = page;
        pteIndexSize++;
    }

    /** The physical address of the PTE page behind {@code va}, or -1 when its pmd is not a table. */
    public long ptePagePhys(long va) {
        int pmd = l1[(int) (va >>> 21) << 1];
        if ((pmd & 3) != Pgtable2Level.PMD_TYPE_TABLE) {
            return -1;
        }
        return Integer.toUnsignedLong(pmd & 0xfffff000);
    }

    /**
     * {@code set_pte_ext(pte_offset_kernel(pmd, va), pfn_pte(pfn, prot), ext)}: the Linux entry
     * and, through {@link Pgtable2Level#hwPte}, the hardware one. Returns false when {@code va}
     * has no PTE table (the caller must {@link #pteAllocKernel} first).
     */
    public boolean setPteExt(long va, long pfn, int linuxProt, int ext) {
        int[] page = ptePage(va);
        if (page == null) {
            return false;
        }
        int linux = (int) (pfn << 12) | (linuxProt & 0xfff);
        int hw = Pgtable2Level.hwPte(linux, ext);
        if (xnDropped) {
            hw &= ~Pgtable2Level.PTE_EXT_XN;
        }
        int idx = Pgtable2Level.pteIndex(va);
        page[idx] = linux;
        page[(hwAt256 ? 256 : Pgtable2Level.PTE_HWTABLE_PTRS) + idx] = hw;
        touchPte(va);
        return true;
    }

    /** {@code pte_clear}: both views of {@code va}'s PTE to zero; false when there is no PTE table. */
    public boolean pteClear(long va) {
        int[] page = ptePage(va);
        if (page == null) {
            return false;
        }
        int idx = Pgtable2Level.pteIndex(va);
        page[idx] = 0;
        page[(hwAt256 ? 256 : Pgtable2Level.PTE_HWTABLE_PTRS) + idx] = 0;
        touchPte(va);
        return true;
    }

    /** The Linux PTE of {@code va} ({@code *pte_offset_kernel}), 0 without a PTE table. */
    public int linuxPte(long va) {
        int[] page = ptePage(va);
        return page == null ? 0 : page[Pgtable2Level.pteIndex(va)];
    }

    /** The hardware PTE of {@code va}, 0 without a PTE table. */
    public int hwPte(long va) {
        int[] page = ptePage(va);
        return page == null ? 0 : page[Pgtable2Level.PTE_HWTABLE_PTRS + Pgtable2Level.pteIndex(va)];
    }

    /** The physical addresses of the PTE pages, ascending. */
    public long[] ptePagePhys() {
        return ptePages.keySet().stream().mapToLong(pfn -> pfn << 12).sorted().toArray();
    }

    /** The 1024 words of the PTE page at {@code phys} (a copy), or null when there is none. */
    public int[] ptePageWords(long phys) {
        int[] p = ptePages.get(phys >>> 12);
        return p == null ? null : p.clone();
    }

    /** How many PTE pages the tables hold. */
    public int ptePageCount() {
        return ptePages.size();
    }

    /** The tables as physical memory: the first-level table and every PTE page; any other word is 0. */
    public PhysicalMemory memory() {
        return pa -> {
            long off = pa - pgdPhys;
            if (off >= 0 && off < L1_WORDS * 4) {
                return l1[(int) (off >>> 2)];
            }
            long pfn = pa >>> 12;
            int[] page = memPage;
            if (pfn != memPfn) {
                page = indexedPage(pfn);
                if (page != null) {
                    memPfn = pfn;
                    memPage = page;
                }
            }
            return page == null ? 0 : page[(int) ((pa & 0xfff) >>> 2)];
        };
    }

    /**
     * The hardware walk of {@code va} through these tables as the CPU does it with Linux's
     * registers: TTBCR 0 (one table; the kernel half of every process table is a copy of this
     * one), and the DACR of a kernel running with user access disabled (or enabled, for a user
     * access made through the uaccess helpers).
     */
    public Translation translate(long va, Access access, Privilege mode, boolean uaccess) {
        return walker.translate(0, (int) pgdPhys, (int) pgdPhys,
                uaccess ? Pgtable2Level.DACR_UACCESS_ENABLE : Pgtable2Level.DACR_UACCESS_DISABLE, va, access, mode,
                memory());
    }

    /**
     * Hands over which first-level table each CPU's TTBR0 points at (the subsystem owning the
     * CPUs' registers calls this once, when it is created).
     */
    public void cpuTables(CpuTables tables) {
        cpuTables = tables;
    }

    /**
     * The hardware walk of {@code va} on CPU {@code cpu}, with the registers it has now: TTBCR 0,
     * so TTBR0 (the running mm's pgd, or {@code swapper_pg_dir}) serves every address, kernel
     * ones included; TTBR1 {@code swapper_pg_dir}. A kernel access runs with DACR 0x51
     * ({@code DACR_UACCESS_DISABLE}, CPU_SW_DOMAIN_PAN); a user access with 0x55, which
     * {@code restore_user_regs} (arch/arm/kernel/entry-header.S, {@code uaccess_enable}) loads
     * before returning to user mode.
     */
    public Translation translateOn(int cpu, long va, Access access, Privilege mode) {
        long ttbr0 = cpuTables == null ? pgdPhys : cpuTables.ttbr0(cpu);
        PhysicalMemory mem = cpuTables == null ? memory() : cpuTables.memory(cpu);
        int dacr = mode == Privilege.USER ? Pgtable2Level.DACR_UACCESS_ENABLE : Pgtable2Level.DACR_UACCESS_DISABLE;
        return walker.translate(0, (int) ttbr0, (int) pgdPhys, dacr, va, access, mode, mem);
    }

    /** {@link #translate(long, Access, Privilege, boolean)} with user access disabled. */
    public Translation translate(long va, Access access, Privilege mode) {
        return translate(va, access, mode, false);
    }
}
