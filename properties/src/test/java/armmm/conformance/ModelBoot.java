package armmm.conformance;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.ReservedMemory;
import armmm.model.boot.Boot;
import armmm.model.boot.BootedSystem;
import armmm.model.boot.BootZones;
import java.util.List;

/**
 * The model's own boot of an oracle board: the board is read off the folder (qemu-args.txt's
 * {@code -m} and {@code -smp}, cmdline.txt beyond the console, dtb-used.dts's no-map
 * reserved-memory nodes), booted by {@link Boot}, and its zones set up by {@link BootZones}. No
 * number of the kernel's output goes in.
 */
final class ModelBoot {
    private ModelBoot() {
    }

    /** The board the oracle folder describes. */
    static Board board(OracleBoard b) {
        List<ReservedMemory> nomap = b.nomap.stream()
                .map(r -> new ReservedMemory(r.base(), r.size(), ReservedMemory.Kind.NO_MAP)).toList();
        String args = b.cmdline.replaceFirst("^console=\\S+\\s*", "");
        return Board.of(List.of(new Bank(Board.VIRT_RAM_BASE, b.ramBytes)), nomap, args, b.cpus);
    }

    /** Boots the board and collects what the conformance test compares. */
    static BootFacts boot(OracleBoard b) {
        return boot(b, armmm.model.core.Bugs.NONE);
    }

    /** {@link #boot(OracleBoard)} with the seeded bugs {@code bugs} planted. */
    static BootFacts boot(OracleBoard b, armmm.model.core.Bugs bugs) {
        BootedSystem s = Boot.boot(board(b), bugs);
        return new BootFacts(BootZones.setUp(s, bugs), s.lowmemLimit(), s.layout().highMemory(), s.layout().vmallocStart(),
                s.layout().vmallocEnd(), "model boot");
    }
}
