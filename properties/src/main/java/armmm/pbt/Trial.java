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
     * @param discarded whether generation gave up (filter, choice limit, an assumption)
     * @param call the call (a chain step's action name) that failed, or ""
     * @param discardReason why it was discarded, or null
     */
    record Outcome(ChoiceSequence sequence, Failure failure, boolean discarded, String call, String discardReason) {
        /**
         * The failure's identity: invariant id, reason and the failing step's call. Shrinking keeps
         * only candidates of the same identity, and distinct identities are reported separately, so a
         * run never slides from one bug to another that happens to trip the same invariant.
         */
        String identity() {
            return failure == null ? null : identityOf(failure, call);
        }

        static String identityOf(Failure failure, String call) {
            return failure.id() + " | " + failure.reason() + (call.isEmpty() ? "" : " | in " + call);
        }
    }

    /** Runs the trial, turning exceptions into failures and {@link Discard} into a discarded outcome. */
    static Outcome execute(Trial trial, Choices choices) {
        try {
            Failure failure = trial.run(choices);
            return new Outcome(choices.toSequence(), failure, false, failure == null ? "" : choices.call(), null);
        } catch (Discard discard) {
            return new Outcome(choices.toSequence(), null, true, "", discard.getMessage());
        } catch (Exception | AssertionError | StackOverflowError thrown) {
            // the system under test failing loudly is a finding, identified by the exception's class
            return new Outcome(choices.toSequence(), Failure.of(thrown), false, choices.call(), null);
        }
    }
}
