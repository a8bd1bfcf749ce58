package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The free tree as mm/vmalloc.c keeps it: a red-black tree (lib/rbtree.c's rebalancing) of free
 * blocks augmented with {@code subtree_max_size}, searched by {@code find_vmap_lowest_match}.
 * With page alignment the walk finds the lowest fit (the kernel's own cross-check,
 * {@code find_vmap_lowest_match_check}, compares it with {@code find_vmap_lowest_linear_match});
 * above a page it takes the first block on its way down that the request fits in, which need not
 * be the lowest: the tree's shape decides, worked out by hand below.
 */
class VmapRangeTreeTest {
    private static final long PAGE = 4096;

    @Test
    void aboveAPageTheWalkTakesTheBlockItMeetsFirstNotTheLowest() {
        // L = [0x1000, 0x3000) holds 4 KiB at 0x2000 (align 8 KiB), but is smaller than the search
        // length 4K + 8K - 1; M = [0x10000, 0x20000), R = [0x30000, 0x40000)
        VmapRangeTree two = new VmapRangeTree();
        two.mergeOrAdd(0x1000, 0x3000);
        two.mergeOrAdd(0x10000, 0x20000);
        // two nodes: L is the root (black), M its red right child. At L the left subtree is empty,
        // so the walk tests L itself, and the request fits there
        assertThat(two.lowestMatch(PAGE, 2 * PAGE, 0, true)).isEqualTo(0x2000);

        VmapRangeTree three = new VmapRangeTree();
        three.mergeOrAdd(0x1000, 0x3000);
        three.mergeOrAdd(0x10000, 0x20000);
        three.mergeOrAdd(0x30000, 0x40000);
        // the third insert rotates M to the root, L and R its children. At M the left subtree's
        // largest block (8 KiB) is below the search length: the walk tests M and takes it
        assertThat(three.shape().get(0)).containsExactly(0x10000, 0x20000, 0);
        assertThat(three.lowestMatch(PAGE, 2 * PAGE, 0, true)).isEqualTo(0x10000);
        // the same request with page alignment searches 4 KiB and goes left to L
        assertThat(three.lowestMatch(PAGE, PAGE, 0, false)).isEqualTo(0x1000);
    }

    @Test
    void theWalkRollsBackToTheFirstRightSubtreeAboveVstart() {
        VmapRangeTree t = new VmapRangeTree();
        for (long b = 0; b < 8; b++) {
            t.mergeOrAdd(0x100000 * (b + 1), 0x100000 * (b + 1) + 0x10000);
        }
        // every block is 64 KiB; from vstart at the end of the fifth block the walk must come back
        // up and go right, to the sixth
        assertThat(t.lowestMatch(PAGE, PAGE, 0x510000, false)).isEqualTo(0x600000);
        assertThat(t.lowestMatch(PAGE, PAGE, 0x500001, false)).isEqualTo(0x501000);
        assertThat(t.lowestMatch(0x8000, PAGE, 0x500000, false)).isEqualTo(0x500000);
        // 64 KiB aligned to 64 KiB searches for 128 KiB - 1 (adjust_search_size): no subtree has a
        // block that large, so the walk never descends; it tests the root, the fourth block (eight
        // ascending inserts leave it there), which holds the request: not the lowest fit, 0x100000
        assertThat(t.shape().get(0)).containsExactly(0x400000, 0x410000, 0);
        assertThat(t.lowestMatch(0x10000, 0x10000, 0, true)).isEqualTo(0x400000);
        assertThat(t.lowestMatch(0x10000, 0x10000, 0, false)).isEqualTo(0x100000);
        assertThat(t.lowestMatch(0x20000, PAGE, 0, false)).isEqualTo(-1);
    }

    @Test
    void randomFreeTreesStayRedBlackAndPageAlignedRequestsGetTheLowestFit() {
        SplittableRandom rnd = new SplittableRandom(0x7ee5);
        for (int run = 0; run < 40; run++) {
            VmapRangeTree t = new VmapRangeTree();
            List<long[]> model = new ArrayList<>();
            // the whole space free, then carves and merges as vmalloc and the purge make them
            t.mergeOrAdd(PAGE, 1024 * PAGE);
            model.add(new long[] {PAGE, 1024 * PAGE});
            List<long[]> busy = new ArrayList<>();
            for (int step = 0; step < 120; step++) {
                if (busy.isEmpty() || rnd.nextInt(3) > 0) {
                    long size = PAGE * (1 + rnd.nextInt(24));
                    long align = PAGE << rnd.nextInt(5);
                    long vstart = PAGE * rnd.nextInt(512);
                    long got = t.lowestMatch(size, align, vstart, align > PAGE);
                    long linear = linearLowest(model, size, align, vstart);
                    if (align == PAGE) {
                        assertThat(got).as("run %d step %d: lowest fit", run, step).isEqualTo(linear);
                    } else if (got >= 0) {
                        assertThat(got).as("run %d step %d: a fit at or above the lowest", run, step)
                                .isGreaterThanOrEqualTo(linear);
                        assertThat(fitsSomeBlock(model, got, size)).isTrue();
                    }
                    if (got >= 0) {
                        t.carve(got, size);
                        carve(model, got, size);
                        busy.add(new long[] {got, got + size});
                    }
                } else {
                    long[] b = busy.remove(rnd.nextInt(busy.size()));
                    t.mergeOrAdd(b[0], b[1]);
                    add(model, b[0], b[1]);
                }
                List<long[]> got = t.ranges();
                assertThat(got).as("run %d step %d: the blocks", run, step).hasSameSizeAs(model);
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i)).as("run %d step %d: block %d", run, step, i).containsExactly(model.get(i));
                }
                assertRedBlack(t);
            }
        }
    }

    /** {@code find_vmap_lowest_linear_match}: the lowest block the request fits in, aligned. */
    private static long linearLowest(List<long[]> blocks, long size, long align, long vstart) {
        for (long[] b : blocks) {
            long nva = VmapRangeTree.alignUp(Math.max(b[0], vstart), align);
            if (nva >= vstart && nva + size <= b[1]) {
                return nva;
            }
        }
        return -1;
    }

    private static boolean fitsSomeBlock(List<long[]> blocks, long start, long size) {
        return blocks.stream().anyMatch(b -> b[0] <= start && start + size <= b[1]);
    }

    private static void carve(List<long[]> blocks, long start, long size) {
        for (int i = 0; i < blocks.size(); i++) {
            long[] b = blocks.get(i);
            if (b[0] <= start && start + size <= b[1]) {
                blocks.remove(i);
                if (start + size < b[1]) {
                    blocks.add(i, new long[] {start + size, b[1]});
                }
                if (b[0] < start) {
                    blocks.add(i, new long[] {b[0], start});
                }
                return;
            }
        }
        throw new AssertionError("no block holds the carve");
    }

    private static void add(List<long[]> blocks, long start, long end) {
        blocks.add(new long[] {start, end});
        blocks.sort((x, y) -> Long.compare(x[0], y[0]));
        for (int i = 0; i + 1 < blocks.size(); ) {
            if (blocks.get(i)[1] == blocks.get(i + 1)[0]) {
                blocks.set(i, new long[] {blocks.get(i)[0], blocks.get(i + 1)[1]});
                blocks.remove(i + 1);
            } else {
                i++;
            }
        }
    }

    /**
     * The red-black rules from the level-order shape: a black root, no red node with a red child,
     * the same number of black nodes on every path, keys in order.
     */
    private static void assertRedBlack(VmapRangeTree t) {
        List<long[]> shape = t.shape();
        if (shape.get(0) == null) {
            return;
        }
        assertThat(shape.get(0)[2]).as("root colour").isZero();
        // rebuild the tree from level order: children of the k-th non-null node are at 2k+1, 2k+2 of the next entries
        List<long[]> nodes = new ArrayList<>();
        List<int[]> kids = new ArrayList<>();
        int next = 1;
        for (int i = 0; i < shape.size(); i++) {
            if (shape.get(i) == null) {
                continue;
            }
            nodes.add(shape.get(i));
            kids.add(new int[] {i, next, next + 1});
            next += 2;
        }
        java.util.Map<Integer, Integer> byPos = new java.util.HashMap<>();
        for (int k = 0; k < kids.size(); k++) {
            byPos.put(kids.get(k)[0], k);
        }
        blackHeight(shape, byPos, kids, 0, Long.MIN_VALUE, Long.MAX_VALUE, false);
    }

    private static int blackHeight(List<long[]> shape, java.util.Map<Integer, Integer> byPos, List<int[]> kids, int pos,
            long lo, long hi, boolean parentRed) {
        long[] n = shape.get(pos);
        if (n == null) {
            return 1;
        }
        boolean red = n[2] == 1;
        assertThat(parentRed && red).as("red node %#x under a red parent", n[0]).isFalse();
        assertThat(n[0] >= lo && n[1] <= hi).as("node %#x in key order", n[0]).isTrue();
        int[] k = kids.get(byPos.get(pos));
        int l = blackHeight(shape, byPos, kids, k[1], lo, n[0], red);
        int r = blackHeight(shape, byPos, kids, k[2], n[1], hi, red);
        assertThat(l).as("black heights under %#x", n[0]).isEqualTo(r);
        return l + (red ? 0 : 1);
    }
}
