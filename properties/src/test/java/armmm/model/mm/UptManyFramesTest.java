package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Calls that touch more frames than the user pages' record keeps between two checks
 * ({@code UserPages.TOUCHED_CAP}, 4096: the record then says "everything", and the step checks
 * re-read every frame and re-classify every entry) and that write more PTEs than the tables'
 * journal holds (64: the step re-reads every slot): 5000 pages written, a fork that maps them all
 * again, a munmap of half, an exit; after each the step checks equal the complete ones, with
 * and without a planted page-table bug that breaks some of those frames.
 */
class UptManyFramesTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int PAGES = 5000;

    @Test
    void moreFramesThanTheRecordsHoldAreAllReadAgain() {
        assertThat(PAGES).isGreaterThan(UserPages.TOUCHED_CAP);
        int found = 0;
        for (Bugs bugs : List.of(Bugs.NONE, Bugs.of(PgtableDefect.FORK_PARENT_STAYS_WRITABLE),
                Bugs.of(PgtableDefect.ZAP_KEEPS_RSS))) {
            Kernel k = Kernel.boot(Board.virt(128L << 20), bugs);
            Processes p = k.state(Processes.class);
            long m = p.mmCreate(8L << 20).value();
            long a = p.mmap(m, 0, PAGES * 4096L, RW, ANON).value();
            long s = p.mmap(m, 0, 16 * 4096L, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS).value();
            assertThat(UptFindings.step(k)).isEmpty();
            for (int i = 0; i < PAGES; i++) {
                assertThat(p.touch(m, a + i * 4096L, Access.WRITE).isRefused()).isFalse();
            }
            for (int i = 0; i < 16; i++) {
                p.touch(m, s + i * 4096L, Access.WRITE);
            }
            assertThat(UptFindings.step(k)).as("%s after the writes", bugs).isEqualTo(UptFindings.complete(p)).isEmpty();
            long c = p.fork(m).value();
            for (int i = 0; i < 16; i++) {
                p.touch(c, s + i * 4096L, Access.READ);
            }
            TreeSet<String> afterFork = UptFindings.complete(p);
            assertThat(UptFindings.step(k)).as("%s after the fork", bugs).isEqualTo(afterFork);
            p.munmap(m, a, PAGES / 2 * 4096L);
            TreeSet<String> afterMunmap = UptFindings.complete(p);
            assertThat(UptFindings.step(k)).as("%s after the munmap", bugs).isEqualTo(afterMunmap);
            p.exitMm(c);
            assertThat(UptFindings.step(k)).as("%s after the exit", bugs).isEqualTo(UptFindings.complete(p));
            found += afterFork.size() + afterMunmap.size();
            if (bugs == Bugs.NONE) {
                assertThat(afterFork).isEmpty();
                assertThat(afterMunmap).isEmpty();
            }
        }
        assertThat(found).as("the planted bugs are found on some of those frames").isPositive();
    }
}
