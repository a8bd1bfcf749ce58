package armmm.model.zone;

import java.util.Arrays;

/** One number per zone type, in kernel order (DMA, Normal, HighMem, Movable): immutable. */
public final class PerZone {
    private final long[] values;

    private PerZone(long[] values) {
        if (values.length != ZoneType.values().length) {
            throw new IllegalArgumentException("one value per zone type, found " + values.length);
        }
        this.values = values.clone();
    }

    /** The values {@code v}, indexed by {@link ZoneType#ordinal()}. */
    public static PerZone of(long... v) {
        return new PerZone(v);
    }

    /** The value of zone {@code t}. */
    public long get(ZoneType t) {
        return values[t.ordinal()];
    }

    /** The values as a fresh array indexed by {@link ZoneType#ordinal()}. */
    public long[] toArray() {
        return values.clone();
    }

    /** The sum over every zone. */
    public long sum() {
        return Arrays.stream(values).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PerZone p && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
