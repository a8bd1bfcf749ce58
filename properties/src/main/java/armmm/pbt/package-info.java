/**
 * The armmm property engine: generation from a recorded choice sequence ({@link armmm.pbt.Choices},
 * {@link armmm.pbt.Gen}, {@link armmm.pbt.Gens}), simple properties ({@link armmm.pbt.Property}),
 * stateful chains ({@link armmm.pbt.ChainSpec}, {@link armmm.pbt.Chains}), integrated shrinking on
 * the choices (Shrinker), counterexample files, statistics and JUnit 5 integration
 * ({@link armmm.pbt.PropertyTest}). Generic over state and action types: it knows nothing of the
 * model. Design after Hypothesis (ConjectureData, the shrinker's passes), QuickCheck (state machine
 * testing) and jqwik (JUnit integration); no code from any of them. See spec/engine.md.
 */
package armmm.pbt;
