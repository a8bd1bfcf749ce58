package armmm.pbt;

import java.util.function.BiConsumer;

/**
 * Runs properties inside a JUnit test: names them after the test ({@code Class.method}), reruns them
 * with {@code -Dtest=Class#method}, and publishes tries, seed and shrink results as JUnit report
 * entries. Obtained as a test method parameter from {@link PropertyExtension} (or {@link PropertyTest}).
 */
public final class PropertyRunner {
    private final String testName;
    private final String testSelector;
    private final BiConsumer<String, String> entries;
    private final boolean derandomize;

    /**
     * A runner for one test.
     *
     * @param testClass the test class's simple name
     * @param testMethod the test method's name
     * @param entries where report entries go
     */
    public PropertyRunner(String testClass, String testMethod, BiConsumer<String, String> entries) {
        this(entries, testClass + "." + testMethod, testClass + "#" + testMethod, false);
    }

    private PropertyRunner(BiConsumer<String, String> entries, String testName, String testSelector,
                           boolean derandomize) {
        this.testName = testName;
        this.testSelector = testSelector;
        this.entries = entries;
        this.derandomize = derandomize;
    }

    /**
     * The same test's runner with its properties named {@code Class.property} instead of
     * {@code Class.method}: one test that runs several properties (a hunt per seeded bug) gives each
     * its own statistics and reports, while the rerun line still names the test method.
     */
    public PropertyRunner named(String property) {
        return new PropertyRunner(entries, testName.substring(0, testName.indexOf('.') + 1) + property, testSelector,
                derandomize);
    }

    /**
     * The same runner with its properties derandomized (Hypothesis's {@code derandomize}): unless a
     * seed is given, each property's seed is a hash of its name, so every run of the same code, on any
     * machine, tests the same cases. For checks whose verdict is about the engine's search and shrink
     * (a seeded bug found and shrunk within its bound), where a fresh seed would make the build's
     * verdict vary from run to run; {@code -Darmmm.derandomize=false} (the campaign profile) draws
     * fresh seeds again.
     */
    public PropertyRunner derandomized() {
        return new PropertyRunner(entries, testName, testSelector, true);
    }

    /** Checks a chain; throws an AssertionError carrying the shrunk chain when it fails. */
    public <S, A> void check(ChainSpec<S, A> spec) {
        Chains.throwIfFailed(run(spec));
    }

    /** Runs a chain and returns the result without throwing (for tests that expect a failure). */
    public <S, A> ChainResult run(ChainSpec<S, A> spec) {
        return Chains.run(spec, reporting(spec.name()));
    }

    /** A simple property reporting through this test. */
    public <T> Property<T> forAll(Gen<T> gen) {
        return Property.forAll(gen).named(testName).reportingTo(reporting(null));
    }

    private Reporting reporting(String name) {
        return new Reporting(name != null ? name : testName, testSelector, entries, derandomize);
    }
}
