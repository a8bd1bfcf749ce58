/**
 * The scenario language (spec/scenario-language.md): a parser with {@code FILE:LINE:COL} errors, a
 * runner that checks every invariant after every call, and a writer that turns a chain of calls
 * back into a scenario, as counterexamples are written.
 */
package armmm.scenario;
