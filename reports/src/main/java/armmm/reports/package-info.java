/** The verification report: what the properties exercised, gathered at {@code mvn verify}. */
package armmm.reports;
