package armmm.model.report;

import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Pgtable2Level;

/**
 * The kernel's page tables in the format of the oracle's MMU probe
 * ({@code probe-mmu-1024M/probe_mmu.txt}, written by a module that reads {@code init_mm.pgd}):
 * {@code @l1}, the 4096 first-level words eight to a line, and {@code @l2}, one second-level
 * table with each non-zero entry's hardware and Linux words.
 */
public final class PagetablesReport {
    private PagetablesReport() {
    }

    /** The {@code @l1} block: a header and 512 lines {@code III: w w w w w w w w}. */
    public static String l1(KernelPageTables t) {
        StringBuilder sb = new StringBuilder(512 * 80);
        sb.append("@l1 init_mm.pgd (4096 words, 8 per line: index_hex: words)\n");
        for (int i = 0; i < 4096; i += 8) {
            sb.append(String.format("%03x:", i));
            for (int j = 0; j < 8; j++) {
                sb.append(String.format(" %08x", t.l1(i + j)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The {@code @l2} block of the first-level entry covering {@code va}: header, then
     * {@code va hw linux} for every entry where either word is non-zero. A first-level entry that
     * is not a page table gets the header alone, saying what it is.
     */
    public static String l2(KernelPageTables t, long va) {
        int index = (int) ((va >>> 20) & 0xfff);
        long base = (long) index << 20;
        int l1e = t.l1(index);
        String head = String.format("@l2 l1=%03x va=%08x l1e=%08x", index, base, l1e);
        if ((l1e & 3) != Pgtable2Level.PMD_TYPE_TABLE) {
            String kind = (l1e & 3) == 0 ? "fault" : (l1e & (1 << 18)) != 0 ? "supersection" : "section";
            return head + " (" + kind + ", no second-level table)\n";
        }
        long tablePa = Integer.toUnsignedLong(l1e & 0xfffffc00);
        StringBuilder lines = new StringBuilder();
        int nonzero = 0;
        for (int k = 0; k < 256; k++) {
            long a = base + ((long) k << 12);
            int hw = t.hwPte(a);
            int linux = t.linuxPte(a);
            if (hw != 0 || linux != 0) {
                nonzero++;
                lines.append(String.format("%08x %08x %08x%n", a, hw, linux));
            }
        }
        return head + String.format(" table_pa=%08x %s nonzero=%d (lines: va hw linux; all-zero entries omitted)%n",
                tablePa, tablePa < t.lowmemLimit() ? "lowmem" : "highmem", nonzero) + lines;
    }
}
