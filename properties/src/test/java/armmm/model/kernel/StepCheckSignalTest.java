package armmm.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.MemblockOp;
import armmm.model.mm.Processes;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.page.PageOp;
import armmm.model.zone.ZoneConfig;
import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-step check re-runs an invariant only when the change signal of the state it reads
 * ({@code Invariant.stamp}) moved. These tests plant corruptions that bypass every mutating method
 * (written through reflection, as a stray store in the model would): the per-step check, trusting
 * the signal, does not see them, and the complete check at a chain's end does. A change through
 * the normal path, or a free in the buddy allocator under a user page, moves the signal and the
 * very next step check reports it.
 */
class StepCheckSignalTest {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void memblockCorruptedBehindItsMethodsIsFoundByTheCompleteCheckAndByTheStepAfterItsNextCall() throws Exception {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        assertThat(k.check()).isEmpty();
        long[] sizes = (long[]) field(field(k.memblock(), "reserved"), "size");
        long before = k.memblock().changeCount();
        sizes[0] += 0x1000; // total_size no longer the sum of the regions (INV-MEMBLOCK-03)
        assertThat(k.memblock().changeCount()).isEqualTo(before);

        k.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0));
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-MEMBLOCK-03");
        assertThat(k.checkComplete()).extracting(Violation::id).contains("INV-MEMBLOCK-03");

        k.apply(new MemblockOp.Reserve(0x7f000000L, 0x1000));
        assertThat(k.memblock().changeCount()).isGreaterThan(before);
        assertThat(k.check()).extracting(Violation::id).contains("INV-MEMBLOCK-03");
    }

    @Test
    void aZoneReserveRewrittenAfterBootIsFoundByTheCompleteCheck() throws Exception {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        assertThat(k.check()).isEmpty();
        ZoneConfig normal = k.zones().orElseThrow().zones().get(0);
        long[] reserve = (long[]) field(normal, "lowmemReserve");
        reserve[reserve.length - 1] += 7; // no longer managed / sysctl_lowmem_reserve_ratio (INV-ZONE-06)

        k.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0));
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-ZONE-06");
        assertThat(k.checkComplete()).extracting(Violation::id).contains("INV-ZONE-06");
    }

    @Test
    void aBuddyCounterCorruptedBehindTheAllocatorIsFoundByTheCompleteCheck() throws Exception {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        // the first call ends boot for the allocator (its vmstat thresholds): a change of its own
        k.apply(new MemblockOp.Reserve(0x7e000000L, 0x1000));
        assertThat(k.check()).isEmpty();
        long[] nrFree = (long[]) field(k.pages().zone(armmm.model.zone.ZoneType.DMA), "nrFree");
        long before = k.pages().mutations();
        nrFree[3] += 1; // free_area[3].nr_free no longer the length of its lists (INV-BUDDY-02)
        assertThat(k.pages().mutations()).isEqualTo(before);

        // a call that does not reach the allocator: the buddy signal stays, the step check trusts it
        k.apply(new MemblockOp.Reserve(0x7f000000L, 0x1000));
        assertThat(k.pages().mutations()).isEqualTo(before);
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-BUDDY-02");
        assertThat(k.checkComplete()).extracting(Violation::id).contains("INV-BUDDY-02");

        // any allocator call moves it
        k.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0));
        assertThat(k.pages().mutations()).isGreaterThan(before);
    }

    /** One process with a 16 KiB anonymous area whose first page was written: {mm, area, that page's pfn}. */
    private static long[] onePageTouched(Kernel k, Processes p) {
        long mm = p.mmCreate(8L << 20).value();
        long area = p.mmap(mm, 0, 0x4000, RW, ANON).value();
        p.touch(mm, area, Access.WRITE);
        assertThat(k.check()).isEmpty();
        return new long[] {mm, area, p.memory().userPages().frames().iterator().next()};
    }

    @Test
    void aUserPageFreedInTheBuddyAllocatorBehindTheMmsBackIsFoundAtTheNextStepCheck() {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        Processes p = k.state(Processes.class);
        long pfn = onePageTouched(k, p)[2];
        long mmStamp = p.changeCount();

        k.pages().freePagesPfn(pfn, 0, 0); // the allocator's own path, not the mm's
        assertThat(p.changeCount()).isEqualTo(mmStamp);
        assertThat(k.check()).extracting(Violation::id).contains("INV-UPT-06");
    }

    @Test
    void aTouchTheTablesAlreadyAllowWritesNothingAndLeavesTheSignalWhileAFaultMovesIt() {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        Processes p = k.state(Processes.class);
        long mm = p.mmCreate(8L << 20).value();
        long area = p.mmap(mm, 0, 0x4000, RW, ANON).value();
        long beforeFault = p.changeCount();
        p.touch(mm, area, Access.WRITE);
        long afterFault = p.changeCount();
        assertThat(afterFault).isGreaterThan(beforeFault);
        p.touch(mm, area, Access.WRITE);
        p.touch(mm, area, Access.READ);
        assertThat(p.changeCount()).isEqualTo(afterFault);
        p.touch(mm, area + 0x1000, Access.READ); // a read fault maps the zero page
        assertThat(p.changeCount()).isGreaterThan(afterFault);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aUserPageCountCorruptedBehindTheMmIsFoundByTheCompleteCheck() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        Processes p = k.state(Processes.class);
        long[] made = onePageTouched(k, p);
        long mm = made[0];
        long area = made[1];
        long pfn = made[2];
        Object page = ((Map<?, ?>) field(p.memory().userPages(), "pages")).get(pfn);
        Field mapcount = page.getClass().getDeclaredField("mapcount");
        mapcount.setAccessible(true);
        mapcount.setInt(page, mapcount.getInt(page) + 1);

        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-UPT-06");
        assertThat(k.checkComplete()).extracting(Violation::id).contains("INV-UPT-06");
        // the step check re-reads only the frames a call touched (UptShadow): a call elsewhere
        // leaves the stray count unseen, the next call that maps this frame again finds it
        k.apply(new armmm.model.mm.MmOp.Touch(mm, area + 0x1000, Access.WRITE, 0));
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-UPT-06");
        k.apply(new armmm.model.mm.MmOp.Fork(mm, 0));
        assertThat(k.check()).extracting(Violation::id).contains("INV-UPT-06");
    }
}
