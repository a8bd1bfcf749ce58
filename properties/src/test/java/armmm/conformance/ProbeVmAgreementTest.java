package armmm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.vmalloc.VmallocChecks;
import armmm.model.kernel.Kernel;
import armmm.model.core.Gfp;
import armmm.model.vmalloc.VmFlags;
import armmm.model.vmalloc.VmStruct;
import armmm.model.vmalloc.VmapArea;
import armmm.model.vmalloc.Vmalloc;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The model's placement against the real kernel's: {@code probe-vm-1024M/probe_vm.txt} is a
 * scripted sequence of vmalloc, vfree, vzalloc, vmap, ioremap and vm_unmap_aliases on a 1 GiB
 * board with the address each call returned; {@code probe_vmallocinfo.txt} is /proc/vmallocinfo
 * after it.
 *
 * <p>The areas that were there before the probe are derived from that vmallocinfo alone
 * (spec/vmalloc.md): every line in the vmalloc range that the probe did not make is placed at its
 * address, and every hole below the first address the probe got is an area freed lazily before
 * the probe began (the sequence's last calls land in two of those holes only after
 * vm_unmap_aliases purged them). Then the sequence runs on the model, which must return every
 * address the kernel returned and end with the kernel's areas.
 */
class ProbeVmAgreementTest {
    private static final String BOARD = "probe-vm-1024M";
    private static final long PAGE = 4096;
    private static final Pattern INFO = Pattern.compile(
            "^0x([0-9a-f]+)-0x([0-9a-f]+)\\s+(\\d+) (\\S+(?: \\[\\w+\\])?)(?: pages=(\\d+))?(?: phys=0x([0-9a-f]+))?(.*)$");
    private static final Pattern CALL = Pattern.compile("^(\\S+)\\s+(\\w+)\\(([^)]*)\\)(?: = ([0-9a-f]+))?");

    /** One line of /proc/vmallocinfo. */
    record InfoLine(long start, long end, String caller, int pages, String words) {
        boolean fromProbe() {
            return caller.contains("[armmm_probe]") || caller.startsWith("0xbf") || words.contains("[armmm_probe]");
        }
    }

