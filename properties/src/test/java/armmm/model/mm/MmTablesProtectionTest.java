package armmm.model.mm;

import static armmm.model.mmu.Pgtable2Level.L_PTE_NONE;
import static armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_XN;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * {@code change_protection} (mm/mprotect.c {@code change_pte_range}): {@code pte_modify} with
 * the new {@code vm_page_prot} on every present PTE, {@code can_change_pte_writable} making a
 * private page writable again only when it is dirty, anonymous, exclusive and not the zero page,
 * PROT_NONE as {@code L_PTE_NONE} (no hardware entry), and one {@code flush_tlb_range} from the
 * first to the last PTE that changed, none when none did.
 */
class MmTablesProtectionTest {
    static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED;
    static final long P = 4096;
    static final long A = 0x20000000L;

    static long ok(Result r) {
        assertThat(r.isRefused()).as("%s", r).isFalse();
        return r.value();
    }

    @Test
    void presentPtesTakeTheNewProtectionAndDirtyExclusivePagesTheirWriteBack() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, 4 * P, RW, ANON));
        ok(p.touch(m, A, Access.WRITE));
        ok(p.touch(m, A + P, Access.READ));
        ok(p.touch(m, A + 2 * P, Access.WRITE));
        UserPageTables t = p.pageTables(m);
        p.beginCall();
        ok(p.mprotect(m, A, 4 * P, VmFlags.PROT_READ));
        assertThat(p.tlbFlushes()).as("the page after the last changed one is the end").containsExactly(
                new TlbFlush(m, TlbFlush.Kind.RANGE, A, A + 3 * P, TlbFlush.Site.CHANGE_PROTECTION));
        for (long va = A; va < A + 3 * P; va += P) {
            assertThat(t.linuxPte(va) & L_PTE_RDONLY).isNotZero();
        }
        p.beginCall();
        ok(p.mprotect(m, A, 4 * P, RW));
        assertThat(t.linuxPte(A) & L_PTE_RDONLY).as("dirty and exclusive: pte_mkwrite").isZero();
        assertThat(t.linuxPte(A + 2 * P) & L_PTE_RDONLY).isZero();
        assertThat(t.linuxPte(A + P) & L_PTE_RDONLY).as("the zero page stays read-only").isNotZero();
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.RANGE, A, A + 3 * P,
                TlbFlush.Site.CHANGE_PROTECTION));
        p.beginCall();
        ok(p.mprotect(m, A + P, P, RW | VmFlags.PROT_EXEC));
        assertThat(p.tlbFlushes()).as("the zero page's PTE loses XN").containsExactly(new TlbFlush(m, TlbFlush.Kind.RANGE,
                A + P, A + 2 * P, TlbFlush.Site.CHANGE_PROTECTION));
        assertThat(t.linuxPte(A + P) & L_PTE_XN).isZero();
        p.beginCall();
        ok(p.mprotect(m, A + 3 * P, P, VmFlags.PROT_READ));
        assertThat(p.tlbFlushes()).as("no present PTE there: no flush").isEmpty();
        assertThat(k.check()).isEmpty();
    }

    @Test
    void protNoneLeavesNoHardwareEntryAndTheWayBackRestoresTheWrite() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, P, RW, ANON));
        long pa = ok(p.touch(m, A, Access.WRITE));
        UserPageTables t = p.pageTables(m);
        ok(p.mprotect(m, A, P, 0));
        assertThat(t.linuxPte(A) & L_PTE_NONE).isNotZero();
        assertThat(t.linuxPte(A) >>> 12).as("the frame stays").isEqualTo(pa >>> 12);
        assertThat(t.hwPte(A)).isZero();
        assertThat(((Result.Refused) p.touch(m, A, Access.READ)).reason()).isEqualTo("SIGSEGV SEGV_ACCERR");
        ok(p.mprotect(m, A, P, RW));
        assertThat(t.linuxPte(A) & (L_PTE_NONE | L_PTE_RDONLY)).isZero();
        assertThat(ok(p.touch(m, A, Access.WRITE))).isEqualTo(pa);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theFlushCoversOnlyWhatChangedAcrossAPmdBoundary() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long lo = 0x201fe000L;
        ok(p.mmap(m, lo, 4 * P, RW, ANON));
        ok(p.touch(m, 0x20201000L, Access.WRITE));
        assertThat(p.pageTables(m).ptePfn(lo)).as("no PTE page under the first pmd").isEqualTo(-1);
        p.beginCall();
        ok(p.mprotect(m, lo, 4 * P, VmFlags.PROT_READ));
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.RANGE, 0x20201000L, 0x20202000L,
                TlbFlush.Site.CHANGE_PROTECTION));
        ok(p.touch(m, lo, Access.READ));
        ok(p.touch(m, 0x20200000L, Access.READ));
        p.beginCall();
        ok(p.mprotect(m, lo, 4 * P, VmFlags.PROT_EXEC));
        assertThat(p.tlbFlushes()).containsExactly(new TlbFlush(m, TlbFlush.Kind.RANGE, lo, 0x20202000L,
                TlbFlush.Site.CHANGE_PROTECTION));
        assertThat(k.check()).isEmpty();
    }
}
