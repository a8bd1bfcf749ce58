/**
 * The verification report, gathered at {@code mvn verify} (spec/report.md): one self-contained
 * HTML page with its Markdown and JSON twins, drawn from the registry ({@code Subsystems}), the
 * engine's statistics, Surefire, JaCoCo's aggregate (with the coverage gate the build enforces),
 * the conformance table and PIT's results.
 */
package armmm.reports;
