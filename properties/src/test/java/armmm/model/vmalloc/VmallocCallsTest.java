package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The vmalloc calls as scenario lines ({@link VmallocOp}): each call's name and arguments in the
 * kernel's argument order (mm/vmalloc.c, arch/arm/mm/ioremap.c), the spelling that builds it back,
 * how it prints, and the refusal of every call on a kernel without a board.
 */
class VmallocCallsTest {

    /** One of every call, with distinct argument values so that a swapped or lost argument shows. */
    private static List<VmallocOp> everyCall() {
        return List.of(new VmallocOp.VmallocCall(0x1001), new VmallocOp.Vzalloc(0x1002), new VmallocOp.VmallocUser(0x1003),
                new VmallocOp.VmallocNodeRange(0x1004, 0x1005, 0xf000_0006L, 0xf800_0007L),
                new VmallocOp.GetVmAreaCaller(0x1008, VmFlags.VM_IOREMAP, 0xf000_0009L, 0xf800_000aL),
                new VmallocOp.Vfree(0xf000_000bL), new VmallocOp.Vmap(0xef00_000cL, 13), new VmallocOp.Vunmap(0xf000_000eL),
                new VmallocOp.Ioremap(0x1c00_000fL, 0x1010), new VmallocOp.Iounmap(0xf000_0011L),
                new VmallocOp.VmallocToPage(0xf000_0012L), new VmallocOp.IsVmallocAddr(0xf000_0013L),
                new VmallocOp.FindVmArea(0xf000_0014L), new VmallocOp.PurgeVmapAreaLazy(), new VmallocOp.VmUnmapAliases());
    }

    @Test
    void everyCallIsBuiltBackFromItsSpellingAndArguments() {
        List<String> names = new ArrayList<>();
        for (VmallocOp op : everyCall()) {
            OpSpec spec = VmallocOp.SPECS.stream().filter(s -> s.name().equals(op.name())).findFirst().orElseThrow();
            assertThat(op.args()).extracting(Arg::kind).as(op.name()).containsExactlyElementsOf(spec.args());
            long[] values = op.args().stream().mapToLong(Arg::value).toArray();
            Op rebuilt = spec.factory().make(values, 0);
            assertThat(rebuilt).as(op.name()).isEqualTo(op);
            assertThat(rebuilt.toString()).isEqualTo(op.toString());
            assertThat(op.toString()).as(op.name()).isEqualTo(op.render(HandleNames.NONE)).startsWith(op.name());
            names.add(op.name());
        }
        assertThat(VmallocOp.SPECS.stream().map(OpSpec::name).collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(names);
        assertThat(VmallocOp.SPECS).noneMatch(OpSpec::perCpu);
    }

    @Test
    void callsPrintInKernelArgumentOrder() {
        assertThat(new VmallocOp.VmallocCall(0x4000)).hasToString("vmalloc SZ_16K");
        assertThat(new VmallocOp.VmallocNodeRange(0x2000, 0x1000, 0xf000_0000L, 0xff80_0000L))
                .hasToString("__vmalloc_node_range SZ_8K SZ_4K 0xf0000000 0xff800000");
        assertThat(new VmallocOp.Ioremap(0x1c00_0000L, 0x1000)).hasToString("ioremap 0x1c000000 SZ_4K");
        assertThat(new VmallocOp.Vmap(0xef00_0000L, 2)).hasToString("vmap 0xef000000 2");
        assertThat(new VmallocOp.PurgeVmapAreaLazy()).hasToString("purge_vmap_area_lazy");
        assertThat(new VmallocOp.VmallocCall(1).resultStem()).isEqualTo("v");
        assertThat(new VmallocOp.Vzalloc(1).resultStem()).isEqualTo("v");
        assertThat(new VmallocOp.VmallocUser(1).resultStem()).isEqualTo("v");
        assertThat(new VmallocOp.VmallocNodeRange(1, 1, 0, 0).resultStem()).isEqualTo("v");
        assertThat(new VmallocOp.GetVmAreaCaller(1, 0, 0, 0).resultStem()).isEqualTo("v");
        assertThat(new VmallocOp.Vmap(1, 1).resultStem()).isEqualTo("v");
        assertThat(new VmallocOp.Ioremap(1, 1).resultStem()).isEqualTo("io");
    }

    @Test
    void withoutABoardEveryCallIsRefused() {
        Kernel bare = Kernel.bare();
        for (VmallocOp op : everyCall()) {
            assertThat(op.applyTo(bare)).as(op.name()).isEqualTo(VmallocOp.NO_VMALLOC);
        }
    }
}
