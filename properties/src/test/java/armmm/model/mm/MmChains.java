package armmm.model.mm;

import static armmm.pbt.Gens.weighted;

import armmm.model.core.Result;
import armmm.model.mmu.Access;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.properties.World;
import java.util.ArrayList;
import java.util.List;

/**
 * The user address-space calls (mm_create, mmap, munmap, mprotect, brk, touch, fork, exit_mm) for
 * the whole-kernel chain, so that page faults, copy-on-write and the teardown of user page tables
 * interleave with every other subsystem's calls (the page allocator's frees, vmalloc's kernel
 * tables, highmem's kmaps of the same HighMem frames). At most six processes live at once.
 */
public final class MmChains {
    private static final long PAGE = 4096;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int MAX_MMS = 6;

    private MmChains() {
    }

    /** Adds the mm calls to {@code chain}, each outcome labelled "mm: CALL ok" or "mm: refused: REASON". */
    public static ChainSpec.Builder<World, Op> withMmCalls(ChainSpec.Builder<World, Op> chain) {
        return chain
                .action("mm_create", 8, w -> processes(w) != null && mms(w).size() < MAX_MMS,
                        w -> Gens.constant(new MmOp.MmCreate(8L << 20)))
                .action("mmap", 12, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.combine(
                        Gens.ints(1, 4).map(n -> n * PAGE), Gens.oneOf(3, 3, 1, 0),
                        Gens.oneOf(ANON, ANON, ANON, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS),
                        (len, prot, flags) -> new MmOp.Mmap(m, 0, len, prot, flags))))
                .action("touch", 24, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.combine(
                        address(w, m), Gens.oneOf(Access.WRITE, Access.WRITE, Access.READ, Access.EXEC),
                        (va, a) -> new MmOp.Touch(m, va, a))))
                .action("mprotect", 6, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.combine(
                        address(w, m), Gens.ints(1, 2).map(n -> n * PAGE), Gens.oneOf(1, 3, 0),
                        (va, len, prot) -> new MmOp.Mprotect(m, va, len, prot))))
                .action("munmap", 6, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.combine(
                        address(w, m), Gens.ints(1, 3).map(n -> n * PAGE), (va, len) -> new MmOp.Munmap(m, va, len))))
                .action("brk", 4, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.ints(-2, 6)
                        .map(n -> new MmOp.Brk(m, processes(w).mm(m).brk() + n * PAGE))))
                .action("fork", 6, w -> !mms(w).isEmpty() && mms(w).size() < MAX_MMS,
                        w -> Gens.oneOf(mms(w)).map(MmOp.Fork::new))
                .action("exit_mm", 3, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).map(MmOp.ExitMm::new))
                .postcondition((w, op, outcome) -> label(op, (Result) outcome));
    }

    private static Processes processes(World w) {
        return w.kernel().state(Processes.class);
    }

    private static List<Long> mms(World w) {
        Processes p = processes(w);
        return p == null ? List.of() : new ArrayList<>(p.mms().keySet());
    }

    /** A VMA's first page mostly, its second or last, just under it, or anywhere below TASK_SIZE. */
    private static Gen<Long> address(World w, long m) {
        List<Vma> vmas = processes(w).mm(m).vmas();
        Gen<Long> anywhere = Gens.longs(0, 0xbf000000L / PAGE).map(p -> p * PAGE);
        if (vmas.isEmpty()) {
            return anywhere;
        }
        Gen<Long> edge = Gens.oneOf(vmas).flatMap(v -> Gens.oneOf(v.start(), v.start(), v.start() + PAGE, v.end() - PAGE,
                v.start() - PAGE));
        return Gens.frequency(weighted(12, edge), weighted(1, anywhere));
    }

    private static List<armmm.pbt.Failure> label(Op op, Result r) {
        if (op instanceof MmOp) {
            Stats.label("mm: " + (r.isRefused() ? "refused: " + ((Result.Refused) r).reason() : op.name() + " ok"));
        }
        return List.of();
    }
}
