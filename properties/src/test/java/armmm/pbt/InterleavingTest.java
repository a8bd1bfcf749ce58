package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interleavings: a counter incremented by a plain read and write on two CPUs loses an update, and a
 * toy ASID allocator whose fast path writes the per-CPU active ASID with a plain read and write
 * instead of an exchange runs two address spaces under one ASID across a rollover. Both are found
 * and shrunk to their minimal interleaving; the exchange versions pass, also exhaustively.
 */
class InterleavingTest {
    /** A shared counter; {@code done} counts completed increments (a ghost, written atomically). */
    static final class Counter {
        int value;
        int done;
    }

    private static Interleavings.Program<Counter> increment(boolean atomic) {
        if (atomic) {
            return new Interleavings.Program<>("inc", List.of(new Interleavings.Step<>("fetch_add", (c, cpu) -> {
                c.value++;
                c.done++;
            })));
        }
        int[] register = new int[1];
        return new Interleavings.Program<>("inc", List.of(
                new Interleavings.Step<>("read", (c, cpu) -> register[0] = c.value),
                new Interleavings.Step<>("write", (c, cpu) -> {
                    c.value = register[0] + 1;
                    c.done++;
                })));
    }

    private static Interleavings.Builder<Counter> counter(String name, boolean atomic) {
        return Interleavings.<Counter>builder(name)
                .initialState(Counter::new)
                .action(1, () -> increment(atomic))
                .atEnd("TOY-COUNTER-01", c -> c.value == c.done ? List.of()
                        : List.of(new Failure("TOY-COUNTER-01", "an increment was lost", c.value + " after " + c.done)))
                .seed(1);
    }

    @Test
    void theRacyCounterShrinksToTheMinimalLostUpdate() {
        int minimal = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Interleavings.Result r = counter("InterleavingRacyCounter", false).seed(seed).build().run();
            assertThat(r.passed()).as("seed %d", seed).isFalse();
            if (r.trace().size() == 4 && r.programs().stream().mapToInt(List::size).sum() == 2) {
                minimal++;
            }
        }
        assertThat(minimal).as("seeds shrunk to one increment per CPU, 4 steps").isGreaterThanOrEqualTo(19);
        Interleavings.Result r = counter("InterleavingRacyCounter", false).build().run();
        assertThat(r.trace()).containsExactly("cpu0: inc: read", "cpu1: inc: read", "cpu1: inc: write", "cpu0: inc: write");
        assertThat(r.contextSwitches()).isEqualTo(2);
        assertThat(r.message()).contains("TOY-COUNTER-01", "cpu0 runs [inc]");
    }

    @Test
    void theAtomicCounterPassesEveryInterleavingOfAShortPrefix() {
        Interleavings.Result r = counter("InterleavingAtomicCounter", true).actionsPerCpu(2)
                .exhaustive(40, 100_000).build().run();
        assertThat(r.passed()).isTrue();
        assertThat(r.exhausted()).isTrue();
        Interleavings.Result racy = counter("InterleavingRacyExhaustive", false).actionsPerCpu(2)
                .exhaustive(40, 100_000).build().run();
        assertThat(racy.passed()).isFalse();
        assertThat(racy.trace()).as(racy.message() + racy.shrink()).hasSize(4);
    }

    @Test
    void theToyAsidFastPathWithoutAnExchangeIsFoundAndShrunk() {
        int minimal = 0;
        List<String> sizes = new java.util.ArrayList<>();
        Interleavings.Result shown = null;
        for (long seed = 1; seed <= 20; seed++) {
            Interleavings.Result r = ToyAsid.spec("InterleavingToyAsid", false).seed(seed).build().run();
            assertThat(r.passed()).as("seed %d", seed).isFalse();
            assertThat(r.failure().id()).isEqualTo("TOY-ASID-01");
            sizes.add(r.trace().size() + "/" + r.tries());
            if (r.trace().size() == ToyAsid.MINIMAL_STEPS) {
                minimal++;
            }
            shown = shown == null ? r : shown;
        }
        System.out.println("[armmm] InterleavingTest: toy ASID minimal on " + minimal + "/20 seeds " + sizes + "\n" + shown.message());
        assertThat(minimal).isGreaterThanOrEqualTo(19);
    }

    @Test
    void theToyAsidWithAnExchangePasses() {
        assertThat(ToyAsid.spec("InterleavingToyAsidExchange", true).tries(300).build().run().passed()).isTrue();
    }
}
