package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edges of the highmem calls through {@code Kernel.apply}, each expected value worked by hand
 * on a 1 GiB board at PHYS_OFFSET 0x40000000 ({@code max_low_pfn} 0x70000, {@code PKMAP_BASE}
 * 0xbfe00000, LAST_PKMAP 512; FIXADDR_TOP 0xffeff000, FIX_KMAP_BEGIN 1, FIX_KMAP_END 128,
 * KM_MAX_IDX 16; the kmap PTE is pfn &lt;&lt; 12 | PAGE_KERNEL 0x65f) from mm/highmem.c 6.1:
 * {@code map_new_virtual} (sleeps on {@code pkmap_map_wait} after LAST_PKMAP probes without a
 * free slot), {@code __kmap_to_page} (a pkmap address through {@code pte_page}, a kmap_local one
 * through {@code current->kmap_ctrl.pteval} for {@code __fix_to_virt(FIX_KMAP_END) <= base <
 * __fix_to_virt(FIX_KMAP_BEGIN)}, anything else {@code virt_to_page}),
 * {@code __kmap_local_pfn_prot} ({@code BUG_ON(!pte_none(*kmap_pte))}),
 * {@code kmap_local_idx_push} ({@code BUG_ON(idx >= KM_MAX_IDX)}), {@code clear_highpage},
 * {@code copy_highpage} (source mapped first) and {@code memcpy_to_page}
 * ({@code VM_BUG_ON(offset + len > PAGE_SIZE)}, size_t arithmetic), and the context-switch
 * hooks {@code __kmap_local_sched_out}/{@code __kmap_local_sched_in} (kernel/sched/core.c,
 * {@code migrate_disable} while a task holds kmap_local levels). ARM flushes the local TLB after
 * each kmap_local PTE write ({@code arch_kmap_local_post_map}/{@code _post_unmap},
 * arch/arm/include/asm/highmem.h).
 */
class HighmemCallEdgesTest {
    private static final long HIGH = 0x7e905L;
    private static final long LOW = 0x40100L;
    private static final int PAGE_KERNEL = 0x65f;

    private Kernel kernel = Kernel.boot(Board.virt(1024L << 20).withCpus(2));
    private Highmem h = kernel.state(Highmem.class);
    private KernelPageTables tables = h.tables();

    private void boot(int cpus, Bugs bugs) {
        kernel = Kernel.boot(Board.virt(1024L << 20).withCpus(cpus), bugs);
        h = kernel.state(Highmem.class);
        tables = h.tables();
    }

    private long page(long pfn) {
        return h.memMap().pfnToPage(pfn);
    }

    private static long fix(int cpu, int level) {
        return 0xffeff000L - ((long) (1 + level + 16 * cpu) << 12);
    }

    private static long slot(int i) {
        return 0xbfe00000L + ((long) i << 12);
    }

    private static int pte(long pfn) {
        return (int) (pfn << 12) | PAGE_KERNEL;
    }

    private Result apply(HighmemOp op) {
        return kernel.apply(op);
    }

    private List<String> events() {
        return h.flushEvents().stream().map(Object::toString).toList();
    }

    private static Result.Refused refused(Result r) {
        assertThat(r).isInstanceOf(Result.Refused.class);
        return (Result.Refused) r;
    }

    private static final String IDX_BUG = "kernel BUG at mm/highmem.c: kmap_local_idx_push: BUG_ON(current->kmap_ctrl.idx >= KM_MAX_IDX)";
    private static final String PTE_BUG = "kernel BUG at mm/highmem.c: __kmap_local_pfn_prot: BUG_ON(!pte_none(*kmap_pte))";

