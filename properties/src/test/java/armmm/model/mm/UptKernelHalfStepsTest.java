package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.vmalloc.VmallocOp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The per-step user page-table checks against the complete ones, violation for violation after
 * every call, on runs where the kernel half moves: vmalloc populating new pmds in swapper_pg_dir
 * ({@code arch_sync_kernel_mappings} bumping init_mm's {@code vmalloc_seq}), {@code vfree},
 * {@code do_translation_fault}'s {@code copy_pmd} of one vmalloc pmd ({@code kernel_touch}),
 * {@code check_vmalloc_seq} at a switch, forks copying a lagging kernel half and exits; with and
 * without {@code VMALLOC_SYNC_ONE_WORD}, whose half-copied pmd pairs INV-UPT-05 must report at
 * the step they appear and stop reporting when the sync replaces them.
 */
class UptKernelHalfStepsTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    @Test
    void theStepCheckFollowsEveryChangeOfTheKernelHalf() {
        int withFindings = 0;
        for (Bugs bugs : List.of(Bugs.NONE, Bugs.of(PgtableDefect.VMALLOC_SYNC_ONE_WORD))) {
            SplittableRandom r = new SplittableRandom(5);
            Kernel k = Kernel.boot(Board.virt(256L << 20), bugs);
            Processes p = k.state(Processes.class);
            List<Long> mms = new ArrayList<>();
            List<Long> areas = new ArrayList<>();
            mms.add(p.mmCreate(8L << 20).value());
            long a = p.mmap(mms.get(0), 0, 0x10000, RW, ANON).value();
            for (int s = 0; s < 50; s++) {
                long mm = mms.get(r.nextInt(mms.size()));
                switch (r.nextInt(8)) {
                    case 0, 1 -> {
                        long size = (2L + r.nextInt(3)) << 20;
                        long va = k.apply(new VmallocOp.VmallocCall(size)).value();
                        if (va != 0) {
                            areas.add(va);
                            areas.add(va + size - 4096);
                        }
                    }
                    case 2 -> {
                        if (!areas.isEmpty()) {
                            int i = r.nextInt(areas.size() / 2) * 2;
                            k.apply(new VmallocOp.Vfree(areas.remove(i)));
                            areas.remove(i);
                        }
                    }
                    case 3, 4 -> {
                        if (!areas.isEmpty()) {
                            k.apply(new MmOp.KernelTouch(mm, areas.get(r.nextInt(areas.size()))));
                        }
                    }
                    case 5 -> p.checkVmallocSeq(mm);
                    case 6 -> {
                        if (mms.size() < 3) {
                            mms.add(k.apply(new MmOp.Fork(mm)).value());
                        } else {
                            long gone = mms.remove(1 + r.nextInt(mms.size() - 1));
                            k.apply(new MmOp.ExitMm(gone));
                        }
                    }
                    default -> k.apply(new MmOp.Touch(mm, a + r.nextInt(16) * 4096L, Access.WRITE));
                }
                TreeSet<String> complete = UptFindings.complete(p);
                assertThat(UptFindings.step(k)).as("%s, step %d", bugs, s).isEqualTo(complete);
                if (!complete.isEmpty()) {
                    withFindings++;
                }
            }
        }
        assertThat(withFindings).as("the planted bug's half-copied pairs are found at some steps").isPositive();
    }
}
