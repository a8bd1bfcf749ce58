package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.Processes;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * What the {@code tlb} subsystem lets a scenario read, on values worked from
 * arch/arm/mm/context.c ({@code ASID_FIRST_VERSION} = 1 &lt;&lt; ASID_BITS, {@code cur_idx} starting
 * at 1 so the first mm gets ASID 1, the fast path taken only when the mm's generation is current
 * and the CPU's {@code active_asids} is non-zero) and arch/arm/mm/proc-v7-2level.S
 * ({@code cpu_v7_switch_mm}: CONTEXTIDR = {@code context.id}, TTBR0 = pgd | TTB_FLAGS_SMP 0x6a);
 * the model's {@code armmm_asid_bits=} parameter; and the {@code tlb} report's lines.
 */
class TlbObservablesTest {

    private static OptionalLong read(Kernel k, String... names) {
        List<ObservablePath.Segment> s = new ArrayList<>();
        for (String n : names) {
            int open = n.indexOf('[');
            s.add(open < 0 ? new ObservablePath.Segment(n, null)
                    : new ObservablePath.Segment(n.substring(0, open), n.substring(open + 1, n.length() - 1)));
        }
        return TlbSubsystem.INSTANCE.observe(k.state(Tlbs.class), k, new ObservablePath(s));
    }

    private static long exec(Kernel k, int cpu) {
        return ((Result.Value) k.apply(new TlbOp.Exec(cpu))).value();
    }

    @Test
    void theAllocatorAndEachCpuReadAsTheKernelSetsThem() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        assertThat(read(k, "asid", "generation")).hasValue(0x100);
        assertThat(read(k, "asid", "bits")).hasValue(8);
        assertThat(read(k, "asid", "map_weight")).hasValue(0);
        assertThat(read(k, "asid", "rollovers")).hasValue(0);
        assertThat(read(k, "asid", "slow_paths")).hasValue(0);
        assertThat(read(k, "asid", "fast_paths")).hasValue(0);
        assertThat(read(k, "cpu[1]", "active_mm")).hasValue(-1);
        assertThat(read(k, "cpu[1]", "active_asids")).hasValue(0);

        long m = exec(k, 1);
        long pgd = k.state(Processes.class).pgdPhys(m);
        assertThat(read(k, "mm[" + m + "]", "context", "id")).hasValue(0x101);
        assertThat(read(k, "cpu[1]", "contextidr")).hasValue(0x101);
        assertThat(read(k, "cpu[1]", "asid")).hasValue(1);
        assertThat(read(k, "cpu[1]", "active_asids")).hasValue(0x101);
        assertThat(read(k, "cpu[1]", "reserved_asids")).hasValue(0);
        assertThat(read(k, "cpu[1]", "ttbr0")).hasValue(pgd | 0x6a);
        assertThat(read(k, "cpu[1]", "active_mm")).hasValue(m);
        assertThat(read(k, "cpu[1]", "tlb_flush_pending")).hasValue(0);
        assertThat(read(k, "asid", "map_weight")).hasValue(1);
        assertThat(read(k, "asid", "slow_paths")).hasValue(1);

        long n = exec(k, 1);
        assertThat(read(k, "mm[" + n + "]", "context", "id")).hasValue(0x102);
        assertThat(read(k, "asid", "map_weight")).hasValue(2);
        assertThat(read(k, "asid", "slow_paths")).hasValue(2);
        // m's generation is current and cpu 1's active_asids (n's) is non-zero: the fast path
        k.apply(new TlbOp.SwitchMm(m, 1));
        assertThat(read(k, "asid", "fast_paths")).hasValue(1);
        assertThat(read(k, "asid", "slow_paths")).hasValue(2);
        assertThat(read(k, "cpu[1]", "contextidr")).hasValue(0x101);
        assertThat(read(k, "cpu[1]", "active_mm")).hasValue(m);

        // issued counts what waits for the DSB; entries what the TLB caches
        k.apply(new TlbOp.AccessVa(0xc0000000L, armmm.model.mmu.Access.READ, 1));
        assertThat(read(k, "tlb[1]", "entries")).hasValue(1);
        k.apply(new TlbOp.Maintenance(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false), 1));
        assertThat(read(k, "tlb[1]", "issued")).hasValue(1);
        assertThat(read(k, "tlb[1]", "entries")).hasValue(1);
        assertThat(read(k, "tlb[0]", "issued")).hasValue(0);
        k.apply(new TlbOp.Dsb(1));
        assertThat(read(k, "tlb[1]", "issued")).hasValue(0);
        assertThat(read(k, "tlb[1]", "entries")).hasValue(0);

        String report = TlbSubsystem.render(k.state(Tlbs.class));
        assertThat(report).startsWith("asid_generation 0x100, asid_map weight 2, rollovers 0\ncpu 0: CONTEXTIDR 0x0 TTBR0 0x4020406a (swapper_pg_dir) ");
        assertThat(report).contains(String.format("cpu 1: CONTEXTIDR 0x101 TTBR0 %#x (mm %d) ", pgd | 0x6a, m));
        assertThat(report).contains(" active_mm " + m + "\n").doesNotContain("tlb_flush_pending");
        k.apply(new TlbOp.AccessVa(0xc0000000L, armmm.model.mmu.Access.READ, 1));
        assertThat(TlbSubsystem.render(k.state(Tlbs.class))).contains("\n  c0000000-c00fffff -> ");
    }

    @Test
    void unknownNamesAreErrorsAndOtherPathsAreNotTheSubsystems() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        assertThatThrownBy(() -> read(k, "asid", "nonsense")).isInstanceOf(ObservableException.class)
                .hasMessageContaining("generation, map_weight, rollovers, bits, fast_paths, slow_paths");
        assertThatThrownBy(() -> read(k, "mm[119]", "context", "id")).isInstanceOf(ObservableException.class)
                .hasMessageContaining("no such mm");
        assertThatThrownBy(() -> read(k, "cpu[2]", "asid")).isInstanceOf(ObservableException.class)
                .hasMessageContaining("cpu 2 is not online (2 CPUs)");
        assertThatThrownBy(() -> read(k, "tlb[2]", "entries")).isInstanceOf(ObservableException.class);
        assertThat(read(k, "tlb[1]", "entries")).hasValue(0);
        assertThatThrownBy(() -> read(k, "tlb[0]", "nonsense")).isInstanceOf(ObservableException.class)
                .hasMessageContaining("a TLB has entries, issued");
        assertThatThrownBy(() -> read(k, "cpu[0]", "nonsense")).isInstanceOf(ObservableException.class)
                .hasMessageContaining("a CPU has asid");
        assertThat(read(k, "asid")).isEmpty();
        assertThat(read(k, "asid", "generation", "x")).isEmpty();
        assertThat(read(k, "asid[0]", "generation")).isEmpty();
        assertThat(read(k, "cpu", "asid")).isEmpty();
        assertThat(read(k, "cpu[0]", "asid", "x")).isEmpty();
        assertThat(read(k, "zone[0]", "asid")).isEmpty();
        assertThat(read(k, "mm[1]", "context")).isEmpty();
        assertThat(read(k, "mm[1]", "contexts", "id")).isEmpty();
        assertThat(read(k, "mm[1]", "context", "ids")).isEmpty();
        assertThat(read(k, "mm", "context", "id")).isEmpty();
    }

    @Test
    void theAsidWidthIsTakenOnlyWhenItLeavesEveryCpuAnAsidAndOneToAllocate() {
        Board two = Board.virt(256L << 20).withCpus(2);
        assertThat(TlbSubsystem.asidBits(two)).isEqualTo(8);
        assertThat(TlbSubsystem.asidBits(two.withArgs("armmm_asid_bits=2"))).isEqualTo(2);
        assertThat(TlbSubsystem.asidBits(two.withArgs("quiet armmm_asid_bits=3 loglevel=7"))).isEqualTo(3);
        // 2^bits must reach cpus + 2: 2 bits for 2 CPUs, 3 bits for 6, not 2 bits for 3
        assertThat(TlbSubsystem.asidBits(two.withArgs("armmm_asid_bits=1"))).isEqualTo(8);
        assertThat(TlbSubsystem.asidBits(Board.virt(256L << 20).withCpus(3).withArgs("armmm_asid_bits=2")))
                .isEqualTo(8);
        assertThat(TlbSubsystem.asidBits(Board.virt(256L << 20).withCpus(6).withArgs("armmm_asid_bits=3")))
                .isEqualTo(3);
        assertThat(TlbSubsystem.asidBits(Board.virt(256L << 20).withCpus(7).withArgs("armmm_asid_bits=3")))
                .isEqualTo(8);
        assertThat(TlbSubsystem.asidBits(two.withArgs("armmm_asid_bits=0"))).isEqualTo(8);
        assertThat(TlbSubsystem.asidBits(two.withArgs("armmm_asid_bits=9"))).isEqualTo(8);
        assertThat(TlbSubsystem.asidBits(two.withArgs("armmm_asid_bits=7"))).isEqualTo(7);
        assertThat(TlbSubsystem.asidBits(two.withArgs("armmm_asid_bits=x"))).isEqualTo(8);
        assertThat(TlbSubsystem.asidBits(two.withArgs("my_armmm_asid_bits=2"))).isEqualTo(8);
        Kernel k = Kernel.boot(two.withArgs("armmm_asid_bits=2"), Bugs.NONE);
        assertThat(read(k, "asid", "bits")).hasValue(2);
        assertThat(read(k, "asid", "generation")).as("ASID_FIRST_VERSION = 1 << 2").hasValue(4);
    }

    @Test
    void theSubsystemPlantsOnlyTheBugsAskedForAndListsItsParts() {
        Kernel clean = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        assertThat(clean.state(Tlbs.class).bugs()).isEmpty();
        assertThat(clean.state(Tlbs.class).asid().defects()).isEmpty();
        Kernel planted = Kernel.boot(Board.virt(256L << 20).withCpus(2),
                Bugs.of(TlbBug.PURGE_NO_FLUSH, armmm.model.asid.AsidDefect.values()[0]));
        assertThat(planted.state(Tlbs.class).bugs()).containsExactly(TlbBug.PURGE_NO_FLUSH);
        assertThat(planted.state(Tlbs.class).asid().defects()).containsExactly(armmm.model.asid.AsidDefect.values()[0]);
        TlbSubsystem s = TlbSubsystem.INSTANCE;
        assertThat(s.name()).isEqualTo("tlb");
        assertThat(s.calls()).isSameAs(TlbOp.SPECS).isNotEmpty();
        assertThat(s.invariants()).extracting(armmm.model.subsystem.Invariant::id).hasSize(11).endsWith("INV-CALL-06", "INV-TLB-05");
        assertThat(s.bugs()).hasSize(armmm.model.asid.AsidDefect.values().length + TlbBug.values().length);
        assertThat(s.handleKinds()).hasSize(1);
        assertThat(s.handleKinds().get(0).uses()).hasSize(11);
    }
}
