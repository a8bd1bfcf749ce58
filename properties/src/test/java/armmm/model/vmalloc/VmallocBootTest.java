package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.layout.Layout;
import armmm.model.zone.CmaArea;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The areas boot makes by itself ({@link VmallocBoot}): {@code dma_contiguous_remap}'s static
 * mapping of each CMA area's lowmem part at its linear address (arch/arm/mm/dma-mapping.c,
 * {@code iotable_init}), {@code pci_reserve_io}'s 2 MiB window at {@code PCI_IO_VIRT_BASE}
 * unless a static mapping already holds that address ({@code vm_reserve_area_early}, which
 * arch/arm/mm/mmu.c skips then), and {@code init_irq_stacks}' THREAD_SIZE stacks at THREAD_ALIGN
 * (arch/arm/kernel/irq.c).
 */
class VmallocBootTest {
    private static final long START = 0xf080_0000L;
    private static final long END = 0xff80_0000L;
    private static final long MT_DMA_READY = 11L << 20;

    private static Layout layout(long lowmemLimit) {
        return new Layout(0xc000_0000L, 0x4000_0000L, lowmemLimit, 0, 0xef00_0000L, 36, 2048, 0, 0, 0, 0, 0, 0, 0, List.of(),
                Bugs.NONE);
    }

    @Test
    void aCmaAreaIsRemappedUpToTheLowmemLimitAndThePciWindowFollows() {
        List<VmStruct> vmlist = VmallocBoot.earlyVmlist(layout(0x6f80_0000L),
                List.of(new CmaArea("reserved", 0x6c00_0000L, 64L << 20), new CmaArea("high", 0x7000_0000L, 16L << 20)));
        assertThat(vmlist).hasSize(2);
        VmStruct cma = vmlist.get(0);
        assertThat(cma.addr()).isEqualTo(0xec00_0000L);
        assertThat(cma.size()).as("clamped to arm_lowmem_limit").isEqualTo(0x0380_0000L);
        assertThat(cma.physAddr()).isEqualTo(0x6c00_0000L);
        assertThat(cma.flags()).isEqualTo(VmFlags.VM_IOREMAP | VmFlags.VM_ARM_STATIC_MAPPING | MT_DMA_READY);
        assertThat(cma.caller()).isEqualTo("iotable_init+0x0/0xf4");
        VmStruct pci = vmlist.get(1);
        assertThat(pci.addr()).isEqualTo(0xfee0_0000L);
        assertThat(pci.size()).isEqualTo(2L << 20);
        assertThat(pci.flags()).isEqualTo(VmFlags.VM_IOREMAP | VmFlags.VM_ARM_EMPTY_MAPPING);
        assertThat(pci.caller()).isEqualTo("pci_reserve_io+0x0/0x38");
        assertThat(VmallocBoot.earlyVmlist(layout(0x6f80_0000L), List.of())).extracting(VmStruct::addr).containsExactly(0xfee0_0000L);
    }

    @Test
    void aStaticMappingOverPciIoVirtBaseTakesThePlaceOfThePciWindow() {
        // lowmem up to 0x7f000000: a CMA area at 0x7ee00000 is mapped at 0xfee00000 itself
        Layout high = layout(0x7f00_0000L);
        assertThat(VmallocBoot.earlyVmlist(high, List.of(new CmaArea("c", 0x7ee0_0000L, 1L << 20))))
                .extracting(VmStruct::addr).containsExactly(0xfee0_0000L);
        assertThat(VmallocBoot.earlyVmlist(high, List.of(new CmaArea("c", 0x7ee0_0000L, 1L << 20))).get(0).caller())
                .isEqualTo("iotable_init+0x0/0xf4");
        // one ending exactly at PCI_IO_VIRT_BASE leaves it free
        assertThat(VmallocBoot.earlyVmlist(high, List.of(new CmaArea("c", 0x7ed0_0000L, 1L << 20))))
                .extracting(VmStruct::addr).containsExactly(0xfed0_0000L, 0xfee0_0000L);
    }

    @Test
    void bootVmallocsOneIrqStackPerPossibleCpuAtThreadAlign() {
        VmallocEdgesTest.Pages pages = new VmallocEdgesTest.Pages(4096);
        Vmalloc v = new Vmalloc(START, END, pages, new ShadowPtes(START, END, 0x40000, 0x80000), 2, Set.of());
        VmallocBoot.boot(v, List.of(new VmStruct(0xfee0_0000L, 2L << 20, VmFlags.VM_IOREMAP, "pci")), 2);
        // THREAD_SIZE 8 KiB plus the guard page; THREAD_ALIGN 16 KiB
        assertThat(v.findVmArea(START).value()).isEqualTo(START);
        assertThat(v.findVmArea(START + 0x4000).value()).isEqualTo(START + 0x4000);
        assertThat(v.areas().find(START + 0x4000).vm().size()).isEqualTo(0x3000);
        assertThat(v.areas().find(START).vm().caller()).isEqualTo("start_kernel+0x550/0x748");
        assertThat(pages.gfps).hasSize(4).containsOnly(Gfp.GFP_KERNEL_ACCOUNT | Gfp.ZERO | Gfp.NOWARN | Gfp.HIGHMEM);
        assertThat(v.findVmArea(0xfee0_0000L).value()).isEqualTo(0xfee0_0000L);
    }
}
