package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * INV-UPT-06 at the step after a frame an mm still uses is given back to the buddy allocator
 * behind the mm's back (a {@code free_pages} the address-space code did not make): a user page,
 * a PTE page, the pgd, and a PTE page of a forked child. The allocator's frame-change count moves
 * the checks' signal; the step check re-reads the frames the allocator marked and must report
 * exactly what the complete check reports, in the mm whose frame it was.
 */
class UptStrayFreeTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private static TreeSet<String> refs(java.util.List<Violation> vs) {
        TreeSet<String> out = new TreeSet<>();
        for (Violation v : vs) {
            if (v.id().equals(UptChecks.PAGE_REFS)) {
                out.add(v.details());
            }
        }
        return out;
    }

    @Test
    void aFrameFreedBehindTheMmIsReportedAtTheNextStep() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        long n = p.mmCreate(8L << 20).value();
        long a = p.mmap(m, 0, 0x4000, RW, ANON).value();
        long b = p.mmap(n, 0, 0x4000, RW, ANON).value();
        long page = p.touch(m, a, Access.WRITE).value() >>> 12;
        p.touch(n, b, Access.WRITE);
        assertThat(k.check()).isEmpty();
        UserMemory mem = p.memory();

        mem.free(page, 0);
        TreeSet<String> step = refs(k.check());
        assertThat(step).containsExactly(String.format("pfn %#x is free in the buddy allocator", page));
        assertThat(step).isEqualTo(refs(UptChecks.complete(UptChecks.PAGE_REFS, p)));

        long table = p.pageTables(n).ptePfn(b);
        mem.free(table, 0);
        step = refs(k.check());
        assertThat(step).contains(String.format("mm %d's PTE page at pfn %#x is free or also a user page", n, table));
        assertThat(step).isEqualTo(refs(UptChecks.complete(UptChecks.PAGE_REFS, p)));

        long pgd = p.pgdPhys(m) >>> 12;
        mem.free(pgd, 2);
        step = refs(k.check());
        assertThat(step).contains(String.format("mm %d's pgd at pfn %#x is free or also a user page", m, pgd));
        assertThat(step).isEqualTo(refs(UptChecks.complete(UptChecks.PAGE_REFS, p)));

        long c = p.fork(n).value();
        assertThat(refs(k.check())).isEqualTo(refs(UptChecks.complete(UptChecks.PAGE_REFS, p)));
        long childTable = p.pageTables(c).ptePfn(b);
        mem.free(childTable, 0);
        step = refs(k.check());
        assertThat(step).contains(String.format("mm %d's PTE page at pfn %#x is free or also a user page", c, childTable));
        assertThat(step).isEqualTo(refs(UptChecks.complete(UptChecks.PAGE_REFS, p)));
    }
}
