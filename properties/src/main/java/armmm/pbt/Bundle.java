package armmm.pbt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A typed pool of results that later steps of a chain consume (Hypothesis' bundles): pages, objects,
 * caches, vmap areas. An executor {@link #add}s what a call returned; a later action's generator
 * {@link #draw}s or {@link #consume}s one. A reference is drawn counting from the newest item, and the
 * engine records which item it named: when the shrinker deletes an earlier step, the references after
 * it are re-pointed at the same items in the same move, so deleting unrelated steps never retargets a
 * later call (the failure that needs "free what the third allocation returned" survives).
 *
 * <p>A bundle holds one pool per running chain, reached through the chain's thread; outside a chain
 * it is empty and {@link #add} is refused.
 *
 * @param <T> the item type
 */
public final class Bundle<T> {
    private static final ThreadLocal<Context> CONTEXT = new ThreadLocal<>();

    private final String name;

    private Bundle(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** A bundle; the name appears in shrinking metadata and must be unique within a spec. */
    public static <T> Bundle<T> named(String name) {
        return new Bundle<>(name);
    }

    /** The bundle's name. */
    public String name() {
        return name;
    }

    /** Adds an item to this bundle in the running chain. */
    public void add(T item) {
        Context context = context();
        Pool pool = context.pool(name);
        long serial = pool.next++;
        pool.items.add(item);
        pool.serials.add(serial);
        context.choices.noteCreation(name, serial);
    }

    /** Removes an item (the first equal one) from this bundle in the running chain; false when absent. */
    public boolean remove(T item) {
        Context context = CONTEXT.get();
        if (context == null) {
            return false;
        }
        Pool pool = context.pool(name);
        int i = pool.items.indexOf(item);
        if (i < 0) {
            return false;
        }
        pool.items.remove(i);
        pool.serials.remove(i);
        return true;
    }

    /** How many items the running chain holds in this bundle (0 outside a chain). */
    public int size() {
        Context context = CONTEXT.get();
        return context == null ? 0 : context.pool(name).items.size();
    }

    /** Whether the running chain holds no item in this bundle: the precondition of its consumers. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** The live items, oldest first (a copy). */
    @SuppressWarnings("unchecked")
    public List<T> items() {
        Context context = CONTEXT.get();
        return context == null ? List.of() : List.copyOf((List<T>) context.pool(name).items);
    }

    /** One live item, which stays in the bundle; newest first is simplest. Needs a non-empty bundle. */
    public Gen<T> draw() {
        return c -> pick(c, false);
    }

    /** One live item, removed from the bundle (a free consumes its page). Needs a non-empty bundle. */
    public Gen<T> consume() {
        return c -> pick(c, true);
    }

    @SuppressWarnings("unchecked")
    private T pick(Choices choices, boolean remove) {
        Pool pool = context().pool(name);
        if (pool.items.isEmpty()) {
            throw new IllegalStateException("bundle " + name + " is empty: guard its consumers with isEmpty()");
        }
        // a loop, not a stream: this runs at every reference of every case and shrink replay
        long[] serials = new long[pool.serials.size()];
        for (int k = 0; k < serials.length; k++) {
            serials[k] = pool.serials.get(k);
        }
        choices.startSpan("ref");
        int i = choices.drawReference(name, serials);
        choices.endSpan();
        T item = (T) pool.items.get(i);
        if (remove) {
            pool.items.remove(i);
            pool.serials.remove(i);
        }
        return item;
    }

    private Context context() {
        Context context = CONTEXT.get();
        if (context == null) {
            throw new IllegalStateException("bundle " + name + " used outside a running chain");
        }
        return context;
    }

    /** Opens the pools of one chain run on this thread; closing restores the previous ones. */
    static Stats.Scope open(Choices choices) {
        Context previous = CONTEXT.get();
        CONTEXT.set(new Context(choices));
        return () -> CONTEXT.set(previous);
    }

    @Override
    public String toString() {
        return "bundle " + name;
    }

    /**
     * A reference drawn from a bundle.
     *
     * @param position the choice position of the reference
     * @param bundle the bundle's name
     * @param serial the creation serial of the item it named
     */
    record Reference(int position, String bundle, long serial) {}

    /**
     * An item added to a bundle.
     *
     * @param position how many choices had been made when it was added (so: in which step)
     * @param bundle the bundle's name
     * @param serial its creation serial within the bundle
     */
    record Creation(int position, String bundle, long serial) {}

    private static final class Pool {
        final List<Object> items = new ArrayList<>();
        final List<Long> serials = new ArrayList<>();
        long next;
    }

    private static final class Context {
        final Choices choices;
        final Map<String, Pool> pools = new HashMap<>();

        Context(Choices choices) {
            this.choices = choices;
        }

        Pool pool(String bundle) {
            return pools.computeIfAbsent(bundle, b -> new Pool());
        }
    }
}
