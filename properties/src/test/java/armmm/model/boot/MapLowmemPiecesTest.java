package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.boot.MapLowmem.Piece;
import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code create_mapping} calls of {@code map_lowmem} (arch/arm/mm/mmu.c) for each of its six
 * placements of the kernel's sections [{@code kernel_sec_start}, {@code kernel_sec_end})
 * against a memory range, and its two early exits ({@code start >= end} after the clip to
 * {@code arm_lowmem_limit}, and case 5, a range inside the kernel's sections): each ends the walk,
 * later ranges included. Expected pieces are worked from the function's conditions by hand.
 */
class MapLowmemPiecesTest {
    private static final long M = 1L << 20;
    private static final long LIMIT = 0x7000_0000L;

    private static Region r(long base, long size) {
        return new Region(base, size, 0);
    }

    @Test
    void caseOneTheKernelAtTheStartOfRamIsCutOffTheFront() {
        assertThat(MapLowmem.pieces(List.of(r(0x4000_0000L, 1024 * M)), LIMIT, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x4180_0000L, LIMIT));
    }

    @Test
    void aRangeStartingAtTheLowmemLimitEndsTheWalk() {
        // the second range is clipped to [limit, limit): start >= end, break; the third is never looked at
        List<Region> mapped = List.of(r(0x4000_0000L, 256 * M), r(0x5000_0000L, 16 * M), r(0x6000_0000L, 16 * M));
        assertThat(MapLowmem.pieces(mapped, 0x5000_0000L, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x4180_0000L, 0x5000_0000L));
        // a range that starts just below the limit still maps its clipped part
        assertThat(MapLowmem.pieces(List.of(r(0x4000_0000L, 32 * M), r(0x4ff0_0000L, 16 * M)), 0x5000_0000L,
                0x4000_0000L, 0x4180_0000L)).containsExactly(new Piece(0x4180_0000L, 0x4200_0000L),
                        new Piece(0x4ff0_0000L, 0x5000_0000L));
    }

    @Test
    void caseFiveARangeInsideTheKernelsSectionsEndsTheWalk() {
        List<Region> mapped = List.of(r(0x4080_0000L, 8 * M), r(0x5000_0000L, 256 * M));
        assertThat(MapLowmem.pieces(mapped, LIMIT, 0x4000_0000L, 0x4180_0000L)).isEmpty();
        // ending exactly at kernel_sec_end is not "inside": none of the cases moves it, it is mapped whole
        assertThat(MapLowmem.pieces(List.of(r(0x4080_0000L, 16 * M)), LIMIT, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x4080_0000L, 0x4180_0000L));
    }

    @Test
    void caseSixTheKernelInsideARangeGivesTwoMappingsAndEndsTheWalk() {
        List<Region> mapped = List.of(r(0x4000_0000L, 256 * M), r(0x6000_0000L, 16 * M));
        assertThat(MapLowmem.pieces(mapped, LIMIT, 0x4400_0000L, 0x4580_0000L))
                .containsExactly(new Piece(0x4000_0000L, 0x4400_0000L), new Piece(0x4580_0000L, 0x5000_0000L));
    }

    @Test
    void casesOneAndThreeTogetherLeaveAWrappedPiece() {
        // a range exactly the kernel's sections: start = kernel_sec_end, end = kernel_sec_start
        List<Piece> pieces = MapLowmem.pieces(List.of(r(0x4000_0000L, 24 * M), r(0x5000_0000L, 16 * M)), LIMIT,
                0x4000_0000L, 0x4180_0000L);
        assertThat(pieces).containsExactly(new Piece(0x4180_0000L, 0x4000_0000L), new Piece(0x5000_0000L, 0x5100_0000L));
        assertThat(pieces.get(0).wraps()).isTrue();
        assertThat(pieces.get(1).wraps()).isFalse();
    }

    @Test
    void caseThreeTheKernelEndingWithTheRangeIsCutOffTheBack() {
        assertThat(MapLowmem.pieces(List.of(r(0x3c00_0000L, 0x0580_0000L)), LIMIT, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x3c00_0000L, 0x4000_0000L));
    }

    @Test
    void aRangeEndingWhereTheKernelStartsIsMappedWhole() {
        // kernel_sec_start == end: the first branch, but neither case 6, 1 nor 3 applies
        assertThat(MapLowmem.pieces(List.of(r(0x3c00_0000L, 64 * M)), LIMIT, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x3c00_0000L, 0x4000_0000L));
    }

    @Test
    void caseTwoTheKernelEndingInsideARangeMovesItsStart() {
        assertThat(MapLowmem.pieces(List.of(r(0x4100_0000L, 64 * M)), LIMIT, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x4180_0000L, 0x4500_0000L));
        // ending exactly with the range: not case 2 (kernel_sec_end < end fails), mapped whole
        assertThat(MapLowmem.pieces(List.of(r(0x4100_0000L, 8 * M)), LIMIT, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x4100_0000L, 0x4180_0000L));
    }

    @Test
    void caseFourIsCaughtByTheFirstBranchAndTheRangeIsMappedWhole() {
        // kernel_sec_start inside the range, kernel_sec_end past it: the first test already holds,
        // neither case 6 (end > kernel_sec_end fails), 1 nor 3 moves anything
        assertThat(MapLowmem.pieces(List.of(r(0x4000_0000L, 80 * M)), LIMIT, 0x4400_0000L, 0x4580_0000L))
                .containsExactly(new Piece(0x4000_0000L, 0x4500_0000L));
    }

    @Test
    void rangesAboveTheKernelAreMappedAsTheyAre() {
        List<Region> mapped = List.of(r(0x4000_0000L, 256 * M), r(0x6000_0000L, 32 * M), r(0x6800_0000L, 256 * M));
        assertThat(MapLowmem.pieces(mapped, LIMIT, 0x4000_0000L, 0x4180_0000L)).containsExactly(
                new Piece(0x4180_0000L, 0x5000_0000L), new Piece(0x6000_0000L, 0x6200_0000L),
                new Piece(0x6800_0000L, LIMIT));
    }

    @Test
    void aPieceWrapsWhenItsEndIsNotAboveItsStart() {
        assertThat(new Piece(5, 5).wraps()).isTrue();
        assertThat(new Piece(6, 5).wraps()).isTrue();
        assertThat(new Piece(5, 6).wraps()).isFalse();
    }

    @Test
    void aRangeStartingWithTheKernelAndEndingInsideItIsCaseOneNotFive() {
        // start == kernel_sec_start: not "inside"; case 1 moves start past end (wraps) and the walk goes on
        List<Region> mapped = List.of(r(0x4000_0000L, 16 * M), r(0x5000_0000L, 16 * M));
        assertThat(MapLowmem.pieces(mapped, LIMIT, 0x4000_0000L, 0x4180_0000L))
                .containsExactly(new Piece(0x4180_0000L, 0x4100_0000L), new Piece(0x5000_0000L, 0x5100_0000L));
    }
}
