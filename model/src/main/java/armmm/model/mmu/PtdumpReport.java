package armmm.model.mmu;

import armmm.model.layout.Layout;

/**
 * {@code print pagetables [VA [VA_END]]}: init_mm's tables as ARM's ptdump prints them
 * (arch/arm/mm/dump.c {@code ptdump_walk_pgd}; this build has CONFIG_ARM_PTDUMP_CORE for
 * {@code ptdump_check_wx}, not the debugfs file, so the text is the one that file would show).
 *
 * <p>The walk is dump.c's on the folded two-level tables: per 2 MiB pgd entry the even first-level
 * word is the pmd ({@code walk_pmd}); when it is empty or a section it is one note at level 4
 * ({@code "PGD"}: CONFIG_PGTABLE_LEVELS is 2), otherwise its 512 Linux PTEs are notes at level 5
 * ({@code "PTE"}, the L_PTE_* bits, not the hardware entry); an odd word holding a section is a
 * note of its own at the second megabyte. A note's protection is the value masked with its
 * level's bits ({@code ptdump_initialize}); a run ends where the protection, level or domain
 * changes or a marker starts, and is printed only when its protection is not zero. The domain is
 * {@code get_domain_name} of the pmd word; the attribute words are {@code pte_bits[]} and
 * {@code section_bits[]} (ARMv6+ AP encoding) in their order, each a set or clear text.
 */
public final class PtdumpReport {
    /** {@code section_bits[]}: PMD_SECT_APX | PMD_SECT_AP_READ | PMD_SECT_AP_WRITE, PMD_SECT_XN, PMD_SECT_S. */
    static final int SECTION_MASK = 1 << 15 | 1 << 11 | 1 << 10 | 1 << 4 | 1 << 16;
    /** {@code pte_bits[]}: L_PTE_USER, L_PTE_RDONLY, L_PTE_XN, L_PTE_SHARED, L_PTE_MT_MASK. */
    static final int PTE_MASK = 1 << 8 | 1 << 7 | 1 << 9 | 1 << 10 | 0xf << 2;
    private static final int LEVEL_PMD = 4;
    private static final int LEVEL_PTE = 5;
    /** FDT_FIXED_BASE + ... : dump.c's {@code address_markers[]} without KASAN, VMALLOC_START filled in. */
    private static final String[] MARKER_NAMES = {"Modules", "Kernel Mapping", "vmalloc() Area", "FDT Area",
        "Fixmap Area", "Vectors", "Vectors End"};
    /** {@code get_domain_name}: DOMAIN_KERNEL 0, DOMAIN_USER 1, DOMAIN_IO 2, DOMAIN_VECTORS 3 (asm/domain.h, no CONFIG_IO_36). */
    private static final String[] DOMAINS = {"KERNEL ", "USER   ", "IO     ", "VECTORS"};

    private PtdumpReport() {
    }

    /** The kernel's part, from MODULES_VADDR (0xbf000000: init_mm has nothing below) to the top. */
    public static String render(KernelPageTables t, Layout l) {
        return render(t, l, l.modulesVaddr(), 0x1_0000_0000L);
    }

    /**
     * The notes in [start, end), page aligned: a run is clipped to the range, and a marker header
     * is printed when its address lies in the range (the first area's header also before the
     * range, as dump.c prints it at its first note).
     */
    public static String render(KernelPageTables t, Layout l, long start, long end) {
        long[] markers = {l.modulesVaddr(), l.pageOffset(), l.vmallocStart(), SwapperPgDir.FDT_FIXED_BASE,
            Layout.FIXADDR_START, Layout.VECTORS_BASE, Layout.VECTORS_BASE + 2 * 4096};
        State st = new State(markers, start & -4096L, end);
        for (long pgd = st.start >>> 21; pgd < 2048 && pgd << 21 < end; pgd++) {
            long addr = pgd << 21;
            int pmd = t.l1((int) (pgd << 1));
            String domain = domain(pmd);
            if (pmd == 0 || (pmd & 2) != 0) {
                st.note(addr, LEVEL_PMD, pmd & SECTION_MASK, domain);
            } else {
                for (int i = 0; i < 512; i++) {
                    st.note(addr + i * 4096L, LEVEL_PTE, t.linuxPte(addr + i * 4096L) & PTE_MASK, domain);
                }
            }
            int odd = t.l1((int) (pgd << 1) + 1);
            if ((odd & 2) != 0) {
                st.note(addr + (1 << 20), LEVEL_PMD, odd & SECTION_MASK, domain(odd));
            }
        }
        st.finish();
        return st.out.toString();
    }

