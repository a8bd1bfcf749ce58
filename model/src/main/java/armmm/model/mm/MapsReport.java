package armmm.model.mm;


/**
 * {@code /proc/PID/maps} of an mm (fs/proc/task_mmu.c {@code show_map_vma}): range, rwx and
 * s/p, offset, device, inode, then the name padded to the kernel's column ([heap], [stack], or
 * {@code /dev/zero (deleted)} for shared anonymous memory). The gate VMA ([vectors]) is printed
 * last, as the kernel appends it.
 */
public final class MapsReport {
    /** The column the name starts after: {@code 25 + sizeof(void *) * 6 - 1} on 32-bit. */
    private static final int NAME_PAD = 25 + 4 * 6 - 1;

    private MapsReport() {
    }

    /** The whole file; {@code vectors} adds the [vectors] line of ARM's gate VMA. */
    public static String render(MmStruct mm, boolean vectors) {
        StringBuilder out = new StringBuilder();
        for (Vma v : mm.vmas()) {
            String name = "";
            if (v.file() != 0) {
                name = "/dev/zero (deleted)";
            } else if (v.start() <= mm.brk() && v.end() >= mm.startBrk()) {
                name = "[heap]";
            } else if (v.start() <= mm.startStack() && v.end() >= mm.startStack()) {
                name = "[stack]";
            }
            // shmem's inode numbers are not modelled: the shmem id stands in for it
            line(out, v.start(), v.end(), v.flags(), v.file() == 0 ? 0 : v.pgoff() * 4096,
                    v.file() == 0 ? "00:00" : "00:01", v.file(), name);
        }
        if (vectors) {
            line(out, 0xffff0000L, 0xffff1000L, VmFlags.VM_READ | VmFlags.VM_EXEC, 0, "00:00", 0, "[vectors]");
        }
        return out.toString();
    }

    private static void line(StringBuilder out, long start, long end, long flags, long offset, String dev, long ino,
            String name) {
        StringBuilder l = new StringBuilder();
        l.append(String.format("%08x-%08x %c%c%c%c %08x %s %d ", start, end,
                (flags & VmFlags.VM_READ) != 0 ? 'r' : '-', (flags & VmFlags.VM_WRITE) != 0 ? 'w' : '-',
                (flags & VmFlags.VM_EXEC) != 0 ? 'x' : '-', (flags & VmFlags.VM_MAYSHARE) != 0 ? 's' : 'p',
                offset, dev, ino));
        if (!name.isEmpty()) {
            while (l.length() < NAME_PAD) {
                l.append(' ');
            }
            l.append(' ').append(name);
        }
        out.append(l).append('\n');
    }
}