    @Test
    void kmapSleepsOnceEveryPkmapSlotIsInUse() {
        for (int i = 0; i < 512; i++) {
            assertThat(h.kmap(page(0x70000L + i), 0, false).value()).isEqualTo(slot((i + 1) & 511));
        }
        // the wrap found no slot at count 1: nothing freed, no flush
        assertThat(h.pkmap().flushes()).isZero();
        Result.Refused blocked = refused(apply(new HighmemOp.Kmap(page(0x70200L), false, 0)));
        assertThat(blocked.reason()).isEqualTo("would block");
        assertThat(blocked.report()).isEqualTo("kmap_high would sleep on pkmap_map_wait: every one of the 512 pkmap slots is in use");
        Result.Refused irq = refused(apply(new HighmemOp.Kmap(page(0x70200L), true, 1)));
        assertThat(irq.reason()).isEqualTo("scheduling while atomic");
        assertThat(irq.report()).isEqualTo("BUG: scheduling while atomic: kmap_high sleeps on pkmap_map_wait (every pkmap slot in use)");
        // kmap_atomic held on CPU 1 (of a lowmem page: no slot) makes its task atomic
        apply(new HighmemOp.KmapAtomic(page(LOW), false, 1));
        assertThat(refused(apply(new HighmemOp.Kmap(page(0x70200L), false, 1))).reason()).isEqualTo("scheduling while atomic");
        // a page that has its slot, and a lowmem page, need no new slot
        assertThat(apply(new HighmemOp.Kmap(page(0x70005L), false, 0)).value()).isEqualTo(slot(6));
        assertThat(h.pkmap().pkmapCount(6)).isEqualTo(3);
        assertThat(apply(new HighmemOp.Kmap(page(LOW), false, 0)).value()).isEqualTo(0xc0100000L);
        assertThat(h.pkmap().pageAddress(0x70200L)).isEmpty();
    }

    @Test
    void kmapToPageOfAPkmapAddressReadsItsPte() {
        String warn = "WARNING: mm/highmem.c __kmap_to_page: WARN_ON_ONCE(addr in the pkmap area)";
        apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        assertThat(apply(new HighmemOp.KmapToPage(slot(1) + 0xabc, false, 1))).isEqualTo(Result.warned(page(HIGH), warn));
        // a clear slot: pte_page of a zero PTE is pfn_to_page(0) = mem_map - ARCH_PFN_OFFSET struct pages (36 bytes), 32-bit
        long pfn0 = (h.memMap().memMapVirt() - 0x40000L * 36) & 0xffffffffL;
        assertThat(apply(new HighmemOp.KmapToPage(slot(0), false, 0))).isEqualTo(Result.warned(pfn0, warn));
        assertThat(apply(new HighmemOp.KmapToPage(0xbfffffffL, false, 0))).isEqualTo(Result.warned(pfn0, warn));
        // PKMAP_ADDR(LAST_PKMAP) is PAGE_OFFSET: the linear map, virt_to_page without a warning
        assertThat(apply(new HighmemOp.KmapToPage(0xc0000000L, false, 0))).isEqualTo(Result.of(page(0x40000L)));
        // below PKMAP_BASE: virt_to_page's arithmetic, 0xbfdfffff - PAGE_OFFSET + PHYS_OFFSET = pfn 0x3fdff, a pointer
        // below mem_map, unchecked by armmp: the caller's misuse, a finding of the model
        Result below = apply(new HighmemOp.KmapToPage(0xbfdfffffL, false, 0));
        assertThat(below.value()).isEqualTo((h.memMap().memMapVirt() - (0x40000L - 0x3fdffL) * 36) & 0xffffffffL);
        assertThat(below).isInstanceOfSatisfying(Result.Warned.class, w -> assertThat(w.origin()).isEqualTo(Result.Origin.MODEL));
    }

    @Test
    void kmapToPageOfAVmallocAddressIsTheCallersMisuseNotAViolation() {
        // 6.1 returns virt_to_page of a vmalloc address (__pa's arithmetic), not the page the address maps:
        // INV-HIGHMEM-06 compares with the walk only where kmap_to_page is meant to answer
        long va = kernel.apply(new armmm.model.vmalloc.VmallocOp.VmallocCall(0x4000)).value();
        long lowmemEnd = 0xc0000000L + ((h.memMap().maxLowPfn() - 0x40000L) << 12);
        assertThat(va).isGreaterThanOrEqualTo(lowmemEnd);
        Result r = apply(new HighmemOp.KmapToPage(va, false, 0));
        assertThat(r.value()).isEqualTo(page(((va - 0xc0000000L + 0x40000000L) & 0xffffffffL) >>> 12));
        assertThat(r).isInstanceOfSatisfying(Result.Warned.class, w -> {
            assertThat(w.origin()).isEqualTo(Result.Origin.MODEL);
            assertThat(w.warning()).startsWith(String.format("kmap_to_page(%08x): not a lowmem, pkmap or kmap_local address", va));
        });
        assertThat(kernel.check()).extracting(v -> v.id()).doesNotContain("INV-HIGHMEM-06");
    }

