package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.tlb.TlbOp;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * {@code translate ... cpu=N} walks what CPU N's TTBR0 points at ({@code cpu_switch_mm},
 * arch/arm/mm/proc-v7-2level.S): TTBCR.N is 0, so the running mm's pgd serves user and kernel
 * addresses; a CPU running no process walks {@code swapper_pg_dir}. The faults are worked from
 * the ARMv7-A ARM B3.12 (short-descriptor fault status: 0x05 section translation, 0x0B page
 * domain, 0x0F page permission) and the registers Linux loads: DACR 0x51 in the kernel
 * (CPU_SW_DOMAIN_PAN), 0x55 in user mode (arch/arm/kernel/entry-header.S
 * {@code restore_user_regs}, {@code uaccess_enable}).
 */
class TranslateOnCpuTest {
    private static final long PROT_RW = 0x1 | 0x2;               // PROT_READ | PROT_WRITE
    private static final long ANON_FIXED = 0x02 | 0x20 | 0x10;   // MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
    private static final long U = 0x1000_0000L;

    /** A 2-CPU kernel whose CPU 1 runs a fresh mm with one written anonymous page at {@link #U}; that page's frame. */
    private static long[] processOnCpu1(Kernel k) {
        long mm = k.apply(new TlbOp.Exec(1)).value();
        assertThat(k.apply(new MmOp.Mmap(mm, U, 4096, PROT_RW, ANON_FIXED, 1))).isEqualTo(Result.of(U));
        long frame = k.apply(new MmOp.Touch(mm, U, Access.WRITE, 1)).value();
        return new long[] {mm, frame};
    }

    private static Result translate(Kernel k, long va, Access a, Privilege p, int cpu) {
        return k.apply(new MmuOp.Translate(va, a, p, cpu));
    }

    @Test
    void aUserAddressTranslatesOnlyOnTheCpuRunningItsMm() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20).withCpus(2), Bugs.NONE);
        long frame = processOnCpu1(k)[1];
        assertThat(translate(k, U + 0x123, Access.READ, Privilege.USER, 1)).isEqualTo(Result.of(frame + 0x123));
        assertThat(translate(k, U + 0x123, Access.WRITE, Privilege.USER, 1)).isEqualTo(Result.of(frame + 0x123));
        // CPU 0 runs no process: swapper_pg_dir's user half is empty
        assertThat(translate(k, U, Access.READ, Privilege.USER, 0)).isEqualTo(new Result.Refused(
                "section translation fault",
                "Unable to handle kernel paging request at virtual address 10000000: section translation fault (fs 0x05, read)"));
        // the PTE table sits in DOMAIN_USER (1), no access under DACR 0x51; the PTE is fetched first
        assertThat(translate(k, U, Access.READ, Privilege.KERNEL, 1)).isEqualTo(new Result.Refused("page domain fault",
                "Unable to handle kernel paging request at virtual address 10000000: page domain fault (fs 0x0b, domain 1, read)"));
        // no PROT_EXEC: L_PTE_XN, so PTE_EXT_XN in the hardware entry
        assertThat(translate(k, U, Access.EXEC, Privilege.USER, 1)).isInstanceOfSatisfying(Result.Refused.class,
                r -> assertThat(r.reason()).isEqualTo("page permission fault"));
        assertThat(translate(k, U, Access.READ, Privilege.USER, 2)).isInstanceOfSatisfying(Result.Refused.class,
                r -> assertThat(r.reason()).isEqualTo("no such CPU"));
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aVmallocPmdMadeAfterThePgdWasCopiedIsMissingOnTheCpuRunningItUntilTheFaultCopiesIt() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20).withCpus(2), Bugs.NONE);
        long mm = processOnCpu1(k)[0];
        // boot's IRQ stacks end at 0xf0807000 (two THREAD_SIZE stacks + guards, THREAD_ALIGN)
        assertThat(k.apply(new armmm.model.vmalloc.VmallocOp.VmallocCall(4L << 20))).isEqualTo(Result.of(0xf0807000L));
        long va = 0xf0a07000L;   // l1 index 0xf0a: first filled by this area, after pgd_alloc copied the kernel half
        Result onSwapper = translate(k, va, Access.READ, Privilege.KERNEL, 0);
        assertThat(onSwapper).isInstanceOf(Result.Value.class);
        assertThat(translate(k, va, Access.READ, Privilege.KERNEL, 1)).isInstanceOfSatisfying(Result.Refused.class,
                r -> {
                    assertThat(r.reason()).isEqualTo("section translation fault");
                    // no oops: an access would take do_translation_fault, which copies the pmd
                    assertThat(r.report()).isEqualTo("f0a07000: section translation fault (fs 0x05, read) in this CPU's pgd,"
                            + " whose kernel half lags init_mm's (do_translation_fault would copy the pmd)");
                });
        // 0xf08's pmd (the IRQ stacks') was in the copy
        assertThat(translate(k, 0xf0807000L, Access.READ, Privilege.KERNEL, 1))
                .isEqualTo(translate(k, 0xf0807000L, Access.READ, Privilege.KERNEL, 0));
        k.apply(new MmOp.KernelTouch(mm, va));
        assertThat(translate(k, va, Access.READ, Privilege.KERNEL, 1)).isEqualTo(onSwapper);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theCpuSurvivesPrintingAndParsingAgain() {
        MmuOp.Translate call = new MmuOp.Translate(U + 0x123, Access.WRITE, Privilege.USER, 1);
        assertThat(call).hasToString("translate 0x10000123 write user cpu=1");
        assertThat(call.cpu()).isEqualTo(1);
        assertThat(new MmuOp.Translate(0xc0000000L, Access.READ, Privilege.KERNEL, 0).toString())
                .doesNotContain("cpu=");
        // the printed line, parsed again, runs on CPU 1: there the page is mapped, on CPU 0 it is not
        String body = """
                board ram=1024M cpus=2
                exec cpu=1 -> $m
                mmap $m 0x10000000 SZ_4K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED cpu=1
                touch $m 0x10000000 write cpu=1 -> $p
                """;
        RunReport on1 = Runner.run(Parser.parse("t.scn", body + call + " -> $t\nexpect $t == $p + 0x123\n"), Bugs.NONE);
        assertThat(on1.messages()).isEmpty();
        assertThat(on1.passed()).isEqualTo(1);
        String onCpu0 = new MmuOp.Translate(U + 0x123, Access.WRITE, Privilege.USER, 0).toString();
        RunReport on0 = Runner.run(Parser.parse("t.scn", body + "expect-fail " + onCpu0 + "\n"), Bugs.NONE);
        assertThat(on0.messages()).isEmpty();
        assertThat(on0.passed()).isEqualTo(1);
    }
}
