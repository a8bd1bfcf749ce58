package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * INV-VMALLOC-06's unboxed bookkeeping ({@link FrameCounts}, {@link OrderedLongSet}) agrees with
 * the boxed collections it replaced, operation by operation, over random sequences dense enough
 * to make long probe runs, wrap-around and deletions from the middle of a run.
 */
class PrimitiveTablesTest {

    @Test
    void frameCountsAgreeWithAHashMap() {
        Random r = new Random(1);
        for (int round = 0; round < 20; round++) {
            FrameCounts fc = new FrameCounts();
            Map<Long, Integer> ref = new HashMap<>();
            int range = 8 + r.nextInt(400);
            for (int op = 0; op < 5000; op++) {
                // frames far apart too: the hash, not the value, must spread them
                long f = r.nextBoolean() ? r.nextInt(range) : (long) r.nextInt(range) << 20;
                if (r.nextInt(3) == 0) {
                    fc.decrement(f);
                    ref.computeIfPresent(f, (k, c) -> c == 1 ? null : c - 1);
                } else {
                    fc.increment(f);
                    ref.merge(f, 1, Integer::sum);
                }
                long probe = r.nextInt(range);
                assertThat(fc.get(probe)).isEqualTo(ref.getOrDefault(probe, 0));
                assertThat(fc.get(f)).isEqualTo(ref.getOrDefault(f, 0));
                assertThat(fc.size()).isEqualTo(ref.size());
            }
            assertThat(fc.frames()).containsExactly(ref.keySet().stream().mapToLong(Long::longValue).sorted().toArray());
            for (Map.Entry<Long, Integer> e : ref.entrySet()) {
                assertThat(fc.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void orderedLongSetAgreesWithALinkedHashSet() {
        Random r = new Random(2);
        for (int round = 0; round < 20; round++) {
            OrderedLongSet s = new OrderedLongSet();
            LinkedHashSet<Long> ref = new LinkedHashSet<>();
            int n = 1 + r.nextInt(300);
            for (int op = 0; op < n * 2; op++) {
                long x = r.nextInt(n) * 4096L;
                assertThat(s.add(x)).isEqualTo(ref.add(x));
                assertThat(s.contains(x + 1)).isEqualTo(ref.contains(x + 1));
            }
            OrderedLongSet copy = new OrderedLongSet();
            copy.addAll(s);
            List<Long> order = List.copyOf(ref);
            assertThat(s.size()).isEqualTo(order.size());
            assertThat(copy.size()).isEqualTo(order.size());
            for (int i = 0; i < order.size(); i++) {
                assertThat(s.get(i)).isEqualTo(order.get(i));
                assertThat(copy.get(i)).isEqualTo(order.get(i));
            }
        }
        assertThat(OrderedLongSet.EMPTY.isEmpty()).isTrue();
    }
}
