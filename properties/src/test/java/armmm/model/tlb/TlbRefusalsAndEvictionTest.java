package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.tlb.TlbOp.Helper;
import armmm.model.tlb.TlbOp.Helper.Kind;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Refusals, tags and capacity at the edges of the TLB model:
 *
 * <ul>
 *   <li>A call naming a CPU that is not online is refused before anything happens (the kernel
 *       has no such CPU: {@code nr_cpu_ids}); a refused {@code exit_mm} exits nothing.
 *   <li>An entry of a kernel address (at or above TASK_SIZE) is global: whichever mm runs, it is
 *       nobody's (ARMv7-A ARM B3.9.1: nG clear), so the tables it was walked from are the kernel's.
 *   <li>A CP15 c8 operation's operand is a 32-bit MVA and an 8-bit ASID (B4.1.138): 0..0xff and
 *       0..0xffffffff fit, one past either does not.
 *   <li>With {@code TLBIMVA_WRONG_ASID} {@code flush_tlb_range} is TLBIMVAIS tagged with the calling
 *       CPU's ASID: it removes that ASID's entries of the page on every CPU, and only those.
 *   <li>The model's TLB is {@link Tlb#SETS} sets of {@link Tlb#WAYS} ways: a fill into a full set
 *       evicts the oldest entry of that set, no other; invalidation frees its ways again.
 *   <li>{@code mm[H].context.id} is the only three-part observable.
 * </ul>
 */
class TlbRefusalsAndEvictionTest {
    private static final long PAGE = 0x1000;

    private static long value(Result r) {
        assertThat(r).isInstanceOf(Result.Value.class);
        return ((Result.Value) r).value();
    }

    private static Kernel boot() {
        return Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
    }

