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

    /**
     * A runner for one test.
     *
     * @param testClass the test class's simple name
     * @param testMethod the test method's name
     * @param entries where report entries go
     */
    public PropertyRunner(String testClass, String testMethod, BiConsumer<String, String> entries) {
        this.testName = testClass + "." + testMethod;
        this.testSelector = testClass + "#" + testMethod;
        this.entries = entries;
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
        return new Reporting(name != null ? name : testName, testSelector, entries);
    }
}
