package armmm.model.board;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A machine to boot: what QEMU's {@code -M virt} (or a device tree) tells the kernel, and the
 * kernel build. The kernel command line the kernel sees is {@link BuildConfig#console()} followed
 * by the user's arguments, as in every captured boot.
 *
 * @param banks      RAM banks (device-tree {@code /memory}), sorted by base
 * @param reserved   {@code /reserved-memory} nodes
 * @param cmdline    the kernel command line
 * @param cpus       number of CPUs ({@code -smp}); nr_cpu_ids
 * @param dtbFile    true when booted with a {@code -dtb} file (a board with reserved-memory nodes),
 *                   false for QEMU's own device tree
 * @param dtbSize    {@code fdt_totalsize} of the device tree, reserved by {@code setup_arch}
 * @param initrdSize the initrd's size in bytes (0: none)
 * @param build      the kernel build
 * @param qemu       the QEMU machine's device-tree and initrd facts, with their sources
 * @param dmaZoneSize the machine's {@code machine_desc.dma_zone_size} in bytes (0: none, as on
 *                   {@code -M virt}); {@code setup_dma_zone} (arch/arm/mm/init.c) makes
 *                   {@code arm_dma_limit} = PHYS_OFFSET + size - 1 of it, which caps ZONE_DMA
 */
