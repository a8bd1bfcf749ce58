package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * An access through the TLB (ARMv7-A ARM B3.9, B3.10.1): an entry that answers is used as it is,
 * stale or not, at its own offset; an entry that answers but denies the access while the tables
 * permit it is a spurious fault, which {@code handle_pte_fault} ends with
 * {@code flush_tlb_fix_spurious_fault} (include/linux/pgtable.h: {@code flush_tlb_page}) and the
 * retried walk refills; a kernel address the tables deny is an Oops, an address beyond 32 bits
 * no address at all.
 */
class TlbAccessPathTest {
    private static final long SECTION = 0x100000;

    private static Kernel boot() {
        return Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
    }

    @Test
    void anEntryThatAnswersIsUsedEvenWhenStale() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        Walk real = t.tables().walkKernel(0xc0000000L);
        assertThat(real.size()).isEqualTo(SECTION);
        // the hardware still holds an older translation of the section, to another frame
        t.tlb(1).fill(new TlbEntry(new Walk(0xc0000000L, SECTION, real.pa() + 16 * SECTION, true, real.ap(), real.xn()), 0, -1));
        Result r = k.apply(new TlbOp.AccessVa(0xc0012345L, Access.READ, 1));
        assertThat(r).isEqualTo(Result.of(real.pa() + 16 * SECTION + 0x12345));
        assertThat(t.staleHits()).isEqualTo(1);
        assertThat(t.accesses()).isEqualTo(1);
        // the other CPU walks the tables
        assertThat(k.apply(new TlbOp.AccessVa(0xc0012345L, Access.READ, 0))).isEqualTo(Result.of(real.pa() + 0x12345));
        assertThat(t.staleHits()).isEqualTo(1);
        assertThat(t.accesses()).isEqualTo(2);
        // an up-to-date hit is no stale hit
        assertThat(k.apply(new TlbOp.AccessVa(0xc00fffffL, Access.READ, 0))).isEqualTo(Result.of(real.pa() + 0xfffff));
        assertThat(t.staleHits()).isEqualTo(1);
    }

    @Test
    void anEntryDenyingWhatTheTablesPermitIsFlushedAndRefilled() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        Walk real = t.tables().walkKernel(0xc0000000L);
        assertThat(Tlbs.permits(real, Access.WRITE, false)).isTrue();
        // read-only at PL1 (APX:AP 101)
        t.tlb(0).fill(new TlbEntry(new Walk(0xc0000000L, SECTION, real.pa(), true, 5, real.xn()), 0, -1));
        long before = t.tlb(0).invalidated();
        assertThat(k.apply(new TlbOp.AccessVa(0xc0000010L, Access.WRITE, 0))).isEqualTo(Result.of(real.pa() + 0x10));
        assertThat(t.tlb(0).invalidated()).as("flush_tlb_page removed it").isEqualTo(before + 1);
        assertThat(t.tlb(0).entries()).hasSize(1);
        assertThat(t.tlb(0).entries().get(0).walk().ap()).isEqualTo(real.ap());
        assertThat(t.staleHits()).as("a different AP is another translation").isEqualTo(1);
    }

    @Test
    void addressesTheTablesOrTheRegisterRefuse() {
        Kernel k = boot();
        assertThat(k.apply(new TlbOp.AccessVa(0x100000000L, Access.READ, 0))).isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.AccessVa(-1, Access.READ, 0))).isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.AccessVa(0xffffffffL, Access.READ, 0))).isInstanceOf(Result.Refused.class);
        assertThat(k.state(Tlbs.class).accesses()).as("only the 32-bit address was tried").isEqualTo(1);
        assertThat(k.apply(new TlbOp.AccessVa(0x10000, Access.READ, 0)).toString()).contains("swapper_pg_dir");
        assertThat(k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 2))).isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.Speculate(0xc0000000L, 2))).isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.Speculate(0x10000, 0))).isEqualTo(Result.of(0));
        assertThat(k.apply(new TlbOp.Speculate(0xc0000000L, 1))).isEqualTo(Result.of(1));
        assertThat(k.state(Tlbs.class).speculativeFills()).isEqualTo(1);
        assertThat(k.state(Tlbs.class).tlb(1).entries()).hasSize(1);
        assertThat(k.state(Tlbs.class).tlb(0).entries()).isEmpty();
    }
}
