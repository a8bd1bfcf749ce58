package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.BoardLine;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MMU calls ({@link MmuOp}) on a booted kernel (ram=24M: RAM and PHYS_OFFSET at 0x40000000,
 * one CPU), each answer worked from the kernel's rules: {@code __set_fixmap} (arch/arm/mm/mmu.c:
 * {@code BUG_ON(idx >= __end_of_fixed_addresses)}, slot {@code idx} at FIXADDR_TOP 0xffeff000
 * minus idx pages, include/asm-generic/fixmap.h {@code __fix_to_virt}), FIXMAP_PAGE_NORMAL
 * (pgprot_kernel 0x45f | L_PTE_XN = 0x65f) and FIXMAP_PAGE_IO (L_PTE_YOUNG | L_PTE_PRESENT |
 * L_PTE_XN | L_PTE_DIRTY | L_PTE_MT_DEV_SHARED | L_PTE_SHARED = 0x653, arch/arm/include/asm/fixmap.h),
 * and {@code set_kernel_text_rw}/{@code _ro} (arch/arm/mm/init.c) after {@code mark_rodata_ro}.
 */
class MmuCallsTest {

    private static Kernel boot() {
        return Kernel.boot(BoardLine.parse(Map.of("ram", "24M")), Bugs.NONE);
    }

    private static Result translate(Kernel k, long va, Access a, int cpu) {
        return k.apply(new MmuOp.Translate(va, a, Privilege.KERNEL, cpu));
    }

    @Test
    void aFixmapSlotMapsItsFrameUntilCleared() {
        Kernel k = boot();
        KernelPageTables t = k.state(KernelPageTables.class);
        assertThat(k.apply(new MmuOp.SetFixmap(0, 0x40300123L))).isEqualTo(Result.of(0xffeff123L));
        assertThat(t.linuxPte(0xffeff000L)).isEqualTo(0x4030065f);
        assertThat(translate(k, 0xffeff123L, Access.READ, 0)).isEqualTo(Result.of(0x40300123L));
        assertThat(translate(k, 0xffeff123L, Access.WRITE, 0)).isEqualTo(Result.of(0x40300123L));
        assertThat(k.check()).isEmpty();
        assertThat(k.apply(new MmuOp.ClearFixmap(0))).isEqualTo(Result.VOID);
        // slot 0 sits in the pmd pair 0xffe/0xfff whose table devicemaps_init allocated for the
        // vectors with DOMAIN_VECTORS (3): probe_mmu.txt reads l1[ffe] = 6fffd861, domain bits 8:5 = 3
        assertThat(t.linuxPte(0xffeff000L)).isZero();
        assertThat(translate(k, 0xffeff123L, Access.READ, 0)).isEqualTo(new Result.Refused("page translation fault",
                "Unable to handle kernel paging request at virtual address ffeff123: page translation fault (fs 0x07, domain 3, read)"));
        assertThat(k.check()).isEmpty();
    }

    @Test
    void anIoSlotIsDeviceMemoryAndNeverExecutable() {
        Kernel k = boot();
        KernelPageTables t = k.state(KernelPageTables.class);
        // FIX_TEXT_POKE0 = 130: 0xffeff000 - 130 * 4096
        assertThat(k.apply(new MmuOp.SetFixmapIo(130, 0x08000abcL))).isEqualTo(Result.of(0xffe7dabcL));
        assertThat(t.linuxPte(0xffe7d000L)).isEqualTo(0x08000653);
        assertThat(translate(k, 0xffe7d010L, Access.WRITE, 0)).isEqualTo(Result.of(0x08000010L));
        assertThat(translate(k, 0xffe7d010L, Access.EXEC, 0)).isInstanceOfSatisfying(Result.Refused.class,
                r -> assertThat(r.reason()).isEqualTo("page permission fault"));
        assertThat(k.check()).isEmpty();
    }

