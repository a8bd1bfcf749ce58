package armmm.pbt;

/** One test case as a function of its choices: null when it passes, else the failure. */
@FunctionalInterface
interface Trial {
    /** Generates from the choices and checks; may throw, which is a failure too. */
    Failure run(Choices choices) throws Exception;

    /**
     * What running a test case gave.
     *
     * @param sequence the choices it used
     * @param failure the failure, or null if it passed or was discarded
     * @param discarded whether generation gave up (filter, choice limit)
     */
    record Outcome(ChoiceSequence sequence, Failure failure, boolean discarded) {}

    /** Runs the trial, turning exceptions into failures and {@link Discard} into a discarded outcome. */
    static Outcome execute(Trial trial, Choices choices) {
        try {
            Failure failure = trial.run(choices);
            return new Outcome(choices.toSequence(), failure, false);
        } catch (Discard discard) {
            return new Outcome(choices.toSequence(), null, true);
        } catch (Exception | AssertionError | StackOverflowError thrown) {
            // the system under test failing loudly is a finding, identified by the exception's class
            return new Outcome(choices.toSequence(), Failure.of(thrown), false);
        }
    }
}
