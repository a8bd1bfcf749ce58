package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * INV-TLB-05's scope ({@link TlbFreedFrameChecks}) on states made by hand: which entries of a
 * freed frame it judges (a usable ASID's) and which it leaves (a dead ASID's on a CPU that cannot
 * use it, global entries), and how it reads a free frame (a free block's head, a per-CPU page).
 */
class TlbFreedFrameChecksTest {
    private static final long RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final long ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private final Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
    private final Tlbs t = k.state(Tlbs.class);

    private static long value(Result r) {
        assertThat(r.isRefused()).as("%s", r).isFalse();
        return r.value();
    }

    @Test
    void anExitedMmsEntryCountsOnlyWhereContextidrStillCarriesItsAsid() {
        long m = value(k.apply(new TlbOp.Exec(0)));
        long other = value(k.apply(new TlbOp.Exec(1)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));
        value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 0)));
        TlbEntry old = t.tlb(0).entries().stream().filter(e -> e.walk().va() == a).findFirst().orElseThrow();
        value(k.apply(new MmOp.ExitMm(m, 0)));
        assertThat(TlbFreedFrameChecks.freeInBuddy(t.pages(), old.walk().pa() >>> 12)).as("exit_mmap freed it").isTrue();
        assertThat(t.exited(m)).as("CPU 0 keeps it as its lazy active_mm").isTrue();
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).isEmpty();
        // on CPU 1, which runs another mm, the dead ASID cannot be used before a rollover's flush
        t.tlb(1).fill(old);
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).isEmpty();
        // on CPU 0, whose CONTEXTIDR still carries it, it can
        t.tlb(0).fill(old);
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-TLB-05");
            assertThat(v.details()).startsWith("cpu 0 holds").contains("is free in the buddy allocator");
        });
        // drained from the per-CPU list, the frame is inside a merged free block: still free
        assertThat(t.pages().isOnPcp(old.walk().pa() >>> 12)).isTrue();
        t.pages().drainLocalPages(0);
        assertThat(t.pages().isOnPcp(old.walk().pa() >>> 12)).isFalse();
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).hasSize(1);
        assertThat(other).isNotEqualTo(m);
    }

    @Test
    void aLiveMmsAsidCountsOnEveryCpuWithoutAPendingFlushAndGlobalEntriesNever() {
        long m = value(k.apply(new TlbOp.Exec(0)));
        value(k.apply(new TlbOp.Exec(1)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));
        value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 0)));
        TlbEntry old = t.tlb(0).entries().stream().filter(e -> e.walk().va() == a).findFirst().orElseThrow();
        value(k.apply(new MmOp.Munmap(m, a, 4096, 0)));
        // CPU 1 runs another mm, but a fast-path switch to m would use m's live ASID with no flush
        t.tlb(1).fill(old);
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).singleElement()
                .satisfies(v -> assertThat(v.details()).startsWith("cpu 1 holds"));
        t.tlb(1).invalidate(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false));
        // the same frame through a global entry (the linear map reaches every lowmem frame, free or not)
        Walk w = old.walk();
        t.tlb(1).fill(new TlbEntry(new Walk(0xc0000000L + w.pa() - 0x40000000L, 4096, w.pa(), true, 1, true), 0, -1));
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).isEmpty();
    }
}
