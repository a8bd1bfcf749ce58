package armmm.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.memblock.MemblockOp;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.page.PageOp;
import armmm.model.subsystem.Invariant;
import armmm.model.zone.ZoneType;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Invariants that share a change signal ({@code Invariant.signal}) have their stamp read once per
 * step check, by the first of them; the others trust that reading. These tests check the premise
 * (every member's own stamp equals the first one's, whatever the calls did) and that a member
 * other than the first, its state corrupted behind every mutating method, is re-run and reports
 * at the first step check after a call that moves the shared signal, and not before.
 */
class SharedSignalTest {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private static Map<Object, List<Invariant>> groups() {
        Map<Object, List<Invariant>> groups = new LinkedHashMap<>();
        for (Invariant inv : Kernel.invariants()) {
            if (inv.signal() != null) {
                groups.computeIfAbsent(inv.signal(), s -> new ArrayList<>()).add(inv);
            }
        }
        return groups;
    }

    @Test
    void theSubsystemsShareTheirSignalsInGroups() {
        Map<Object, List<Invariant>> groups = groups();
        // one signal per subsystem state and stamp function, not one per invariant
        assertThat(groups.size()).isLessThan(Kernel.invariants().size() / 3);
        assertThat(groups.values()).anySatisfy(g -> assertThat(g).extracting(Invariant::id)
                .contains("INV-MEMBLOCK-01", "INV-MEMBLOCK-12"));
        assertThat(groups.values()).anySatisfy(g -> assertThat(g).extracting(Invariant::id)
                .contains("INV-UPT-01", "INV-UPT-07"));
    }

    @Test
    void everyInvariantSharingASignalReadsTheSameStampAsTheFirstAfterEveryCall() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        Processes p = k.state(Processes.class);
        long mm = p.mmCreate(8L << 20).value();
        long area = k.apply(new MmOp.Mmap(mm, 0, 0x8000, RW, ANON)).value();
        List<armmm.model.subsystem.Op> calls = List.of(
                new MmOp.Touch(mm, area, Access.WRITE), new MmOp.Touch(mm, area + 0x1000, Access.READ),
                new PageOp.AllocPage(Gfp.GFP_KERNEL, 2), new MemblockOp.Reserve(0x3f000000L, 0x1000),
                new MmOp.Munmap(mm, area, 0x4000), new MmOp.Mmap(mm, 0, 0x2000, RW, ANON));
        for (armmm.model.subsystem.Op op : calls) {
            k.apply(op);
            for (List<Invariant> group : groups().values()) {
                long first = group.get(0).stamp(k);
                for (Invariant inv : group) {
                    assertThat(inv.stamp(k)).as("%s after %s", inv.id(), op).isEqualTo(first);
                }
            }
            assertThat(k.check()).isEmpty();
        }
    }

    @Test
    void aLaterMemberCorruptedBehindItsStateIsRerunWhenTheSharedSignalMoves() throws Exception {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        k.apply(new MemblockOp.Reserve(0x7e000000L, 0x1000));
        assertThat(k.check()).isEmpty();
        Field f = k.pages().zone(ZoneType.DMA).getClass().getDeclaredField("nrFree");
        f.setAccessible(true);
        ((long[]) f.get(k.pages().zone(ZoneType.DMA)))[3] += 1; // INV-BUDDY-02, the group's second

        k.apply(new MemblockOp.Reserve(0x7f000000L, 0x1000)); // the allocator's signal stands
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-BUDDY-02");
        k.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0)); // an allocator call moves it
        assertThat(k.check()).extracting(Violation::id).contains("INV-BUDDY-02");
        // and the single-invariant check, which reads its own stamp, agrees
        assertThat(k.check(Kernel.invariants().stream().filter(i -> i.id().equals("INV-BUDDY-02")).findFirst()
                .orElseThrow())).extracting(Violation::id).containsOnly("INV-BUDDY-02");
    }
}
