package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.mmu.Access;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The small value types of the address-space subsystem against the kernel's numbers: the errno
 * values (include/uapi/asm-generic/errno-base.h), the scenario's {@code PROT_*}/{@code MAP_*}
 * names (include/uapi/asm-generic/mman-common.h, mman.h, include/uapi/linux/mman.h), a VMA's
 * range rules and text, the TLB flush records' text (arch/arm/include/asm/tlbflush.h names),
 * the counting highmem hook, the calls' scenario lines, and the layout settings' bounds
 * (CONFIG_ARCH_MMAP_RND_BITS_MIN/MAX 8/16 of arch/arm/Kconfig, {@code randomize_va_space} 0..2).
 */
class MmValuesTest {
    @Test
    void errnoValuesAndResultsAreTheKernels() {
        assertThat(Errno.EPERM.code()).isEqualTo(1);
        assertThat(Errno.EBADF.code()).isEqualTo(9);
        assertThat(Errno.ENOMEM.code()).isEqualTo(12);
        assertThat(Errno.EACCES.code()).isEqualTo(13);
        assertThat(Errno.EEXIST.code()).isEqualTo(17);
        assertThat(Errno.EINVAL.code()).isEqualTo(22);
        assertThat(MmResult.ok(0xb6fff000L)).hasToString("0xb6fff000");
        assertThat(MmResult.fail(Errno.ENOMEM)).hasToString("-ENOMEM");
        assertThat(MmResult.ok(0).isOk()).isTrue();
        assertThat(MmResult.fail(Errno.EINVAL).isOk()).isFalse();
        assertThat(MmResult.fail(Errno.EINVAL).value()).isZero();
    }

    @Test
    void theScenarioNamesOfTheFlagsAreTheUapiValues() {
        assertThat(MmFlagNames.parse("PROT_NONE")).hasValue(0);
        assertThat(MmFlagNames.parse("PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM")).hasValue(0xf);
        assertThat(MmFlagNames.parse("MAP_SHARED")).hasValue(0x01);
        assertThat(MmFlagNames.parse("MAP_PRIVATE|MAP_ANONYMOUS")).hasValue(0x22);
        assertThat(MmFlagNames.parse("MAP_FIXED")).hasValue(0x10);
        assertThat(MmFlagNames.parse("MAP_NORESERVE")).hasValue(0x4000);
        assertThat(MmFlagNames.parse("MAP_FIXED_NOREPLACE")).hasValue(0x100000);
        assertThat(MmFlagNames.parse("RLIM_INFINITY")).hasValue(0xffffffffL);
        assertThat(MmFlagNames.parse("PROT_READ|")).as("an empty part").isEqualTo(OptionalLong.empty());
        assertThat(MmFlagNames.parse("")).isEmpty();
        assertThat(MmFlagNames.parse("PROT_READ|MAP_BOGUS")).isEmpty();
        assertThat(MmFlagNames.parse("prot_read")).isEmpty();
    }