    private static String domain(int pmd) {
        int d = (pmd >>> 5) & 0xf;
        return d < DOMAINS.length ? DOMAINS[d] : "unknown";
    }

    /** dump.c's {@code struct pg_state} and {@code note_page}, clipped to [start, end). */
    private static final class State {
        final StringBuilder out = new StringBuilder();
        final long[] markers;
        final long start;
        final long end;
        int marker;
        int level;
        int prot;
        String domain;
        long runStart;

        State(long[] markers, long start, long end) {
            this.markers = markers;
            this.start = start;
            this.end = end;
            while (marker + 1 < markers.length && markers[marker + 1] <= start) {
                marker++;
            }
            // the area's header when it begins inside the range (dump.c prints the first one at its first note)
            if (start < end && markers[marker] >= start) {
                header();
            }
        }

        /** A note before the range only sets the run the range opens with. */
        void note(long addr, int lvl, int p, String dom) {
            if (addr >= end) {
                return;
            }
            boolean crossing = marker + 1 < markers.length && addr >= markers[marker + 1];
            if (addr > start && level != 0) {
                if (p == prot && lvl == level && dom.equals(domain) && !crossing) {
                    return;
                }
                flush(addr);
                if (crossing) {
                    marker++;
                    header();
                }
            }
            runStart = Math.max(addr, start);
            level = lvl;
            prot = p;
            domain = dom;
        }

        void finish() {
            if (level != 0) {
                flush(Math.min(end, 0x1_0000_0000L));
            }
        }

        private void header() {
            out.append("---[ ").append(MARKER_NAMES[marker]).append(" ]---\n");
        }

        /** The run [runStart, to) as note_page prints it, when its protection is not zero. */
        private void flush(long to) {
            if (prot == 0 || to <= runStart) {
                return;
            }
            long delta = (to - runStart) >>> 10;
            String units = "KMGTPE";
            int unit = 0;
            while ((delta & 1023) == 0 && unit + 1 < units.length()) {
                delta >>>= 10;
                unit++;
            }
            out.append(String.format("0x%08x-0x%08x   %9d%c %s %s", runStart, to & 0xffff_ffffL, delta,
                    units.charAt(unit), level == LEVEL_PTE ? "PTE" : "PGD", domain));
            out.append(level == LEVEL_PTE ? pteBits(prot) : sectionBits(prot)).append('\n');
        }
    }

    /** {@code pte_bits[]} in order: USR, ro/RW, NX/x, SHD, the memory type (one matches at most). */
    static String pteBits(int p) {
        StringBuilder s = new StringBuilder();
        s.append((p & 1 << 8) != 0 ? " USR" : "    ");
        s.append((p & 1 << 7) != 0 ? " ro" : " RW");
        s.append((p & 1 << 9) != 0 ? " NX" : " x ");
        s.append((p & 1 << 10) != 0 ? " SHD" : "    ");
        String type = switch ((p >>> 2) & 0xf) {
            case 0x00 -> "SO/UNCACHED";
            case 0x01 -> "MEM/BUFFERABLE/WC";
            case 0x02 -> "MEM/CACHED/WT";
            case 0x03 -> "MEM/CACHED/WBRA";
            case 0x06 -> "MEM/MINICACHE";
            case 0x07 -> "MEM/CACHED/WBWA";
            case 0x04 -> "DEV/SHARED";
            case 0x0c -> "DEV/NONSHARED";
            case 0x09 -> "DEV/WC";
            case 0x0b -> "DEV/CACHED";
            default -> null;   // L_PTE_MT_VECTORS (0x0f) and the unused codes have no entry
        };
        if (type != null) {
            s.append(' ').append(type);
        }
        return s.toString();
    }

    /** {@code section_bits[]} for ARMv6+: the APX:AP pair (no clear text), NX/x, SHD. */
    static String sectionBits(int p) {
        StringBuilder s = new StringBuilder();
        String ap = switch ((p >>> 15 & 1) << 2 | (p >>> 10 & 3)) {
            case 0b101 -> "    ro";   // APX | AP_WRITE
            case 0b001 -> "    RW";   // AP_WRITE
            case 0b010 -> "USR ro";   // AP_READ
            case 0b011 -> "USR RW";   // AP_READ | AP_WRITE
            default -> null;
        };
        if (ap != null) {
            s.append(' ').append(ap);
        }
        s.append((p & 1 << 4) != 0 ? " NX" : " x ");
        s.append((p & 1 << 16) != 0 ? " SHD" : "    ");
        return s.toString();
    }
}