    static List<InfoLine> parseInfo(String text) {
        List<InfoLine> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = INFO.matcher(line);
            if (m.matches()) {
                out.add(new InfoLine(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16), m.group(4),
                        m.group(5) == null ? 0 : Integer.parseInt(m.group(5)), m.group(7)));
            }
        }
        return out;
    }

    /** The first address the probe got: the lowest hole below it was not free when it began. */
    private static long firstProbeAddress(String probe) {
        Matcher m = CALL.matcher(probe.lines().filter(l -> CALL.matcher(l).find() && l.contains(" = ")).findFirst().orElseThrow());
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(4), 16);
    }

    @Test
    void theModelReturnsEveryAddressTheKernelReturned() {
        String probe = OracleFiles.read(BOARD, "probe_vm.txt");
        List<InfoLine> info = parseInfo(OracleFiles.read(BOARD, "probe_vmallocinfo.txt"));
        Kernel k = Kernel.boot(Board.of(List.of(new Bank(Board.VIRT_RAM_BASE, 1024L << 20)), List.of(), "", 1));
        Vmalloc v = k.state(Vmalloc.class);
        assertThat(v.vmallocStart()).isEqualTo(Long.parseLong(find(probe, "VMALLOC_START=([0-9a-f]+)"), 16));
        assertThat(v.vmallocEnd()).isEqualTo(Long.parseLong(find(probe, "VMALLOC_END=([0-9a-f]+)"), 16));

        List<InfoLine> prior = placePriorAreas(k, info, firstProbeAddress(probe));
        assertThat(k.check()).as("invariants after placing the prior areas").isEmpty();

        int agreed = 0;
        List<String> mismatches = new ArrayList<>();
        for (String line : probe.lines().toList()) {
            Matcher m = CALL.matcher(line);
            if (!m.find()) {
                continue;
            }
            long got = run(k, m.group(2), m.group(3));
            assertThat(k.check()).as("invariants after %s", line).isEmpty();
            if (m.group(4) != null) {
                long expected = Long.parseLong(m.group(4), 16);
                if (got == expected) {
                    agreed++;
                } else {
                    mismatches.add(String.format("%s: model %#x", line.trim(), got));
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(agreed).as("addresses compared").isEqualTo(17);

        // the model ends with the kernel's busy areas in the vmalloc range, page counts included
        List<String> kernelAreas = info.stream().filter(l -> l.start() >= v.vmallocStart() && l.end() <= v.vmallocEnd())
                .map(l -> String.format("%x-%x pages=%d", l.start(), l.end(), l.pages())).toList();
        List<String> modelAreas = new ArrayList<>();
        for (VmapArea va : v.areas().busyAreas()) {
            VmStruct vm = va.vm();
            if (vm != null && va.vaStart() >= v.vmallocStart() && va.vaEnd() <= v.vmallocEnd()) {
                modelAreas.add(String.format("%x-%x pages=%d", vm.addr(), vm.addr() + vm.size(), vm.nrPages()));
            }
        }
        assertThat(kernelAreas).as("the kernel's areas in the vmalloc range").hasSize(77);
        assertThat(modelAreas).containsExactlyElementsOf(kernelAreas);
        assertThat(v.areas().purgeRanges()).as("vm_unmap_aliases purged everything").isEmpty();
        assertThat(VmallocChecks.fullScan(v)).isEmpty();
        assertThat(prior).isNotEmpty();
    }

    /**
     * Places the areas that were there before the probe: the lines the probe did not make, each at
     * its address, then the lazily freed holes below {@code firstProbe}. Returns the lines placed.
     */
    private static List<InfoLine> placePriorAreas(Kernel k, List<InfoLine> info, long firstProbe) {
        Vmalloc v = k.state(Vmalloc.class);
        List<InfoLine> prior = new ArrayList<>();
        for (InfoLine l : info) {
            if (l.fromProbe() || l.start() < v.vmallocStart() || l.end() > v.vmallocEnd()) {
                continue;
            }
            prior.add(l);
            if (v.findVmArea(l.start()).value() == l.start()) {
                continue; // boot made it (the IRQ stack, the PCI I/O window)
            }
            long addr;
            if (l.pages() > 0 && l.words().contains("vmalloc") && l.end() - l.start() == (l.pages() + 1) * PAGE) {
                addr = v.vmallocNodeRange(l.end() - l.start() - PAGE, PAGE, l.start(), l.end(), Gfp.GFP_KERNEL, 0, l.caller()).value();
            } else {
                // ioremap, dma-coherent, percpu: the placement is what matters, nothing is mapped
                long flags = l.words().contains("ioremap") ? VmFlags.VM_IOREMAP : VmFlags.VM_MAP;
                boolean guard = (l.end() - l.start()) % (2 * PAGE) != 0 || !l.caller().startsWith("pcpu_get_vm_areas");
                addr = v.getVmAreaCaller(guard ? l.end() - l.start() - PAGE : l.end() - l.start(),
                        guard ? flags : flags | VmFlags.VM_NO_GUARD, l.start(), l.end(), l.caller()).value();
            }
            assertThat(addr).as("placing %s", l).isEqualTo(l.start());
        }
        long cursor = v.vmallocStart();
        List<long[]> holes = new ArrayList<>();
        for (InfoLine l : prior) {
            if (l.start() > cursor && cursor < firstProbe) {
                holes.add(new long[] {cursor, Math.min(l.start(), firstProbe)});
            }
            cursor = Math.max(cursor, l.end());
        }
        for (long[] h : holes) {
            long addr = v.getVmAreaCaller(h[1] - h[0], VmFlags.VM_ALLOC | VmFlags.VM_NO_GUARD, h[0], h[1], "freed before the probe").value();
            assertThat(addr).isEqualTo(h[0]);
            assertThat(v.vfree(addr).isRefused()).isFalse();
        }
        return prior;
    }

    /** Runs one call of the probe's script; returns the address the call returned (0 for a void call). */
    private static long run(Kernel k, String call, String args) {
        Vmalloc v = k.state(Vmalloc.class);
        switch (call) {
            case "vmalloc":
                return v.vmalloc(Long.decode(args.trim())).value();
            case "vzalloc":
                return v.vzalloc(Long.decode(args.trim())).value();
            case "vfree":
                assertThat(v.vfree(Long.parseLong(args.trim(), 16)).isRefused()).isFalse();
                return 0;
            case "vm_unmap_aliases":
                v.purgeVmapAreaLazy();
                return 0;
            case "ioremap": {
                String[] a = args.split(",");
                return v.ioremap(Long.decode(a[0].trim()), Long.decode(a[1].trim())).value();
            }
            case "vmap": {
                // "3 lowmem pages pfn ..." or "3 highmem pages pfn ... highmem=1": fresh pages of that kind
                int count = Integer.parseInt(args.trim().split("\\s+")[0]);
                long gfp = args.contains("highmem=1") ? Gfp.GFP_KERNEL | Gfp.HIGHMEM : Gfp.GFP_KERNEL;
                long[] pfns = new long[count];
                for (int i = 0; i < count; i++) {
                    pfns[i] = k.pages().allocPagesPfn(gfp, 0, 0);
                }
                return v.vmap(pfns, VmFlags.VM_MAP).value();
            }
            default:
                throw new AssertionError("unknown probe call " + call);
        }
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }
}
