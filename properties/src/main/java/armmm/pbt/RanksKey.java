package armmm.pbt;

import java.util.Arrays;

/** A choice sequence's ranks as a hash key: equal when the arrays hold the same values. */
record RanksKey(long[] ranks) {
    @Override
    public boolean equals(Object o) {
        return o instanceof RanksKey k && Arrays.equals(ranks, k.ranks);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranks);
    }

    @Override
    public String toString() {
        return Arrays.toString(ranks);
    }
}
