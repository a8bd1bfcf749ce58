package armmm.model.mmu;

import armmm.model.kernel.Kernel;
import armmm.model.core.Result;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.properties.KernelChains;
import armmm.properties.World;
import java.util.List;
import java.util.function.Predicate;

/**
 * The MMU's calls as chain actions: walks of kernel addresses (lowmem, the image, vmalloc, pkmap,
 * fixmap, vectors, and a few below TASK_SIZE), fixmap slots mapped, remapped and cleared
 * (sometimes out of range), and the text sections flipped for patching.
 */
public final class MmuChains {
    private MmuChains() {
    }

    /** MMU calls on kernels booted from {@code boards}, checking the invariants {@code checked} accepts. */
    public static ChainSpec.Builder<World, Op> spec(Gen<Kernel> boards, Predicate<String> checked) {
        return withMmuCalls(KernelChains.builder(boards, checked)).tries(40).steps(40);
    }

    /** Adds the MMU calls to a chain. */
    public static ChainSpec.Builder<World, Op> withMmuCalls(ChainSpec.Builder<World, Op> chain) {
        return chain
                .action("translate", 10, w -> Gens.combine(address(w), Gens.oneOf(Access.values()),
                        Gens.oneOf(Privilege.values()), Gens.ints(0, w.kernel().booted().orElseThrow().board().cpus()),
                        MmuOp.Translate::new))
                .action("set_fixmap", 6, w -> Gens.combine(slot(), frame(w), MmuOp.SetFixmap::new))
                .action("set_fixmap_io", 2, w -> Gens.combine(slot(), Gens.longs(0x08000000L, 0x0a000000L).map(p -> p & -4096L),
                        MmuOp.SetFixmapIo::new))
                .action("clear_fixmap", 4, w -> slot().map(MmuOp.ClearFixmap::new))
                .action("set_kernel_text_rw", 1, w -> Gens.constant(new MmuOp.SetKernelTextRw()))
                .action("set_kernel_text_ro", 1, w -> Gens.constant(new MmuOp.SetKernelTextRo()))
                .postcondition((w, op, outcome) -> {
                    if (op instanceof MmuOp.Translate) {
                        Result r = (Result) outcome;
                        Stats.label(r instanceof Result.Refused f ? "translate: " + f.reason() : "translate: mapped");
                    }
                    return List.of();
                });
    }

    /** Mostly real slots, sometimes one past the end (a kernel BUG, refused). */
    /**
     * The slots the kernel's own __set_fixmap callers use (FIX_EARLYCON_MEM_BASE, FIX_TEXT_POKE0/1),
     * and invalid ones: the FIX_KMAP_BEGIN..FIX_KMAP_END slots belong to kmap_local (highmem's
     * INV-HIGHMEM-04; a kmap_local push onto a slot __set_fixmap filled is 6.1's BUG_ON(!pte_none)).
     */
    private static Gen<Long> slot() {
        return Gens.frequency(Gens.weighted(8, Gens.oneOf(0L, (long) Fixmap.FIX_KMAP_END + 1, (long) Fixmap.FIX_KMAP_END + 2)),
                Gens.weighted(1, Gens.longs(Fixmap.END_OF_FIXED_ADDRESSES, Fixmap.END_OF_FIXED_ADDRESSES + 600)));
    }

    /**
     * Frames of the kernel's text (FIX_TEXT_POKE0/1's own use), with an offset in the page: frames
     * the kernel owns for good. A free frame would be the caller's use after free, which INV-MMU-05
     * reports (the first megabyte of RAM, once used here, is free on every board).
     */
    private static Gen<Long> frame(World w) {
        var l = w.kernel().booted().orElseThrow().layout();
        long text = l.kernelStart() - l.pageOffset() + l.physOffset();
        return Gens.longs(0, 255).map(i -> text + (i << 12) + (i & 0xff));
    }

    /** Addresses across the kernel's areas, biased to their edges. */
    private static Gen<Long> address(World w) {
        var l = w.kernel().booted().orElseThrow().layout();
        Gen<Long> lowmem = Gens.longs(l.pageOffset(), l.highMemory() - 1);
        Gen<Long> edges = Gens.oneOf(l.pageOffset(), l.kernelStart(), l.initBegin(), l.highMemory() - 4,
                l.highMemory(), l.vmallocStart(), l.pkmapBase(), Fixmap.fixToVirt(1), Fixmap.fixToVirt(130),
                0xff800000L, 0xffff0000L, 0xffff1000L, 0xfffff000L, 0L, 0xbeffffffL);
        Gen<Long> fixmap = Gens.longs(0, Fixmap.END_OF_FIXED_ADDRESSES - 1).map(i -> Fixmap.fixToVirt(i.intValue()) + 0x10);
        return Gens.frequency(Gens.weighted(4, lowmem), Gens.weighted(3, edges), Gens.weighted(3, fixmap));
    }
}
