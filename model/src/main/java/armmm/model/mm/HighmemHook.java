package armmm.model.mm;

/**
 * Where the fault and fork paths touch a page's contents through a temporary kernel mapping:
 * {@code clear_user_highpage} and {@code copy_user_highpage} (include/linux/highmem.h:
 * {@code kmap_local_page}, the copy or memset, {@code kunmap_local}). A HighMem frame has no
 * linear-map address, so these are the calls a highmem model must see; until one is registered
 * the default only counts them ({@link Counting}). The contents themselves are not modelled.
 */
public interface HighmemHook {
    /** {@code clear_user_highpage(page, vaddr)} of {@code pfn}; {@code highmem} when it has no lowmem address. */
    void clearUserHighpage(long pfn, boolean highmem);

    /** {@code copy_user_highpage(to, from, vaddr, vma)}: two kmaps, either may be HighMem. */
    void copyUserHighpage(long toPfn, boolean toHigh, long fromPfn, boolean fromHigh);

    /** The default: counts the kmap_local pairs a HighMem frame would take. */
    final class Counting implements HighmemHook {
        private long clears;
        private long highClears;
        private long copies;
        private long highKmaps;

        @Override
        public void clearUserHighpage(long pfn, boolean highmem) {
            clears++;
            if (highmem) {
                highClears++;
                highKmaps++;
            }
        }

        @Override
        public void copyUserHighpage(long toPfn, boolean toHigh, long fromPfn, boolean fromHigh) {
            copies++;
            highKmaps += (toHigh ? 1 : 0) + (fromHigh ? 1 : 0);
        }

        /** Pages zeroed. */
        public long clears() {
            return clears;
        }

        /** Of those, HighMem pages (each a {@code kmap_local_page}). */
        public long highClears() {
            return highClears;
        }

        /** Pages copied for copy-on-write. */
        public long copies() {
            return copies;
        }

        /** {@code kmap_local_page} calls on HighMem frames, clears and copies together. */
        public long highKmaps() {
            return highKmaps;
        }
    }
}
