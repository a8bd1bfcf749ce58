package armmm.model.layout;

import armmm.model.board.BuildConfig;
import armmm.model.core.Bugs;
import armmm.model.core.LinearMap;
import armmm.model.core.Result;
import armmm.model.memblock.Region;
import java.util.List;

/**
 * The ARM32 kernel virtual layout after boot (arch/arm/include/asm/memory.h, pgtable.h,
 * highmem.h, fixmap.h; arch/arm/mm/mmu.c {@code adjust_lowmem_bounds}) and the address
 * conversions that depend on it.
 *
 * <p>Conversions come in two kinds. {@link #linearVirt}/{@link #linearPhys} are the kernel's
 * {@code __phys_to_virt}/{@code __virt_to_phys}: the p2v-patched linear offset, applied to any
 * value without a check, as the kernel does. {@link #pa}/{@link #va}, {@link #pfnToPage},
 * {@link #pageToPfn} return a {@link Result.Refused} ("not a lowmem address", ...) for input the
 * kernel would only accept by mistake (what CONFIG_DEBUG_VIRTUAL would warn about).
 *
 * @param pageOffset     {@code PAGE_OFFSET}
 * @param physOffset     {@code PHYS_OFFSET}
 * @param lowmemLimit    {@code arm_lowmem_limit}: one past the last lowmem physical byte
 * @param vmallocSize    {@code vmalloc_size} after {@code early_vmalloc}'s clamps
 * @param memMap         {@code mem_map}'s virtual address (a {@code struct page *})
 * @param structPageSize {@code sizeof(struct page)}
 * @param pageblockPages {@code pageblock_nr_pages} (pfn_valid's granule)
 * @param kernelStart    virtual {@code _stext}
 * @param textEnd        virtual {@code _etext}
 * @param initBegin      virtual {@code __init_begin}
 * @param initEnd        virtual {@code __init_end}
 * @param dataStart      virtual {@code _sdata}
 * @param dataEnd        virtual {@code _edata}
 * @param kernelEnd      virtual {@code _end} (bss ends there)
 * @param memory         memblock.memory after boot (pfn_valid reads it)
 * @param bugs           the seeded bugs planted in this kernel; the layout runs its {@link LayoutBug}s
 */
