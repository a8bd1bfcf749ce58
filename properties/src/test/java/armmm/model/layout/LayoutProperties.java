package armmm.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.board.ReservedMemory;
import armmm.model.boot.BootException;
import armmm.model.boot.BootedSystem;
import armmm.model.boot.EarlyAllocation;
import armmm.model.check.Invariants;
import armmm.model.check.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated boards (banks, reserved-memory nodes, command lines, CPUs): each boots with every
 * invariant holding (layout and memblock), or is refused with a one-line message.
 */
class LayoutProperties {

    @Test
    void randomBoardsBootWithEveryInvariantOrFailWithAClearMessage() {
        Random rnd = new Random(20261123);
        int booted = 0;
        for (int i = 0; i < 300; i++) {
            Board board;
            try {
                board = randomBoard(rnd);
            } catch (BoardException e) {
                assertThat(e.getMessage()).startsWith("--").doesNotContain("\n");
                continue;
            }
            Kernel k;
            try {
                k = Kernel.boot(board);
            } catch (BootException | BoardException e) {
                assertThat(e.getMessage()).as("%s", board).doesNotContain("\n").matches("^(--|mem=)\\S*: .*");
                continue;
            }
            booted++;
            List<Violation> v = Invariants.checkAll(k);
            assertThat(v).as("%s", board).isEmpty();
            BootedSystem b = k.booted().orElseThrow();
            assertThat(b.memblock().currentLimit()).isEqualTo(b.lowmemLimit());
            assertThat(b.maxLowPfn() << 12).isEqualTo(b.lowmemLimit());
            for (EarlyAllocation a : b.allocations()) {
                if (a.address() != 0 && a.kind() != EarlyAllocation.Kind.PHYS_RANGE) {
                    assertThat(a.end()).as("%s below the lowmem limit", a).isLessThanOrEqualTo(b.lowmemLimit());
                    assertThat(a.address() % a.align()).isZero();
                }
            }
            for (Region r : b.memory()) {
                assertThat(r.base() % Memblock.PAGE_SIZE).isZero();
            }
        }
        assertThat(booted).isGreaterThan(150);
    }

    private static Board randomBoard(Random rnd) {
        List<Bank> banks = new ArrayList<>();
        if (rnd.nextInt(3) == 0) {
            long base = 0x4000_0000L;
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                long size = (64L + rnd.nextInt(1024)) << 20;
                if (rnd.nextInt(4) == 0) {
                    size += rnd.nextInt(1 << 20);
                }
                banks.add(new Bank(base, size));
                base += size + ((long) rnd.nextInt(4) << 24);
            }
        } else {
            banks.add(new Bank(0x4000_0000L, (long) (48 + rnd.nextInt(3100)) << 20));
        }
        List<ReservedMemory> res = new ArrayList<>();
        int nres = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : 0;
        for (int i = 0; i < nres; i++) {
            long base = 0x4000_0000L + ((long) rnd.nextInt(1024) << 20);
            long size = (1L + rnd.nextInt(64)) << 20;
            res.add(new ReservedMemory(base, size, ReservedMemory.Kind.values()[rnd.nextInt(3)]));
        }
        StringBuilder args = new StringBuilder();
        if (rnd.nextInt(4) == 0) {
            args.append(" mem=").append(8 + rnd.nextInt(3000)).append('M');
        }
        if (rnd.nextInt(4) == 0) {
            args.append(" vmalloc=").append(rnd.nextInt(1200)).append('M');
        }
        if (rnd.nextInt(5) == 0) {
            args.append(" cma=").append(rnd.nextInt(256)).append('M');
        }
        return Board.of(banks, res, args.toString(), 1 + rnd.nextInt(4));
    }
}
