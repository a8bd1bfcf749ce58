package armmm.model.vmalloc;

/**
 * {@code struct vm_struct} (include/linux/vmalloc.h): what a busy {@code vmap_area} was made
 * for. {@link #size} includes the guard page, as the kernel's does.
 */
public final class VmStruct {
    private final long addr;
    private final long size;
    private long flags;
    private final String caller;
    private long[] pages = new long[0];
    private int nrPages;
    private long physAddr;
    private long pagesArea;
    /** The frames of the {@code pages[]} array {@code vmap} was given (null for any other area). */
    private long[] vmapPages;

    /**
     * @param addr   {@code addr}
     * @param size   {@code size}, guard page included
     * @param flags  {@code flags} ({@link VmFlags})
     * @param caller what {@code %pS} of {@code caller} prints
     */
    public VmStruct(long addr, long size, long flags, String caller) {
        this.addr = addr;
        this.size = size;
        this.flags = flags;
        this.caller = caller;
    }

    /** {@code addr}. */
    public long addr() {
        return addr;
    }

    /** {@code size}, the guard page included. */
    public long size() {
        return size;
    }

    /** {@code get_vm_area_size}: the size without the guard page. */
    public long sizeWithoutGuard() {
        return (flags & VmFlags.VM_NO_GUARD) != 0 ? size : size - VmapAreas.PAGE_SIZE;
    }

    /** {@code flags}. */
    public long flags() {
        return flags;
    }

    /** Clears {@code bits} ({@code clear_vm_uninitialized_flag}). */
    void clearFlags(long bits) {
        flags &= ~bits;
    }

    /** What /proc/vmallocinfo prints as the caller. */
    public String caller() {
        return caller;
    }

    /** The pfns of {@code pages[0..nr_pages)}. */
    public long[] pagePfns() {
        return pages.clone();
    }

    /** The pfn of {@code pages[i]}, {@code i < nrPages()}. */
    public long pagePfn(int i) {
        return pages[i];
    }

    /**
     * The number of pages in the {@code pages[]} array {@code vmap(pages, count, ...)} was given, 0
     * for an area {@code vmap} did not make. mm/vmalloc.c {@code vmap}: the array stays the
     * caller's (kernel/bpf/ringbuf.c keeps {@code rb->pages}) unless VM_MAP_PUT_PAGES hands it to
     * the area as {@code area->pages}; either way it names the frame of each page of the area.
     */
    public int vmapPageCount() {
        return vmapPages == null ? 0 : vmapPages.length;
    }

    /** The pfn of the {@code i}th page {@code vmap} was given, {@code i < vmapPageCount()}. */
    public long vmapPagePfn(int i) {
        return vmapPages[i];
    }

    void setVmapPages(long[] pfns) {
        this.vmapPages = pfns;
    }

    void setPages(long[] pfns, int nr) {
        this.pages = pfns;
        this.nrPages = nr;
    }

    /** {@code nr_pages}. */
    public int nrPages() {
        return nrPages;
    }

    /** {@code phys_addr} (ioremap). */
    public long physAddr() {
        return physAddr;
    }

    void setPhysAddr(long physAddr) {
        this.physAddr = physAddr;
    }

    /** Where the {@code pages} array itself was vmalloc'ed, 0 when it came from kmalloc. */
    public long pagesArea() {
        return pagesArea;
    }

    void setPagesArea(long addr) {
        this.pagesArea = addr;
    }
}
