package armmm.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ObservablePath}: a scenario observable's dotted segments, each a name and an optional
 * index, read as an array index (0 to 2^31-1) or as an unsigned 64-bit address, decimal or hex.
 */
class ObservablePathTest {

    @Test
    void aPathSplitsIntoNamedIndexedSegmentsAndPrintsBack() {
        ObservablePath p = ObservablePath.of("zone[DMA]", "free_area[3]", "nr_free");
        assertThat(p.length()).isEqualTo(3);
        assertThat(p.at(0)).isEqualTo(new ObservablePath.Segment("zone", "DMA"));
        assertThat(p.at(1).numericIndex()).isEqualTo(3);
        assertThat(p.at(2)).isEqualTo(new ObservablePath.Segment("nr_free", null));
        assertThat(p).hasToString("zone[DMA].free_area[3].nr_free");
        assertThat(ObservablePath.of("memblock")).hasToString("memblock");
        assertThat(ObservablePath.of("page[]")).hasToString("page[]");
        // a bracket at the very start opens the index of an empty name
        assertThat(ObservablePath.of("[3]").at(0)).isEqualTo(new ObservablePath.Segment("", "3"));
        assertThat(p.is(0, "zone")).isTrue();
        assertThat(p.is(2, "nr_free")).isTrue();
        assertThat(p.is(0, "free_area")).isFalse();
        assertThat(p.is(3, "nr_free")).isFalse();
        assertThatThrownBy(() -> new ObservablePath(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anArrayIndexIsADecimalNumberUpToIntMax() {
        assertThat(new ObservablePath.Segment("r", "0").numericIndex()).isZero();
        assertThat(new ObservablePath.Segment("r", "2147483647").numericIndex()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> new ObservablePath.Segment("r", "2147483648").numericIndex())
                .isInstanceOf(ObservableException.class).hasMessage("r[2147483648]: index out of range");
        // 2^64 - 1 reads as the long -1: still out of range, not a small negative index
        assertThatThrownBy(() -> new ObservablePath.Segment("r", "18446744073709551615").numericIndex())
                .isInstanceOf(ObservableException.class).hasMessage("r[18446744073709551615]: index out of range");
        assertThatThrownBy(() -> new ObservablePath.Segment("r", "DMA").numericIndex())
                .isInstanceOf(ObservableException.class).hasMessage("r[DMA]: the index is not a number");
        assertThatThrownBy(() -> new ObservablePath.Segment("r", null).numericIndex())
                .isInstanceOf(ObservableException.class).hasMessage("r needs an index");
    }

    @Test
    void anAddressIndexIsDecimalOrHexUpToSixtyFourBits() {
        assertThat(new ObservablePath.Segment("page", "0xc0001000").address()).isEqualTo(0xc000_1000L);
        assertThat(new ObservablePath.Segment("page", "0XFF").address()).isEqualTo(255);
        assertThat(new ObservablePath.Segment("page", " 4096 ").address()).isEqualTo(4096);
        assertThat(new ObservablePath.Segment("page", "0xffffffffffffffff").address()).isEqualTo(-1);
        assertThatThrownBy(() -> new ObservablePath.Segment("page", "0xg").address())
                .isInstanceOf(ObservableException.class).hasMessage("page[0xg]: the index is not a number");
        assertThatThrownBy(() -> new ObservablePath.Segment("page", "ff").address())
                .isInstanceOf(ObservableException.class).hasMessage("page[ff]: the index is not a number");
        assertThatThrownBy(() -> new ObservablePath.Segment("page", null).address())
                .isInstanceOf(ObservableException.class).hasMessage("page needs an index");
    }
}
