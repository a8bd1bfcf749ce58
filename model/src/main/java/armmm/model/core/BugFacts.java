package armmm.model.core;

/**
 * What the bug catalogue ({@code armmm bugs}) says of one {@link SeededBug}.
 *
 * @param invariant    the invariant id ({@code spec/invariants.md}) that must catch it
 * @param kernelCommit the kernel commit it undoes, as hash and subject, or null for the model's
 *                     own planted mistake
 * @param summary      what the bug does, in one sentence of the kernel's names
 */
public record BugFacts(String invariant, String kernelCommit, String summary) {
}
