package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.SeededBug;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The allocator's seeded-bug scenarios run on a 1 GiB board booted by hand (until boot wires the
 * allocator into {@code board} lines): clean they pass, with their bug planted the invariant named
 * on their first line reports.
 */
class BuddyScenariosTest {
    private static final Path DIR = Paths.get("src", "test", "resources", "seeded-bugs");
    private static final Pattern CAUGHT_BY = Pattern.compile("^# caught by: (\\S+)");

    @TestFactory
    Stream<DynamicTest> eachAllocatorBugScenarioPassesCleanAndCatchesItsBug() {
        return Arrays.stream(SeededBug.values())
                .filter(b -> b.name().startsWith("BUDDY_") || b.name().startsWith("PAGE_") || b.name().startsWith("GFP_"))
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    Path file = DIR.resolve(bug.cliName() + ".scn");
                    String text = Files.readString(file);
                    Matcher m = CAUGHT_BY.matcher(text);
                    assertThat(m.find()).isTrue();
                    Scenario scenario = Parser.parse(file.toString(), text);
                    RunReport clean = Runner.run(scenario, p -> TestBoards.kernel(TestBoards.virt1024M()));
                    assertThat(clean.messages()).as("%s without the bug", file).isEmpty();
                    RunReport buggy;
                    try (SeededBug.Planted planted = SeededBug.plant(bug)) {
                        buggy = Runner.run(scenario, p -> TestBoards.kernel(TestBoards.virt1024M()));
                    }
                    assertThat(buggy.messages()).as("%s with %s planted", file, bug)
                            .anySatisfy(msg -> assertThat(msg).contains(m.group(1)));
                }));
    }
}
