package armmm.model.vmalloc;

/**
 * {@code struct vmap_area} (include/linux/vmalloc.h): a busy range {@code [va_start, va_end)}
 * of the vmap address space and the {@code vm_struct} it was made for (null for an area whose
 * vm was removed, or none was attached).
 */
public final class VmapArea {
    private final long vaStart;
    private final long vaEnd;
    private VmStruct vm;
    private final boolean early;

    VmapArea(long vaStart, long vaEnd, VmStruct vm, boolean early) {
        this.vaStart = vaStart;
        this.vaEnd = vaEnd;
        this.vm = vm;
        this.early = early;
    }

    /** {@code va_start}. */
    public long vaStart() {
        return vaStart;
    }

    /** {@code va_end}. */
    public long vaEnd() {
        return vaEnd;
    }

    /** {@code va->vm}, or null. */
    public VmStruct vm() {
        return vm;
    }

    void setVm(VmStruct vm) {
        this.vm = vm;
    }

    /** True for an area imported from the early {@code vmlist} by {@code vmalloc_init}. */
    public boolean early() {
        return early;
    }

    /** {@code va_size}: bytes. */
    public long size() {
        return vaEnd - vaStart;
    }
}
