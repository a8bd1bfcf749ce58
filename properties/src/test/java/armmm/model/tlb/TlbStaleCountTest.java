package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * {@link Tlbs#staleFlushed()}: the entries a completed TLB operation removed that no longer agreed
 * with the tables they were walked from. An entry stays until an operation that hits it completes
 * at a {@code dsb} (ARMv7-A ARM B3.10.1 and B3.10.5: a TLBIMVA hits only its page, TLBIALL the
 * whole TLB, the IS forms every CPU of the Inner Shareable domain). With {@link TlbBug#MUNMAP_NO_FLUSH}
 * (munmap without {@code unmap_region}'s {@code tlb_finish_mmu} flush, mm/mmap.c) the unmapped
 * page's entry stays, stale: that is the entry counted when another flush reaches it, and an entry
 * still agreeing with its tables (a user page still mapped, the linear map's section) is never counted.
 */
class TlbStaleCountTest {

    private static final long RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final long ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private static long value(Result r) {
        return ((Result.Value) r).value();
    }

    @Test
    void onlyTheEntryTheTablesNoLongerBackIsCountedWhenAFlushRemovesIt() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.of(TlbBug.MUNMAP_NO_FLUSH));
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, 0x2000, RW, ANON, 0)));
        k.apply(new MmOp.Touch(m, a, Access.WRITE, 0));
        k.apply(new MmOp.Touch(m, a + 0x1000, Access.WRITE, 0));
        k.apply(new TlbOp.AccessVa(a, Access.READ, 0));
        k.apply(new TlbOp.AccessVa(a + 0x1000, Access.READ, 0));
        k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 0));
        assertThat(t.tlb(0).entries()).hasSize(3);
        assertThat(t.staleFlushed()).isZero();

        k.apply(new MmOp.Munmap(m, a, 0x1000, 0));
        assertThat(t.tlb(0).entries()).as("the planted munmap flushed nothing").hasSize(3);
        assertThat(t.staleFlushed()).isZero();

        // flush_tlb_page of the page still mapped: its entry goes, not stale; the stale one stays
        k.apply(new TlbOp.Helper("flush_tlb_page", TlbOp.Helper.Kind.PAGE, m, a + 0x1000, 0, 0));
        assertThat(t.tlb(0).entries()).hasSize(2);
        assertThat(t.staleFlushed()).isZero();

        // local_flush_tlb_all (TLBIALL, this CPU): the stale user entry counts, the section does not
        k.apply(new TlbOp.Helper("local_flush_tlb_all", TlbOp.Helper.Kind.LOCAL_ALL, 0, 0, 0, 0));
        assertThat(t.tlb(0).entries()).isEmpty();
        assertThat(t.staleFlushed()).isEqualTo(1);

        // again through the Inner Shareable path: flush_tlb_all (TLBIALLIS) from CPU 1
        long b = value(k.apply(new MmOp.Mmap(m, 0, 0x1000, RW, ANON, 0)));
        k.apply(new MmOp.Touch(m, b, Access.WRITE, 0));
        k.apply(new TlbOp.AccessVa(b, Access.READ, 0));
        k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 0));
        k.apply(new MmOp.Munmap(m, b, 0x1000, 0));
        assertThat(t.tlb(0).entries()).hasSize(2);
        k.apply(new TlbOp.Helper("flush_tlb_all", TlbOp.Helper.Kind.ALL, 0, 0, 0, 1));
        assertThat(t.tlb(0).entries()).isEmpty();
        assertThat(t.staleFlushed()).isEqualTo(2);
    }
}
