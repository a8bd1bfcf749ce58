package armmm.properties;

import static armmm.pbt.Gens.weighted;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.board.ReservedMemory;
import armmm.model.boot.BootException;
import armmm.model.kernel.Kernel;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import java.util.ArrayList;
import java.util.List;

/**
 * Generated boards: QEMU virt boards from 16 MiB to 3 GiB, or one to three banks with gaps;
 * reserved-memory nodes of every kind; command lines with {@code mem=}, {@code vmalloc=},
 * {@code cma=}, {@code movablecore=}, sometimes nonsense; one to four CPUs; a third of them on a
 * machine with a {@code dma_zone_size} ({@code machine_desc.dma_zone_size}, arch/arm/mm/init.c
 * {@code setup_dma_zone}) of 16 to 768 MiB, so that ZONE_DMA stops below lowmem's end and
 * ZONE_NORMAL holds the rest. The simplest board (all choices minimal) is a 16 MiB virt board with
 * nothing else.
 */
public final class BoardGens {
    private static final long VIRT = 0x4000_0000L;

    private BoardGens() {
    }

    /**
     * A board description; {@link #board()} may refuse it as the kernel or QEMU would.
     *
     * @param banks    RAM banks
     * @param reserved reserved-memory nodes
     * @param args     command-line arguments
     * @param cpus     CPUs
     * @param dmaZoneSize the machine's {@code dma_zone_size} in bytes, 0 for none (as on {@code -M virt})
     */
    public record BoardSpec(List<Bank> banks, List<ReservedMemory> reserved, String args, int cpus, long dmaZoneSize) {
        /** The board; throws {@link BoardException} for a description the model refuses. */
        public Board board() {
            Board b = Board.of(banks, reserved, args, cpus);
            return dmaZoneSize == 0 ? b : b.withDmaZoneSize(dmaZoneSize);
        }

        @Override
        public String toString() {
            return "banks " + banks + ", reserved " + reserved + ", cmdline \"" + args.trim() + "\", cpus " + cpus
                    + (dmaZoneSize == 0 ? "" : ", dma_zone_size " + (dmaZoneSize >> 20) + "M");
        }
    }

    /** Any board description, sensible or not. */
    public static Gen<BoardSpec> specs() {
        return c -> new BoardSpec(banks().generate(c), reserved().generate(c), cmdline().generate(c),
                Gens.ints(1, 4).generate(c), dmaZoneSize().generate(c));
    }

    /** No DMA zone size (2 in 3), or 16 to 768 MiB in whole MiB (davinci's 128M, bcm2711's 1G are real ones). */
    private static Gen<Long> dmaZoneSize() {
        return Gens.frequency(weighted(2, Gens.constant(0L)), weighted(1, Gens.ints(16, 768).map(mib -> (long) mib << 20)));
    }

    /** Kernels booted from generated boards the kernel accepts (nonsense boards are drawn again). */
    public static Gen<Kernel> kernels() {
        return specs().map(BoardGens::bootOrNull).filter(k -> k != null);
    }

    /** Kernels booted from virt boards of {@code minMiB}..{@code maxMiB} MiB with default command lines. */
    public static Gen<Kernel> virtKernels(int minMiB, int maxMiB) {
        return Gens.ints(minMiB, maxMiB).map(mib -> Kernel.boot(Board.virt((long) mib << 20), KernelChains.edgeBugs()));
    }

    private static Kernel bootOrNull(BoardSpec spec) {
        try {
            return Kernel.boot(spec.board(), KernelChains.edgeBugs());
        } catch (BoardException | BootException e) {
            return null;
        }
    }

    private static Gen<List<Bank>> banks() {
        Gen<List<Bank>> virt = Gens.ints(16, 3072).map(mib -> List.of(new Bank(VIRT, (long) mib << 20)));
        Gen<List<Bank>> several = c -> {
            List<Bank> out = new ArrayList<>();
            long base = VIRT;
            int n = Gens.ints(1, 3).generate(c);
            for (int i = 0; i < n; i++) {
                long size = ((long) Gens.ints(16, 1024).generate(c) << 20) + Gens.frequency(
                        weighted(3, Gens.constant(0L)), weighted(1, Gens.longs(0, (1 << 20) - 1))).generate(c);
                out.add(new Bank(base, size));
                base += size + ((long) Gens.ints(0, 3).generate(c) << 24);
            }
            return out;
        };
        return Gens.frequency(weighted(2, virt), weighted(1, several));
    }

    private static Gen<List<ReservedMemory>> reserved() {
        Gen<ReservedMemory> node = c -> new ReservedMemory(VIRT + ((long) Gens.ints(0, 1023).generate(c) << 20),
                (long) Gens.ints(1, 64).generate(c) << 20, Gens.oneOf(ReservedMemory.Kind.values()).generate(c));
        return Gens.lists(node, 0, 2);
    }

    private static Gen<String> cmdline() {
        return c -> {
            StringBuilder args = new StringBuilder();
            if (Gens.booleans(0.25).generate(c)) {
                args.append(" mem=").append(Gens.ints(8, 3100).generate(c)).append('M');
            }
            if (Gens.booleans(0.25).generate(c)) {
                args.append(" vmalloc=").append(Gens.ints(0, 4200).generate(c)).append('M');
            }
            if (Gens.booleans(0.2).generate(c)) {
                args.append(" cma=").append(Gens.ints(0, 300).generate(c)).append('M');
            }
            if (Gens.booleans(0.15).generate(c)) {
                args.append(" movablecore=").append(Gens.ints(0, 2048).generate(c)).append('M');
            }
            return args.toString();
        };
    }
}
