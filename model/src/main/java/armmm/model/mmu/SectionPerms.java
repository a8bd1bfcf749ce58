package armmm.model.mmu;

import armmm.model.layout.Layout;

/**
 * The kernel image's section permissions under CONFIG_STRICT_KERNEL_RWX (arch/arm/mm/init.c
 * {@code nx_perms}, {@code ro_perms}, {@code set_section_perms}, {@code fix_kernmem_perms},
 * {@code mark_rodata_ro}, {@code set_kernel_text_rw}, {@code set_kernel_text_ro}). Ranges that are
 * not section aligned are skipped, as the kernel skips them with a warning.
 */
public final class SectionPerms {
    private final Layout layout;
    private boolean kernelSetToReadonly;

    /** The permissions of the kernel image laid out as {@code layout} says. */
    public SectionPerms(Layout layout) {
        this.layout = layout;
    }

    /** {@code fix_kernmem_perms}: XN on everything before _stext, on init and on rodata. */
    public void fixKernmemPerms(KernelPageTables t) {
        long rodata = (layout.textEnd() + Layout.SECTION_SIZE - 1) & -Layout.SECTION_SIZE; // __start_rodata_section_aligned
        apply(t, layout.pageOffset(), layout.kernelStart(), Pgtable2Level.PMD_SECT_XN, Pgtable2Level.PMD_SECT_XN);
        apply(t, layout.initBegin(), layout.dataStart(), Pgtable2Level.PMD_SECT_XN, Pgtable2Level.PMD_SECT_XN);
        apply(t, rodata, layout.initBegin(), Pgtable2Level.PMD_SECT_XN, Pgtable2Level.PMD_SECT_XN);
    }

    /** {@code mark_rodata_ro}: text and rodata read-only (APX with AP_WRITE: privileged read-only). */
    public void markRodataRo(KernelPageTables t) {
        kernelSetToReadonly = true;
        textRo(t, true);
    }

    /** {@code set_kernel_text_rw} (text patching): does nothing before {@code mark_rodata_ro}. */
    public void setKernelTextRw(KernelPageTables t) {
        if (kernelSetToReadonly) {
            textRo(t, false);
        }
    }

    /** {@code set_kernel_text_ro}. */
    public void setKernelTextRo(KernelPageTables t) {
        if (kernelSetToReadonly) {
            textRo(t, true);
        }
    }

    /** ro_perms: mask off APX and AP_WRITE, then set both (read-only) or AP_WRITE alone (read-write). */
    private void textRo(KernelPageTables t, boolean set) {
        int mask = Pgtable2Level.PMD_SECT_APX | Pgtable2Level.PMD_SECT_AP_WRITE;
        apply(t, layout.kernelStart(), layout.initBegin(), mask, set ? mask : Pgtable2Level.PMD_SECT_AP_WRITE);
    }

    private static void apply(KernelPageTables t, long start, long end, int clear, int set) {
        if (((start | end) & (Layout.SECTION_SIZE - 1)) != 0) {
            return;
        }
        for (long va = start; va < end; va += Layout.SECTION_SIZE) {
            t.updateSection(va, clear, set);
        }
    }
}
