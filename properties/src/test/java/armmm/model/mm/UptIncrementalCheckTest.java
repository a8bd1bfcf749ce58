package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-step user page-table checks (INV-UPT-*) re-read only the PTE slots the mm wrote since
 * their last look ({@code UserPageTables.ptesWrittenSince}); the complete check reads every table
 * word by word again. A PTE word changed behind the journal is missed by the step check after
 * the mm's next call elsewhere in the same table and found by the complete check; and over a run
 * of ordinary calls the incremental and the complete check always agree.
 */
class UptIncrementalCheckTest {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private static List<String> ids(List<Violation> vs) {
        return vs.stream().map(Violation::id).toList();
    }

    @Test
    void aPteWordWrittenBehindTheJournalIsMissedByTheStepCheckAndFoundByTheCompleteCheck() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        Processes p = k.state(Processes.class);
        long mm = p.mmCreate(8L << 20).value();
        long area = p.mmap(mm, 0, 0x4000, RW, ANON).value();
        p.touch(mm, area, Access.WRITE);
        assertThat(k.check()).isEmpty();

        // a stray store: clear nG in the hardware PTE of the touched page, no generation, no journal
        UserPageTables t = p.pageTables(mm);
        Field f = UserPageTables.class.getDeclaredField("ptePages");
        f.setAccessible(true);
        int[] page = (int[]) ((Map<?, ?>) f.get(t)).get(t.ptePfn(area));
        int slot = (int) ((area >>> 12) & 511);
        page[512 + slot] &= ~(1 << 11);

        // the next call writes another slot of the same PTE page: the step check re-reads that one
        p.touch(mm, area + 0x1000, Access.WRITE);
        assertThat(ids(k.check())).doesNotContain(UptChecks.NOT_GLOBAL);
        assertThat(ids(k.checkComplete())).contains(UptChecks.NOT_GLOBAL);
    }

    @Test
    void overOrdinaryCallsTheIncrementalStepCheckAgreesWithTheCompleteCheck() {
        SplittableRandom r = new SplittableRandom(11);
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        Processes p = k.state(Processes.class);
        long mm = p.mmCreate(8L << 20).value();
        long area = p.mmap(mm, 0, 0x40000, RW, ANON).value();
        long child = -1;
        for (int step = 0; step < 150; step++) {
            long va = area + r.nextInt(64) * 4096L;
            switch (r.nextInt(6)) {
                case 0, 1 -> p.touch(mm, va, Access.WRITE);
                case 2 -> p.touch(mm, va, Access.READ);
                case 3 -> p.munmap(mm, va, 4096 * (1 + r.nextInt(4)));
                case 4 -> p.mmap(mm, va, 4096 * (1 + r.nextInt(4)), RW, ANON | VmFlags.MAP_FIXED);
                default -> {
                    if (child >= 0) {
                        p.exitMm(child);
                        child = -1;
                    } else {
                        child = p.fork(mm).value();
                    }
                }
            }
            if (child >= 0) {
                p.touch(child, area + r.nextInt(64) * 4096L, Access.WRITE);
            }
            List<Violation> step1 = k.check();
            assertThat(step1).as("step %d", step).isEmpty();
            assertThat(ids(k.checkComplete())).as("step %d", step).isEqualTo(ids(step1));
        }
    }
}