    @Test
    void slotsOutsideTheEnumAreTheKernelsBugAndChangeNothing() {
        Kernel k = boot();
        KernelPageTables t = k.state(KernelPageTables.class);
        Result.Refused bug131 = new Result.Refused("kernel BUG",
                "kernel BUG at arch/arm/mm/mmu.c: fixmap index 131 >= __end_of_fixed_addresses");
        assertThat(k.apply(new MmuOp.SetFixmap(131, 0x40000000L))).isEqualTo(bug131);
        assertThat(k.apply(new MmuOp.SetFixmapIo(131, 0x08000000L))).isEqualTo(bug131);
        assertThat(k.apply(new MmuOp.ClearFixmap(131))).isEqualTo(bug131);
        assertThat(k.apply(new MmuOp.ClearFixmap(-1))).isEqualTo(new Result.Refused("kernel BUG",
                "kernel BUG at arch/arm/mm/mmu.c: fixmap index -1 >= __end_of_fixed_addresses"));
        assertThat(k.apply(new MmuOp.SetFixmap(-1, 0x40000000L))).isInstanceOf(Result.Refused.class);
        // the last slot, 130, is valid
        assertThat(k.apply(new MmuOp.SetFixmap(130, 0x40301000L))).isEqualTo(Result.of(0xffe7d000L));
        assertThat(k.apply(new MmuOp.SetFixmap(1, 0x1_0000_0000L)))
                .isEqualTo(Result.refused("phys_addr_t is 32 bits: 0x100000000"));
        assertThat(k.apply(new MmuOp.SetFixmapIo(1, -4096L))).isInstanceOf(Result.Refused.class);
        assertThat(t.linuxPte(Fixmap.fixToVirt(1))).isZero();
        assertThat(k.apply(new MmuOp.SetFixmap(1, 0xffff_f000L))).isEqualTo(Result.of(0xffefe000L));
        // phys_addr_t's own bounds, 0 and 0xffffffff, are addresses
        assertThat(k.apply(new MmuOp.SetFixmap(1, 0))).isEqualTo(Result.of(0xffefe000L));
        assertThat(k.apply(new MmuOp.SetFixmapIo(2, 0xffff_ffffL))).isEqualTo(Result.of(0xffefdfffL));
    }

    /** The calls' scenario names are the kernel functions'. */
    @Test
    void theCallsAreNamedAfterTheKernelFunctions() {
        assertThat(new MmuOp.Translate(0, Access.READ, Privilege.KERNEL, 0).name()).isEqualTo("translate");
        assertThat(new MmuOp.SetFixmap(0, 0).name()).isEqualTo("set_fixmap");
        assertThat(new MmuOp.SetFixmapIo(0, 0).name()).isEqualTo("set_fixmap_io");
        assertThat(new MmuOp.ClearFixmap(0).name()).isEqualTo("clear_fixmap");
        assertThat(new MmuOp.SetKernelTextRw().name()).isEqualTo("set_kernel_text_rw");
        assertThat(new MmuOp.SetKernelTextRo().name()).isEqualTo("set_kernel_text_ro");
        assertThat(MmuSubsystem.INSTANCE.name()).isEqualTo("mmu");
        assertThat(MmuSubsystem.INSTANCE.calls()).extracting(c -> c.name()).containsExactly("translate", "set_fixmap",
                "set_fixmap_io", "clear_fixmap", "set_kernel_text_rw", "set_kernel_text_ro");
        assertThat(MmuSubsystem.INSTANCE.invariants()).extracting(i -> i.id())
                .containsExactly("INV-MMU-01", "INV-MMU-02", "INV-MMU-03", "INV-MMU-04");
        assertThat(MmuSubsystem.INSTANCE.bugs()).hasSize(5);
    }

