package armmm.model.mm;

import static armmm.pbt.Gens.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainResult;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.properties.KernelChains;
import armmm.properties.World;
import armmm.spec.Catalogue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * User address spaces through the kernel's registry: chains of {@code mm_create}, {@code mmap},
 * {@code munmap}, {@code mprotect}, {@code brk} and {@code exit_mm} over many processes at once,
 * on boards with and without HighMem; every registered invariant after every call, and every
 * planted {@link VmaDefect} caught by the invariant the catalogue names for it.
 */
class MmProperties {
    private static final long PAGE = 4096;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    /** The calls of {@code seeded-bugs/<bug>.scn}, less the expectations. */
    private static final Map<VmaDefect, Integer> HAND_MINIMAL = Map.of(
            VmaDefect.MPROTECT_NO_MERGE, 4, // mm_create, mmap, mprotect, mprotect
            VmaDefect.SPLIT_LOSES_PAGE, 3, // mm_create, mmap, munmap
            VmaDefect.MAP_FIXED_KEEPS_OLD, 3, // mm_create, mmap, mmap
            VmaDefect.BRK_NOT_PAGE_ALIGNED, 2, // mm_create, brk
            VmaDefect.NO_MMAP_MIN_ADDR_CHECK, 2, // mm_create, mmap
            VmaDefect.BRK_EXPANDS_UNADJACENT_VMA, 4, // mm_create, brk, munmap of the heap's top, brk
            VmaDefect.MPROTECT_MERGED_NEXT_SEEN_AS_GAP, 4, // mm_create, mmap, mprotect, mprotect
            VmaDefect.UNMAPPED_AREA_IGNORES_STACK_GAP, 2); // mm_create (legacy layout), mmap under the stack

