package armmm.model.mm;

import static armmm.model.mmu.Pgtable2Level.L_PTE_DIRTY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_YOUNG;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * {@code do_page_fault}'s and {@code handle_mm_fault}'s paths the other fault tests do not reach
 * (arch/arm/mm/fault.c, mm/memory.c, mm/shmem.c): each allocation of a fault failing on its own
 * ({@code __pte_alloc}, {@code shmem_fault}'s page, {@code wp_page_copy}'s copy: each
 * {@code VM_FAULT_OOM}, nothing installed); a hole under a VMA that is no stack
 * ({@code find_vma} then {@code VM_GROWSDOWN} clear: {@code bad_area}, nothing grown); a read
 * fault on an old PTE ({@code handle_pte_fault}: {@code pte_mkyoung} only, {@code pte_mkdirty}
 * only for {@code FAULT_FLAG_WRITE}); and a copy-on-write copy leaving the page it copied from
 * allocated for the other mm ({@code wp_page_copy}: {@code put_page} of one reference).
 */
class PageFaultOomAndEdgesTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int SHARED = VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS;
    private static final int FIXED = VmFlags.MAP_FIXED;
    private static final long PAGE = 4096;

    private static long ok(Result r) {
        assertThat(r.isRefused()).as("%s", r).isFalse();
        return r.value();
    }

    private static void oomAt(Result r, long va) {
        assertThat(r).isEqualTo(new Result.Refused("VM_FAULT_OOM",
                String.format("touch: VM_FAULT_OOM at %08x (pagefault_out_of_memory)", va)));
    }

    @Test
    void eachAllocationOfAFaultFailingAloneIsVmFaultOomWithNothingInstalled() {
        Kernel k = Kernel.boot(Board.virt(24L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        // before memory runs out: one shmem page and one private page written, then a fork
        // sharing the private one copy-on-write; each has its PTE page already
        long s = ok(p.mmap(m, 0x20000000L, 0x2000, RW, SHARED | FIXED));
        long c = ok(p.mmap(m, 0x20400000L, 0x1000, RW, ANON | FIXED));
        ok(p.touch(m, s, Access.WRITE));
        ok(p.touch(m, c, Access.WRITE));
        long child = ok(p.fork(m));
        // the parent writes fresh pages until the buddy allocator says no
        long a = ok(p.mmap(m, 0x30000000L, 64L << 20, RW, ANON | FIXED));
        long va = a;
        Result last = Result.of(0);
        while (!last.isRefused()) {
            last = p.touch(m, va, Access.WRITE);
            va += PAGE;
        }
        oomAt(last, va - PAGE);
        long allocated = AllocatedPages.of(k);

        // wp_page_copy: the child's write to the shared page finds no page for the copy
        int before = p.pageTables(child).linuxPte(c);
        oomAt(p.touch(child, c, Access.WRITE), c);
        assertThat(p.pageTables(child).linuxPte(c)).isEqualTo(before);
        // shmem_fault: the second shmem page (the first is in the cache) cannot be had
        oomAt(p.touch(m, s + PAGE, Access.WRITE), s + PAGE);
        assertThat(p.pageTables(m).linuxPte(s + PAGE)).isZero();
        // __pte_alloc: a pgd with no PTE page yet (60 MiB on, far past the pages written)
        long far = a + (60L << 20);
        oomAt(p.touch(m, far, Access.WRITE), far);
        assertThat(p.pageTables(m).pmdNone(far)).isTrue();
        assertThat(AllocatedPages.of(k)).isEqualTo(allocated);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aTouchInAHoleUnderAVmaThatIsNoStackIsSegvMaperrAndGrowsNothing() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        // nothing else within the stack guard gap (1 MiB) below 0x20000000
        long v = ok(p.mmap(m, 0x20000000L, PAGE, RW, ANON | FIXED));
        int before = p.mms().get(m).vmas().size();
        Result r = p.touch(m, v - PAGE, Access.WRITE);
        assertThat(r).isEqualTo(new Result.Refused("SIGSEGV SEGV_MAPERR",
                String.format("touch: SIGSEGV (SEGV_MAPERR) at %08x", v - PAGE)));
        assertThat(p.mms().get(m).findVma(v - PAGE).start()).isEqualTo(v);
        assertThat(p.mms().get(m).vmas()).hasSize(before);
    }

    @Test
    void aReadFaultOnAnOldCleanPteMakesItYoungNotDirty() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long a = ok(p.mmap(m, 0x20000000L, PAGE, RW, ANON | FIXED));
        // do_anonymous_page for a read: the zero page, clean
        ok(p.touch(m, a, Access.READ));
        long child = ok(p.fork(m));
        UserPageTables ct = p.pageTables(child);
        int copied = ct.linuxPte(a);
        // copy_present_pte copies it old (pte_mkold): hardware word 0, so the child's read faults
        assertThat(copied & L_PTE_YOUNG).isZero();
        assertThat(copied & L_PTE_DIRTY).isZero();
        ok(p.touch(child, a, Access.READ));
        assertThat(ct.linuxPte(a)).isEqualTo(copied | L_PTE_YOUNG);
        assertThat(Integer.toUnsignedLong(ct.linuxPte(a)) >>> 12).isEqualTo(p.memory().zeroPfn());
    }

    @Test
    void aCopyOnWriteCopyLeavesThePageItCopiedAllocatedForTheOtherMm() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        long a = ok(p.mmap(m, 0x20000000L, PAGE, RW, ANON | FIXED));
        ok(p.touch(m, a, Access.WRITE));
        long x = Integer.toUnsignedLong(p.pageTables(m).linuxPte(a)) >>> 12;
        long child = ok(p.fork(m));
        ok(p.touch(child, a, Access.WRITE));
        // the child has its copy; x keeps the parent's mapping and reference (2 - 1)
        assertThat(Integer.toUnsignedLong(p.pageTables(child).linuxPte(a)) >>> 12).isNotEqualTo(x);
        assertThat(p.memory().pages().isAllocated(x)).isTrue();
        assertThat(p.memory().userPages().refcount(x)).isEqualTo(1);
        assertThat(p.memory().userPages().mapcount(x)).isEqualTo(1);
        assertThat(k.check()).isEmpty();
    }
    @Test
    void aTouchAboveEveryVmaIsSegvMaperr() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        // the stack unmapped: find_vma finds nothing at or above the top page (bad_area)
        long top = p.config().taskSize() - PAGE;
        ok(p.munmap(m, top & -(16L << 20), p.config().taskSize() - (top & -(16L << 20))));
        assertThat(p.mms().get(m).findVma(top)).isNull();
        assertThat(p.touch(m, top, Access.WRITE)).isEqualTo(new Result.Refused("SIGSEGV SEGV_MAPERR",
                String.format("touch: SIGSEGV (SEGV_MAPERR) at %08x", top)));
    }
}
