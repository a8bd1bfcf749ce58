package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.kernel.Kernel;
import armmm.model.report.MemblockReport;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replays the memblock calls of a real {@code memblock=debug} boot (oracle
 * armmp-1024M-memblockdebug: Debian 6.1 armmp, QEMU virt, 1 GiB) on the model: starting from the
 * kernel's own first {@code MEMBLOCK configuration} dump, every {@code memblock_alloc_try_nid}
 * (and {@code _raw}) is placed by the model and compared with the {@code memblock_reserve} line
 * the kernel printed for it, frees and plain reserves are applied as logged, and the final
 * reserved array is compared with {@code /sys/kernel/debug/memblock/reserved} of that boot.
 */
class MemblockOracleReplayTest {
    private static final String BOARD = "armmp-1024M-memblockdebug";
    /** {@code arm_lowmem_limit} of this board: 768 MiB of lowmem above 0x40000000 (VMSPLIT_3G). */
    private static final long LOWMEM_LIMIT = 0x7000_0000L;

    private static final Pattern DUMP_REGION = Pattern.compile(
            " (memory|reserved)\\[0x[0-9a-f]+\\]\\s+\\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\\], (0x[0-9a-f]+) bytes flags: (0x[0-9a-f]+)");
    private static final Pattern ALLOC = Pattern.compile(
            "(memblock_alloc_try_nid(?:_raw)?): (\\d+) bytes align=(0x[0-9a-f]+) nid=-?\\d+ from=(0x[0-9a-f]+) max_addr=(0x[0-9a-f]+)");
    private static final Pattern RANGE = Pattern.compile("(memblock_reserve|memblock_phys_free): \\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\\]");

    private static List<String> lines(String name) {
        return OracleFiles.read(BOARD, name).lines().toList();
    }

    private static long hex(String s) {
        return Long.parseLong(s.substring(2), 16);
    }

    @Test
    void theModelPlacesEveryLoggedAllocationWhereTheKernelDidAndEndsWithItsReservedArray() {
        List<String> dmesg = lines("dmesg.txt");
        Kernel kernel = Kernel.bare();
        Memblock mb = kernel.memblock();
        int at = 0;
        while (!dmesg.get(at).contains("MEMBLOCK configuration:")) {
            at++;
        }
        for (at++; at < dmesg.size(); at++) {
            Matcher m = DUMP_REGION.matcher(dmesg.get(at));
            if (!m.find()) {
                if (dmesg.get(at).contains(".cnt") || dmesg.get(at).contains("size =")) {
                    continue;
                }
                break;
            }
            long base = hex(m.group(2));
            long size = hex(m.group(4));
            if (m.group(1).equals("memory")) {
                mb.add(base, size);
            } else {
                mb.reserve(base, size);
            }
        }
        mb.setCurrentLimit(LOWMEM_LIMIT);
        mb.allowResize();

        List<String> mismatches = new ArrayList<>();
        int allocations = 0;
        Long expectNext = null;
        String pendingCall = null;
        for (; at < dmesg.size(); at++) {
            String line = dmesg.get(at);
            Matcher a = ALLOC.matcher(line);
            if (a.find()) {
                long size = Long.parseLong(a.group(2));
                long placed = mb.allocTryNid(size, hex(a.group(3)), hex(a.group(4)), hex(a.group(5))).value();
                expectNext = placed;
                pendingCall = line;
                allocations++;
                continue;
            }
            Matcher r = RANGE.matcher(line);
            if (!r.find()) {
                continue;
            }
            long base = hex(r.group(2));
            long size = (hex(r.group(3)) + 1 - base) & 0xffff_ffffL;
            if (r.group(1).equals("memblock_phys_free")) {
                mb.physFree(base, size);
            } else if (expectNext != null) {
                if (expectNext != base) {
                    mismatches.add(String.format("%s: kernel %#x, model %#x", pendingCall, base, expectNext));
                    mb.physFree(expectNext, size);
                    mb.reserve(base, size);
                }
                expectNext = null;
            } else {
                mb.reserve(base, size);
            }
            assertThat(kernel.check()).as("invariants after %s", line).isEmpty();
        }
        assertThat(allocations).isEqualTo(31);
        assertThat(mismatches).isEmpty();
        assertThat(MemblockReport.debugfsReserved(mb)).containsExactlyElementsOf(lines("memblock_reserved.txt"));
        assertThat(MemblockReport.debugfsMemory(mb)).containsExactlyElementsOf(lines("memblock_memory.txt"));
    }
}
