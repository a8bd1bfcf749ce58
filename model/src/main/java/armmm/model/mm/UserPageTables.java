package armmm.model.mm;

import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.PhysicalMemory;
import armmm.model.mmu.Pgtable2Level;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.ShortDescriptorWalker;
import armmm.model.mmu.Translation;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One process's page tables, {@code mm->pgd}: the 16 KiB first-level table {@code pgd_alloc}
 * (arch/arm/mm/pgd.c) takes from the buddy allocator ({@code __get_free_pages(GFP_KERNEL, 2)}),
 * its user entries below {@code TASK_SIZE} empty and its kernel entries a copy of
 * {@code swapper_pg_dir}'s; and the PTE pages {@code pte_alloc} adds under it
 * ({@code pte_alloc_one}, arch/arm/include/asm/pgalloc.h: {@code GFP_PGTABLE_USER |
 * __GFP_HIGHMEM}, CONFIG_HIGHPTE), each the 512 Linux entries then the two 256-entry hardware
 * tables, populated with {@code _PAGE_USER_TABLE} (domain user). The words live at their
 * physical addresses, so the MMU's {@link ShortDescriptorWalker} walks them with TTBR0 =
 * {@link #pgdPhys()}; the kernel half's PTE pages are swapper's own, read through its memory.
 *
 * <p>{@code pgtables_bytes} counts {@code PTRS_PER_PTE * sizeof(pte_t)} = 2048 bytes per PTE
 * page ({@code mm_inc_nr_ptes}); the pmd level is folded and the pgd is not counted.
 */
public final class UserPageTables {
    /** {@code USER_PTRS_PER_PGD}: pgd entries below {@code TASK_SIZE} (1528, as the probe read it). */
    public static final int USER_PTRS_PER_PGD = (int) (UserLayoutConfig.TASK_SIZE >>> 21);
    /** {@code _PAGE_USER_TABLE}: {@code PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_USER)}. */
    public static final int PAGE_USER_TABLE = Pgtable2Level.PMD_TYPE_TABLE | Pgtable2Level.PMD_BIT4
            | (Pgtable2Level.DOMAIN_USER << 5);
    /** Bytes {@code mm_inc_nr_ptes} adds per PTE page. */
    public static final long PTE_TABLE_BYTES = Pgtable2Level.PTRS_PER_PTE * 4L;
    private static final int L1_WORDS = 4096;
    private static final ShortDescriptorWalker WALKER = new ShortDescriptorWalker();

    private final long pgdPhys;
    private final int[] l1 = new int[L1_WORDS];
    private final TreeMap<Long, int[]> ptePages = new TreeMap<>();
    private final KernelPageTables swapper;
    /** Swapper's memory as the walk reads it (its l1 and PTE pages, never replaced). */
    private final PhysicalMemory kernelMemory;
    /** {@link #memory()}: one instance, so a walk allocates nothing for it. */
    private final PhysicalMemory memory = this::readWord;
    /**
     * The PTE page the last lookup found and its frame (-1: none): a fault and the zap read the
     * same PTE page several times in a row. Forgotten whenever {@link #ptePages} changes.
     */
    private long lastTablePfn = -1;
    private int[] lastTable;
    private int vmallocSeq;
    private long generation;
    /** The generation of the last first-level write (kernel-half and pmd checks re-read l1 only when it moves). */
    private long l1Generation;
    /** The generation of the last write to a first-level word of the kernel half (INV-UPT-05 re-reads it only then). */
    private long kernelGeneration;
    /**
     * What each of the last {@link #JOURNAL} writes touched, indexed by generation modulo its
     * size: the user address of a PTE slot, {@code -2 - pgd} for a first-level word of the user
     * half (a PTE table put in or taken out: all 512 slots of that pgd may differ), or
     * {@link #KERNEL_L1} for one of the kernel half (no user slot changes). A reader that saw the
     * tables at generation g re-reads only the slots written since, when they are all still here.
     */
    private final long[] journal = new long[JOURNAL];
    static final int JOURNAL = 64;
    private static final long KERNEL_L1 = Long.MIN_VALUE;

    private UserPageTables(long pgdPhys, KernelPageTables swapper, int vmallocSeq) {
        this.pgdPhys = pgdPhys;
        this.swapper = swapper;
        this.kernelMemory = swapper.memory();
        this.vmallocSeq = vmallocSeq;
    }

    /**
     * {@code pgd_alloc} on the 16 KiB block at {@code pgdPhys}: user entries empty, the kernel's
     * copied from {@code swapper} ({@code memcpy} from {@code USER_PTRS_PER_PGD} up), the high
     * vectors needing no low page; {@code vmallocSeq} is what {@code init_mm}'s
     * {@code context.vmalloc_seq} was, the new mm's copy being that fresh.
     *
     * @param copyWords how many first-level words of the kernel half to copy (all of them in the
     *                  kernel; fewer only for a planted bug)
     */
    static UserPageTables pgdAlloc(long pgdPhys, KernelPageTables swapper, int vmallocSeq, int copyWords) {
        if ((pgdPhys & 0x3fff) != 0) {
            throw new IllegalArgumentException(String.format("pgd at %#x, expected 16 KiB alignment", pgdPhys));
        }
        UserPageTables t = new UserPageTables(pgdPhys, swapper, vmallocSeq);
        int from = 2 * USER_PTRS_PER_PGD;
        for (int i = from; i < Math.min(L1_WORDS, from + copyWords); i++) {
            t.l1[i] = swapper.l1(i);
        }
        return t;
    }

    /** A count of the writes to these tables, so a reader can tell an unchanged table from a changed one. */
    public long generation() {
        return generation;
    }

    /** The generation of the last write to a first-level word. */
    long l1Generation() {
        return l1Generation;
    }

    /** The generation of the last write to a first-level word at or above {@code TASK_SIZE}. */
    long kernelGeneration() {
        return kernelGeneration;
    }

    /**
     * The user addresses of the PTE slots that may have changed in generations ({@code since}, now]
     * (every slot of a pgd whose first-level word was written), or null when that is unknown (the
     * journal no longer reaches back).
     */
    long[] ptesWrittenSince(long since) {
        long[] entries = journalSince(since);
        if (entries == null) {
            return null;
        }
        long[] out = new long[entries.length];
        int m = 0;
        long lastPgd = -1;
        for (long va : entries) {
            if (va == KERNEL_L1) {
                continue;
            }
            if (va >= 0) {
                if (m == out.length) {
                    out = java.util.Arrays.copyOf(out, 2 * m + 1);
                }
                out[m++] = va;
                continue;
            }
            long pgd = -2 - va;
            if (pgd == lastPgd) {
                // the other word of the pmd pair: its slots are listed already
                continue;
            }
            lastPgd = pgd;
            if (m + 512 > out.length) {
                out = java.util.Arrays.copyOf(out, Math.max(2 * out.length, m + 512));
            }
            for (int i = 0; i < 512; i++) {
                out[m++] = (pgd << 21) | ((long) i << 12);
            }
        }
        return m == out.length ? out : java.util.Arrays.copyOf(out, m);
    }

    /**
     * The journal of generations ({@code since}, now] without the kernel half's first-level writes:
     * a PTE slot's user address ({@code >= 0}), or {@code -2 - pgd} for a first-level write of
     * user pgd {@code pgd} (its 512 slots may all have changed); null when the journal no longer
     * reaches back. {@link #ptesWrittenSince} with each pgd's slots left for the reader to list.
     */
    long[] userWritesSince(long since) {
        long[] entries = journalSince(since);
        if (entries == null) {
            return null;
        }
        int m = 0;
        for (long va : entries) {
            if (va != KERNEL_L1) {
                entries[m++] = va;
            }
        }
        return m == entries.length ? entries : java.util.Arrays.copyOf(entries, m);
    }

    /**
     * The pgds of the user half whose first-level words were written in generations
     * ({@code since}, now], or null when the journal no longer reaches back.
     */
    int[] userPgdsWrittenSince(long since) {
        long[] entries = journalSince(since);
        if (entries == null) {
            return null;
        }
        int[] out = new int[entries.length];
        int m = 0;
        for (long va : entries) {
            if (va < 0 && va != KERNEL_L1) {
                out[m++] = (int) (-2 - va);
            }
        }
        return java.util.Arrays.copyOf(out, m);
    }

    /** The journal's entries of generations ({@code since}, now], oldest first; null when it no longer reaches back. */
    private long[] journalSince(long since) {
        long n = generation - since;
        if (n < 0 || n > JOURNAL) {
            return null;
        }
        long[] out = new long[(int) n];
        for (int k = 0; k < n; k++) {
            out[k] = journal[(int) ((since + 1 + k) % JOURNAL)];
        }
        return out;
    }

    private void wroteL1(int index) {
        generation++;
        l1Generation = generation;
        if (index >= 2 * USER_PTRS_PER_PGD) {
            kernelGeneration = generation;
            journal[(int) (generation % JOURNAL)] = KERNEL_L1;
        } else {
            journal[(int) (generation % JOURNAL)] = -2L - (index >>> 1);
        }
    }

    private void wrotePte(long va) {
        generation++;
        journal[(int) (generation % JOURNAL)] = va;
    }

    /** The first-level table's physical address: what TTBR0 holds while this mm runs. */
    public long pgdPhys() {
        return pgdPhys;
    }

    /** First-level word {@code index} (0..4095). */
    public int l1(int index) {
        return l1[index];
    }

    /** The {@code context.vmalloc_seq} this mm's kernel half was last synchronised at. */
    public int vmallocSeq() {
        return vmallocSeq;
    }

    /**
     * {@code __check_vmalloc_seq} (arch/arm/mm/ioremap.c): copy the pgd entries of
     * [VMALLOC_START, VMALLOC_END) from swapper and take its sequence number.
     */
    void syncVmalloc(long vmallocStart, long vmallocEnd, int seq) {
        int from = Pgtable2Level.pgdIndex(vmallocStart) * 2;
        wroteL1(from);
        int to = Pgtable2Level.pgdIndex((vmallocEnd + (1L << 21) - 1) & -(1L << 21)) * 2;
        for (int i = from; i < to; i++) {
            l1[i] = swapper.l1(i);
        }
        vmallocSeq = seq;
    }

    /** {@code copy_pmd} of {@code do_translation_fault}: both words of {@code va}'s pmd from swapper. */
    void copyPmd(long va, boolean bothWords) {
        int i = Pgtable2Level.pgdIndex(va) * 2;
        wroteL1(i);
        l1[i] = swapper.l1(i);
        if (bothWords) {
            l1[i + 1] = swapper.l1(i + 1);
        }
    }

    // ---------------------------------------------------------------- PTE pages

    /**
     * Whether {@code va}'s pmd is empty ({@code pmd_none}): the folded pmd is the first word of
     * the pgd pair (arch/arm/include/asm/pgtable-2level-types.h), so only that word is read.
     */
    public boolean pmdNone(long va) {
        int i = Pgtable2Level.pgdIndex(va) * 2;
        return l1[i] == 0;
    }

    /** {@code pmd_populate}: {@code va}'s pmd points at the (zeroed) PTE page at {@code pfn}. */
    void populate(long va, long pfn) {
        int i = Pgtable2Level.pgdIndex(va) * 2;
        wroteL1(i);
        int value = (int) ((pfn << 12) + Pgtable2Level.PTE_HWTABLE_OFF) | PAGE_USER_TABLE;
        l1[i] = value;
        l1[i + 1] = value + 256 * 4;
        ptePages.put(pfn, new int[Pgtable2Level.PTE_PAGE_WORDS]);
        lastTablePfn = -1;
    }

    /** The frame of the PTE page under {@code va}'s pmd, or -1. */
    public long ptePfn(long va) {
        if (va >= UserLayoutConfig.TASK_SIZE) {
            return -1;
        }
        int pmd = l1[Pgtable2Level.pgdIndex(va) * 2];
        return (pmd & 3) == Pgtable2Level.PMD_TYPE_TABLE ? Integer.toUnsignedLong(pmd) >>> 12 : -1;
    }

    private int[] page(long va) {
        long pfn = ptePfn(va);
        return pfn < 0 ? null : table(pfn);
    }

    /** The PTE page at frame {@code pfn}, or null: {@code ptePages.get(pfn)} without boxing on a repeat. */
    private int[] table(long pfn) {
        if (pfn == lastTablePfn) {
            return lastTable;
        }
        int[] p = ptePages.get(pfn);
        if (p != null) {
            lastTablePfn = pfn;
            lastTable = p;
        }
        return p;
    }

    /** The Linux PTE of user address {@code va}, 0 without a PTE page. */
    public int linuxPte(long va) {
        int[] p = page(va);
        return p == null ? 0 : p[Pgtable2Level.pteIndex(va)];
    }

    /** The hardware PTE of user address {@code va}, 0 without a PTE page. */
    public int hwPte(long va) {
        int[] p = page(va);
        return p == null ? 0 : p[Pgtable2Level.PTE_HWTABLE_PTRS + Pgtable2Level.pteIndex(va)];
    }

    /**
     * {@code set_pte_at} (arch/arm/mm/mmu.c): {@code set_pte_ext} with {@code PTE_EXT_NG} when the
     * PTE is a valid, young user one ({@code pte_valid_user}) below {@code TASK_SIZE}.
     */
    void setPteAt(long va, int linux, boolean dropNg) {
        wrotePte(va);
        int[] p = page(va);
        boolean validUser = (linux & Pgtable2Level.L_PTE_PRESENT) != 0 && (linux & Pgtable2Level.L_PTE_USER) != 0
                && (linux & Pgtable2Level.L_PTE_YOUNG) != 0;
        int ext = validUser && !dropNg ? Pgtable2Level.PTE_EXT_NG : 0;
        int i = Pgtable2Level.pteIndex(va);
        p[i] = linux;
        p[Pgtable2Level.PTE_HWTABLE_PTRS + i] = Pgtable2Level.hwPte(linux, ext);
    }

    /** {@code pte_clear}: both views to 0. */
    void pteClear(long va) {
        wrotePte(va);
        int[] p = page(va);
        if (p != null) {
            int i = Pgtable2Level.pteIndex(va);
            p[i] = 0;
            p[Pgtable2Level.PTE_HWTABLE_PTRS + i] = 0;
        }
    }

    /** {@code pmd_clear} and the PTE page's removal ({@code free_pte_range}); the page's frame. */
    long freePteTable(long va) {
        wroteL1(Pgtable2Level.pgdIndex(va) * 2);
        long pfn = ptePfn(va);
        if (pfn < 0) {
            return -1;
        }
        int i = Pgtable2Level.pgdIndex(va) * 2;
        l1[i] = 0;
        l1[i + 1] = 0;
        ptePages.remove(pfn);
        lastTablePfn = -1;
        return pfn;
    }

    /** The PTE pages' frames, ascending. */
    public java.util.Set<Long> ptePfns() {
        return Collections.unmodifiableSet(ptePages.keySet());
    }

    /** {@code mm_pgtables_bytes}. */
    public long pgtablesBytes() {
        return ptePages.size() * PTE_TABLE_BYTES;
    }

    /**
     * The present Linux PTEs below {@code TASK_SIZE}, by virtual address, read from the tables
     * themselves (every populated pmd of the user half, every non-zero entry).
     */
    public Map<Long, Integer> userPtes() {
        TreeMap<Long, Integer> out = new TreeMap<>();
        for (int pgd = 0; pgd < USER_PTRS_PER_PGD; pgd++) {
            int pmd = l1[pgd * 2];
            if ((pmd & 3) != Pgtable2Level.PMD_TYPE_TABLE) {
                continue;
            }
            int[] p = ptePages.get(Integer.toUnsignedLong(pmd) >>> 12);
            if (p == null) {
                continue;
            }
            for (int i = 0; i < Pgtable2Level.PTRS_PER_PTE; i++) {
                if (p[i] != 0) {
                    out.put(((long) pgd << 21) | ((long) i << 12), p[i]);
                }
            }
        }
        return out;
    }

    /** Word {@code index} of the PTE page at {@code pfn}, or 0 when there is no such page. */
    int ptePageWord(long pfn, int index) {
        // the per-step shadow reads a pgd's 512 slot pairs in a row after a first-level write:
        // the remembered page spares 1,024 boxed tree lookups
        int[] p = table(pfn);
        return p == null ? 0 : p[index];
    }

    /**
     * The words of the PTE page at {@code pfn} themselves (not a copy: the caller only reads
     * them, before the next write), or null when there is no such page.
     */
    int[] ptePageView(long pfn) {
        return table(pfn);
    }

    /** The words of the PTE page at {@code pfn} (a copy), or null. */
    public int[] ptePageWords(long pfn) {
        int[] p = ptePages.get(pfn);
        return p == null ? null : Arrays.copyOf(p, p.length);
    }

    // ---------------------------------------------------------------- the hardware's view

    /**
     * Physical memory as the table walk reads it with this mm's TTBR0: its first-level table,
     * its PTE pages, and everything else (the kernel half's PTE pages) from swapper's memory.
     */
    public PhysicalMemory memory() {
        return memory;
    }

    private int readWord(long pa) {
        long off = pa - pgdPhys;
        if (off >= 0 && off < L1_WORDS * 4) {
            return l1[(int) (off >>> 2)];
        }
        int[] p = table(pa >>> 12);
        return p != null ? p[(int) ((pa & 0xfff) >>> 2)] : kernelMemory.readWord(pa);
    }

    /**
     * The hardware walk of {@code va} with TTBCR 0 and TTBR0 = this pgd: a user access runs with
     * the user domain client ({@code DACR_UACCESS_ENABLE}), a kernel access with it off.
     */
    public Translation translate(long va, Access access, Privilege mode) {
        int dacr = mode == Privilege.USER ? Pgtable2Level.DACR_UACCESS_ENABLE : Pgtable2Level.DACR_UACCESS_DISABLE;
        return WALKER.translate(0, (int) pgdPhys, (int) swapper.pgdPhys(), dacr, va, access, mode, memory());
    }
}
