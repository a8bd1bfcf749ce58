package armmm.scenario;

import java.util.List;

/**
 * What running one scenario file found.
 *
 * @param file     the file
 * @param passed   expectations met
 * @param failed   expectations missed, calls refused outside expect-fail, invariants broken
 * @param messages one {@code FILE:LINE: ...} line per failure, in order
 * @param output   what {@code print} lines printed
 */
public record RunReport(String file, int passed, int failed, List<String> messages, String output) {
    public RunReport {
        messages = List.copyOf(messages);
    }

    /** 0 when everything passed, 1 when something failed. */
    public int exitCode() {
        return failed == 0 ? 0 : 1;
    }
}
