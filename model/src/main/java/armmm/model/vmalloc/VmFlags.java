package armmm.model.vmalloc;

/**
 * The {@code vm_struct.flags} bits: include/linux/vmalloc.h ({@code VM_IOREMAP} ...) and ARM's
 * own in arch/arm/mm/mm.h ({@code VM_ARM_*}).
 */
public final class VmFlags {
    /** {@code VM_IOREMAP}: ioremap() and friends. */
    public static final long VM_IOREMAP = 0x1;
    /** {@code VM_ALLOC}: vmalloc(). */
    public static final long VM_ALLOC = 0x2;
    /** {@code VM_MAP}: vmap()ed pages. */
    public static final long VM_MAP = 0x4;
    /** {@code VM_USERMAP}: may be mapped to user space (vmalloc_user). */
    public static final long VM_USERMAP = 0x8;
    /** {@code VM_DMA_COHERENT}: dma_alloc_coherent's remap. */
    public static final long VM_DMA_COHERENT = 0x10;
    /** {@code VM_UNINITIALIZED}: set while __vmalloc_node_range fills the area. */
    public static final long VM_UNINITIALIZED = 0x20;
    /** {@code VM_NO_GUARD}: no guard page after the area. */
    public static final long VM_NO_GUARD = 0x40;
    /** {@code VM_MAP_PUT_PAGES}: vfree puts the pages and frees the array. */
    public static final long VM_MAP_PUT_PAGES = 0x200;
    /** {@code VM_ALLOW_HUGE_VMAP}: kvmalloc's fallback asks for huge mappings; ARM has no HAVE_ARCH_HUGE_VMALLOC, so it only marks the area. */
    public static final long VM_ALLOW_HUGE_VMAP = 0x400;
    /** {@code VM_ARM_EMPTY_MAPPING}: an early reservation with nothing mapped (vm_reserve_area_early). */
    public static final long VM_ARM_EMPTY_MAPPING = 0x2000_0000L;
    /** {@code VM_ARM_STATIC_MAPPING}: an iotable_init mapping. */
    public static final long VM_ARM_STATIC_MAPPING = 0x4000_0000L;
    /** {@code VM_ARM_SECTION_MAPPING}. */
    public static final long VM_ARM_SECTION_MAPPING = 0x8000_0000L;
    /** {@code MT_MEMORY_DMA_READY} (arch/arm/include/asm/mach/map.h), the type of the CMA remap. */
    public static final int MT_MEMORY_DMA_READY = 11;

    private VmFlags() {
    }

    /** {@code VM_ARM_MTYPE(mt)}. */
    public static long vmArmMtype(int mt) {
        return ((long) mt) << 20;
    }

    /** The words /proc/vmallocinfo prints for {@code flags} ({@code s_show}), each with a leading space. */
    public static String procWords(long flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & VM_IOREMAP) != 0) {
            s.append(" ioremap");
        }
        if ((flags & VM_ALLOC) != 0) {
            s.append(" vmalloc");
        }
        if ((flags & VM_MAP) != 0) {
            s.append(" vmap");
        }
        if ((flags & VM_USERMAP) != 0) {
            s.append(" user");
        }
        if ((flags & VM_DMA_COHERENT) != 0) {
            s.append(" dma-coherent");
        }
        return s.toString();
    }
}