    @Test
    void translateRefusesAMissingCpuAndAnAddressBeyond32Bits() {
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("ram", "24M", "cpus", "2")), Bugs.NONE);
        assertThat(translate(k, 0xc0000000L, Access.READ, 1)).isEqualTo(Result.of(0x40000000L));
        assertThat(translate(k, 0xc0000000L, Access.READ, 2))
                .isEqualTo(new Result.Refused("no such CPU", "no such CPU 2 (nr_cpu_ids 2)"));
        assertThat(translate(k, 0xc0000000L, Access.READ, -1))
                .isEqualTo(new Result.Refused("no such CPU", "no such CPU -1 (nr_cpu_ids 2)"));
        assertThat(translate(k, 0x1_0000_0000L, Access.READ, 0)).isEqualTo(Result.refused("not a 32-bit virtual address"));
        assertThat(translate(k, -1L, Access.READ, 0)).isEqualTo(Result.refused("not a 32-bit virtual address"));
        // address 0 is a 32-bit address: below TASK_SIZE, nothing mapped in init_mm, a section translation fault
        assertThat(translate(k, 0, Access.READ, 0)).isInstanceOfSatisfying(Result.Refused.class,
                r -> assertThat(r.reason()).isEqualTo("section translation fault"));
        assertThat(translate(k, 0xffff_ffffL, Access.READ, 0)).isInstanceOf(Result.Refused.class)
                .isNotEqualTo(Result.refused("not a 32-bit virtual address"));
    }

    /** Text is read-only after mark_rodata_ro; set_kernel_text_rw makes it writable, set_kernel_text_ro again read-only. */
    @Test
    void kernelTextFlipsBetweenReadOnlyAndWritable() {
        Kernel k = boot();
        long stext = k.booted().orElseThrow().layout().kernelStart();
        long pa = stext - 0xc0000000L + 0x40000000L;
        assertThat(translate(k, stext, Access.READ, 0)).isEqualTo(Result.of(pa));
        assertThat(translate(k, stext, Access.WRITE, 0)).isInstanceOfSatisfying(Result.Refused.class,
                r -> assertThat(r.reason()).isEqualTo("section permission fault"));
        assertThat(k.apply(new MmuOp.SetKernelTextRw())).isEqualTo(Result.VOID);
        assertThat(translate(k, stext, Access.WRITE, 0)).isEqualTo(Result.of(pa));
        assertThat(k.check()).isEmpty();
        assertThat(k.apply(new MmuOp.SetKernelTextRo())).isEqualTo(Result.VOID);
        assertThat(translate(k, stext, Access.WRITE, 0)).isInstanceOf(Result.Refused.class);
        assertThat(translate(k, stext, Access.EXEC, 0)).isEqualTo(Result.of(pa));
        assertThat(k.check()).isEmpty();
    }

    /** set_kernel_text_rw before mark_rodata_ro (kernel_set_to_readonly still 0) changes nothing. */
    @Test
    void textPermissionsBeforeMarkRodataRoAreLeftAlone() {
        Kernel k = boot();
        KernelPageTables t = k.state(KernelPageTables.class);
        var l = k.booted().orElseThrow().layout();
        SectionPerms fresh = new SectionPerms(l);
        int i = (int) (l.kernelStart() >>> 20);
        int before = t.l1(i);
        fresh.setKernelTextRw(t);
        assertThat(t.l1(i)).isEqualTo(before);
        fresh.markRodataRo(t);
        assertThat(t.l1(i)).isEqualTo(before);
        fresh.setKernelTextRw(t);
        // ro_perms: APX (bit 15) cleared, AP_WRITE (bit 10) kept
        assertThat(t.l1(i)).isEqualTo(before & ~(1 << 15) | 1 << 10);
    }

    @Test
    void aKernelWithoutABoardHasNoTables() {
        Kernel k = Kernel.bare();
        assertThat(k.apply(new MmuOp.SetFixmap(0, 0))).isEqualTo(MmuOp.NO_TABLES);
        assertThat(k.apply(new MmuOp.SetFixmapIo(0, 0))).isEqualTo(MmuOp.NO_TABLES);
        assertThat(k.apply(new MmuOp.ClearFixmap(0))).isEqualTo(MmuOp.NO_TABLES);
        assertThat(k.apply(new MmuOp.SetKernelTextRw())).isEqualTo(MmuOp.NO_TABLES);
        assertThat(k.apply(new MmuOp.SetKernelTextRo())).isEqualTo(MmuOp.NO_TABLES);
        assertThat(k.apply(new MmuOp.Translate(0xc0000000L, Access.READ, Privilege.KERNEL, 0))).isEqualTo(MmuOp.NO_TABLES);
        assertThat(MmuChecks.fullScan(k)).isEmpty();
    }
}