    @Test
    void kmapToPageOfAKmapLocalAddressSearchesTheRunningTasksLevels() {
        String warn = "WARNING: mm/highmem.c __kmap_to_page: WARN_ON_ONCE(addr in the kmap_local fixmap area)";
        long l0 = apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value();
        long l1 = apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 1)).value();
        assertThat(l0).isEqualTo(fix(1, 0)).isEqualTo(0xffeee000L);
        assertThat(l1).isEqualTo(fix(1, 1)).isEqualTo(0xffeed000L);
        assertThat(apply(new HighmemOp.KmapToPage(l1 + 0x123, false, 1))).isEqualTo(Result.warned(page(HIGH - 1), warn));
        assertThat(apply(new HighmemOp.KmapToPage(l0, false, 1))).isEqualTo(Result.warned(page(HIGH), warn));
        // on CPU 0 the running task holds no level: virt_to_page (0xffeed000 - PAGE_OFFSET + PHYS_OFFSET = pfn 0x7feed)
        assertThat(apply(new HighmemOp.KmapToPage(l1, false, 0))).isEqualTo(Result.warned(page(0x7feedL), warn));
        // __fix_to_virt(FIX_KMAP_END), the last slot, is in the range; the page below it is not
        assertThat(apply(new HighmemOp.KmapToPage(0xffe7f000L, false, 0))).isEqualTo(Result.warned(page(0x7fe7fL), warn));
        assertThat(apply(new HighmemOp.KmapToPage(0xffe7e000L, false, 0))).isEqualTo(Result.of(page(0x7fe7eL)));
        assertThat(HighmemChecks.fullScan(h)).isEmpty();
    }

    @Test
    void kmapToPageLeavesOutFixKmapBeginWhichIsAFindingOnlyWhileCpu0HoldsThatLevel() {
        // __fix_to_virt(FIX_KMAP_BEGIN) = 0xffefe000 (pfn 0x7fefe by virt_to_page): outside 6.1's range
        assertThat(apply(new HighmemOp.KmapToPage(0xffefe000L, false, 0))).isEqualTo(Result.of(page(0x7fefeL)));
        apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1));
        assertThat(apply(new HighmemOp.KmapToPage(0xffefe000L, false, 1))).isEqualTo(Result.of(page(0x7fefeL)));
        assertThat(apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 0)).value()).isEqualTo(0xffefe000L);
        Result r = apply(new HighmemOp.KmapToPage(0xffefe000L, false, 0));
        assertThat(r).isEqualTo(Result.finding(page(0x7fefeL), "kmap_to_page(ffefe000): 6.1's __kmap_to_page leaves out the slot"
                + " at __fix_to_virt(FIX_KMAP_BEGIN) (base < where <= is meant), so this live kmap_local address of pfn 7e904"
                + " goes to virt_to_page"));
        // the model's own finding is not an INV-HIGHMEM-06 violation
        assertThat(h.lastLookup().finding()).isTrue();
        assertThat(HighmemChecks.fullScan(h)).isEmpty();
        assertThat(apply(new HighmemOp.KmapToPage(0xffefe000L, false, 1))).isEqualTo(Result.of(page(0x7fefeL)));
        assertThat(h.lastLookup()).isEqualTo(new Highmem.Lookup("kmap_to_page", 0xffefe000L, page(0x7fefeL), 1, false));
    }

    @Test
    void kmapToPageOnAThirdCpuAndAboveTheTopOfItsStack() {
        boot(3, Bugs.NONE);
        String warn = "WARNING: mm/highmem.c __kmap_to_page: WARN_ON_ONCE(addr in the kmap_local fixmap area)";
        long l0 = apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 2)).value();
        assertThat(l0).isEqualTo(fix(2, 0)).isEqualTo(0xffedeL << 12);
        assertThat(apply(new HighmemOp.KmapToPage(l0, false, 2))).isEqualTo(Result.warned(page(HIGH), warn));
        // the slot above the top (level 1, 0xffedd000) is no level: virt_to_page
        assertThat(apply(new HighmemOp.KmapToPage(fix(2, 1), false, 2))).isEqualTo(Result.warned(page(0x7feddL), warn));
        // while CPU 0 holds a level, an address outside both ranges is plain virt_to_page
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 0));
        assertThat(apply(new HighmemOp.KmapToPage(0xc0000000L, false, 0))).isEqualTo(Result.of(page(0x40000L)));
    }

    @Test
    void pageAddressOfLowmemHighmemAndNoPage() {
        assertThat(apply(new HighmemOp.PageAddress(page(LOW)))).isEqualTo(Result.of(0xc0100000L));
        assertThat(apply(new HighmemOp.PageAddress(page(HIGH)))).isEqualTo(Result.of(0));
        assertThat(h.lastLookup()).isEqualTo(new Highmem.Lookup("page_address", page(HIGH), 0, 0, false));
        apply(new HighmemOp.Kmap(page(HIGH), false, 1));
        assertThat(h.lastLookup()).isNull();
        assertThat(apply(new HighmemOp.PageAddress(page(HIGH)))).isEqualTo(Result.of(slot(1)));
        long below = page(0x3ffffL);
        long past = page(0x80000L);
        assertThat(refused(apply(new HighmemOp.PageAddress(below))).reason())
                .isEqualTo(String.format("page_address: 0x%x is not a struct page", below));
        assertThat(refused(apply(new HighmemOp.PageAddress(past))).reason())
                .isEqualTo(String.format("page_address: 0x%x is not a struct page", past));
        assertThat(h.lastLookup()).isNull();
    }

    @Test
    void theKmapLocalHelpersMapAndUnmapInReverseOrder() {
        assertThat(apply(new HighmemOp.ClearHighpage(page(HIGH), false, 1))).isEqualTo(Result.VOID);
        assertThat(events()).containsExactly("local_flush_tlb_kernel_page(ffeee000) cpu 1", "local_flush_tlb_kernel_page(ffeee000) cpu 1");
        assertThat(tables.linuxPte(fix(1, 0))).isZero();
        // copy_highpage(to, from) maps from first
        assertThat(apply(new HighmemOp.CopyHighpage(page(HIGH), page(HIGH - 1), false, 0))).isEqualTo(Result.VOID);
        assertThat(events()).containsExactly("local_flush_tlb_kernel_page(ffefe000) cpu 0", "local_flush_tlb_kernel_page(ffefd000) cpu 0",
                "local_flush_tlb_kernel_page(ffefd000) cpu 0", "local_flush_tlb_kernel_page(ffefe000) cpu 0");
        assertThat(h.local().cpuDepth(0)).isZero();
        assertThat(apply(new HighmemOp.CopyHighpage(page(LOW), page(LOW + 1), true, 0))).isEqualTo(Result.VOID);
        assertThat(events()).isEmpty();
        long bad = page(0x80000L);
        assertThat(refused(apply(new HighmemOp.CopyHighpage(bad, page(HIGH), false, 0))).reason())
                .isEqualTo(String.format("copy_highpage: 0x%x is not a struct page", bad));
        assertThat(refused(apply(new HighmemOp.ClearHighpage(bad, false, 0))).reason())
                .isEqualTo(String.format("clear_highpage: 0x%x is not a struct page", bad));
        assertThat(events()).isEmpty();
        assertThat(refused(apply(new HighmemOp.ClearHighpage(page(HIGH), false, 2))).reason()).isEqualTo("cpu 2 is not possible (nr_cpu_ids 2)");
    }

    @Test
    void aHelperOnAFullStackGivesBackWhatItMapped() {
        for (int i = 0; i < 15; i++) {
            apply(new HighmemOp.KmapLocalPage(page(HIGH - i), false, 0));
        }
        Result.Refused r = refused(apply(new HighmemOp.CopyHighpage(page(HIGH - 20), page(HIGH - 21), false, 0)));
        assertThat(r.reason()).isEqualTo("kernel BUG");
        assertThat(r.report()).isEqualTo(IDX_BUG);
        assertThat(h.local().cpuDepth(0)).isEqualTo(15);
        assertThat(tables.linuxPte(fix(0, 15))).isZero();
        assertThat(tables.linuxPte(fix(0, 14))).isEqualTo(pte(HIGH - 14));
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 15), false, 0));
        assertThat(refused(apply(new HighmemOp.ClearHighpage(page(HIGH - 20), false, 0))).report()).isEqualTo(IDX_BUG);
        assertThat(events()).isEmpty();
        assertThat(refused(apply(new HighmemOp.KmapAtomic(page(HIGH - 20), false, 0))).report()).isEqualTo(IDX_BUG);
        assertThat(h.local().atomicDepth(0)).isZero();
    }

    @Test
    void aKmapSlotAlreadyMappedIsABug() {
        assertThat(tables.setPteExt(fix(0, 1), HIGH - 9, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        Result.Refused r = refused(apply(new HighmemOp.CopyHighpage(page(HIGH), page(HIGH - 1), false, 0)));
        assertThat(r.report()).isEqualTo(PTE_BUG);
        assertThat(h.local().cpuDepth(0)).isZero();
        assertThat(tables.linuxPte(fix(0, 0))).isZero();
        assertThat(events()).containsExactly("local_flush_tlb_kernel_page(ffefe000) cpu 0", "local_flush_tlb_kernel_page(ffefe000) cpu 0");
        apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0));
        assertThat(refused(apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 0))).report()).isEqualTo(PTE_BUG);
        assertThat(h.local().cpuDepth(0)).isEqualTo(1);
        assertThat(h.local().pteval(0, 1)).isZero();
    }

    @Test
    void memcpyToPageRunningPastThePageIsAFinding() {
        assertThat(apply(new HighmemOp.MemcpyToPage(page(HIGH), 0xff0, 0x10, false, 0))).isEqualTo(Result.VOID);
        assertThat(events()).hasSize(2);
        assertThat(apply(new HighmemOp.MemcpyToPage(page(HIGH), 0xff0, 0x11, false, 0))).isEqualTo(Result.finding(0,
                "memcpy_to_page: offset + len = 4097 runs past the page (VM_BUG_ON, silent with CONFIG_DEBUG_VM off)"));
        assertThat(events()).hasSize(2);
        assertThat(apply(new HighmemOp.MemcpyToPage(page(HIGH), 0x800, 0x801, false, 0))).isInstanceOf(Result.Warned.class);
        assertThat(apply(new HighmemOp.MemcpyToPage(page(HIGH), 0, 0x1000, false, 0))).isEqualTo(Result.VOID);
        long bad = page(0x3ffffL);
        assertThat(refused(apply(new HighmemOp.MemcpyToPage(bad, 0, 0x2000, false, 0))).reason())
                .isEqualTo(String.format("memcpy_to_page: 0x%x is not a struct page", bad));
        assertThat(h.local().cpuDepth(0)).isZero();
    }

    @Test
    void schedulingRefusalsAndTasks() {
        assertThat(refused(apply(new HighmemOp.SchedIn(-1, 0))).reason()).isEqualTo("no task -1 (tasks 0..15)");
        assertThat(refused(apply(new HighmemOp.SchedIn(16, 0))).reason()).isEqualTo("no task 16 (tasks 0..15)");
        assertThat(refused(apply(new HighmemOp.SchedOut(2))).reason()).isEqualTo("cpu 2 is not possible (nr_cpu_ids 2)");
        assertThat(refused(apply(new HighmemOp.SchedIn(3, -1))).reason()).isEqualTo("cpu -1 is not possible (nr_cpu_ids 2)");
        Result.Refused other = refused(apply(new HighmemOp.SchedIn(1, 0)));
        assertThat(other.reason()).isEqualTo("task is running on another CPU");
        assertThat(other.report()).isEqualTo("task 1 is running on cpu 1");
        // task 0 runs on CPU 0: not on CPU 1 as well
        assertThat(refused(apply(new HighmemOp.SchedIn(0, 1))).report()).isEqualTo("task 0 is running on cpu 0");
        assertThat(apply(new HighmemOp.SchedIn(15, 0))).isEqualTo(Result.VOID);
        assertThat(h.local().current(0)).isEqualTo(15);
        // kmap_atomic held: no switch on that CPU, the other CPU is free
        apply(new HighmemOp.KmapAtomic(page(LOW), false, 0));
        Result.Refused atomic = refused(apply(new HighmemOp.SchedOut(0)));
        assertThat(atomic.reason()).isEqualTo("scheduling while atomic");
        assertThat(atomic.report()).isEqualTo("BUG: scheduling while atomic: task 15 holds kmap_atomic (preemption disabled)");
        // task 1 never held a kmap_local level: out on CPU 1, it may run on CPU 0 later
        assertThat(apply(new HighmemOp.SchedOut(1))).isEqualTo(Result.VOID);
        assertThat(h.local().current(1)).isEqualTo(17);
        assertThat(h.local().runningOn(1)).isEqualTo(-1);
        assertThat(apply(new HighmemOp.KunmapAtomic(0xc0100000L, false, 0))).isEqualTo(Result.VOID);
        assertThat(apply(new HighmemOp.SchedIn(1, 0))).isEqualTo(Result.VOID);
        assertThat(h.local().runningOn(1)).isZero();
        // nor did task 14: it may start on CPU 1
        assertThat(apply(new HighmemOp.SchedIn(14, 1))).isEqualTo(Result.VOID);
        assertThat(h.local().runningOn(15)).isEqualTo(-1);
        // a kmap_local_page of a lowmem page takes neither a slot nor preemption
        apply(new HighmemOp.KmapLocalPage(page(LOW), false, 0));
        assertThat(h.local().atomicDepth(1)).isZero();
        assertThat(apply(new HighmemOp.SchedOut(0))).isEqualTo(Result.VOID);
    }

    @Test
    void aTaskHoldingKmapLocalLevelsStaysOnItsCpuAndGetsThemBack() {
        apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1));
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 1));
        // switching to the running task is no switch: no hook, no flush
        assertThat(apply(new HighmemOp.SchedIn(1, 1))).isEqualTo(Result.VOID);
        assertThat(events()).isEmpty();
        assertThat(apply(new HighmemOp.SchedOut(1))).isEqualTo(Result.VOID);
        assertThat(events()).containsExactly("local_flush_tlb_kernel_page(ffeee000) cpu 1", "local_flush_tlb_kernel_page(ffeed000) cpu 1");
        assertThat(tables.linuxPte(fix(1, 0))).isZero();
        assertThat(tables.linuxPte(fix(1, 1))).isZero();
        Result.Refused pinned = refused(apply(new HighmemOp.SchedIn(1, 0)));
        assertThat(pinned.reason()).isEqualTo("migrate_disable");
        assertThat(pinned.report()).isEqualTo("task 1 holds kmap_local mappings: migrate_disable keeps it on cpu 1");
        assertThat(apply(new HighmemOp.SchedIn(1, 1))).isEqualTo(Result.VOID);
        assertThat(events()).containsExactly("local_flush_tlb_kernel_page(ffeee000) cpu 1", "local_flush_tlb_kernel_page(ffeed000) cpu 1");
        assertThat(tables.linuxPte(fix(1, 0))).isEqualTo(pte(HIGH));
        assertThat(tables.linuxPte(fix(1, 1))).isEqualTo(pte(HIGH - 1));
        assertThat(HighmemChecks.fullScan(h)).isEmpty();
        // task 0, pinned to CPU 0 by its level, switched out there, may not come back on CPU 1
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 2), false, 0));
        apply(new HighmemOp.SchedOut(0));
        assertThat(refused(apply(new HighmemOp.SchedIn(0, 1))).report())
                .isEqualTo("task 0 holds kmap_local mappings: migrate_disable keeps it on cpu 0");
    }

    @Test
    void withSchedInSkippingTheRestoreTheLevelsStayUnmapped() {
        boot(2, Bugs.of(HighmemBug.HIGHMEM_SCHED_IN_SKIPS_RESTORE));
        apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1));
        apply(new HighmemOp.SchedOut(1));
        apply(new HighmemOp.SchedIn(1, 1));
        assertThat(events()).isEmpty();
        assertThat(tables.linuxPte(fix(1, 0))).isZero();
        assertThat(HighmemChecks.fullScan(h)).extracting(v -> v.id()).containsExactly("INV-HIGHMEM-03", "INV-HIGHMEM-04");
    }

    @Test
    void aPopBeforeTheClearClearsAfterAnInterruptOnThatCpuAndBeforeAnythingElse() {
        boot(2, Bugs.of(HighmemBug.HIGHMEM_POP_BEFORE_PTE_CLEAR));
        long a = apply(new HighmemOp.KmapAtomic(page(HIGH), false, 0)).value();
        assertThat(a).isEqualTo(fix(0, 0));
        assertThat(apply(new HighmemOp.KunmapAtomic(a, false, 0))).isEqualTo(Result.VOID);
        assertThat(tables.linuxPte(a)).isEqualTo(pte(HIGH));
        assertThat(h.local().cpuDepth(0)).isZero();
        // an interrupt on CPU 0 in the window pushes into the popped slot, still mapped; the clear comes after it
        assertThat(refused(apply(new HighmemOp.KmapAtomic(page(HIGH - 1), true, 0))).report()).isEqualTo(PTE_BUG);
        assertThat(tables.linuxPte(a)).isZero();
        assertThat(events()).containsExactly("local_flush_tlb_kernel_page(ffefe000) cpu 0");
        // an interrupt on another CPU comes after the clear
        long b = apply(new HighmemOp.KmapAtomic(page(HIGH), false, 0)).value();
        apply(new HighmemOp.KunmapAtomic(b, false, 0));
        assertThat(apply(new HighmemOp.KmapAtomic(page(HIGH - 1), true, 1)).value()).isEqualTo(fix(1, 0));
        assertThat(events()).containsExactly("local_flush_tlb_kernel_page(ffefe000) cpu 0", "local_flush_tlb_kernel_page(ffeee000) cpu 1");
        assertThat(tables.linuxPte(a)).isZero();
        // and so does any call in task context
        long c = apply(new HighmemOp.KmapAtomic(page(HIGH), false, 0)).value();
        apply(new HighmemOp.KunmapAtomic(c, false, 0));
        assertThat(apply(new HighmemOp.KmapAtomic(page(HIGH - 2), false, 0)).value()).isEqualTo(fix(0, 0));
        assertThat(tables.linuxPte(a)).isEqualTo(pte(HIGH - 2));
    }

    @Test
    void printKmapsNamesEachCpusTaskAndEachSwitchedOutTask() {
        boot(3, Bugs.NONE);
        apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 2));
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 2));
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 2), false, 0));
        String cpu2 = String.format("cpu 2: task 2, kmap_ctrl.idx 2, kmap_atomic 0%n"
                + "  fixidx  33 ffede000 pfn 7e905%n"
                + "  fixidx  34 ffedd000 pfn 7e904%n");
        assertThat(KmapsReport.render(h)).isEqualTo(String.format("pkmap: PKMAP_BASE bfe00000, pkmap flushes 0%n"
                + "last_pkmap_nr 0%n"
                + "cpu 0: task 0, kmap_ctrl.idx 1, kmap_atomic 0%n"
                + "  fixidx   1 ffefe000 pfn 7e903%n"
                + "cpu 1: task 1, kmap_ctrl.idx 0, kmap_atomic 0%n") + cpu2);
        apply(new HighmemOp.SchedOut(0));
        apply(new HighmemOp.SchedIn(15, 0));
        assertThat(KmapsReport.render(h)).endsWith(String.format("cpu 0: task 15, kmap_ctrl.idx 0, kmap_atomic 0%n"
                + "cpu 1: task 1, kmap_ctrl.idx 0, kmap_atomic 0%n") + cpu2
                + String.format("task 0 (switched out, pinned to cpu 0): kmap_ctrl.idx 1%n"));
        apply(new HighmemOp.SchedOut(0));
        assertThat(KmapsReport.render(h)).contains(String.format("cpu 0: task idle/0, kmap_ctrl.idx 0, kmap_atomic 0%n"));
        // the idle task takes a level and is switched out in its turn: it is listed as pinned
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 3), false, 0));
        apply(new HighmemOp.SchedIn(14, 0));
        assertThat(KmapsReport.render(h)).endsWith(String.format("task 0 (switched out, pinned to cpu 0): kmap_ctrl.idx 1%n"
                + "task idle/0 (switched out, pinned to cpu 0): kmap_ctrl.idx 1%n"));
    }

    @Test
    void withRamAtPhysicalZeroPfnZeroIsAPageLikeAnyOther() {
        // 256 MiB at 0: PHYS_OFFSET 0, ARCH_PFN_OFFSET 0, all of it lowmem; pfn 0 is mapped at PAGE_OFFSET
        kernel = Kernel.boot(Board.of(List.of(new armmm.model.board.Bank(0, 256L << 20)), List.of(), "", 1));
        h = kernel.state(Highmem.class);
        long zero = page(0);
        assertThat(apply(new HighmemOp.Kmap(zero, false, 0))).isEqualTo(Result.of(0xc0000000L));
        assertThat(apply(new HighmemOp.Kunmap(zero, false, 0))).isEqualTo(Result.VOID);
        assertThat(apply(new HighmemOp.KmapLocalPage(zero, false, 0))).isEqualTo(Result.of(0xc0000000L));
        assertThat(apply(new HighmemOp.PageAddress(zero))).isEqualTo(Result.of(0xc0000000L));
        assertThat(apply(new HighmemOp.ClearHighpage(zero, false, 0))).isEqualTo(Result.VOID);
    }

    @Test
    void kunmapLocalOfTheTopIsVoid() {
        long a = apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value();
        assertThat(apply(new HighmemOp.KunmapLocal(a + 0x10, false, 1))).isEqualTo(Result.VOID);
        assertThat(h.local().cpuDepth(1)).isZero();
    }

    @Test
    void theFlushListOfACallerWithoutStepsStartsAgainPast256() {
        assertThat(h.flushEvents()).isEmpty();
        for (int i = 0; i < 128; i++) {
            h.kmapLocal(page(HIGH), 0, false);
            h.kunmapLocal(fix(0, 0), 0, false);
        }
        assertThat(h.flushEvents()).hasSize(256);
        assertThat(h.pkmap().flushEvents()).isEqualTo(h.flushEvents());
        h.kmapLocal(page(HIGH), 0, false);
        assertThat(h.flushEvents()).hasSize(1);
        assertThat(h.flushEvents().get(0)).isEqualTo(new FlushEvent(FlushEvent.Kind.LOCAL_PAGE, 0, fix(0, 0), fix(0, 0) + 4096));
    }

    @Test
    void theWrapFlushesBeforeASlotIsReusedAndForgetsTheFreedPages() {
        h.kmap(page(HIGH), 0, false);
        assertThat(apply(new HighmemOp.Kunmap(page(HIGH), false, 0))).isEqualTo(Result.VOID);
        for (int i = 2; i < 512; i++) {
            h.kmap(page(HIGH - i), 0, false);
        }
        assertThat(apply(new HighmemOp.Kmap(page(0x70000L), false, 0)).value()).isEqualTo(slot(0));
        assertThat(events()).containsExactly("flush_tlb_kernel_range(bfe00000, c0000000)");
        assertThat(h.pkmap().flushes()).isEqualTo(1);
        assertThat(apply(new HighmemOp.PageAddress(page(HIGH)))).isEqualTo(Result.of(0));
        assertThat(apply(new HighmemOp.Kmap(page(0x70001L), false, 0)).value()).isEqualTo(slot(1));
        assertThat(HighmemChecks.fullScan(h)).isEmpty();
        // after the flush a TLB may hold only what the PTEs said then: slot 2 -> HIGH - 2 (the checker's record)
        assertThat(h.tlbShadow().mayHold(2)).isEqualTo(HIGH - 2 + 1);
        assertThat(tables.setPteExt(slot(2), 0x70002L, PAGE_KERNEL, 0)).isTrue();
        assertThat(HighmemChecks.fullScan(h)).filteredOn(v -> v.id().equals("INV-HIGHMEM-05")).extracting(v -> v.details())
                .containsExactly("slot 2 (bfe02000) maps pfn 70002, a TLB may still translate it to pfn 7e903");
    }

    @Test
    void aFlushThatKeepsTheHashLeavesAStalePageAddress() {
        boot(1, Bugs.of(HighmemBug.HIGHMEM_FLUSH_KEEPS_HASH));
        h.kmap(page(HIGH), 0, false);
        h.kunmap(page(HIGH), 0);
        for (int i = 2; i < 512; i++) {
            h.kmap(page(HIGH - i), 0, false);
        }
        apply(new HighmemOp.Kmap(page(0x70000L), false, 0));
        assertThat(tables.linuxPte(slot(1))).isZero();
        assertThat(apply(new HighmemOp.PageAddress(page(HIGH)))).isEqualTo(Result.of(slot(1)));
        assertThat(HighmemChecks.fullScan(h)).extracting(v -> v.details()).contains(
                "pfn 7e905 hashed at bfe01000, whose PTE is 00000000");
    }
}
