package armmm.model.core;

import java.util.List;

/**
 * A scenario observable such as {@code memblock.reserved[2].size} or
 * {@code zone[HighMem].free_area[3].nr_free}, split into its dotted segments.
 *
 * @param segments the segments in order
 */
public record ObservablePath(List<Segment> segments) {

    /**
     * One segment: a name and an optional index.
     *
     * @param name  the field name
     * @param index the index: a number, a bare word such as a zone name, or null for none
     */
    public record Segment(String name, String index) {
        /** The index as a number in 0..2^31-1; throws {@link ObservableException} when it is not one. */
        public long numericIndex() {
            if (index == null) {
                throw new ObservableException(name + " needs an index");
            }
            long i;
            try {
                i = Long.parseUnsignedLong(index);
            } catch (NumberFormatException e) {
                throw new ObservableException(name + "[" + index + "]: the index is not a number");
            }
            if (i < 0 || i > Integer.MAX_VALUE) {
                // no array the model exposes is that long; a negative long would pass every "i >= cnt" test
                throw new ObservableException(name + "[" + index + "]: index out of range");
            }
            return i;
        }

        /**
         * The index as an address or any unsigned 64-bit value, decimal or {@code 0x} hex (a struct
         * page pointer, a physical address); throws {@link ObservableException} when it is none.
         */
        public long address() {
            if (index == null) {
                throw new ObservableException(name + " needs an index");
            }
            String i = index.trim();
            try {
                return i.startsWith("0x") || i.startsWith("0X") ? Long.parseUnsignedLong(i.substring(2), 16) : Long.parseUnsignedLong(i);
            } catch (NumberFormatException e) {
                throw new ObservableException(name + "[" + index + "]: the index is not a number");
            }
        }
    }

    /**
     * A path from its segments as the scenario language writes them, each a name with an optional
     * index in brackets: {@code of("zone[DMA]", "free_area[3]", "nr_free")}.
     */
    public static ObservablePath of(String... names) {
        java.util.List<Segment> s = new java.util.ArrayList<>(names.length);
        for (String n : names) {
            int open = n.indexOf('[');
            s.add(open < 0 ? new Segment(n, null) : new Segment(n.substring(0, open), n.substring(open + 1, n.length() - 1)));
        }
        return new ObservablePath(s);
    }

    public ObservablePath {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("an observable has at least one segment, found none");
        }
    }

    /** The number of segments. */
    public int length() {
        return segments.size();
    }

    /** Segment {@code i}. */
    public Segment at(int i) {
        return segments.get(i);
    }

    /** True when segment {@code i} exists and is named {@code name}. */
    public boolean is(int i, String name) {
        return i < segments.size() && segments.get(i).name().equals(name);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Segment seg : segments) {
            if (s.length() > 0) {
                s.append('.');
            }
            s.append(seg.name());
            if (seg.index() != null) {
                s.append('[').append(seg.index()).append(']');
            }
        }
        return s.toString();
    }
}
