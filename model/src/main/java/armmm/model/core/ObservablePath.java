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
        /** The index as a number; throws {@link ObservableException} when it is not one. */
        public long numericIndex() {
            if (index == null) {
                throw new ObservableException(name + " needs an index");
            }
            try {
                return Long.parseUnsignedLong(index);
            } catch (NumberFormatException e) {
                throw new ObservableException(name + "[" + index + "]: the index is not a number");
            }
        }
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
