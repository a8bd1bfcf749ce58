package armmm.properties;

import armmm.model.boot.BootedSystem;
import armmm.model.highmem.HighmemChains;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmChains;
import armmm.model.mmu.MmuChains;
import armmm.model.page.PageChains;
import armmm.model.slub.SlubKernelChains;
import armmm.model.vmalloc.VmallocChains;
import armmm.model.zone.ZoneChains;
import armmm.model.zone.ZoneType;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;

/**
 * The whole-kernel chain: a generated board (banks, reserved-memory, command line, CPUs) boots,
 * then every subsystem's calls run in one chain, with every invariant of the catalogue checked
 * after every call. Each subsystem adds its calls here as it arrives (the page allocator, the
 * MMU, vmalloc, SLUB, highmem and the user address spaces now).
 */
class KernelChainProperties {

    @PropertyTest
    void generatedBoardsThenEveryKernelCallKeepEveryInvariant(PropertyRunner runner) {
        // vmalloc without vmap: the page calls free any page they hold, which must not be vmapped
        // and the user address spaces: their faults take HighMem frames that kmap and the page calls also see
        runner.check(MmChains.withMmCalls(SlubKernelChains.withSlubCalls(HighmemChains.withHighmemCalls(VmallocChains.withVmallocCalls(
                MmuChains.withMmuCalls(PageChains.withPageCalls(ZoneChains.withSysctlCalls(KernelChains.builder(BoardGens.kernels().map(k -> {
                    labelBoard(k);
                    return k;
                })), 1))), id -> true), true))).cover("board with a populated ZONE_NORMAL", 1).tries(25).steps(60).build());
    }

    private static void labelBoard(Kernel k) {
        BootedSystem b = k.booted().orElseThrow();
        if (k.zones().orElseThrow().populated(ZoneType.NORMAL)) {
            // only a machine's dma_zone_size stops ZONE_DMA below the end of lowmem
            Stats.label("board with a populated ZONE_NORMAL");
        }
        Stats.label(b.maxPfn() > b.maxLowPfn() ? "board with HighMem" : "board without HighMem");
        if (b.board().banks().size() > 1) {
            Stats.label("board with several banks");
        }
        if (!b.board().reserved().isEmpty()) {
            Stats.label("board with reserved-memory");
        }
        if (b.board().cpus() > 1) {
            Stats.label("SMP board");
        }
    }
}