    @Test
    void callsOnACpuThatIsNotOnlineAreRefusedAndChangeNothing() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        assertThat(k.apply(new TlbOp.SwitchMm(m, 2))).isEqualTo(Result.refused("switch_mm: cpu 2 is not online (2 CPUs)"));
        assertThat(k.apply(new TlbOp.SwitchMmBegin(m, -1)))
                .isEqualTo(Result.refused("switch_mm_begin: cpu -1 is not online (2 CPUs)"));
        assertThat(k.apply(new MmOp.ExitMm(m, 7))).isInstanceOf(Result.Refused.class);
        assertThat(t.exited(m)).isFalse();
        assertThat(t.context(m)).isNotNull();
        assertThat(t.ttbr0Mm(0)).isEqualTo(m);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aKernelEntryIsNobodysWhicheverMmRuns() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        value(k.apply(new TlbOp.AccessVa(0xc0000000L, Access.READ, 0)));
        TlbEntry e = t.tlb(0).lookup(0xc0000000L, t.currentAsid(0));
        assertThat(e.owner()).isEqualTo(-1);
        assertThat(e.walk().global()).isTrue();
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, VmFlags.PROT_READ | VmFlags.PROT_WRITE,
                VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS, 0)));
        value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 0)));
        assertThat(t.tlb(0).lookup(a, 1).owner()).isEqualTo(m);
        // both agree with their tables: flushing them removes no stale entry
        assertThat(k.apply(new Helper(Kind.ALL.spelling(), Kind.ALL, 0, 0, 0, 0))).isEqualTo(Result.VOID);
        assertThat(t.tlb(0).entries()).isEmpty();
        assertThat(t.staleFlushed()).isZero();
    }

    private static Result tlbi(Kernel k, Tlbi.Kind kind, long va, int asid) {
        return k.apply(new TlbOp.Maintenance(new Tlbi(kind, va, asid, false), 0));
    }

    @Test
    void aMaintenanceOperandFitsThirtyTwoBitsAndTheAsidEight() {
        Kernel k = boot();
        String refused = "the ASID or address does not fit the register";
        assertThat(tlbi(k, Tlbi.Kind.TLBIMVA, 0, 0)).isEqualTo(Result.VOID);
        assertThat(tlbi(k, Tlbi.Kind.TLBIMVA, 0xffff_f000L, 0xff)).isEqualTo(Result.VOID);
        assertThat(tlbi(k, Tlbi.Kind.TLBIMVA, 0xffff_ffffL, 0)).isEqualTo(Result.VOID);
        assertThat(tlbi(k, Tlbi.Kind.TLBIMVA, 0x1_0000_0000L, 0).toString()).contains(refused);
        assertThat(tlbi(k, Tlbi.Kind.TLBIMVA, -1, 0).toString()).contains(refused);
        assertThat(tlbi(k, Tlbi.Kind.TLBIMVA, 0, 0x100).toString()).contains(refused);
        assertThat(tlbi(k, Tlbi.Kind.TLBIMVA, 0, -1).toString()).contains(refused);
        assertThat(k.state(Tlbs.class).issued(0)).hasSize(3);
    }

    @Test
    void theWrongAsidRangeFlushRemovesTheCallersAsidOnEveryCpu() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.of(TlbBug.TLBIMVA_WRONG_ASID));
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(1)));
        long n = value(k.apply(new TlbOp.Exec(0)));
        assertThat(t.currentAsid(0)).isEqualTo(2);
        long va = 0x10000;
        t.tlb(1).fill(new TlbEntry(new Walk(va, PAGE, 0x4100_0000L, false, 3, false), 1, m));
        t.tlb(1).fill(new TlbEntry(new Walk(va, PAGE, 0x4200_0000L, false, 3, false), 2, n));
        t.tlb(0).fill(new TlbEntry(new Walk(va, PAGE, 0x4200_0000L, false, 3, false), 2, n));
        t.tlb(0).fill(new TlbEntry(new Walk(va + PAGE, PAGE, 0x4200_1000L, false, 3, false), 2, n));
        assertThat(k.apply(new Helper(Kind.RANGE.spelling(), Kind.RANGE, m, va, va + PAGE, 0))).isEqualTo(Result.VOID);
        assertThat(t.tlb(1).lookup(va, 1)).as("m's entry: the bug").isNotNull();
        assertThat(t.tlb(1).lookup(va, 2)).isNull();
        assertThat(t.tlb(0).lookup(va, 2)).isNull();
        assertThat(t.tlb(0).lookup(va + PAGE, 2)).as("outside the range").isNotNull();
    }

    private static TlbEntry entry(long va) {
        return new TlbEntry(new Walk(va, PAGE, 0x4000_0000L + va % 0x100_0000L, true, 1, false), 0, -1);
    }

    @Test
    void aFullSetEvictsItsOldestEntryOnly() {
        Tlb tlb = new Tlb();
        long stride = Tlb.SETS * PAGE;
        // an entry of set 1 first, then WAYS + 1 entries of set 0
        tlb.fill(entry(PAGE));
        for (int i = 0; i <= Tlb.WAYS; i++) {
            tlb.fill(entry(i * stride));
        }
        assertThat(tlb.evicted()).isEqualTo(1);
        assertThat(tlb.entries()).hasSize(Tlb.WAYS + 1);
        assertThat(tlb.lookup(PAGE, 0)).as("the other set's entry").isNotNull();
        assertThat(tlb.lookup(0, 0)).as("set 0's oldest").isNull();
        for (int i = 1; i <= Tlb.WAYS; i++) {
            assertThat(tlb.lookup(i * stride, 0)).isNotNull();
        }
        // TLBIALL frees every way; WAYS new entries of set 0 then fit without an eviction
        tlb.invalidate(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false));
        assertThat(tlb.entries()).isEmpty();
        for (int i = 0; i < Tlb.WAYS; i++) {
            tlb.fill(entry((10 + i) * stride));
        }
        assertThat(tlb.evicted()).isEqualTo(1);
        assertThat(tlb.entries()).hasSize(Tlb.WAYS);
    }

    private static ObservablePath path(String... parts) {
        return new ObservablePath(java.util.Arrays.stream(parts).map(p -> {
            int b = p.indexOf('[');
            return b < 0 ? new ObservablePath.Segment(p, null)
                    : new ObservablePath.Segment(p.substring(0, b), p.substring(b + 1, p.length() - 1));
        }).toList());
    }

    @Test
    void onlyMmContextIdIsAThreePartObservable() {
        Kernel k = boot();
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        TlbSubsystem s = TlbSubsystem.INSTANCE;
        assertThat(s.observe(t, k, path("mm[" + m + "]", "context", "id"))).isEqualTo(OptionalLong.of(0x101));
        for (List<String> p : List.of(List.of("mm[" + m + "]", "contxt", "id"), List.of("mm[" + m + "]", "context", "ids"),
                List.of("mm", "context", "id"), List.of("nm[" + m + "]", "context", "id"))) {
            assertThat(s.observe(t, k, path(p.toArray(String[]::new)))).as("%s", p).isEqualTo(OptionalLong.empty());
        }
    }
}