    /** Boards of 64 to 256 MiB all lowmem, and of 128 to 512 MiB with HighMem ({@code vmalloc=} leaving 64 MiB+ of lowmem). */
    static Gen<Kernel> boards(Bugs bugs) {
        Gen<Board> lowmem = Gens.ints(64, 256).map(mib -> Board.virt((long) mib << 20));
        Gen<Board> highmem = Gens.ints(128, 512).flatMap(mib -> Gens.ints(64, Math.min(mib - 32, 700))
                .map(low -> Board.virt((long) mib << 20).withArgs("vmalloc=" + (1008 - low) + "M")));
        return Gens.combine(Gens.oneOfGens(lowmem, highmem), Gens.ints(1, 4), (b, cpus) -> Kernel.boot(b.withCpus(cpus), bugs));
    }

    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> boards, Predicate<String> checked) {
        return actions(KernelChains.builder(boards, checked));
    }

    private static ChainSpec.Builder<World, Op> actions(ChainSpec.Builder<World, Op> builder) {
        return builder
                .action("mm_create", 3, w -> Gens.oneOf(8L << 20, 64L << 20, ExecParams.RLIM_INFINITY).map(MmOp.MmCreate::new))
                .action("mmap", 20, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.combine(
                        address(w, m), mmapLength(w, m), Gens.ints(0, 7), flags(),
                        (addr, len, prot, flags) -> new MmOp.Mmap(m, addr, len, prot, flags))))
                .action("munmap", 8, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.combine(
                        address(w, m), length(), (addr, len) -> new MmOp.Munmap(m, addr, len))))
                .action("mprotect", 10, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> Gens.combine(
                        address(w, m), length(), Gens.ints(0, 7), (addr, len, prot) -> new MmOp.Mprotect(m, addr, len, prot))))
                .action("brk", 5, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).flatMap(m -> {
                    long start = w.kernel().state(Processes.class).mm(m).startBrk();
                    long now = w.kernel().state(Processes.class).mm(m).brk();
                    // half the time a step from the current break: a heap that grows in steps (and
                    // whose top a munmap took) is what do_brk_flags' expansion rule is about
                    return Gens.frequency(weighted(1, Gens.longs(start - PAGE, start + 64 * PAGE)),
                            weighted(1, Gens.ints(-4, 8).map(n -> now + n * PAGE))).map(b -> new MmOp.Brk(m, b));
                }))
                .action("exit_mm", 1, w -> !mms(w).isEmpty(), w -> Gens.oneOf(mms(w)).map(MmOp.ExitMm::new))
                .postcondition((w, op, outcome) -> label(op, (Result) outcome))
                .tries(60).steps(60);
    }

    private static List<Long> mms(World w) {
        Processes p = w.kernel().state(Processes.class);
        return p == null ? List.of() : new ArrayList<>(p.mms().keySet());
    }

    /** Near a VMA's edges mostly (the start, a page in, the end), sometimes 0 or anywhere in user space. */
    private static Gen<Long> address(World w, long m) {
        List<Vma> vmas = w.kernel().state(Processes.class).mm(m).vmas();
        Gen<Long> anywhere = Gens.longs(0, 0xbf000000L / PAGE).map(p -> p * PAGE);
        if (vmas.isEmpty()) {
            return anywhere;
        }
        Gen<Long> edge = Gens.oneOf(vmas).flatMap(v -> Gens.oneOf(v.start(), v.start() + PAGE, v.end(), v.end() - PAGE));
        // the heap's top page: a munmap there leaves the break above the heap's last VMA
        long brkPage = (w.kernel().state(Processes.class).mm(m).brk() + PAGE - 1) & ~(PAGE - 1);
        return Gens.frequency(weighted(6, edge), weighted(1, Gens.constant(0L)), weighted(2, anywhere),
                weighted(1, Gens.constant(brkPage - PAGE)));
    }

    private static Gen<Long> length() {
        return Gens.frequency(weighted(8, Gens.ints(1, 16).map(n -> n * PAGE)), weighted(1, Gens.longs(0, 3 * PAGE)),
                weighted(1, Gens.constant(0xc0000000L)));
    }

    /** An mmap's length: as {@link #length()}, or nearly all the free space under the stack (legacy layouts reach it). */
    private static Gen<Long> mmapLength(World w, long m) {
        long hole = VmaChains.holeUnderStack(w.kernel().state(Processes.class).mm(m));
        if (hole <= 0) {
            return length();
        }
        return Gens.frequency(weighted(10, length()), weighted(1, Gens.ints(0, 320).map(k -> Math.max(PAGE, hole - k * PAGE))));
    }

    private static Gen<Integer> flags() {
        return Gens.oneOf(ANON, ANON, ANON | VmFlags.MAP_FIXED, ANON | VmFlags.MAP_FIXED_NOREPLACE,
                VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS, VmFlags.MAP_PRIVATE);
    }

    private static List<armmm.pbt.Failure> label(Op op, Result r) {
        if (op instanceof MmOp) {
            Stats.label(r.isRefused() ? "refused: " + ((Result.Refused) r).reason() : op.name() + " ok");
        }
        return List.of();
    }

    @PropertyTest
    void manyProcessesKeepEveryInvariant(PropertyRunner runner) {
        ChainResult result = runner.run(spec(boards(KernelChains.edgeBugs()), id -> true).build());
        armmm.pbt.Chains.throwIfFailed(result);
        assertThat(result.stats().labels()).as("outcomes reached").containsKeys("mm_create ok", "mmap ok", "munmap ok",
                "mprotect ok", "brk ok", "exit_mm ok", "refused: mmap: -EEXIST", "refused: mmap: -EINVAL",
                "refused: mmap: -EPERM", "refused: mmap: -EBADF", "refused: mprotect: -ENOMEM");
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedVmaDefectIsCaughtByItsInvariant() {
        return Arrays.stream(VmaDefect.values()).map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
            String catcher = Catalogue.catcherOf(bug.name());
            PropertyRunner runner = new PropertyRunner("MmProperties", "bug_" + bug.cliName(), (k, v) -> { }).derandomized();
            // only the catcher after each call and the address spaces' complete check at the end
            // (the other subsystems' full scans, which check nothing asked here, made each hunt slow)
            ChainResult result = runner.run(actions(UserSpaceProperties.huntBuilder(boards(Bugs.of(bug)), catcher))
                    .tries(200).build());
            assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
            assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
            assertThat(result.counterexample().steps()).as("shrunk counterexample of %s", bug)
                    .isNotEmpty().hasSizeLessThanOrEqualTo(2 * HAND_MINIMAL.get(bug));
        }));
    }
}
