package armmm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.boot.EarlyAllocation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.SwapperPgDir;
import armmm.model.mmu.Translation;
import armmm.model.mmu.PagetablesReport;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The model's {@code swapper_pg_dir} against the real kernel's, read by the probe module after
 * boot on a 1 GiB board (oracle/kernel/probe-mmu-1024M/probe_mmu.txt): the 4096 first-level
 * words, the second-level tables boot made (word for word, their physical addresses included),
 * and the hardware's own translations (ATS1CPR/CPW/CUR/CUW) of the addresses boot mapped.
 *
 * <p>The kernel's table was read after userspace had run and the probe module had loaded. Of the
 * ten first-level words that differ, eight are second-level tables the model does not have:
 * {@code pte_alloc_kernel} took them from the buddy allocator after boot, for the module area (the
 * probe itself), vmalloc/ioremap, the PCI I/O window's {@code pci_remap_iospace} and a vmalloc
 * area at the top of the range. The other two, l1[0xf08] and l1[0xf09], are the table of the IRQ
 * stack that {@code init_irq_stacks} vmallocs during start_kernel (arch/arm/kernel/irq.c,
 * CONFIG_VMAP_STACK), which the model does make: its PTEs are the kernel's, word for word, and
 * only the table's page differs (the model's 0x41803000, the kernel's 0x41914000), because the
 * real buddy allocator had already served start_kernel's earlier lowmem allocations (slab caches
 * and the rest between mm_init and init_IRQ) that the model's boot does not make. The test names
 * each difference and insists that nothing else differs.
 */
class PagetableConformanceTest {
    private static final String BOARD = "probe-mmu-1024M";

    /** The board the probe booted: QEMU virt, 1 GiB, one CPU, an initramfs of 1228K (dmesg: "Freeing initrd memory: 1228K"). */
    static BootedSystem probeBoard() {
        String dmesg = OracleFiles.read(BOARD, "dmesg.txt");
        Matcher m = Pattern.compile("Freeing initrd memory: (\\d+)K").matcher(dmesg);
        assertThat(m.find()).isTrue();
        long initrd = Long.parseLong(m.group(1)) << 10;
        String cmdline = OracleFiles.read(BOARD, "cmdline.txt").trim().replaceFirst("^console=ttyAMA0\\s*", "");
        Board board = Board.virt(1024L << 20).withInitrdSize(initrd).withArgs(cmdline);
        return Kernel.boot(board).booted().orElseThrow();
    }

    /** The whole kernel booted on the probe's board: swapper_pg_dir after every subsystem's boot (vmalloc's IRQ stacks included). */
    static KernelPageTables probeKernelTables() {
        String dmesg = OracleFiles.read(BOARD, "dmesg.txt");
        Matcher m = Pattern.compile("Freeing initrd memory: (\\d+)K").matcher(dmesg);
        assertThat(m.find()).isTrue();
        String cmdline = OracleFiles.read(BOARD, "cmdline.txt").trim().replaceFirst("^console=ttyAMA0\\s*", "");
        Board board = Board.virt(1024L << 20).withInitrdSize(Long.parseLong(m.group(1)) << 10).withArgs(cmdline);
        return Kernel.boot(board).state(KernelPageTables.class);
    }

    static String probe() {
        return OracleFiles.read(BOARD, "probe_mmu.txt");
    }

    static int[] oracleL1() {
        int[] words = new int[4096];
        boolean in = false;
        int n = 0;
        for (String line : probe().split("\n")) {
            if (line.startsWith("@l1 ")) {
                in = true;
                continue;
            }
            if (in && line.startsWith("@")) {
                break;
            }
            if (in) {
                String[] p = line.split("[: ]+");
                int index = Integer.parseInt(p[0], 16);
                for (int j = 0; j < 8; j++) {
                    words[index + j] = (int) Long.parseLong(p[1 + j], 16);
                }
                n++;
            }
        }
        assertThat(n).isEqualTo(512);
        return words;
    }

