package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The highmem calls as scenario lines ({@link HighmemOp}: mm/highmem.c,
 * include/linux/highmem.h, include/linux/highmem-internal.h), each in the kernel's argument order
 * with its optional context word ({@code irq}; {@code task}, the default, is not printed) and
 * {@code cpu=N}; the spelling that builds each back; their refusal without a board; and the
 * subsystem's registry entries ({@link HighmemSubsystem}): the calls, the six invariants, the six
 * planted bugs with the invariant each is to be caught by, the handle kinds and the
 * {@code kmaps} report.
 */
class HighmemCallsTest {
    private static final long P = 0xef00_1000L;
    private static final long Q = 0xef00_2024L;
    private static final long A = 0xffef_e000L;

    /** One of every call, with distinct values, contexts and CPUs, so that a swapped or lost argument shows. */
    private static List<HighmemOp> everyCall() {
        return List.of(new HighmemOp.Kmap(P, true, 1), new HighmemOp.Kunmap(P, false, 2),
                new HighmemOp.KmapAtomic(Q, true, 3), new HighmemOp.KunmapAtomic(A, true, 3),
                new HighmemOp.KmapLocalPage(Q, false, 1), new HighmemOp.KunmapLocal(A, true, 1),
                new HighmemOp.KmapToPage(A + 0x10, true, 2), new HighmemOp.PageAddress(P),
                new HighmemOp.ClearHighpage(P, true, 1), new HighmemOp.CopyHighpage(P, Q, false, 3),
                new HighmemOp.MemcpyToPage(P, 0x10, 0x800, true, 2), new HighmemOp.SchedOut(3),
                new HighmemOp.SchedIn(5, 2));
    }

    @Test
    void everyCallIsBuiltBackFromItsSpellingArgumentsAndCpu() {
        List<String> names = new ArrayList<>();
        for (HighmemOp op : everyCall()) {
            OpSpec spec = HighmemOp.SPECS.stream().filter(s -> s.name().equals(op.name())).findFirst().orElseThrow();
            assertThat(op.args()).extracting(Arg::kind).as(op.name()).containsExactlyElementsOf(spec.args());
            long[] values = op.args().stream().mapToLong(Arg::value).toArray();
            Op rebuilt = spec.factory().make(values, op.cpu());
            assertThat(rebuilt).as(op.name()).isEqualTo(op);
            assertThat(rebuilt.toString()).isEqualTo(op.toString()).isEqualTo(op.render(HandleNames.NONE));
            assertThat(op.toString()).as(op.name()).startsWith(op.name());
            assertThat(spec.perCpu()).as(op.name()).isEqualTo(!op.name().equals("page_address"));
            names.add(op.name());
        }
        assertThat(HighmemOp.SPECS).extracting(OpSpec::name).containsExactlyElementsOf(names);
    }

    @Test
    void callsPrintInKernelArgumentOrderWithTheirContextAndCpu() {
        List<String> lines = everyCall().stream().map(Object::toString).toList();
        assertThat(lines).containsExactly(
                "kmap 0xef001000 irq cpu=1",
                "kunmap 0xef001000 cpu=2",
                "kmap_atomic 0xef002024 irq cpu=3",
                "kunmap_atomic 0xffefe000 irq cpu=3",
                "kmap_local_page 0xef002024 cpu=1",
                "kunmap_local 0xffefe000 irq cpu=1",
                "kmap_to_page 0xffefe010 irq cpu=2",
                "page_address 0xef001000",
                "clear_highpage 0xef001000 irq cpu=1",
                "copy_highpage 0xef001000 0xef002024 cpu=3",
                "memcpy_to_page 0xef001000 16 SZ_2K irq cpu=2",
                "sched_out cpu=3",
                "sched_in 5 cpu=2");
        assertThat(new HighmemOp.Kmap(P, false, 0)).hasToString("kmap 0xef001000");
        assertThat(new HighmemOp.SchedIn(5, 0)).hasToString("sched_in 5");
        // an argument of value 0 prints like any other; only the default context word is left out
        assertThat(new HighmemOp.SchedIn(0, 1)).hasToString("sched_in 0 cpu=1");
        assertThat(new HighmemOp.Kunmap(0, false, 0)).hasToString("kunmap 0x0");
        assertThat(new HighmemOp.SchedOut(0)).hasToString("sched_out");
        // a handle prints by its scenario name when it has one
        assertThat(new HighmemOp.CopyHighpage(P, Q, true, 0).render(v -> v == Q ? java.util.Optional.of("$q") : java.util.Optional.empty()))
                .isEqualTo("copy_highpage 0xef001000 $q irq");
    }

