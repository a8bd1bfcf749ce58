package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.subsystem.Invariant;
import armmm.model.vmalloc.VmallocOp;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each user page-table check run on its own after every call (no other check bringing the shared
 * record up to date first) agrees with the complete check of the same id, on the hand-minimal
 * chain of each planted page-table bug (properties/src/test/resources/seeded-bugs) and of no
 * bug; and the bug's own invariant reports it at the call that plants it.
 */
class UptEachCheckAloneTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    /** The chain's state: the kernel and the last handles. */
    private static final class Chain {
        final Kernel k;
        long m;
        long a;
        long c;

        Chain(Kernel k) {
            this.k = k;
        }
    }

    private static List<Consumer<Chain>> chain(PgtableDefect d) {
        Consumer<Chain> create = s -> s.m = s.k.apply(new MmOp.MmCreate(8L << 20)).value();
        Consumer<Chain> map8k = s -> s.a = s.k.apply(new MmOp.Mmap(s.m, 0, 0x2000, RW, ANON)).value();
        Consumer<Chain> write = s -> s.k.apply(new MmOp.Touch(s.m, s.a, Access.WRITE));
        Consumer<Chain> fork = s -> s.c = s.k.apply(new MmOp.Fork(s.m)).value();
        return switch (d) {
            case MUNMAP_KEEPS_TAIL_PTES, ZAP_KEEPS_RSS -> List.of(create, map8k, write,
                    s -> s.k.apply(new MmOp.Munmap(s.m, s.a, 0x1000)));
            case MPROTECT_KEEPS_PTE_PERMS -> List.of(create, map8k, write,
                    s -> s.k.apply(new MmOp.Mprotect(s.m, s.a, 0x1000, VmFlags.PROT_READ)));
            case COW_COPY_GLOBAL -> List.of(create, map8k, s -> s.k.apply(new MmOp.Touch(s.m, s.a, Access.READ)), write);
            case VMALLOC_SYNC_ONE_WORD -> List.of(create, s -> s.a = s.k.apply(new VmallocOp.VmallocCall(4L << 20)).value(),
                    s -> s.k.apply(new MmOp.KernelTouch(s.m, s.a + (2L << 20))));
            case COW_KEEPS_OLD_REF -> List.of(create, map8k, write, fork,
                    s -> s.k.apply(new MmOp.Touch(s.c, s.a, Access.WRITE)));
            case FORK_PARENT_STAYS_WRITABLE -> List.of(create, map8k, write, fork);
            case MPROTECT_UPGRADES_SHARED -> List.of(create, map8k, write,
                    s -> s.k.apply(new MmOp.Mprotect(s.m, s.a, 0x1000, VmFlags.PROT_READ)), fork,
                    s -> s.k.apply(new MmOp.Mprotect(s.m, s.a, 0x1000, RW)));
        };
    }

    @Test
    void eachCheckAloneAgreesWithTheCompleteCheckAfterEveryCall() {
        List<Invariant> upt = MmSubsystem.INSTANCE.invariants().stream().filter(i -> i.id().startsWith("INV-UPT-")).toList();
        assertThat(upt).hasSize(7);
        for (PgtableDefect d : PgtableDefect.values()) {
            for (Bugs bugs : List.of(Bugs.NONE, Bugs.of(d))) {
                for (Invariant inv : upt) {
                    Chain s = new Chain(Kernel.boot(Board.virt(64L << 20), bugs));
                    Processes p = s.k.state(Processes.class);
                    boolean found = false;
                    List<Consumer<Chain>> calls = chain(d);
                    for (int i = 0; i < calls.size(); i++) {
                        calls.get(i).accept(s);
                        List<Violation> alone = s.k.check(inv);
                        assertThat(alone).as("%s with %s, %s after call %d", inv.id(), bugs, d, i)
                                .containsExactlyInAnyOrderElementsOf(UptChecks.complete(inv.id(), p));
                        found |= !alone.isEmpty();
                    }
                    boolean own = bugs != Bugs.NONE && inv.id().equals(d.facts().invariant());
                    if (own) {
                        assertThat(found).as("%s catches %s", inv.id(), d).isTrue();
                    }
                    if (bugs == Bugs.NONE) {
                        assertThat(found).isFalse();
                    }
                }
            }
        }
    }
}
