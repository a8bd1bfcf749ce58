package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mmu.Access;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each TLB check on a state that breaks exactly its condition, and on the allowed neighbour: an
 * entry the hardware holds is planted in one CPU's TLB as a cached walk would be (ARMv7-A ARM
 * B3.9.1 tags a non-global entry with the ASID of the walk). INV-TLB-01 (a global entry of
 * swapper_pg_dir or a current ASID's entry that no longer translates as the tables do),
 * INV-TLB-02 (nG set for user addresses below TASK_SIZE only), INV-TLB-03 (a current ASID's entry
 * walked from another mm's tables), and what a CPU with {@code tlb_flush_pending} is exempt for:
 * only its entries of ASIDs other than its CONTEXTIDR's (arch/arm/mm/context.c flushes them under
 * {@code cpu_asid_lock} before its next CONTEXTIDR write); its global entries and those of the
 * ASID it still runs on are checked, since it can use them until then.
 */
class TlbChecksStatesTest {
    private static final long SECTION = 0x100000;
    private static final long PAGE = 4096;

    private static List<String> ids(List<Violation> vs) {
        return vs.stream().map(Violation::id).toList();
    }

    @Test
    void aKernelEntryThatNoLongerTranslatesAsSwapperIsStale() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        Walk real = t.tables().walkKernel(0xc0000000L);
        t.tlb(1).fill(new TlbEntry(real, 0, -1));
        assertThat(TlbChecks.coherent(t)).isEmpty();
        t.tlb(1).fill(new TlbEntry(new Walk(0xc0100000L, SECTION, real.pa(), true, real.ap(), real.xn()), 0, -1));
        List<Violation> v = TlbChecks.coherent(t);
        assertThat(ids(v)).containsExactly(TlbChecks.COHERENT);
        assertThat(v.get(0).details()).startsWith("cpu 1 holds c0100000-c01fffff");
        // an address swapper does not map at all
        Kernel k2 = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Tlbs t2 = k2.state(Tlbs.class);
        t2.tlb(0).fill(new TlbEntry(new Walk(0xff000000L, PAGE, 0x40000000L, true, 1, true), 0, -1));
        assertThat(TlbChecks.coherent(t2)).hasSize(1);
        assertThat(TlbChecks.coherent(t2).get(0).details()).endsWith("no translation");
    }

    @Test
    void globalOnlyAboveTaskSizeAndNonGlobalOnlyBelow() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long top = ProcessTables.TASK_SIZE;
        assertThat(top).isEqualTo(0xbf000000L);
        t.tlb(0).fill(new TlbEntry(new Walk(top, PAGE, 0x40000000L, true, 1, true), 0, -1));
        t.tlb(0).fill(new TlbEntry(new Walk(top - PAGE, PAGE, 0x40000000L, false, 3, true), 1, 0));
        assertThat(TlbChecks.globalKernelOnly(t)).isEmpty();
        t.tlb(1).fill(new TlbEntry(new Walk(top - PAGE, PAGE, 0x40000000L, true, 3, true), 1, 0));
        t.tlb(1).fill(new TlbEntry(new Walk(top, PAGE, 0x40000000L, false, 1, true), 1, -1));
        List<Violation> v = TlbChecks.globalKernelOnly(t);
        assertThat(ids(v)).containsExactly(TlbChecks.GLOBAL_KERNEL_ONLY, TlbChecks.GLOBAL_KERNEL_ONLY);
        assertThat(v.get(0).reason()).isEqualTo("global user entry");
        assertThat(v.get(1).reason()).isEqualTo("non-global kernel entry");
        assertThat(v.get(0).details()).startsWith("cpu 1 holds ");
    }

    @Test
    void aCurrentAsidsEntryMustComeFromItsOwnersTables() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long m = ((Result.Value) k.apply(new TlbOp.Exec(1))).value();
        long n = ((Result.Value) k.apply(new MmOp.MmCreate(8L << 20))).value();
        long a = ((Result.Value) k.apply(new MmOp.Mmap(m, 0, 2 * PAGE, 3, 0x22))).value();
        assertThat(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 1))).isInstanceOf(Result.Value.class);
        assertThat(TlbChecks.currentOwners(t)).containsEntry(1, m).hasSize(1);
        assertThat(TlbChecks.noStaleAsid(t)).isEmpty();
        assertThat(TlbChecks.coherent(t)).isEmpty();
        Walk w = t.tlb(1).entries().get(0).walk();
        // an entry under ASID 1, but walked from n's tables: INV-TLB-03
        t.tlb(1).fill(new TlbEntry(new Walk(w.va() + PAGE, PAGE, w.pa(), false, w.ap(), w.xn()), 1, n));
        assertThat(ids(TlbChecks.noStaleAsid(t))).containsExactly(TlbChecks.NO_STALE_ASID);
        assertThat(TlbChecks.noStaleAsid(t).get(0).details()).contains("ASID 1 is mm " + m + "'s");
        // and m's tables do not map the page after a (never touched): INV-TLB-01 too
        assertThat(TlbChecks.coherent(t)).hasSize(1);
        assertThat(TlbChecks.coherent(t).get(0).details()).endsWith("no translation");
        // an ASID no mm holds in this generation answers to nobody: neither check
        Kernel k2 = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Tlbs t2 = k2.state(Tlbs.class);
        t2.tlb(0).fill(new TlbEntry(new Walk(0x10000, PAGE, 0x40000000L, false, 3, true), 5, 7));
        assertThat(TlbChecks.noStaleAsid(t2)).isEmpty();
        assertThat(TlbChecks.coherent(t2)).isEmpty();
        assertThat(TlbChecks.currentOwners(t2)).isEmpty();
        // m's own entry of a page its tables no longer give (a different frame): INV-TLB-01
        t.tlb(0).fill(new TlbEntry(new Walk(w.va(), PAGE, w.pa() + PAGE, false, w.ap(), w.xn()), 1, m));
        assertThat(ids(TlbChecks.coherent(t))).containsExactly(TlbChecks.COHERENT, TlbChecks.COHERENT);
        assertThat(TlbChecks.coherent(t).get(0).details()).startsWith("cpu 0 holds ");
    }

    @Test
    void aCpuWithAFlushPendingIsExemptOnlyForTheAsidsItDoesNotRun() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2).withArgs("armmm_asid_bits=2"), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        k.apply(new TlbOp.Exec(1));
        for (int i = 0; i < 3; i++) {
            k.apply(new TlbOp.Exec(0));
        }
        assertThat(t.asid().rollovers()).isEqualTo(1);
        assertThat(t.asid().tlbFlushPending(1)).isTrue();
        assertThat(t.asid().tlbFlushPending(0)).isFalse();
        int running = (int) (t.asid().cpu(1).contextidr() & t.asid().config().asidNumberMask());
        int other = running == 1 ? 2 : 1;
        // an entry of an ASID CPU 1 does not run: its next switch flushes before it can use it
        t.tlb(1).fill(new TlbEntry(new Walk(0x10000, PAGE, 0x40000000L, false, 3, true), other, 12345));
        assertThat(TlbChecks.coherent(t)).isEmpty();
        assertThat(TlbChecks.noStaleAsid(t)).isEmpty();
        // a global entry: CPU 1 uses it until that flush
        Walk real = t.tables().walkKernel(0xc0000000L);
        Walk wrong = new Walk(0xc0000000L, SECTION, real.pa() + SECTION, true, real.ap(), real.xn());
        t.tlb(1).fill(new TlbEntry(wrong, 0, -1));
        assertThat(TlbChecks.coherent(t)).singleElement().satisfies(v -> assertThat(v.details()).startsWith("cpu 1 holds c0000000"));
        t.tlb(1).invalidate(new Tlbi(Tlbi.Kind.TLBIMVAA, 0xc0000000L, 0, false));
        // an entry of the reserved ASID CPU 1 still runs its mm on, walked from another mm's tables
        t.tlb(1).fill(new TlbEntry(new Walk(0x20000, PAGE, 0x40000000L, false, 3, true), running, 12345));
        assertThat(ids(TlbChecks.coherent(t))).containsExactly(TlbChecks.COHERENT);
        assertThat(ids(TlbChecks.noStaleAsid(t))).containsExactly(TlbChecks.NO_STALE_ASID);
    }
}
