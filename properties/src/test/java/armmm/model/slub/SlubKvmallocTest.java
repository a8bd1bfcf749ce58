package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code kvmalloc}'s kmalloc attempt above a page (mm/util.c {@code kvmalloc_node}, 6.1): the
 * request is made quiet (__GFP_NOWARN) and loses __GFP_NOFAIL (the vmalloc fallback keeps that
 * promise), and it gives up early (__GFP_NORETRY) unless the caller asked for
 * __GFP_RETRY_MAYFAIL. The flags reach the page allocator with the large kmalloc's pages.
 */
class SlubKvmallocTest {

    private static long pageAllocGfp(long gfp) throws Exception {
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        assertThat(a.kvmalloc(16384, gfp, 0).value()).isNotZero();
        return a.pages().lastAlloc().gfp();
    }

    @Test
    void aboveAPageTheAttemptIsQuietAndGivesUpEarly() throws Exception {
        long g = pageAllocGfp(Gfp.GFP_KERNEL | Gfp.NOFAIL);
        assertThat(g & Gfp.NOWARN).isNotZero();
        assertThat(g & Gfp.NORETRY).isNotZero();
        assertThat(g & Gfp.NOFAIL).isZero();
    }

    @Test
    void retryMayfailIsKeptWithoutNoretry() throws Exception {
        long g = pageAllocGfp(Gfp.GFP_KERNEL | Gfp.RETRY_MAYFAIL);
        assertThat(g & Gfp.RETRY_MAYFAIL).isNotZero();
        assertThat(g & Gfp.NORETRY).isZero();
        assertThat(g & Gfp.NOWARN).isNotZero();
    }
}
