package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * vmalloc's record of its kernel PTEs ({@link ShadowPtes}, kept without page tables here): one
 * entry per page of [VMALLOC_START, VMALLOC_END), the pages whose PTE was cleared and whose TLB
 * flush is still owed until {@code flush_tlb_kernel_range} (mm/vmalloc.c's lazy purge), and the
 * writable vmalloc mappings of each frame, RAM and device alike. A 32-bit physical space has
 * 2^20 frames; {@code flush_tlb_kernel_range} covers every page it touches.
 */
class ShadowPtesTest {
    private static final long BASE = 0xf080_0000L;
    private static final long END = 0xff80_0000L;
    private static final long PAGE = 4096;
    /** RAM frames [0x40000, 0x80000). */
    private final ShadowPtes s = new ShadowPtes(BASE, END, 0x40000, 0x80000);

    @Test
    void theRangeMustBePageAlignedAndNotEmpty() {
        assertThatThrownBy(() -> new ShadowPtes(BASE + 1, END, 0x40000, 0x80000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad PTE range [0xf0800001, 0xff800000)");
        assertThatThrownBy(() -> new ShadowPtes(BASE, BASE, 0x40000, 0x80000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ShadowPtes(BASE, BASE + PAGE, 0x40000, 0x80000).covers(BASE)).isTrue();
    }

    @Test
    void theFirstPageIsCoveredTheEndIsNot() {
        assertThat(s.covers(BASE)).isTrue();
        assertThat(s.covers(BASE - 1)).isFalse();
        assertThat(s.covers(END - 1)).isTrue();
        assertThat(s.covers(END)).isFalse();
        assertThat(s.pfnAt(END)).isEqualTo(-1);
        assertThat(s.recordedPfnAt(BASE - PAGE)).isEqualTo(-1);
        assertThat(s.protAt(END)).isNull();
        assertThat(s.staleAt(END)).isFalse();
        assertThatThrownBy(() -> s.map(END, 0x40000, KernelPtes.Prot.KERNEL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0xff800000 is outside the vmalloc PTEs [0xf0800000, 0xff800000)");
        assertThat(s.map(END - PAGE, 0x40000, KernelPtes.Prot.KERNEL)).isTrue();
        assertThat(s.pfnAt(END - PAGE)).isEqualTo(0x40000);
        assertThat(s.map(BASE, 0x40001, KernelPtes.Prot.KERNEL)).isTrue();
        assertThat(s.recordedPfnAt(BASE)).isEqualTo(0x40001);
        assertThat(s.protAt(BASE)).isEqualTo(KernelPtes.Prot.KERNEL);
        assertThat(s.protAt(BASE + PAGE)).isNull();
        assertThat(s.mappedCount()).isEqualTo(2);
    }

    @Test
    void aFrameMustLieInThe32BitPhysicalSpace() {
        assertThat(s.map(BASE, 0xfffffL, KernelPtes.Prot.DEVICE)).isTrue();
        assertThatThrownBy(() -> s.map(BASE + PAGE, 0x100000L, KernelPtes.Prot.DEVICE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pfn 0x100000 outside the 32-bit physical space");
        assertThatThrownBy(() -> s.map(BASE + PAGE, -1, KernelPtes.Prot.DEVICE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.map(BASE + PAGE, 0, KernelPtes.Prot.DEVICE)).isTrue();
        assertThat(s.pfnAt(BASE + PAGE)).isZero();
    }

    @Test
    void writableMappingsCountRamAndDeviceFramesAndNotReadOnlyOnes() {
        // the first RAM frame and the first frame past RAM (device memory)
        s.map(BASE, 0x40000, KernelPtes.Prot.KERNEL);
        s.map(BASE + PAGE, 0x80000, KernelPtes.Prot.DEVICE);
        s.map(BASE + 2 * PAGE, 0x80000, KernelPtes.Prot.DEVICE);
        s.map(BASE + 3 * PAGE, 0x40001, KernelPtes.Prot.KERNEL_RO);
        assertThat(s.writableMappings(0x40000)).isEqualTo(1);
        assertThat(s.writableMappings(0x3ffff)).isZero();
        assertThat(s.writableMappings(0x80000)).isEqualTo(2);
        assertThat(s.writableMappings(0x40001)).isZero();
        s.unmap(BASE + PAGE, BASE + 2 * PAGE);
        assertThat(s.writableMappings(0x80000)).isEqualTo(1);
        s.unmap(BASE + 2 * PAGE, BASE + 4 * PAGE);
        assertThat(s.writableMappings(0x80000)).isZero();
        assertThat(s.writableMappings(0x40001)).isZero();
        // a PTE written over drops the frame it mapped
        s.map(BASE, 0x40002, KernelPtes.Prot.KERNEL);
        assertThat(s.writableMappings(0x40000)).isZero();
        assertThat(s.writableMappings(0x40002)).isEqualTo(1);
        assertThat(s.mappedCount()).isEqualTo(1);
    }

    @Test
    void unmapClearsExactlyItsRangeAndRecordsEachClearedPage() {
        s.map(BASE, 0x40000, KernelPtes.Prot.KERNEL);
        s.map(BASE + PAGE, 0x40001, KernelPtes.Prot.KERNEL);
        s.beginStep();
        s.unmap(BASE, BASE + PAGE);
        assertThat(s.pfnAt(BASE)).isEqualTo(-1);
        assertThat(s.pfnAt(BASE + PAGE)).isEqualTo(0x40001);
        assertThat(s.staleAt(BASE)).isTrue();
        assertThat(s.staleAt(BASE + PAGE)).isFalse();
        // the page, then the frame it mapped
        assertThat(s.dirty()).containsExactly(-1 - 0x40000L, BASE);
        assertThat(s.dirtyOverflow()).isFalse();
        s.beginStep();
        assertThat(s.dirty()).isEmpty();
    }

    @Test
    void aFlushClearsTheStalePagesItTouchesEvenPartly() {
        for (int i = 0; i < 3; i++) {
            s.map(BASE + i * PAGE, 0x40000 + i, KernelPtes.Prot.KERNEL);
        }
        s.unmap(BASE, BASE + 3 * PAGE);
        assertThat(s.firstStaleIn(BASE, END)).isEqualTo(BASE);
        s.flushTlbKernelRange(BASE + PAGE, BASE + PAGE + 1);
        assertThat(s.staleAt(BASE)).isTrue();
        assertThat(s.staleAt(BASE + PAGE)).isFalse();
        assertThat(s.staleAt(BASE + 2 * PAGE)).isTrue();
        // an empty range and one below the PTEs flush nothing
        s.flushTlbKernelRange(BASE, BASE);
        s.flushTlbKernelRange(BASE - 2 * PAGE, BASE);
        assertThat(s.staleAt(BASE)).isTrue();
        // the first stale page in a range: the end is exclusive, the range clipped to the PTEs
        assertThat(s.firstStaleIn(BASE + PAGE, BASE + 2 * PAGE)).isEqualTo(-1);
        assertThat(s.firstStaleIn(BASE + PAGE, BASE + 3 * PAGE)).isEqualTo(BASE + 2 * PAGE);
        assertThat(s.firstStaleIn(BASE - PAGE, BASE + PAGE)).isEqualTo(BASE);
        assertThat(s.firstStaleIn(BASE + PAGE, BASE + PAGE)).isEqualTo(-1);
        assertThat(s.firstStaleIn(END, END + PAGE)).isEqualTo(-1);
        s.flushTlbKernelRange(BASE - PAGE, END + PAGE);
        assertThat(s.firstStaleIn(BASE, END)).isEqualTo(-1);
    }

    @Test
    void moreChangesThanTheRecordHoldsOverflowIt() {
        for (int i = 0; i < 4096; i++) {
            s.map(BASE + i * PAGE, 0x40000 + i, KernelPtes.Prot.KERNEL);
        }
        assertThat(s.dirty()).hasSize(4096);
        assertThat(s.dirtyOverflow()).isFalse();
        s.dirtyPfn(0x40000);
        assertThat(s.dirtyOverflow()).isTrue();
        s.beginStep();
        assertThat(s.dirtyOverflow()).isFalse();
    }
}