    /** Each {@code @l2} block of the probe, by first-level index, as text (header and lines). */
    static Map<Integer, String> oracleL2() {
        Map<Integer, String> blocks = new LinkedHashMap<>();
        StringBuilder cur = null;
        int index = -1;
        for (String line : probe().split("\n")) {
            if (line.startsWith("@")) {
                if (cur != null) {
                    blocks.put(index, cur.toString());
                    cur = null;
                }
                if (line.startsWith("@l2 ")) {
                    index = Integer.parseInt(line.substring(7, 10), 16);
                    cur = new StringBuilder(line).append('\n');
                }
                continue;
            }
            if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        return blocks;
    }

    @Test
    void theFirstLevelTableEqualsTheKernelsBootWords() {
        BootedSystem boot = probeBoard();
        KernelPageTables model = probeKernelTables();
        int[] kernel = oracleL1();
        assertThat(model.pgdPhys()).isEqualTo(0x40204000L); // "init_mm.pgd=c0204000 ... pgd_pa=40204000"
        Set<Long> bootPages = new java.util.HashSet<>();
        for (EarlyAllocation a : boot.allocations()) {
            bootPages.add(a.address() & -4096L);
        }
        TreeMap<Integer, String> runtime = new TreeMap<>();
        TreeMap<Integer, String> elsewhere = new TreeMap<>();
        int equal = 0;
        for (int i = 0; i < 4096; i++) {
            if (model.l1(i) == kernel[i]) {
                equal++;
                continue;
            }
            assertThat(kernel[i] & 3).as("l1[%03x] is a page table", i).isEqualTo(1);
            long va = (long) i << 20;
            assertThat(va >= 0xbf000000L && va < 0xbfe00000L || va >= 0xf0800000L && va < 0xff800000L)
                    .as("l1[%03x] in the module or vmalloc area", i).isTrue();
            assertThat(bootPages).as("l1[%03x]'s table is not a memblock allocation", i)
                    .doesNotContain(Integer.toUnsignedLong(kernel[i]) & -4096L);
            if (model.l1(i) != 0) {
                // the same table word (type, domain 0) pointing at another page: init_irq_stacks' table
                assertThat(model.l1(i) & 0x3ff).as("l1[%03x] low bits", i).isEqualTo(kernel[i] & 0x3ff);
                elsewhere.put(i, String.format("%08x/%08x", model.l1(i), kernel[i]));
                continue;
            }
            // a PTE table the kernel allocated after boot, which the booted model has not populated
            runtime.put(i, String.format("%08x", kernel[i]));
        }
        assertThat(runtime.keySet()).containsExactly(0xbf0, 0xbf1, 0xf0a, 0xf0b, 0xfee, 0xfef, 0xff6, 0xff7);
        // the IRQ stack's table: the model's buddy page 0x41803, the kernel's 0x41914 (+0x800, +0xc00: the two hardware tables)
        assertThat(elsewhere).containsExactly(Map.entry(0xf08, "41803811/41914811"), Map.entry(0xf09, "41803c11/41914c11"));
        assertThat(equal).isEqualTo(4086);
    }

    /**
     * l1[0xf08]'s table after boot holds init_irq_stacks' stack: one THREAD_SIZE (8 KiB) stack per
     * possible CPU (nr_cpu_ids 1 on the probe's board) at VMALLOC_START, two pages with PAGE_KERNEL:
     * Linux 0x65f (L_PTE_PRESENT | YOUNG | MT_WRITEALLOC | DIRTY | XN | SHARED), hardware 0x45f
     * (cpu_v7_set_pte_ext: small page, XN, B, C, TEX 001, AP 01, S). The kernel's block has these two
     * lines among 172 (its other 170 entries are drivers' ioremaps and the vmallocs of userspace);
     * the model's has exactly these two, and its header differs only in the table's address.
     */
    @Test
    void theIrqStackTableHoldsTheKernelsPtesAtAnotherBuddyPage() {
        String kernel = oracleL2().get(0xf08);
        String model = PagetablesReport.l2(probeKernelTables(), 0xf0800000L);
        List<String> modelLines = model.lines().toList();
        List<String> kernelLines = kernel.lines().toList();
        assertThat(modelLines.subList(1, modelLines.size()))
                .containsExactly("f0800000 7e80045f 7e80065f", "f0801000 7e80145f 7e80165f");
        assertThat(kernelLines).contains("f0800000 7e80045f 7e80065f", "f0801000 7e80145f 7e80165f");
        assertThat(kernelLines.get(0)).isEqualTo(
                "@l2 l1=f08 va=f0800000 l1e=41914811 table_pa=41914800 lowmem nonzero=172 (lines: va hw linux; all-zero entries omitted)");
        assertThat(modelLines.get(0)).isEqualTo(
                "@l2 l1=f08 va=f0800000 l1e=41803811 table_pa=41803800 lowmem nonzero=2 (lines: va hw linux; all-zero entries omitted)");
    }

    @Test
    void theSecondLevelTablesBootMadeEqualTheKernelsWordForWord() {
        KernelPageTables model = SwapperPgDir.build(probeBoard(), Set.of());
        Map<Integer, String> kernel = oracleL2();
        List<Integer> compared = new ArrayList<>();
        for (Map.Entry<Integer, String> e : kernel.entrySet()) {
            int index = e.getKey();
            if (model.l1(index) == 0) {
                continue; // a runtime table (see the first-level test)
            }
            assertThat(PagetablesReport.l2(model, (long) index << 20)).as("@l2 l1=%03x", index).isEqualTo(e.getValue());
            compared.add(index);
        }
        // pkmap (bfe, bff), fixmap (ffc, ffd), vectors and stubs (ffe, fff)
        assertThat(compared).containsExactly(0xbfe, 0xbff, 0xffc, 0xffd, 0xffe, 0xfff);
    }

    @Test
    void theWalkerAgreesWithTheHardwaresTranslationsOfBootsMappings() {
        KernelPageTables model = SwapperPgDir.build(probeBoard(), Set.of());
        int[] kernel = oracleL1();
        Pattern ats = Pattern.compile("^ats (.+?)\\s+va=([0-9a-f]{8}) PR=(.*?) PW=(.*?) UR=(.*?) UW=(.*)$");
        int checked = 0;
        List<String> names = new ArrayList<>();
        for (String line : probe().split("\n")) {
            Matcher m = ats.matcher(line);
            if (!m.matches() || m.group(1).startsWith("user") || m.group(1).contains("+uacc")) {
                continue; // user addresses walk the process's TTBR0 table, not init_mm's
            }
            long va = Long.parseLong(m.group(2), 16);
            int i = (int) (va >>> 20);
            if (model.l1(i) != kernel[i] || isRuntimeProbeMapping(m.group(1))) {
                continue;
            }
            names.add(m.group(1));
            String[] par = {m.group(3), m.group(4), m.group(5), m.group(6)};
            Access[] acc = {Access.READ, Access.WRITE, Access.READ, Access.WRITE};
            Privilege[] mode = {Privilege.KERNEL, Privilege.KERNEL, Privilege.USER, Privilege.USER};
            for (int k = 0; k < 4; k++) {
                Translation t = model.translate(va, acc[k], mode[k]);
                assertThat(render(t, va)).as("%s %s", m.group(1), k).isEqualTo(expected(par[k]));
                checked++;
            }
        }
        assertThat(names).containsExactly("PAGE_OFFSET", "swapper_pg_dir", "_text", "init_mm(data)", "kmalloc64",
                "high_memory-4K", "high_memory", "PKMAP_BASE", "fixmap(after kunmap)", "FIXADDR_START", "0xff800000",
                "vectors(0xffff0000)", "stubs(0xffff1000)", "0xfffff000");
        assertThat(checked).isEqualTo(4 * 14);
    }

    /** The probe's own pkmap and kmap_local mappings, made and removed at run time. */
    private static boolean isRuntimeProbeMapping(String name) {
        return name.startsWith("pkmap(") || name.startsWith("fixmap(kmap_local)");
    }

    /** What the probe's PAR line says: {@code pa=XXXXXXXX} page, or {@code fs=NN}. */
    private static String expected(String par) {
        Matcher ok = Pattern.compile("\\(pa=([0-9a-f]{8})\\)").matcher(par);
        if (ok.find()) {
            return "pa " + ok.group(1);
        }
        Matcher f = Pattern.compile("\\(F fs=([0-9a-f]{2})\\)").matcher(par);
        assertThat(f.find()).as(par).isTrue();
        return "fs " + f.group(1);
    }

    private static String render(Translation t, long va) {
        if (t instanceof Translation.Mapped m) {
            return String.format("pa %08x", m.pa());
        }
        return String.format("fs %02x", ((Translation.Fault) t).fs());
    }

    @Test
    void bootPrintsTheTablesInTheProbesFormat() {
        armmm.cli.Cli.Run r = armmm.cli.Cli.run("boot", "--ram", "1024M", "--initrd-size", "1228K", "--cmdline", "armmm=probe:mmu=1",
                "--print", "l1", "--print", "l2", "0xffff0000");
        assertThat(r.exit()).isZero();
        List<String> printed = r.out().lines().toList();
        List<String> kernel = probe().lines().toList();
        int l1 = kernel.indexOf(kernel.stream().filter(l -> l.startsWith("@l1 ")).findFirst().orElseThrow());
        assertThat(printed.get(0)).isEqualTo(kernel.get(l1));
        int differing = 0;
        for (int i = 1; i <= 512; i++) {
            if (!printed.get(i).equals(kernel.get(l1 + i))) {
                differing++; // the four lines holding the ten differing words: runtime tables (bf0, f08's f0a/f0b, fe8, ff0) and the IRQ stack's table at another page (f08)
                assertThat(printed.get(i)).startsWith(kernel.get(l1 + i).substring(0, 4));
            }
        }
        assertThat(differing).isEqualTo(4);
        assertThat(String.join("\n", printed.subList(513, printed.size())) + "\n").isEqualTo(oracleL2().get(0xfff));
    }
}
