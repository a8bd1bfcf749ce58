package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.properties.OracleFiles;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code print maps} against the kernel's own /proc/self/maps of one run ({@code mmap_one_raw.txt}):
 * the model, given that run's layout (its mmap_base, stack top and brk start, read off the file),
 * then the same calls the binary made (its bss, its brk, its one anonymous mmap), prints the
 * kernel's lines for every VMA it models, character for character. The binary's file-backed
 * segments, the sigpage, [vvar] and [vdso] are not modelled.
 */
class MapsReportTest {
    private static long[] range(String line) {
        String[] r = line.substring(0, 17).split("-");
        return new long[] {Long.parseLong(r[0], 16), Long.parseLong(r[1], 16)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmap-rva2", "mmap-legacy-ulimit"})
    void theModelPrintsTheKernelsLinesForTheAnonymousHeapStackAndVectorsVmas(String folder) {
        List<String> kernel = OracleFiles.read(folder, "mmap_one_raw.txt").lines().toList();
        String heap = kernel.stream().filter(l -> l.endsWith("[heap]")).findFirst().orElseThrow();
        String stack = kernel.stream().filter(l -> l.endsWith("[stack]")).findFirst().orElseThrow();
        List<String> anon = kernel.stream().filter(l -> l.endsWith(" 0 ")).toList();
        boolean topDown = folder.equals("mmap-rva2");
        long[] bss = range(anon.get(0));
        long[] mapped = range(anon.get(1));
        UserLayout layout = new UserLayout(topDown ? mapped[1] : mapped[0], topDown, range(stack)[1], range(heap)[0]);
        long stackBytes = range(stack)[1] - range(stack)[0];
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), layout, stackBytes, Set.of());
        int anonPrivate = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
        int rw = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
        assertThat(mm.mmap(bss[0], bss[1] - bss[0], rw, anonPrivate | VmFlags.MAP_FIXED).isOk()).isTrue();
        assertThat(mm.brk(range(heap)[1])).isEqualTo(range(heap)[1]);
        assertThat(mm.mmap(0, mapped[1] - mapped[0], rw, anonPrivate)).isEqualTo(MmResult.ok(mapped[0]));
        List<String> expected = kernel.stream()
                .filter(l -> l.equals(heap) || l.equals(stack) || anon.contains(l) || l.endsWith("[vectors]")).toList();
        assertThat(MapsReport.render(mm, true).lines().toList()).containsExactlyElementsOf(expected);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }
}
