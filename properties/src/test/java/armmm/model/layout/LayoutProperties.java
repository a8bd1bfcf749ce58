package armmm.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.boot.BootException;
import armmm.model.boot.BootedSystem;
import armmm.model.boot.EarlyAllocation;
import armmm.model.kernel.Kernel;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.properties.BoardGens;

/**
 * Generated boards (banks, reserved-memory nodes, command lines, CPUs, nonsense included): each
 * boots with every invariant holding (layout and memblock), or is refused with a one-line message
 * naming the option at fault.
 */
class LayoutProperties {

    @PropertyTest
    void generatedBoardsBootWithEveryInvariantOrFailWithAClearMessage(PropertyRunner runner) {
        runner.forAll(BoardGens.specs()).tries(300).checkThrowing(spec -> {
            Board board;
            try {
                board = spec.board();
            } catch (BoardException e) {
                Stats.label("board refused");
                assertThat(e.getMessage()).startsWith("--").doesNotContain("\n");
                return;
            }
            Kernel k;
            try {
                k = Kernel.boot(board, armmm.properties.KernelChains.edgeBugs());
            } catch (BootException | BoardException e) {
                Stats.label("boot refused");
                assertThat(e.getMessage()).as("%s", spec).doesNotContain("\n").matches("^(--|mem=)\\S*: .*");
                return;
            }
            Stats.label("booted");
            BootedSystem b = k.booted().orElseThrow();
            Stats.label(b.maxPfn() > b.maxLowPfn() ? "highmem" : "no highmem");
            assertThat(k.check()).as("%s", spec).isEmpty();
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
        });
    }
}