public record Layout(long pageOffset, long physOffset, long lowmemLimit, long vmallocSize, long memMap,
                     int structPageSize, long pageblockPages, long kernelStart, long textEnd, long initBegin,
                     long initEnd, long dataStart, long dataEnd, long kernelEnd, List<Region> memory,
                     Bugs bugs) implements LinearMap {
    /** {@code VMALLOC_END}. */
    public static final long VMALLOC_END = 0xff80_0000L;
    /** {@code VMALLOC_OFFSET}: the 8 MiB hole that catches stray accesses past lowmem. */
    public static final long VMALLOC_OFFSET = 8L << 20;
    /** {@code PMD_SIZE} with two-level tables: 2 MiB. */
    public static final long PMD_SIZE = 2L << 20;
    /** {@code SECTION_SIZE}: 1 MiB. */
    public static final long SECTION_SIZE = 1L << 20;
    /** {@code LAST_PKMAP} (PTRS_PER_PTE). */
    public static final long LAST_PKMAP = 512;
    /** {@code FIXADDR_START} (arch/arm/include/asm/fixmap.h). */
    public static final long FIXADDR_START = 0xffc8_0000L;
    /** {@code FIXADDR_END}. */
    public static final long FIXADDR_END = 0xfff0_0000L;
    /** The high vectors page, {@code 0xffff0000}. */
    public static final long VECTORS_BASE = 0xffff_0000L;
    /** {@code PAGE_SIZE}. */
    public static final long PAGE_SIZE = BuildConfig.PAGE_SIZE;
    private static final long MASK32 = 0xffff_ffffL;

    public Layout {
        memory = List.copyOf(memory);
        java.util.Objects.requireNonNull(bugs, "bugs");
        if (lowmemLimit < physOffset) {
            throw new IllegalArgumentException(String.format("lowmem limit %#x below PHYS_OFFSET %#x", lowmemLimit, physOffset));
        }
    }

    /** {@code high_memory}: the virtual address just past lowmem, {@code __va(arm_lowmem_limit - 1) + 1}. */
    public long highMemory() {
        return (linearVirt(lowmemLimit - 1) + 1) & MASK32;
    }

    /** {@code VMALLOC_START}: high_memory + 8 MiB, aligned to 8 MiB. */
    public long vmallocStart() {
        long gap = bugs.has(LayoutBug.LAYOUT_NO_VMALLOC_GAP) ? VMALLOC_OFFSET - 1 : VMALLOC_OFFSET;
        return (highMemory() + gap) & ~(VMALLOC_OFFSET - 1);
    }

    /** {@code VMALLOC_END}. */
    public long vmallocEnd() {
        return VMALLOC_END;
    }

    /** {@code VmallocTotal} of /proc/meminfo, in bytes: VMALLOC_END - VMALLOC_START. */
    public long vmallocTotal() {
        return VMALLOC_END - vmallocStart();
    }

    /** {@code PKMAP_BASE}: PAGE_OFFSET - PMD_SIZE. */
    public long pkmapBase() {
        return bugs.has(LayoutBug.LAYOUT_PKMAP_OVER_LOWMEM) ? pageOffset : pageOffset - PMD_SIZE;
    }

    /** One past the pkmap area: PKMAP_BASE + LAST_PKMAP pages. */
    public long pkmapEnd() {
        return pkmapBase() + LAST_PKMAP * PAGE_SIZE;
    }

    /** {@code MODULES_VADDR}: PAGE_OFFSET - 16 MiB. */
    public long modulesVaddr() {
        return pageOffset - (16L << 20);
    }

    /** {@code MODULES_END}: PAGE_OFFSET - PMD_SIZE with HIGHMEM (pkmap takes the rest). */
    public long modulesEnd() {
        return pageOffset - PMD_SIZE;
    }

    /** {@code ARCH_PFN_OFFSET} (PHYS_PFN_OFFSET). */
    public long archPfnOffset() {
        return physOffset >>> 12;
    }

    /** {@code max_low_pfn}: the first pfn above lowmem. */
    public long maxLowPfn() {
        return lowmemLimit >>> 12;
    }

    /** {@code __phys_to_virt}: the linear offset, unchecked, truncated to 32 bits. */
    public long linearVirt(long phys) {
        return (phys - physOffset + pageOffset) & MASK32;
    }

    /** {@code __virt_to_phys}: the linear offset, unchecked, truncated to 32 bits. */
    public long linearPhys(long virt) {
        return (virt - pageOffset + physOffset) & MASK32;
    }

    /** True when {@code virt} lies in the linear map of lowmem: [PAGE_OFFSET, high_memory). */
    public boolean isLowmemVirt(long virt) {
        return virt >= pageOffset && virt < highMemory();
    }

    /** True when {@code phys} is lowmem: [PHYS_OFFSET, arm_lowmem_limit). */
    public boolean isLowmemPhys(long phys) {
        return phys >= physOffset && phys < lowmemLimit;
    }

    /** {@code __pa(virt)}; refused ("not a lowmem address") outside [PAGE_OFFSET, high_memory). */
    public Result pa(long virt) {
        if (!isLowmemVirt(virt)) {
            return Result.refused(String.format("__pa(%#x): not a lowmem address", virt));
        }
        return Result.of(linearPhys(virt));
    }

    /** {@code __va(phys)}; refused ("not lowmem") outside [PHYS_OFFSET, arm_lowmem_limit). */
    public Result va(long phys) {
        if (!isLowmemPhys(phys)) {
            return Result.refused(String.format("__va(%#x): not lowmem", phys));
        }
        return Result.of(linearVirt(phys));
    }

    /**
     * {@code pfn_valid} (arch/arm/mm/init.c): the pfn's pageblock overlaps memblock.memory, since
     * the memory map is only freed at pageblock granularity.
     */
    public boolean pfnValid(long pfn) {
        if (pfn < 0 || pfn > (MASK32 >>> 12)) {
            return false;
        }
        long block = pageblockPages * PAGE_SIZE;
        long base = (pfn << 12) & -block;
        long end = base + block;
        for (Region r : memory) {
            if (r.base() < end && base < r.end()) {
                return true;
            }
        }
        return false;
    }

    /** {@code virt_addr_valid}: in [PAGE_OFFSET, high_memory) and its pfn valid. */
    public boolean virtAddrValid(long virt) {
        return isLowmemVirt(virt) && pfnValid(linearPhys(virt) >>> 12);
    }

    /** {@code pfn_to_page} (FLATMEM): mem_map + (pfn - ARCH_PFN_OFFSET); refused for an invalid pfn. */
    public Result pfnToPage(long pfn) {
        if (!pfnValid(pfn) || pfn < archPfnOffset()) {
            return Result.refused(String.format("pfn_to_page(%#x): pfn not valid", pfn));
        }
        return Result.of((memMap + (pfn - archPfnOffset()) * structPageSize) & MASK32);
    }

    /** {@code page_to_pfn} (FLATMEM); refused when {@code page} is not a struct page in mem_map. */
    public Result pageToPfn(long page) {
        long off = page - memMap;
        if (off < 0 || off % structPageSize != 0) {
            return Result.refused(String.format("page_to_pfn(%#x): not a struct page in mem_map", page));
        }
        long pfn = off / structPageSize + archPfnOffset();
        if (!pfnValid(pfn)) {
            return Result.refused(String.format("page_to_pfn(%#x): pfn %#x not valid", page, pfn));
        }
        return Result.of(pfn);
    }

    /** {@code page_address} of an unmapped page: its linear address in lowmem, 0 (NULL) for highmem. */
    public long pageAddress(long pfn) {
        long phys = pfn << 12;
        return isLowmemPhys(phys) ? linearVirt(phys) : 0;
    }
}