    @Test
    void aVmaIsANonEmpty32BitRangeAndPrintsItsFields() {
        Vma v = new Vma(0x10000, 0x13000, 0x73, 0x10, 0);
        assertThat(v.pages()).isEqualTo(3);
        assertThat(v).hasToString("00010000-00013000 flags 0x73 pgoff 0x10");
        assertThat(new Vma(0xfffff000L, 0x100000000L, 0x5, 0xfffff, 4)).hasToString("fffff000-100000000 flags 0x5 pgoff 0xfffff shmem 4");
        assertThat(v.resize(0x11000, 0x12000)).isEqualTo(new Vma(0x11000, 0x12000, 0x73, 0x11, 0));
        assertThat(v.resize(0x10000, 0x11000).pgoff()).isEqualTo(0x10);
        assertThat(v.withFlags(0x71)).isEqualTo(new Vma(0x10000, 0x13000, 0x71, 0x10, 0));
        assertThat(new Vma(0, 1, 0, 0, 0).pages()).as("the checks, not the record, judge alignment").isZero();
        assertThatThrownBy(() -> new Vma(-1, 0x1000, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vma: found [0xffffffffffffffff, 0x1000), expected a non-empty 32-bit range");
        assertThatThrownBy(() -> new Vma(0x1000, 0x1000, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Vma(0x2000, 0x1000, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Vma(0x1000, 0x100001000L, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tlbFlushRecordsPrintTheKernelsCallAndSite() {
        assertThat(new TlbFlush(1, TlbFlush.Kind.RANGE, 0x10000, 0x12000, TlbFlush.Site.UNMAP_REGION))
                .hasToString("flush_tlb_range mm 1 [00010000, 00012000) (unmap_region)");
        assertThat(new TlbFlush(2, TlbFlush.Kind.MM, 0, 0xbf000000L, TlbFlush.Site.EXIT_MMAP))
                .hasToString("flush_tlb_mm mm 2 [00000000, bf000000) (exit_mmap)");
        assertThat(new TlbFlush(3, TlbFlush.Kind.PAGE, 0xb6fff000L, 0xb7000000L, TlbFlush.Site.WP_PAGE_COPY))
                .hasToString("flush_tlb_page mm 3 [b6fff000, b7000000) (wp_page_copy)");
    }

    /** clear_user_highpage takes one kmap_local_page for a HighMem page; copy_user_highpage one per HighMem side. */
    @Test
    void theCountingHighmemHookCountsTheKmapsAHighMemFrameTakes() {
        HighmemHook.Counting c = new HighmemHook.Counting();
        c.clearUserHighpage(0x100, false);
        c.clearUserHighpage(0x30000, true);
        c.clearUserHighpage(0x30001, true);
        assertThat(c.clears()).isEqualTo(3);
        assertThat(c.highClears()).isEqualTo(2);
        assertThat(c.highKmaps()).isEqualTo(2);
        c.copyUserHighpage(0x30002, true, 0x30003, true);
        c.copyUserHighpage(0x30004, true, 0x200, false);
        c.copyUserHighpage(0x300, false, 0x30005, true);
        c.copyUserHighpage(0x400, false, 0x500, false);
        assertThat(c.copies()).isEqualTo(4);
        assertThat(c.highKmaps()).isEqualTo(2 + 2 + 1 + 1);
        assertThat(c.highClears()).isEqualTo(2);
        assertThat(c.clears()).isEqualTo(3);
    }

    @Test
    void eachCallPrintsItsScenarioLine() {
        assertThat(new MmOp.MmCreate(8L << 20)).hasToString("mm_create 0x800000");
        assertThat(new MmOp.MmCreate(0).resultStem()).isEqualTo("m");
        assertThat(new MmOp.Mmap(1, 0, 0x2000, 3, 0x22)).hasToString("mmap 0x1 0x0 SZ_8K 0x3 0x22");
        assertThat(new MmOp.Mmap(1, 0, 0x3000, 3, 0x22, 2)).hasToString("mmap 0x1 0x0 0x3000 0x3 0x22 cpu=2");
        assertThat(new MmOp.Mmap(1, 0, 0x3000, 3, 0x22, 2).resultStem()).isEqualTo("a");
        assertThat(new MmOp.Munmap(1, 0x10000, 0x1000)).hasToString("munmap 0x1 0x10000 SZ_4K");
        assertThat(new MmOp.Munmap(1, 0x10000, 0x1000, 3)).hasToString("munmap 0x1 0x10000 SZ_4K cpu=3");
        assertThat(new MmOp.Mprotect(1, 0x10000, 0x3000, 1)).hasToString("mprotect 0x1 0x10000 0x3000 0x1");
        assertThat(new MmOp.Mprotect(1, 0x10000, 0x3000, 1, 1)).hasToString("mprotect 0x1 0x10000 0x3000 0x1 cpu=1");
        assertThat(new MmOp.Brk(2, 0x23800)).hasToString("brk 0x2 0x23800");
        assertThat(new MmOp.Brk(2, 0x23800, 1)).hasToString("brk 0x2 0x23800 cpu=1");
        assertThat(new MmOp.ExitMm(2)).hasToString("exit_mm 0x2");
        assertThat(new MmOp.ExitMm(2, 5)).hasToString("exit_mm 0x2 cpu=5");
        assertThat(new MmOp.Touch(1, 0xb6ffe000L, Access.WRITE)).hasToString("touch 0x1 0xb6ffe000 write");
        assertThat(new MmOp.Touch(1, 0xb6ffe000L, Access.EXEC, 1)).hasToString("touch 0x1 0xb6ffe000 exec cpu=1");
        assertThat(new MmOp.Fork(1)).hasToString("fork 0x1");
        assertThat(new MmOp.Fork(1, 1)).hasToString("fork 0x1 cpu=1");
        assertThat(new MmOp.Fork(1).resultStem()).isEqualTo("m");
        assertThat(new MmOp.KernelTouch(1, 0xc0000000L)).hasToString("kernel_touch 0x1 0xc0000000");
        assertThat(MmOp.SPECS).hasSize(9);
        assertThat(MmOp.SPECS.stream().map(s -> s.name()).toList()).containsExactly("mm_create", "mmap", "munmap",
                "mprotect", "brk", "exit_mm", "touch", "fork", "kernel_touch");
    }

    @Test
    void theLayoutSettingsAreBoundedAsTheKernelBoundsThem() {
        UserLayoutConfig a = UserLayoutConfig.armmp();
        assertThat(a).isEqualTo(new UserLayoutConfig(0xbf000000L, 8, 4096, 0x100000, 0x7ff, 2, false, 65530));
        assertThat(a.stackTop()).isEqualTo(0xbf000000L);
        assertThat(a.firstUserAddress()).as("FIRST_USER_ADDRESS: 2 pages").isEqualTo(0x2000);
        assertThat(a.withRandomizeVaSpace(1)).isEqualTo(new UserLayoutConfig(0xbf000000L, 8, 4096, 0x100000, 0x7ff, 1, false, 65530));
        // TASK_UNMAPPED_BASE = ALIGN(TASK_SIZE / 3, SZ_16M) of a 2 GiB split: 0x7f000000 / 3 = 0x2a555555, up to 0x2b000000
        assertThat(new UserLayoutConfig(0x7f000000L, 8, 4096, 0, 0x7ff, 2, true, 1).taskUnmappedBase()).isEqualTo(0x2b000000L);
        assertThat(new UserLayoutConfig(0x3000000L, 8, 4096, 0, 0x7ff, 2, true, 1).taskUnmappedBase())
                .as("TASK_SIZE / 3 already 16 MiB aligned").isEqualTo(0x1000000L);
        new UserLayoutConfig(0xff000000L, 16, 0, 0, 0, 0, false, 1);
        bad(() -> new UserLayoutConfig(0, 8, 0, 0, 0, 0, false, 1), "taskSize: found 0x0, expected a 16 MiB multiple below 4 GiB");
        bad(() -> new UserLayoutConfig(0x100000000L, 8, 0, 0, 0, 0, false, 1), "taskSize: found 0x100000000");
        bad(() -> new UserLayoutConfig(-0x1000000L, 8, 0, 0, 0, 0, false, 1), "taskSize: found 0xffffffffff000000");
        bad(() -> new UserLayoutConfig(0xbf800000L, 8, 0, 0, 0, 0, false, 1), "taskSize: found 0xbf800000");
        bad(() -> new UserLayoutConfig(0xbf000000L, 17, 0, 0, 0, 0, false, 1),
                "mmapRndBits: found 17, expected 8 to 16 (CONFIG_ARCH_MMAP_RND_BITS_MIN/MAX)");
        bad(() -> new UserLayoutConfig(0xbf000000L, 8, -1, 0, 0, 0, false, 1), "mmapMinAddr: found -1, expected below TASK_SIZE");
        bad(() -> new UserLayoutConfig(0xbf000000L, 8, 0xbf000000L, 0, 0, 0, false, 1), "mmapMinAddr: found 3204448256");
        new UserLayoutConfig(0xbf000000L, 8, 0xbeffffffL, 0, 0, 0, false, 1);
        bad(() -> new UserLayoutConfig(0xbf000000L, 8, 0, -4096, 0, 0, false, 1), "stackGuardGap: found -4096, expected whole pages");
        bad(() -> new UserLayoutConfig(0xbf000000L, 8, 0, 100, 0, 0, false, 1), "stackGuardGap: found 100");
        bad(() -> new UserLayoutConfig(0xbf000000L, 8, 0, 0, 0, -1, false, 1), "randomizeVaSpace: found -1, expected 0, 1 or 2");
        bad(() -> new UserLayoutConfig(0xbf000000L, 8, 0, 0, 0, 3, false, 1), "randomizeVaSpace: found 3");
        bad(() -> new UserLayoutConfig(0xbf000000L, 8, 0, 0, 0, 0, false, 0), "maxMapCount: found 0, expected at least 1");
    }

    @Test
    void execParamsAreAnRlimitAndAPageAlignedBreak() {
        assertThat(ExecParams.defaults(0x22000)).isEqualTo(new ExecParams(8L << 20, 0, 0x22000));
        new ExecParams(ExecParams.RLIM_INFINITY, 0, 0);
        new ExecParams(0, 0, 0);
        bad(() -> new ExecParams(0x100000000L, 0, 0), "rlimitStack: found 4294967296, expected 0 to RLIM_INFINITY");
        bad(() -> new ExecParams(-1, 0, 0), "rlimitStack: found -1");
        bad(() -> new ExecParams(0, 0, 0x22001), "elfBrk: found 0x22001, expected page aligned");
        bad(() -> new ExecParams(0, 0, -4096), "elfBrk: found 0xfffffffffffff000");
        assertThat(ExecParams.ADDR_NO_RANDOMIZE).isEqualTo(0x0040000);
        assertThat(ExecParams.ADDR_COMPAT_LAYOUT).isEqualTo(0x0200000);
    }

    private static void bad(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }
}
