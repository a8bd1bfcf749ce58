package armmm.model.board;

/**
 * What the QEMU {@code -M virt} machine and its firmware files hand the kernel, besides RAM: the
 * device tree's size and shape and the initrd's size. These are facts of the board the oracle
 * kernel was booted on, not of the kernel, so they are board inputs with their source; another
 * QEMU version or another {@code -dtb} or initramfs changes them and nothing in the kernel.
 *
 * @param qemuDtbSize      {@code fdt_totalsize} of QEMU's own device tree: 1 MiB (hw/arm/virt.c
 *                         {@code create_fdt}: {@code vms->fdt_size = 1 MiB}); the oracle's
 *                         memblock_reserved.txt shows it reserved after the initrd
 * @param fileDtbSize      {@code fdt_totalsize} of the {@code -dtb} file the boards with
 *                         reserved-memory nodes used: 35154 bytes (the resv88M boot's
 *                         memblock_reserved.txt, 0x48000000..0x480e0951 less the initrd)
 * @param dtbUnflattenBase bytes {@code unflatten_device_tree} takes for QEMU's own one-CPU device
 *                         tree: 20752 (the memblock=debug boot's {@code __unflatten_device_tree} allocation)
 * @param dtbPerCpu        extra unflattened bytes per further CPU node: 676 (the smp2 boot's minus the one-CPU boot's)
 * @param dtbPerReserved   extra unflattened bytes per reserved-memory node: 616 (the resv88M boot's)
 * @param initrdSize       the size of the initramfs QEMU loaded: 0xd8000 bytes (every oracle boot's
 *                         memblock_reserved.txt, the initrd's page-rounded reservation)
 */
public record QemuVirt(long qemuDtbSize, long fileDtbSize, long dtbUnflattenBase, long dtbPerCpu, long dtbPerReserved,
                       long initrdSize) {

    public QemuVirt {
        if (qemuDtbSize <= 0 || fileDtbSize <= 0 || dtbUnflattenBase <= 0 || dtbPerCpu < 0 || dtbPerReserved < 0
                || initrdSize < 0) {
            throw new BoardException("--initrd", String.format("device tree sizes must be > 0 and the rest >= 0, found "
                    + "%#x %#x %d %d %d %#x", qemuDtbSize, fileDtbSize, dtbUnflattenBase, dtbPerCpu, dtbPerReserved, initrdSize));
        }
    }

    /** The QEMU board and firmware files of the oracle boots (see the parameters for each source). */
    public static QemuVirt oracle() {
        return new QemuVirt(1L << 20, 35154, 20752, 676, 616, 0xd8000L);
    }

    /** The size of the device tree a board boots with: a {@code -dtb} file, or QEMU's own. */
    public long dtbSize(boolean dtbFile) {
        return dtbFile ? fileDtbSize : qemuDtbSize;
    }
}
