package armmm.model.page;

import armmm.model.kernel.Kernel;
import armmm.model.kernel.PageOp;
import org.junit.jupiter.api.Test;

/**
 * Prints how fast the allocator runs on the 2 GiB board; it asserts nothing (a benchmark, not a
 * test, measures speed; the JMH benchmark comes later).
 */
class BuddyTimingTest {

    @Test
    void printsOrderZeroPairsAndCheckedStepsPerSecond() {
        PageAllocator pa = TestBoards.oracle2048M(1);
        long[] held = new long[32];
        for (int round = 0; round < 3; round++) {
            int pairs = 2_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < pairs; i++) {
                int slot = i & 31;
                if (held[slot] != 0) {
                    pa.freePages(held[slot], 0, 0);
                }
                held[slot] = pa.allocPages(Gfp.GFP_KERNEL, 0, 0).value();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("buddy timing: %.2f million order-0 alloc+free pairs per second (pcp, 2 GiB)%n",
                    pairs / s / 1e6);
        }
        for (int round = 0; round < 2; round++) {
            PageAllocator fresh = TestBoards.oracle2048M(2);
            RandomPageCalls calls = new RandomPageCalls(fresh, 99 + round);
            long t0 = System.nanoTime();
            calls.run(40000);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("buddy timing: %.0f checked steps per second (random calls, every invariant, 2 GiB)%n",
                    calls.steps / s);
        }
        Kernel k = TestBoards.kernel(TestBoards.oracle2048M(1));
        long t0 = System.nanoTime();
        for (int i = 0; i < 200_000; i++) {
            long p = k.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0)).value();
            k.check();
            k.apply(new PageOp.FreePages(p, 0, 0));
            k.check();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("buddy timing: %.0f checked order-0 steps per second through Kernel.apply%n", 400_000 / s);
    }
}
