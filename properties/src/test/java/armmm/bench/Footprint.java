package armmm.bench;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap a booted kernel retains, per board: boots several kernels, keeps them reachable, and
 * divides the growth of the used heap after full collections by their number.
 * Run: {@code java -cp properties/target/test-classes:... armmm.bench.Footprint 3072M}.
 */
public final class Footprint {
    private Footprint() {
    }

    /** Prints the retained heap of a kernel booted on each RAM size given. */
    public static void main(String[] args) {
        for (String ram : args.length == 0 ? new String[] {"256M", "1024M", "3072M"} : args) {
            Board board = Board.fromOptions(ram, List.of(), List.of(), "", 1);
            Kernel.boot(board);
            int n = 5;
            long before = used();
            List<Kernel> kept = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                kept.add(Kernel.boot(board));
            }
            long after = used();
            System.out.printf("%s: %.1f MiB retained per booted kernel (%d kept)%n", ram,
                    (after - before) / (double) n / (1 << 20), kept.size());
        }
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
