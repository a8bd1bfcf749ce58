package armmm.model.page;

import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.core.KernelAddr;
import armmm.model.core.Pfn;
import armmm.model.core.PhysAddr;

/**
 * Where mem_map and the linear map sit, for {@code pfn_to_page}, {@code page_to_pfn},
 * {@code page_address} and {@code virt_to_page} (FLATMEM, include/asm-generic/memory_model.h,
 * arch/arm/include/asm/memory.h).
 *
 * @param memMapVirt  kernel virtual address of the struct page of pfn {@code ARCH_PFN_OFFSET}
 * @param physOffset  PHYS_OFFSET; {@code ARCH_PFN_OFFSET = PHYS_OFFSET >> PAGE_SHIFT}
 * @param pageOffset  PAGE_OFFSET, the virtual address of PHYS_OFFSET
 * @param maxLowPfn   {@code max_low_pfn}: the first pfn with no linear mapping (highmem)
 * @param structPageSize {@code sizeof(struct page)}: the stride of mem_map, a build fact
 * @param bugs        the {@link armmm.model.layout.LayoutBug}s planted in these conversions: the
 *                    page allocator runs them once boot is over ({@link #running})
 */
public record MemMapLayout(long memMapVirt, long physOffset, long pageOffset, long maxLowPfn, int structPageSize,
                           armmm.model.core.Bugs bugs) {
    /** PAGE_SHIFT. */
    public static final int PAGE_SHIFT = BuildConfig.PAGE_SHIFT;

    public MemMapLayout {
        if ((physOffset & ((1L << PAGE_SHIFT) - 1)) != 0) {
            throw new IllegalArgumentException("PHYS_OFFSET must be page aligned, found 0x" + Long.toHexString(physOffset));
        }
        java.util.Objects.requireNonNull(bugs, "bugs");
    }

    /** The conversions without a planted bug. */
    public MemMapLayout(long memMapVirt, long physOffset, long pageOffset, long maxLowPfn, int structPageSize) {
        this(memMapVirt, physOffset, pageOffset, maxLowPfn, structPageSize, armmm.model.core.Bugs.NONE);
    }

    /**
     * The same conversions as the running kernel's calls use them, with the layout bugs of
     * {@code planted}: {@code __pa} and {@code page_to_pfn} run on every free and every
     * {@code page_address}, after boot.
     */
    public MemMapLayout running(armmm.model.core.Bugs planted) {
        return new MemMapLayout(memMapVirt, physOffset, pageOffset, maxLowPfn, structPageSize, planted);
    }

    /**
     * The layout of the QEMU virt board with the default build (3G/1G split, the armmp struct
     * page): mem_map at {@code memMapVirt}.
     */
    public static MemMapLayout virt(long memMapVirt, long maxLowPfn) {
        BuildConfig build = BuildConfig.armmp();
        return new MemMapLayout(memMapVirt, Board.VIRT_RAM_BASE, build.pageOffset(), maxLowPfn, build.structPageSize());
    }

    /** {@code ARCH_PFN_OFFSET}. */
    public long archPfnOffset() {
        return physOffset >>> PAGE_SHIFT;
    }

    /** {@code pfn_to_page}: the struct page pointer of {@code pfn}. */
    public long pfnToPage(long pfn) {
        return memMapVirt + (pfn - archPfnOffset()) * structPageSize;
    }

    /** {@code page_to_pfn}, or -1 when {@code page} is not the address of a struct page. */
    public long pageToPfn(long page) {
        long off = page - memMapVirt;
        if (off < 0 || off % structPageSize != 0) {
            return -1;
        }
        int stride = bugs.has(armmm.model.layout.LayoutBug.LAYOUT_PAGE_TO_PFN_WRONG_STRIDE) ? 32 : structPageSize;
        return archPfnOffset() + off / stride;
    }

    /** {@code page_address} of a lowmem pfn; 0 for highmem, as for an unmapped highmem page. */
    public long pageAddress(long pfn) {
        if (pfn >= maxLowPfn) {
            return 0;
        }
        return pageOffset + (pfn << PAGE_SHIFT) - physOffset;
    }

    /** {@code pfn_to_page}, typed: the struct page pointer (a kernel virtual address) of {@code pfn}. */
    public KernelAddr pfnToPage(Pfn pfn) {
        return new KernelAddr(pfnToPage(pfn.value()));
    }

    /** {@code page_to_pfn}, typed; null when {@code page} is not the address of a struct page. */
    public Pfn pageToPfn(KernelAddr page) {
        long pfn = pageToPfn(page.value());
        return pfn < 0 ? null : new Pfn(pfn);
    }

    /** {@code page_address}, typed; null for a highmem pfn, which has no linear mapping. */
    public KernelAddr pageAddress(Pfn pfn) {
        long virt = pageAddress(pfn.value());
        return virt == 0 ? null : new KernelAddr(virt);
    }

    /** {@code virt_to_pfn}, typed; null outside lowmem ({@code virt_addr_valid} false). */
    public Pfn virtToPfn(KernelAddr virt) {
        long pfn = virtToPfn(virt.value());
        return pfn < 0 ? null : new Pfn(pfn);
    }

    /** {@code PFN_PHYS}: the physical address of the first byte of {@code pfn}. */
    public PhysAddr pfnToPhys(Pfn pfn) {
        return new PhysAddr(pfn.value() << PAGE_SHIFT);
    }

    /** {@code virt_to_pfn} of a linear-map address, or -1 outside lowmem ({@code virt_addr_valid} false). */
    public long virtToPfn(long virt) {
        if (virt < pageOffset) {
            return -1;
        }
        long pa = virt - pageOffset + physOffset;
        if (bugs.has(armmm.model.layout.LayoutBug.LAYOUT_PA_OFF_BY_PAGE)) {
            pa += 1L << PAGE_SHIFT;
        }
        long pfn = pa >>> PAGE_SHIFT;
        return pfn < maxLowPfn ? pfn : -1;
    }
}