    @Test
    void theContextAndResultStemOfEachCall() {
        assertThat(everyCall()).extracting(HighmemOp::irq)
                .containsExactly(true, false, true, true, false, true, true, false, true, false, true, false, false);
        assertThat(everyCall()).extracting(Op::cpu).containsExactly(1, 2, 3, 3, 1, 1, 2, 0, 1, 3, 2, 3, 2);
        assertThat(everyCall()).extracting(Op::resultStem)
                .containsExactly("km", null, "ka", null, "kl", null, null, null, null, null, null, null, null);
    }

    @Test
    void withoutABoardEveryCallIsRefused() {
        Kernel bare = Kernel.bare();
        for (HighmemOp op : everyCall()) {
            assertThat(bare.apply(op)).as(op.name()).isEqualTo(HighmemOp.NO_HIGHMEM);
        }
        assertThat(HighmemOp.NO_HIGHMEM.isRefused()).isTrue();
        assertThat(bare.state(Highmem.class)).isNull();
        assertThat(HighmemSubsystem.INSTANCE.create(bare, Board.virt(64L << 20), Bugs.NONE)).isNull();
    }

    @Test
    void theSubsystemsRegistryEntries() {
        HighmemSubsystem s = HighmemSubsystem.INSTANCE;
        assertThat(s.name()).isEqualTo("highmem");
        assertThat(s.stateType()).isEqualTo(Highmem.class);
        assertThat(s.calls()).isSameAs(HighmemOp.SPECS).hasSize(13);
        assertThat(s.invariants()).extracting(Invariant::id).containsExactly("INV-HIGHMEM-01", "INV-HIGHMEM-02",
                "INV-HIGHMEM-03", "INV-HIGHMEM-04", "INV-HIGHMEM-05", "INV-HIGHMEM-06", "INV-HIGHMEM-07", "INV-MMU-05",
                "INV-MMU-06");
        assertThat(s.bugs()).containsExactly((armmm.model.core.SeededBug[]) HighmemBug.values());
        assertThat(HighmemBug.values()).extracting(b -> b.facts().invariant()).containsExactly("INV-HIGHMEM-04",
                "INV-HIGHMEM-06", "INV-HIGHMEM-05", "INV-HIGHMEM-03", "INV-HIGHMEM-01", "INV-HIGHMEM-02", "INV-HIGHMEM-07");
        // only the kmap_to_page fix reenacts a kernel commit
        assertThat(HighmemBug.HIGHMEM_KMAP_TO_PAGE_IGNORES_KMAP_LOCAL.facts().kernelCommit()).startsWith("ef6e06b2ef87");
        assertThat(s.handleKinds()).extracting(HandleKind::stem).containsExactly("km", "ka", "kl");
        assertThat(s.handleKinds()).extracting(HandleKind::producedBy)
                .containsExactly(List.of("kmap", "kmap_begin"), List.of("kmap_atomic"), List.of("kmap_local_page"));
        assertThat(s.handleKinds().get(1).uses()).containsExactly(new HandleKind.Use("kunmap_atomic", 0, true));
        assertThat(s.reports()).extracting(Report::name).containsExactly("kmaps");
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Highmem h = k.state(Highmem.class);
        assertThat(s.reports().get(0).render().apply(k)).contains(KmapsReport.render(h));
        assertThat(s.reports().get(0).render().apply(Kernel.bare())).isEmpty();
    }

    @Test
    void eachPlantedBugReachesTheState() {
        for (HighmemBug b : HighmemBug.values()) {
            Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.of(b));
            assertThat(k.state(Highmem.class)).isNotNull();
        }
        // a kmap twice with HIGHMEM_KMAP_SKIPS_LOOKUP takes a second slot (Pkmap), and a
        // kunmap_local with HIGHMEM_POP_BEFORE_PTE_CLEAR leaves the slot set until the next call (KmapLocal)
        Kernel skips = Kernel.boot(Board.virt(1024L << 20), Bugs.of(HighmemBug.HIGHMEM_KMAP_SKIPS_LOOKUP,
                HighmemBug.HIGHMEM_POP_BEFORE_PTE_CLEAR));
        Highmem h = skips.state(Highmem.class);
        long page = h.memMap().pfnToPage(0x7e905L);
        assertThat(skips.apply(new HighmemOp.Kmap(page, false, 0)).value()).isEqualTo(0xbfe01000L);
        assertThat(skips.apply(new HighmemOp.Kmap(page, false, 0)).value()).isEqualTo(0xbfe02000L);
        long l = skips.apply(new HighmemOp.KmapLocalPage(page, false, 0)).value();
        skips.apply(new HighmemOp.KunmapLocal(l, false, 0));
        assertThat(h.tables().linuxPte(l)).isEqualTo(0x7e90565f);
        skips.apply(new HighmemOp.PageAddress(page));
        assertThat(h.tables().linuxPte(l)).isZero();
    }
}
