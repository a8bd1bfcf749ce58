package armmm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.kernel.Kernel;
import armmm.model.vmalloc.Vmalloc;
import armmm.model.vmalloc.VmallocinfoReport;
import armmm.properties.OracleFiles;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The areas boot makes by itself, against each oracle board's /proc/vmallocinfo: every line the
 * model prints after booting the board is a line of the kernel's, verbatim, and every kernel
 * line from a caller the model reproduces ({@code iotable_init}: CMA's lowmem remap;
 * {@code start_kernel}: the IRQ stacks; {@code pci_reserve_io}) is among the model's. The other
 * kernel lines come from drivers, processes and later kernel activity (spec/vmalloc.md).
 */
class VmallocinfoConformanceTest {
    /** The callers whose areas boot makes before any driver, and that the model makes too. */
    static final Set<String> REPRODUCED = Set.of("iotable_init", "start_kernel", "pci_reserve_io");

    @TestFactory
    Stream<DynamicTest> bootsAreasAreTheKernelsOwnLineForLine() {
        return OracleBoard.BOARDS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            OracleBoard b = OracleBoard.load(name);
            Kernel k = Kernel.boot(ModelBoot.board(b));
            List<String> model = VmallocinfoReport.render(k.state(Vmalloc.class).areas()).lines().toList();
            List<String> kernel = OracleFiles.read(name, "vmallocinfo.txt").lines().toList();
            assertThat(kernel).as("%s: the model's lines are the kernel's", name).containsAll(model);
            List<String> expected = kernel.stream().filter(l -> REPRODUCED.contains(caller(l))).toList();
            assertThat(model).as("%s: the kernel's boot lines are the model's", name).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(model).as("%s: at least the IRQ stack and the PCI window", name).hasSizeGreaterThanOrEqualTo(2);
        }));
    }

    /** The function name of a vmallocinfo line's caller, or "" for an unpurged area. */
    static String caller(String line) {
        String[] w = line.trim().split("\\s+");
        return w.length > 2 ? w[2].replaceFirst("\\+.*", "") : "";
    }
}