public record Board(List<Bank> banks, List<ReservedMemory> reserved, Cmdline cmdline, int cpus,
                    boolean dtbFile, long dtbSize, long initrdSize, BuildConfig build, QemuVirt qemu,
                    long dmaZoneSize) {
    /** Where {@code -M virt} puts RAM. */
    public static final long VIRT_RAM_BASE = 0x4000_0000L;
    /** QEMU puts the initrd at most this far above the RAM base (hw/arm/boot.c). */
    public static final long INITRD_MAX_OFFSET = 128L << 20;
    /** {@code CONFIG_NR_CPUS} of the build. */
    public static final int NR_CPUS = 8;

    public Board {
        if (banks.isEmpty()) {
            throw new BoardException("--ram", "a board needs at least one RAM bank");
        }
        List<Bank> sorted = new ArrayList<>(banks);
        sorted.sort(Comparator.comparingLong(Bank::base));
        banks = List.copyOf(sorted);
        reserved = List.copyOf(reserved);
        if (cpus < 1 || cpus > NR_CPUS) {
            throw new BoardException("--cpus", "expected 1.." + NR_CPUS + " (CONFIG_NR_CPUS), found " + cpus);
        }
        if (dtbSize <= 0 || initrdSize < 0) {
            throw new BoardException("--initrd", String.format("device tree size must be > 0 and initrd size >= 0, found %#x, %#x", dtbSize, initrdSize));
        }
        // arm_dma_limit is a 32-bit phys_addr_t (non-LPAE): PHYS_OFFSET + size - 1 must fit
        long physOffset = banks.get(0).base() & ~((128L << 20) - 1);
        if (dmaZoneSize < 0 || dmaZoneSize % BuildConfig.PAGE_SIZE != 0 || physOffset + dmaZoneSize > 1L << 32) {
            throw new BoardException("--dma-zone-size", String.format(
                    "expected a whole number of pages with PHYS_OFFSET + size <= 4G (PHYS_OFFSET %#x), found %#x",
                    physOffset, dmaZoneSize));
        }
    }

    /** QEMU {@code -M virt -m ram}: one bank at 0x40000000, QEMU's own device tree, the captured initrd. */
    public static Board virt(long ram) {
        return of(List.of(new Bank(VIRT_RAM_BASE, ram)), List.of(), "", 1);
    }

    /**
     * A board from the {@code boot} options: banks, reserved-memory nodes (any makes it a
     * {@code -dtb} board), the user's command-line arguments and the CPU count.
     */
    public static Board of(List<Bank> banks, List<ReservedMemory> reserved, String args, int cpus) {
        BuildConfig build = BuildConfig.armmp();
        QemuVirt qemu = QemuVirt.oracle();
        boolean file = !reserved.isEmpty();
        return new Board(banks, reserved, Cmdline.parse(commandLine(build, args)), cpus, file,
                qemu.dtbSize(file), qemu.initrdSize(), build, qemu, 0);
    }

    /** Parses the {@code boot} options; {@code ram} is used when there are no {@code memory} banks. */
    public static Board fromOptions(String ram, List<String> memory, List<String> reserve, String args, int cpus) {
        List<Bank> banks = new ArrayList<>();
        for (String m : memory) {
            String[] p = m.split(":", -1);
            if (p.length != 2) {
                throw new BoardException("--memory", "expected BASE:SIZE, found '" + m + "'");
            }
            banks.add(new Bank(Memparse.strict("--memory", p[0]), Memparse.strict("--memory", p[1])));
        }
        if (ram != null && !banks.isEmpty()) {
            throw new BoardException("--ram", "give either --ram or --memory, not both");
        }
        if (banks.isEmpty()) {
            banks.add(new Bank(VIRT_RAM_BASE, Memparse.strict("--ram", ram == null ? "1024M" : ram)));
        }
        List<ReservedMemory> res = new ArrayList<>();
        for (String r : reserve) {
            res.add(ReservedMemory.parse(r));
        }
        return of(banks, res, args == null ? "" : args, cpus);
    }

    private static String commandLine(BuildConfig build, String args) {
        String a = args == null ? "" : args.trim();
        return a.isEmpty() ? build.console() : build.console() + " " + a;
    }

    /** The same board with {@code n} CPUs. */
    public Board withCpus(int n) {
        return new Board(banks, reserved, cmdline, n, dtbFile, dtbSize, initrdSize, build, qemu, dmaZoneSize);
    }

    /** The same board with the user's command-line arguments {@code args}. */
    public Board withArgs(String args) {
        return new Board(banks, reserved, Cmdline.parse(commandLine(build, args)), cpus, dtbFile, dtbSize, initrdSize, build,
                qemu, dmaZoneSize);
    }

    /** The same board with another initrd size. */
    public Board withInitrdSize(long size) {
        return new Board(banks, reserved, cmdline, cpus, dtbFile, dtbSize, size, build, qemu, dmaZoneSize);
    }

    /** The same board with another build. */
    public Board withBuild(BuildConfig b) {
        return new Board(banks, reserved, cmdline, cpus, dtbFile, dtbSize, initrdSize, b, qemu, dmaZoneSize);
    }

    /**
     * The same machine with {@code machine_desc.dma_zone_size} = {@code size} (0: none), as ARM32
     * machines whose devices reach only the low part of RAM declare it (CONFIG_ZONE_DMA).
     */
    public Board withDmaZoneSize(long size) {
        return new Board(banks, reserved, cmdline, cpus, dtbFile, dtbSize, initrdSize, build, qemu, size);
    }

    /**
     * {@code arm_dma_limit} ({@code setup_dma_zone}, arch/arm/mm/init.c): PHYS_OFFSET +
     * dma_zone_size - 1 when the machine has a DMA zone size, else 0xffffffff.
     */
    public long armDmaLimit() {
        return dmaZoneSize == 0 ? 0xffff_ffffL : physOffset() + dmaZoneSize - 1;
    }

    /** {@code arm_dma_pfn_limit}: {@link #armDmaLimit()} >> PAGE_SHIFT. */
    public long armDmaPfnLimit() {
        return armDmaLimit() >>> BuildConfig.PAGE_SHIFT;
    }

    /**
     * {@code MAX_DMA_ADDRESS} (arch/arm/include/asm/dma.h), a kernel virtual address: PAGE_OFFSET +
     * dma_zone_size when the machine has one below 4G - PAGE_OFFSET, else 0xffffffff.
     */
    public long maxDmaAddress() {
        return dmaZoneSize != 0 && dmaZoneSize < (1L << 32) - build.pageOffset()
                ? build.pageOffset() + dmaZoneSize : 0xffff_ffffL;
    }

    /** The option that described the RAM: {@code --ram} for the plain virt board, else {@code --memory}. */
    public String ramOption() {
        return banks.size() == 1 && banks.get(0).base() == VIRT_RAM_BASE ? "--ram" : "--memory";
    }

    /** Total RAM QEMU was given (its {@code ram_size}). */
    public long ramSize() {
        return banks.stream().mapToLong(Bank::size).sum();
    }

    /** The loader's base: the lowest bank (QEMU's {@code loader_start}). */
    public long loaderStart() {
        return banks.get(0).base();
    }

    /**
     * PHYS_OFFSET: the decompressor runs the kernel at its load address rounded down to 128 MiB
     * ({@code AUTO_ZRELADDR}, arch/arm/boot/compressed/head.S), and the p2v patching uses it.
     */
    public long physOffset() {
        return loaderStart() & ~((128L << 20) - 1);
    }

    /** Where QEMU loads the initrd: loader_start + min(ram_size / 2, 128 MiB) (hw/arm/boot.c). */
    public long initrdStart() {
        return loaderStart() + Math.min(ramSize() / 2, INITRD_MAX_OFFSET);
    }

    /** Where QEMU puts the device tree: right after the initrd, 4 KiB aligned. */
    public long dtbStart() {
        return (initrdStart() + initrdSize + BuildConfig.PAGE_SIZE - 1) & -BuildConfig.PAGE_SIZE;
    }
}
