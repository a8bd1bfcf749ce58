package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.board.ReservedMemory;
import armmm.model.layout.Layout;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rest of {@code setup_arch} (arch/arm/kernel/setup.c) as boot runs it: {@code early_mem} with
 * an explicit start of 0, {@code early_vmalloc}'s bounds (arch/arm/mm/mmu.c), {@code reserve_initrd_mem}
 * (init/initramfs.c) for an absent, unaligned or misplaced initrd, the reserved-memory nodes
 * ({@code early_init_dt_reserve_memory}, {@code fdt_init_reserved_mem}, drivers/of/), a CMA area at
 * {@code arm_lowmem_limit} ({@code dma_contiguous_remap}), a bank ending between {@code _end} and
 * {@code kernel_sec_end} ({@code map_lowmem}), and the kernel's virtual layout
 * ({@code __phys_to_virt}: phys - PHYS_OFFSET + PAGE_OFFSET; the image's sections from the build).
 */
class BootSetupArchEdgesTest {
    private static final long M = 1L << 20;

    private static Board withNodes(ReservedMemory... nodes) {
        return Board.of(List.of(new Bank(0x4000_0000L, 1024 * M)), List.of(nodes), "", 1);
    }

    @Test
    void theLayoutPlacesTheImagesSectionsAtTheirLinearAddresses() {
        BootedSystem b = Boot.boot(Board.virt(256 * M));
        Layout l = b.layout();
        // KERNEL_START = PHYS_OFFSET + 0x300000 -> 0xc0300000; text 11264K, init at +0xf00000 for 2048K,
        // data 1700K after init, _end at KERNEL_START + 0x1307588
        assertThat(l.kernelStart()).isEqualTo(0xc030_0000L);
        assertThat(l.textEnd()).isEqualTo(0xc030_0000L + (11264L << 10));
        assertThat(l.initBegin()).isEqualTo(0xc120_0000L);
        assertThat(l.initEnd()).isEqualTo(0xc140_0000L);
        assertThat(l.dataStart()).isEqualTo(0xc140_0000L);
        assertThat(l.dataEnd()).isEqualTo(0xc140_0000L + (1700L << 10));
        assertThat(l.kernelEnd()).isEqualTo(0xc160_7588L);
        assertThat(l.pageblockPages()).isEqualTo(2048);
        assertThat(l.structPageSize()).isEqualTo(36);
        assertThat(l.vmallocSize()).isEqualTo(240 * M);
        assertThat(l.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        assertThat(b.initBeginPhys()).isEqualTo(0x4120_0000L);
        assertThat(b.initEndPhys()).isEqualTo(0x4140_0000L);
        // the live memblock translates with the booted layout from now on (memblock_free of a virtual address)
        assertThat(b.memblock().linearMap()).isSameAs(l);
        // with a 2G/2G split the same image sits at 0x80300000
        BootedSystem split = Boot.boot(Board.virt(256 * M).withBuild(BuildConfig.armmp().withPageOffset(0x8000_0000L)));
        assertThat(split.layout().kernelStart()).isEqualTo(0x8030_0000L);
        assertThat(split.layout().kernelEnd()).isEqualTo(0x8160_7588L);
    }

    @Test
    void ramThatCannotHoldTheImageNamesTheRamFound() {
        assertThatThrownBy(() -> Boot.boot(Board.virt(1024 * M).withArgs("mem=16M"))).isInstanceOf(BootException.class)
                .hasMessage("mem=: RAM must hold the kernel image 0x40300000-0x41607587, found RAM 0x40000000-0x40ffffff");
    }

    @Test
    void memAtAnExplicitZeroIsBelowPhysOffset() {
        // mem=16M@0: start 0, not PHYS_OFFSET; all of it lies below PHYS_OFFSET
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withArgs("mem=256M mem=16M@0"));
        assertThat(b.log()).contains("Ignoring memory below PHYS_OFFSET: 0x00000000-0x01000000");
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
    }

    @Test
    void earlyVmallocKeepsItsBoundsThemselves() {
        BootedSystem zero = Boot.boot(Board.virt(1024 * M).withArgs("vmalloc=0"));
        assertThat(zero.vmallocSize()).isEqualTo(16 * M);
        assertThat(zero.log()).contains("vmalloc area is too small, limiting to 16MiB");
        BootedSystem min = Boot.boot(Board.virt(1024 * M).withArgs("vmalloc=16M"));
        assertThat(min.vmallocSize()).isEqualTo(16 * M);
        assertThat(min.log()).noneMatch(l -> l.startsWith("vmalloc area"));
        // VMALLOC_END - (PAGE_OFFSET + 32M + VMALLOC_OFFSET) = 976 MiB is the largest kept as it is
        BootedSystem max = Boot.boot(Board.virt(1024 * M).withArgs("vmalloc=976M"));
        assertThat(max.vmallocSize()).isEqualTo(976 * M);
        assertThat(max.log()).noneMatch(l -> l.startsWith("vmalloc area"));
        assertThat(max.lowmemLimit()).isEqualTo(0x4200_0000L);
    }

    @Test
    void noInitrdReservesNothing() {
        BootedSystem b = Boot.boot(Board.virt(256 * M).withInitrdSize(0));
        assertThat(b.initrdStart()).isZero();
        assertThat(b.initrdEnd()).isZero();
        assertThat(b.debugLog()).noneMatch(l -> l.endsWith("reserve_initrd_mem"));
    }

    @Test
    void theInitrdIsReservedPageRounded() {
        BootedSystem b = Boot.boot(Board.virt(256 * M));
        assertThat(b.initrdStart()).isEqualTo(0x4800_0000L);
        assertThat(b.initrdEnd()).isEqualTo(0x480d_8000L);
        assertThat(b.debugLog()).contains("memblock_reserve: [0x48000000-0x480d7fff] reserve_initrd_mem");
        // loader_start 0x40000800: the initrd at 0x48000800 is reserved from its page, 0xd8800 rounded up
        BootedSystem odd = Boot.boot(Board.of(List.of(new Bank(0x4000_0800L, 512 * M)), List.of(), "", 1));
        assertThat(odd.initrdStart()).isEqualTo(0x4800_0000L);
        assertThat(odd.initrdEnd()).isEqualTo(0x480d_9000L);
    }

    @Test
    void anInitrdInAHoleBetweenBanksIsDisabled() {
        // 320 MiB of RAM: the initrd goes to 0x40000000 + 128M = 0x48000000, between the banks
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 64 * M), new Bank(0x5000_0000L, 256 * M)),
                List.of(), "", 1));
        assertThat(b.log()).contains("INITRD: 0x48000000+0x000d8000 is not a memory region - disabling initrd");
        assertThat(b.initrdStart()).isZero();
        assertThat(b.initrdEnd()).isZero();
    }

    @Test
    void aNoMapNodeOverReservedMemoryIsRefusedWithItsSizeInMiB() {
        BootedSystem b = Boot.boot(withNodes(new ReservedMemory(0x4000_0000L, 32 * M, ReservedMemory.Kind.NO_MAP)));
        assertThat(b.log()).contains(
                "OF: reserved mem: failed to reserve memory for node 'reserved-memory@0': base 0x40000000, size 32 MiB");
    }

    @Test
    void aNoMapNodeOutsideRamIsMarkedNotRefusedEvenOverAReservation() {
        // the hole board: the device tree blob (reserved) lies at 0x480d8000, outside memory
        Board hole = Board.of(List.of(new Bank(0x4000_0000L, 64 * M), new Bank(0x5000_0000L, 256 * M)),
                List.of(new ReservedMemory(0x4800_0000L, 16 * M, ReservedMemory.Kind.NO_MAP)), "", 1);
        BootedSystem b = Boot.boot(hole);
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x4800_0000L, 16 * M)).isTrue();
        assertThat(b.log()).noneMatch(l -> l.contains("failed to reserve memory"));
        // a no-map node on free RAM is marked
        BootedSystem marked = Boot.boot(withNodes(new ReservedMemory(0x6000_0000L, 16 * M, ReservedMemory.Kind.NO_MAP)));
        assertThat(marked.memory()).contains(new Region(0x6000_0000L, 16 * M, Memblock.NOMAP));
    }

    @Test
    void nodesAreNamedInOrderAndOnlyReusableOnesBecomeCma() {
        BootedSystem b = Boot.boot(withNodes(new ReservedMemory(0x5000_0000L, 16 * M, ReservedMemory.Kind.RESERVED),
                new ReservedMemory(0x5800_0000L, 16 * M, ReservedMemory.Kind.REUSABLE),
                new ReservedMemory(0x6000_0000L, 8 * M, ReservedMemory.Kind.REUSABLE)));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved-memory@1", 0x5800_0000L, 16 * M),
                new CmaArea("reserved-memory@2", 0x6000_0000L, 8 * M), new CmaArea("reserved", 0x7f00_0000L, 16 * M));
        assertThat(b.cmaTotal()).isEqualTo(40 * M);
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x5000_0000L, 16 * M)).isTrue();
        assertThat(b.debugLog()).contains("memblock_reserve: [0x50000000-0x50ffffff] early_init_dt_reserve_memory");
    }

    @Test
    void aMisalignedReusableNodeIsLoggedAndFreed() {
        BootedSystem b = Boot.boot(withNodes(new ReservedMemory(0x5010_0000L, 16 * M, ReservedMemory.Kind.REUSABLE)));
        assertThat(b.log()).contains("Reserved memory: incorrect alignment of CMA region");
        assertThat(b.debugLog()).contains("memblock_phys_free: [0x50100000-0x510fffff] fdt_init_reserved_mem");
    }

    @Test
    void aCmaAreaStartingAtTheLowmemLimitIsNotRemapped() {
        BootedSystem b = Boot.boot(withNodes(new ReservedMemory(0x7000_0000L, 8 * M, ReservedMemory.Kind.REUSABLE)));
        assertThat(b.cmaAreas()).extracting(CmaArea::base).contains(0x7000_0000L);
        assertThat(b.allocationBy("iotable_init")).isNull();
    }

    @Test
    void aBankEndingBetweenEndAndKernelSecEndIsLeftToMapKernel() {
        // kernel_sec_end = (0x41607588 + 1M - 1) & -1M = 0x41700000. The first bank [0x40000000,
        // 0x41680000) is all kernel sections: start moves to 0x41700000 past its end, nothing mapped,
        // no pte table. All RAM is lowmem, so the default CMA area is too: [0, 0x51700000) top-down,
        // 8 MiB aligned, at 0x50000000, remapped with 8 pte tables
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 0x0168_0000L), new Bank(0x4170_0000L, 256 * M)),
                List.of(), "", 1));
        assertThat(b.cmaAreas()).extracting(CmaArea::base).containsExactly(0x5000_0000L);
        assertThat(b.allocations()).filteredOn(a -> a.caller().equals("early_alloc") && a.size() == 4096).hasSize(4 + 8);
    }

    @Test
    void bootedSystemHelpers() {
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withArgs("movablecore=128M"));
        assertThat(b.movablecorePages()).isEqualTo(32768);
        assertThat(Boot.boot(Board.virt(1024 * M)).movablecorePages()).isZero();
        assertThat(Boot.boot(Board.virt(1024 * M).withArgs("movablecore=10%")).movablecorePages()).isZero();
        assertThat(Boot.boot(Board.virt(1024 * M).withArgs("movablecore=0")).movablecorePages()).isZero();
        EarlyAllocation first = b.allocationBy("early_init_dt_alloc_memory_arch");
        assertThat(first.size()).isEqualTo(20752);
        assertThat(first.end()).isEqualTo(first.address() + 20752);
        assertThat(b.allocationBy("no_such_caller")).isNull();
        // the first of several: the vectors' two pages come before the one-page tables
        assertThat(b.allocationBy("early_alloc").size()).isEqualTo(8192);
    }
}
