package armmm.model.vmalloc;

import armmm.model.layout.Layout;
import armmm.model.core.Gfp;
import armmm.model.zone.CmaArea;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The vmap areas boot makes by itself on the virt board, before any driver: the early
 * {@code vmlist} that {@code vmalloc_init} imports, and the IRQ stacks {@code init_irq_stacks}
 * vmallocs.
 *
 * <ul>
 *   <li>{@code dma_contiguous_remap} (arch/arm/mm/dma-mapping.c) remaps the lowmem part of each
 *       CMA area with {@code iotable_init}, whose {@code add_static_vm_early} records it at its
 *       linear address (outside the vmalloc range) with MT_MEMORY_DMA_READY;</li>
 *   <li>{@code pci_reserve_io} (arch/arm/mm/mmu.c) reserves the 2 MiB PCI I/O window at
 *       {@code PCI_IO_VIRT_BASE} with {@code vm_reserve_area_early};</li>
 *   <li>{@code init_irq_stacks} (arch/arm/kernel/irq.c) vmallocs one THREAD_SIZE stack aligned
 *       to THREAD_ALIGN per possible CPU (CONFIG_VMAP_STACK).</li>
 * </ul>
 *
 * <p>The callers print as this build's {@code %pS} prints them (symbol sizes and the return
 * offset in {@code start_kernel} are facts of the Debian 6.1 armmp build, read off its
 * /proc/vmallocinfo).
 */
public final class VmallocBoot {
    /** {@code PCI_IO_VIRT_BASE} (arch/arm/include/asm/io.h). */
    public static final long PCI_IO_VIRT_BASE = 0xfee0_0000L;
    /** The PCI I/O window's size, {@code SZ_2M}. */
    public static final long PCI_IO_SIZE = 2L << 20;
    /** {@code THREAD_SIZE}: two pages (THREAD_SIZE_ORDER 1). */
    public static final long THREAD_SIZE = 2 * VmapAreas.PAGE_SIZE;
    /** {@code THREAD_ALIGN} with CONFIG_VMAP_STACK: 2 x THREAD_SIZE. */
    public static final long THREAD_ALIGN = 2 * THREAD_SIZE;
    /** {@code THREADINFO_GFP}: GFP_KERNEL_ACCOUNT | __GFP_ZERO. */
    public static final long THREADINFO_GFP = Gfp.GFP_KERNEL_ACCOUNT | Gfp.ZERO;
    /** {@code %pS} of {@code iotable_init} in this build. */
    public static final String IOTABLE_INIT = "iotable_init+0x0/0xf4";
    /** {@code %pS} of {@code pci_reserve_io} in this build. */
    public static final String PCI_RESERVE_IO = "pci_reserve_io+0x0/0x38";
    /** {@code %pS} of {@code init_irq_stacks}' return address (inlined into start_kernel) in this build. */
    public static final String IRQ_STACK_CALLER = "start_kernel+0x550/0x748";

    private VmallocBoot() {
    }

    /** The early {@code vmlist}, sorted by address as {@code vm_area_add_early} keeps it. */
    public static List<VmStruct> earlyVmlist(Layout layout, List<CmaArea> cmaAreas) {
        List<VmStruct> vmlist = new ArrayList<>();
        for (CmaArea cma : cmaAreas) {
            long start = cma.base();
            long end = Math.min(cma.base() + cma.size(), layout.lowmemLimit());
            if (start >= end) {
                continue;
            }
            VmStruct vm = new VmStruct(layout.linearVirt(start), end - start, VmFlags.VM_IOREMAP
                    | VmFlags.VM_ARM_STATIC_MAPPING | VmFlags.vmArmMtype(VmFlags.MT_MEMORY_DMA_READY), IOTABLE_INIT);
            vm.setPhysAddr(start);
            vmlist.add(vm);
        }
        boolean pciTaken = vmlist.stream().anyMatch(vm -> vm.addr() <= PCI_IO_VIRT_BASE && PCI_IO_VIRT_BASE < vm.addr() + vm.size());
        if (!pciTaken) {
            vmlist.add(new VmStruct(PCI_IO_VIRT_BASE, PCI_IO_SIZE, VmFlags.VM_IOREMAP | VmFlags.VM_ARM_EMPTY_MAPPING,
                    PCI_RESERVE_IO));
        }
        vmlist.sort(Comparator.comparingLong(VmStruct::addr));
        return vmlist;
    }

    /** {@code vmalloc_init} then {@code init_irq_stacks} for {@code possibleCpus} CPUs. */
    public static void boot(Vmalloc vmalloc, List<VmStruct> vmlist, int possibleCpus) {
        vmalloc.init(vmlist);
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            vmalloc.vmallocNodeRange(THREAD_SIZE, THREAD_ALIGN, vmalloc.vmallocStart(), vmalloc.vmallocEnd(),
                    THREADINFO_GFP, 0, IRQ_STACK_CALLER);
        }
    }
}
