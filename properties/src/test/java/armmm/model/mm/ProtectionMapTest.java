package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link ProtectionMap#vmGetPageProt} against the real kernel: the probe module printed
 * {@code vm_get_page_prot} for all sixteen {@code VM_SHARED|VM_EXEC|VM_WRITE|VM_READ}
 * combinations ({@code oracle/kernel/probe-mmu-1024M/probe_mmu.txt}); each must be the model's.
 */
class ProtectionMapTest {
    private static final Path PROBE = Path.of("src", "test", "resources", "oracle", "kernel", "probe-mmu-1024M", "probe_mmu.txt");
    private static final Pattern LINE = Pattern.compile("^vm_get_page_prot ([PS])([r-])([w-])([x-]) = ([0-9a-f]{8})$");

    @Test
    void everyProtectionIsTheKernels() throws IOException {
        List<String> lines = Files.readAllLines(PROBE);
        int seen = 0;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long flags = (m.group(1).equals("S") ? VmFlags.VM_SHARED : 0) | (m.group(2).equals("r") ? VmFlags.VM_READ : 0)
                    | (m.group(3).equals("w") ? VmFlags.VM_WRITE : 0) | (m.group(4).equals("x") ? VmFlags.VM_EXEC : 0);
            assertThat(Integer.toHexString(ProtectionMap.vmGetPageProt(flags))).as(line)
                    .isEqualTo(Integer.toHexString(Integer.parseUnsignedInt(m.group(5), 16)));
            seen++;
        }
        assertThat(seen).as("protections in the probe").isEqualTo(16);
    }

    @Test
    void pteModifyReplacesOnlyThePermissionBits() {
        int dirtyYoungWritable = 0x12345000 | 0x41f | 0x100 | 0x40 | 0x200;
        int readOnly = ProtectionMap.pteModify(dirtyYoungWritable, ProtectionMap.vmGetPageProt(VmFlags.VM_READ));
        assertThat(readOnly & 0xfffff000).isEqualTo(0x12345000);
        assertThat(readOnly & 0x40).as("L_PTE_DIRTY kept").isNotZero();
        assertThat(readOnly & 0x80).as("L_PTE_RDONLY set").isNotZero();
    }
}
