package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The per-step user page-table checks (INV-UPT-*) re-read only what changed since their last look
 * ({@code UptShadow}: the PTE slots of {@code UserPageTables.ptesWrittenSince}, the frames
 * {@code UserPages} and the buddy allocator touched, the mms whose VMAs changed); the complete
 * check reads every table word by word again. A PTE word or a page count changed behind those
 * records is missed by the step check after a call elsewhere and found by the complete check;
 * over runs of ordinary calls, with and without each planted page-table bug, the incremental and
 * the complete check always agree.
 */
class UptIncrementalCheckTest {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private static List<String> ids(List<Violation> vs) {
        return vs.stream().map(Violation::id).toList();
    }

    @Test
    void aPteWordWrittenBehindTheJournalIsMissedByTheStepCheckAndFoundByTheCompleteCheck() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        Processes p = k.state(Processes.class);
        long mm = p.mmCreate(8L << 20).value();
        long area = p.mmap(mm, 0, 0x4000, RW, ANON).value();
        p.touch(mm, area, Access.WRITE);
        assertThat(k.check()).isEmpty();

        // a stray store: clear nG in the hardware PTE of the touched page, no generation, no journal
        UserPageTables t = p.pageTables(mm);
        Field f = UserPageTables.class.getDeclaredField("ptePages");
        f.setAccessible(true);
        int[] page = (int[]) ((Map<?, ?>) f.get(t)).get(t.ptePfn(area));
        int slot = (int) ((area >>> 12) & 511);
        page[512 + slot] &= ~(1 << 11);

        // the next call writes another slot of the same PTE page: the step check re-reads that one
        p.touch(mm, area + 0x1000, Access.WRITE);
        assertThat(ids(k.check())).doesNotContain(UptChecks.NOT_GLOBAL);
        assertThat(ids(k.checkComplete())).contains(UptChecks.NOT_GLOBAL);
    }

    @Test
    void overOrdinaryCallsTheIncrementalStepCheckAgreesWithTheCompleteCheck() {
        SplittableRandom r = new SplittableRandom(11);
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        Processes p = k.state(Processes.class);
        long mm = p.mmCreate(8L << 20).value();
        long area = p.mmap(mm, 0, 0x40000, RW, ANON).value();
        long child = -1;
        for (int step = 0; step < 150; step++) {
            long va = area + r.nextInt(64) * 4096L;
            switch (r.nextInt(6)) {
                case 0, 1 -> p.touch(mm, va, Access.WRITE);
                case 2 -> p.touch(mm, va, Access.READ);
                case 3 -> p.munmap(mm, va, 4096 * (1 + r.nextInt(4)));
                case 4 -> p.mmap(mm, va, 4096 * (1 + r.nextInt(4)), RW, ANON | VmFlags.MAP_FIXED);
                default -> {
                    if (child >= 0) {
                        p.exitMm(child);
                        child = -1;
                    } else {
                        child = p.fork(mm).value();
                    }
                }
            }
            if (child >= 0) {
                p.touch(child, area + r.nextInt(64) * 4096L, Access.WRITE);
            }
            List<Violation> step1 = k.check();
            assertThat(step1).as("step %d", step).isEmpty();
            assertThat(ids(k.checkComplete())).as("step %d", step).isEqualTo(ids(step1));
        }
    }

    @Test
    void aPageCountChangedBehindTheTouchedRecordIsFoundByTheCompleteCheckAndByTheStepOfTheNextCallOnThatFrame() {
        Kernel k = Kernel.boot(Board.virt(128L << 20));
        Processes p = k.state(Processes.class);
        long mm = k.apply(new MmOp.MmCreate(8L << 20)).value();
        long area = k.apply(new MmOp.Mmap(mm, 0, 0x4000, RW, ANON, 0)).value();
        k.apply(new MmOp.Touch(mm, area, Access.WRITE, 0));
        assertThat(k.check()).isEmpty();
        long pfn = Integer.toUnsignedLong(p.pageTables(mm).linuxPte(area)) >>> 12;

        p.memory().userPages().page(pfn).mapcount++; // a stray store: no touched record, no signal

        k.apply(new MmOp.Touch(mm, area + 0x1000, Access.WRITE, 0)); // another frame
        assertThat(ids(k.check())).doesNotContain(UptChecks.PAGE_REFS);
        assertThat(ids(k.checkComplete())).contains(UptChecks.PAGE_REFS);
        k.apply(new MmOp.Fork(mm, 0)); // maps the frame again: the step re-reads it
        assertThat(ids(k.check())).contains(UptChecks.PAGE_REFS);
    }

    @Test
    void withAndWithoutEachPlantedPageTableBugTheStepCheckAgreesWithTheCompleteCheck() {
        List<Bugs> runs = new java.util.ArrayList<>(List.of(Bugs.NONE));
        for (PgtableDefect d : PgtableDefect.values()) {
            runs.add(Bugs.of(d));
        }
        int found = 0;
        for (Bugs bugs : runs) {
            SplittableRandom r = new SplittableRandom(29);
            Kernel k = Kernel.boot(Board.virt(128L << 20), bugs);
            Processes p = k.state(Processes.class);
            long mm = k.apply(new MmOp.MmCreate(8L << 20)).value();
            long area = k.apply(new MmOp.Mmap(mm, 0, 0x40000, RW, ANON, 0)).value();
            long shared = k.apply(new MmOp.Mmap(mm, 0, 0x8000, RW, VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS, 0)).value();
            long child = -1;
            for (int step = 0; step < 60; step++) {
                long va = area + r.nextInt(64) * 4096L;
                long who = child >= 0 && r.nextBoolean() ? child : mm;
                switch (r.nextInt(9)) {
                    case 0, 1 -> k.apply(new MmOp.Touch(who, va, Access.WRITE, 0));
                    case 2 -> k.apply(new MmOp.Touch(who, va, Access.READ, 0));
                    case 3 -> k.apply(new MmOp.Touch(who, shared + r.nextInt(8) * 4096L, Access.WRITE, 0));
                    case 4 -> k.apply(new MmOp.Munmap(who, va, 4096L * (1 + r.nextInt(4)), 0));
                    case 5 -> k.apply(new MmOp.Mmap(who, va, 4096L * (1 + r.nextInt(4)), RW, ANON | VmFlags.MAP_FIXED, 0));
                    case 6 -> k.apply(new MmOp.Mprotect(who, va, 4096L * (1 + r.nextInt(4)),
                            r.nextBoolean() ? VmFlags.PROT_READ : RW, 0));
                    case 7 -> k.apply(new MmOp.KernelTouch(who, 0xf0000000L + r.nextInt(1 << 20) * 4096L));
                    default -> {
                        if (child >= 0) {
                            k.apply(new MmOp.ExitMm(child, 0));
                            child = -1;
                        } else {
                            child = k.apply(new MmOp.Fork(mm, 0)).value();
                        }
                    }
                }
                TreeSet<String> stepIds = new TreeSet<>();
                for (Violation v : k.check()) {
                    if (UptChecks.ALL.containsKey(v.id())) {
                        stepIds.add(v.id() + " " + v.details());
                    }
                }
                TreeSet<String> completeIds = new TreeSet<>();
                for (String id : UptChecks.ALL.keySet()) {
                    for (Violation v : UptChecks.complete(id, p)) {
                        completeIds.add(v.id() + " " + v.details());
                    }
                }
                assertThat(stepIds).as("%s, step %d", bugs, step).isEqualTo(completeIds);
                found += completeIds.size();
            }
        }
        assertThat(found).as("the planted bugs break the checks somewhere").isPositive();
    }
}
