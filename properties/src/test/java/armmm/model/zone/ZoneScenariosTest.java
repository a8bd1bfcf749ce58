package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.check.SeededBug;
import armmm.model.kernel.Kernel;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The zone seeded-bug demonstrations ({@code seeded-bugs/zone-*.scn}) pass as they are and fail on
 * their invariant with the bug planted. Their board lines are booted here through
 * {@link Board#fromOptions} (ram, reserve, cmdline, cpus: the {@code boot} options), the same
 * reading the CLI's board lines give them; {@code SeededBugsTest} runs them again through the CLI.
 */
class ZoneScenariosTest {
    private static final Path DIR = Paths.get("src", "test", "resources", "seeded-bugs");
    private static final Pattern CAUGHT_BY = Pattern.compile("^# caught by: (\\S+)");

    @TestFactory
    Stream<DynamicTest> everyZoneDemonstrationPassesCleanAndCatchesItsBug() {
        return Arrays.stream(SeededBug.values()).filter(b -> b.name().startsWith("ZONE_"))
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    Path file = DIR.resolve(bug.cliName() + ".scn");
                    String text = Files.readString(file);
                    Matcher m = CAUGHT_BY.matcher(text);
                    assertThat(m.find()).isTrue();
                    Scenario scenario = Parser.parse(file.toString(), text);
                    RunReport clean = Runner.run(scenario);
                    assertThat(clean.messages()).as("%s without the bug", file).isEmpty();
                    assertThat(clean.passed()).as("%s expectations", file).isPositive();
                    RunReport buggy;
                    try (SeededBug.Planted p = SeededBug.plant(bug)) {
                        buggy = Runner.run(scenario);
                    }
                    assertThat(buggy.messages()).anySatisfy(msg -> assertThat(msg).contains(m.group(1)));
                }));
    }

    @org.junit.jupiter.api.Test
    void printZoneinfoAndMeminfoShowTheBootedZones() {
        Scenario s = Parser.parse("print.scn", "board ram=1024M\nprint zoneinfo\nprint meminfo\n");
        RunReport r = Runner.run(s);
        assertThat(r.messages()).isEmpty();
        assertThat(r.output()).contains("Node 0, zone      DMA\n  pages free     188733\n", "        protection: (0, 0, 256, 256)\n",
                "Node 0, zone  Movable\n", "MemTotal:        1019988 kB\n", "VmallocTotal:     245760 kB\n",
                "min_free_kbytes:    3475 kB\n");
    }

    private static Kernel boot(Map<String, String> p) {
        List<String> reserve = p.containsKey("reserve") ? List.of(p.get("reserve").split(",")) : List.of();
        return Kernel.boot(Board.fromOptions(p.get("ram"), List.of(), reserve, p.getOrDefault("cmdline", ""),
                Integer.parseInt(p.getOrDefault("cpus", "1"))));
    }
}
