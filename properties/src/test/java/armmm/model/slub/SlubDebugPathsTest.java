package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The SLUB_DEBUG paths of mm/slub.c (6.1) object by object: {@code check_object} and
 * {@code check_bytes_and_report} (the first and last damaged byte, offset from the slab's start,
 * the bytes restored), {@code init_object}'s red zones (0xbb free, 0xcc allocated) and poison
 * (0x6b, the last byte 0xa5) only where the cache's flags put them, {@code free_debug_processing}
 * ({@code Invalid object pointer}, {@code Object already free}, and its {@code FIX <cache>: Object
 * at 0x... not freed} after every failed check), {@code free_to_partial_list} (a slab back from
 * the full list to the partial list's tail, an empty slab freed once the node keeps
 * {@code min_partial}), and the hardened free pointer ({@code freelist_ptr}:
 * {@code ptr ^ s->random ^ swab(ptr_addr)}). The report format is the one of the capture
 * oracle/kernel/probe-crash-FZPU-oob_write/crash_dmesg.txt
 * ({@code 0xc28cb100-0xc28cb100 @offset=256. First byte 0x78 instead of 0xcc}).
 */
class SlubDebugPathsTest {
    private static final String RULE = "=============================================================================";
    private static final String DASHES = "-----------------------------------------------------------------------------";

    private static SlubAllocator slub(String cmdline) throws Exception {
        return SlubBoards.slub(cmdline, 8192, 1, 1, Set.of());
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String report(Result r) {
        return ((Result.Refused) r).report();
    }

    @Test
    void aRightRedZoneWriteIsReportedAtTheFreeAndRestored() throws Exception {
        SlubAllocator a = slub("slub_debug=FZ,kmalloc-64");
        KmemCache k64 = a.caches().byName("kmalloc-64");
        // calculate_sizes: 64 + a word of right red zone (inuse 68), a word more, red_left_pad = ALIGN(4, 64)
        assertThat(k64.inuse()).isEqualTo(68);
        assertThat(k64.layout().redLeftPad()).isEqualTo(64);
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        Slab s = a.slabOf(p);
        assertThat(a.peek(p - 64)).isEqualTo(0xcc);
        assertThat(a.peek(p - 1)).isEqualTo(0xcc);
        assertThat(a.peek(p + 64)).isEqualTo(0xcc);
        assertThat(a.peek(p + 67)).isEqualTo(0xcc);
        a.poke(p + 67, 0x78, 1);
        Result r = a.kfree(p, 0);
        assertThat(r).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) r).reason()).isEqualTo("Right Redzone overwritten");
        long off = p + 67 - s.base;
        assertThat(report(r)).isEqualTo(RULE + "\nBUG kmalloc-64 (Not tainted): Right Redzone overwritten\n" + DASHES
                + "\n" + hex(p + 67) + "-" + hex(p + 67) + " @offset=" + off + ". First byte 0x78 instead of 0xcc"
                + "\nFIX kmalloc-64: Object at " + hex(p) + " not freed");
        // the bytes were restored: the object is still allocated and its free goes through now
        assertThat(a.peek(p + 67)).isEqualTo(0xcc);
        assertThat(a.kfree(p, 0)).isEqualTo(Result.VOID);
        // freed: 0xbb in both red zones
        assertThat(a.peek(p - 64)).isEqualTo(0xbb);
        assertThat(a.peek(p + 64)).isEqualTo(0xbb);
        assertThat(a.peek(p + 67)).isEqualTo(0xbb);
        assertThat(a.peek(p + 68)).isNotEqualTo(0xbb);
    }

    @Test
    void aLeftRedZoneReportSpansTheFirstToTheLastDamagedByte() throws Exception {
        SlubAllocator a = slub("slub_debug=FZ,kmalloc-64");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        Slab s = a.slabOf(p);
        a.poke(p - 64, 0x01, 1);
        a.poke(p - 2, 0x02, 1);
        Result r = a.kfree(p, 0);
        assertThat(report(r)).contains("BUG kmalloc-64 (Not tainted): Left Redzone overwritten\n" + DASHES + "\n"
                + hex(p - 64) + "-" + hex(p - 2) + " @offset=" + (p - 64 - s.base) + ". First byte 0x1 instead of 0xcc\n");
        // both bytes restored, the right red zone (intact) not reported instead
        assertThat(a.peek(p - 64)).isEqualTo(0xcc);
        assertThat(a.peek(p - 2)).isEqualTo(0xcc);
        assertThat(a.kfree(p, 0)).isEqualTo(Result.VOID);
    }

    @Test
    void poisonAndEndPoisonAreCheckedWhenAFreeObjectIsHandedOutAgain() throws Exception {
        SlubAllocator a = slub("slub_debug=FP,kmalloc-64");
        KmemCache k64 = a.caches().byName("kmalloc-64");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        // a poisoned cache is not cleared without __GFP_ZERO: the poison is still there
        assertThat(a.peek(p)).isEqualTo(0x6b);
        assertThat(a.peek(p + 62)).isEqualTo(0x6b);
        assertThat(a.peek(p + 63)).isEqualTo(0xa5);
        assertThat(a.kfree(p, 0)).isEqualTo(Result.VOID);
        a.poke(p + 8, 0x42, 1);
        Slab s = a.slabOf(p);
        Result r = a.kmalloc(64, Gfp.GFP_KERNEL, 0);
        assertThat(((Result.Refused) r).reason()).isEqualTo("Poison overwritten");
        assertThat(report(r)).isEqualTo(RULE + "\nBUG kmalloc-64 (Not tainted): Poison overwritten\n" + DASHES + "\n"
                + hex(p + 8) + "-" + hex(p + 8) + " @offset=" + (p + 8 - s.base) + ". First byte 0x42 instead of 0x6b"
                + "\nFIX kmalloc-64: Marking all objects used");
        assertThat(s.failed).isTrue();
        assertThat(s.inuse).isEqualTo(s.objects);
        assertThat(a.stats().counters()).containsEntry("report: Poison overwritten", 1L);

        SlubAllocator b = slub("slub_debug=FP,kmalloc-64");
        long q = b.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        b.kfree(q, 0);
        b.poke(q + 63, 0x00, 1);
        Result e = b.kmalloc(64, Gfp.GFP_KERNEL, 0);
        assertThat(((Result.Refused) e).reason()).isEqualTo("End Poison overwritten");
        assertThat(report(e)).contains(hex(q + 63) + "-" + hex(q + 63) + " @offset=" + (q + 63 - b.slabOf(q).base)
                + ". First byte 0x0 instead of 0xa5");
        assertThat(k64.layout().offset()).isEqualTo(64);
    }

    @Test
    void anAllocatedObjectsPoisonIsNotCheckedAtItsFree() throws Exception {
        // check_object(SLUB_RED_ACTIVE) skips the poison: a kzalloc'ed (zeroed) object frees cleanly
        SlubAllocator a = slub("slub_debug=FZP,kmalloc-64");
        long p = a.kzalloc(64, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.peek(p)).isZero();
        assertThat(a.peek(p + 63)).isZero();
        assertThat(a.kfree(p, 0)).isEqualTo(Result.VOID);
        // and poisoned again by the free, red zones 0xbb; handed out again without a report
        assertThat(a.peek(p)).isEqualTo(0x6b);
        assertThat(a.peek(p + 63)).isEqualTo(0xa5);
        assertThat(a.peek(p + 64)).isEqualTo(0xbb);
        for (int i = 0; i < 200; i++) {
            Result r = a.kmalloc(64, Gfp.GFP_KERNEL, 0);
            assertThat(r.isRefused()).as("alloc %d", i).isFalse();
            assertThat(a.kfree(r.value(), 0)).isEqualTo(Result.VOID);
        }
    }

    @Test
    void onlyTheFlagsTheCacheHasShapeItsObjects() throws Exception {
        SlubAllocator a = slub("");
        // SLAB_POISON with a constructor or SLAB_TYPESAFE_BY_RCU: no __OBJECT_POISON, nothing poisoned or checked
        int rcu = (int) a.kmemCacheCreate("rcu", 64, 0, SlabFlags.SLAB_TYPESAFE_BY_RCU | SlabFlags.SLAB_POISON
                | SlabFlags.SLAB_CONSISTENCY_CHECKS, false).value();
        KmemCache c = a.cache(rcu);
        assertThat(c.flags() & SlabFlags.OBJECT_POISON).isZero();
        long o = a.kmemCacheAlloc(c, Gfp.GFP_KERNEL | Gfp.ZERO, 0).value();
        assertThat(a.kmemCacheFree(c, o, 0)).isEqualTo(Result.VOID);
        assertThat(a.peek(o)).isZero();
        assertThat(a.kmemCacheAlloc(c, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(o));
        // a 61-byte object, poisoned and checked but not red-zoned: its 3 bytes to the word (61..63) are untouched
        int odd = (int) a.kmemCacheCreate("odd", 61, 0, SlabFlags.SLAB_POISON | SlabFlags.SLAB_CONSISTENCY_CHECKS,
                false).value();
        KmemCache d = a.cache(odd);
        assertThat(d.inuse()).isEqualTo(64);
        assertThat(d.layout().redLeftPad()).isZero();
        long x = a.kmemCacheAlloc(d, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.peek(x + 59)).isEqualTo(0x6b);
        assertThat(a.peek(x + 60)).isEqualTo(0xa5);
        for (int i = 61; i < 64; i++) {
            assertThat(a.peek(x + i)).as("byte %d", i).isZero();
        }
        assertThat(a.kmemCacheFree(d, x, 0)).isEqualTo(Result.VOID);
        for (int i = 61; i < 64; i++) {
            assertThat(a.peek(x + i)).as("byte %d after free", i).isZero();
        }
        // INV-SLUB-06 reads the same regions: no red zone to check on this cache, poison intact
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        assertThat(a.kmemCacheAlloc(d, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(x));
        // red zones alone (Z, no P): a freed object keeps its caller's bytes, only the red zones turn 0xbb
        SlubAllocator z = slub("slub_debug=Z,kmalloc-64");
        long y = z.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        assertThat(z.peek(y)).isZero();
        assertThat(z.kfree(y, 0)).isEqualTo(Result.VOID);
        assertThat(z.peek(y)).isZero();
        assertThat(z.peek(y + 63)).isZero();
        assertThat(z.peek(y + 64)).isEqualTo(0xbb);
        assertThat(z.peek(y - 1)).isEqualTo(0xbb);
    }

    @Test
    void everyFailedFreeCheckEndsWithTheFixLineAndObjectZeroIsAValidPointer() throws Exception {
        SlubAllocator a = slub("slub_debug=F,kmalloc-64");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        Result mid = a.kfree(p + 8, 0);
        assertThat(((Result.Refused) mid).reason()).isEqualTo("Invalid object pointer");
        assertThat(report(mid)).isEqualTo(RULE + "\nBUG kmalloc-64 (Not tainted): Invalid object pointer " + hex(p + 8)
                + "\n" + DASHES + "\nFIX kmalloc-64: Object at " + hex(p + 8) + " not freed");
        assertThat(a.stats().counters()).containsEntry("report: Invalid object pointer", 1L);
        assertThat(a.kfree(p, 0)).isEqualTo(Result.VOID);
        Result twice = a.kfree(p, 0);
        assertThat(((Result.Refused) twice).reason()).isEqualTo("Object already free");
        assertThat(report(twice)).isEqualTo(RULE + "\nBUG kmalloc-64 (Not tainted): Object already free\n" + DASHES
                + "\nFIX kmalloc-64: Object at " + hex(p) + " not freed");
        assertThat(a.stats().counters()).containsEntry("report: Object already free", 1L);
        // object 0 of a slab (index 0) is an object like any other
        Slab s = a.slabOf(p);
        List<Long> held = new ArrayList<>();
        while (!s.allocated[0]) {
            held.add(a.kmalloc(64, Gfp.GFP_KERNEL, 0).value());
        }
        assertThat(a.kfree(s.objectAddress(0), 0)).isEqualTo(Result.VOID);
        // without F: the same misuses are the model's findings, not reports
        SlubAllocator u = slub("slub_debug=Z,kmalloc-64");
        long q = u.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        assertThat(report(u.kfree(q + 8, 0))).startsWith("armmm model: free of a pointer into the middle of an object: "
                + hex(q + 8) + " in kmalloc-64");
        assertThat(u.kfree(q, 0)).isEqualTo(Result.VOID);
        assertThat(report(u.kfree(q, 0))).startsWith("armmm model: double free of " + hex(q) + " in kmalloc-64");
    }

    @Test
    void freeToPartialListMovesFullSlabsToTheTailAndFreesEmptyOnesAtMinPartial() throws Exception {
        SlubAllocator a = slub("slub_debug=F,kmalloc-64");
        KmemCache k64 = a.caches().byName("kmalloc-64");
        CacheNode n = a.node(k64);
        assertThat(k64.layout().objects()).isEqualTo(64);
        assertThat(k64.layout().minPartial()).isEqualTo(5);
        Map<Slab, List<Long>> objs = new LinkedHashMap<>();
        for (int i = 0; i < 6 * 64; i++) {
            long o = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
            objs.computeIfAbsent(a.slabOf(o), x -> new ArrayList<>()).add(o);
        }
        List<Slab> f = new ArrayList<>(objs.keySet());
        assertThat(f).hasSize(6);
        assertThat(n.full).containsExactlyElementsOf(f);
        assertThat(n.partial).isEmpty();
        for (Slab s : f) {
            assertThat(a.kfree(objs.get(s).get(0), 0)).isEqualTo(Result.VOID);
            assertThat(s.list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        }
        assertThat(n.partial).containsExactlyElementsOf(f);
        assertThat(n.full).isEmpty();
        // S1 emptied with 6 on the node: freed; S2 with 5: freed; S3 with 4: kept, empty
        for (int i = 0; i < 3; i++) {
            for (long o : objs.get(f.get(i)).subList(1, 64)) {
                assertThat(a.kfree(o, 0)).isEqualTo(Result.VOID);
            }
            assertThat(f.get(i).inuse).isZero();
        }
        assertThat(a.slabOf(objs.get(f.get(0)).get(1))).isNull();
        assertThat(a.slabOf(objs.get(f.get(1)).get(1))).isNull();
        assertThat(a.slabOf(objs.get(f.get(2)).get(1))).isSameAs(f.get(2));
        assertThat(n.partial).containsExactly(f.get(2), f.get(3), f.get(4), f.get(5));
        // the next object comes from the head of the partial list: S3
        assertThat(a.slabOf(a.kmalloc(64, Gfp.GFP_KERNEL, 0).value())).isSameAs(f.get(2));
    }

    @Test
    void aFullOneObjectSlabEmptiedIsFreedOnlyOnceTheNodeKeepsMinPartial() throws Exception {
        // slub_max_order=0: kmalloc-4k holds one object a slab, each slab full or empty
        SlubAllocator a = slub("slub_max_order=0 slub_debug=F,kmalloc-4k");
        KmemCache k4 = a.caches().byName("kmalloc-4k");
        CacheNode n = a.node(k4);
        assertThat(k4.layout().objects()).isEqualTo(1);
        // min_partial = max(5, min(10, ilog2(4096) / 2)) = 6
        assertThat(k4.layout().minPartial()).isEqualTo(6);
        long[] o = new long[8];
        for (int i = 0; i < 8; i++) {
            o[i] = a.kmalloc(4096, Gfp.GFP_KERNEL, 0).value();
        }
        for (int i = 0; i < 6; i++) {
            assertThat(a.kfree(o[i], 0)).isEqualTo(Result.VOID);
            // prior NULL (it was full) and fewer than min_partial on the node: add_partial
            assertThat(a.slabOf(o[i]).list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        }
        assertThat(n.partial).hasSize(6);
        Slab seventh = a.slabOf(o[6]);
        assertThat(a.kfree(o[6], 0)).isEqualTo(Result.VOID);
        assertThat(a.slabOf(o[6])).isNull();
        assertThat(n.partial).hasSize(6).doesNotContain(seventh);
        assertThat(n.full).containsExactly(a.slabOf(o[7]));
    }

    @Test
    void theStoredFreePointerIsTheHardenedEncodingOfTheNextFreeObject() throws Exception {
        SlubAllocator a = slub("");
        KmemCache k64 = a.caches().byName("kmalloc-64");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        a.kfree(p, 0);
        CpuSlab c = a.node(k64).cpu[0];
        Slab s = c.slab;
        int random = a.node(k64).random;
        // walk the CPU freelist: each free object's word at offset 32 decodes to the next one, the last to NULL
        int count = 0;
        for (int i = c.freelist; i >= 0; i = s.next[i]) {
            long obj = s.objectAddress(i);
            long at = obj + 32;
            long word = a.peek(at) | (long) a.peek(at + 1) << 8 | (long) a.peek(at + 2) << 16 | (long) a.peek(at + 3) << 24;
            long next = s.next[i] < 0 ? 0 : s.objectAddress(s.next[i]);
            long swab = Integer.toUnsignedLong(Integer.reverseBytes((int) at));
            assertThat(word).as("object %d", i).isEqualTo((next ^ Integer.toUnsignedLong(random) ^ swab) & 0xFFFF_FFFFL);
            count++;
        }
        assertThat(count).isEqualTo(64);
    }

    @Test
    void aDamagedFreePointerIsFoundWhenTheObjectIsHandedOut() throws Exception {
        SlubAllocator a = slub("");
        KmemCache k64 = a.caches().byName("kmalloc-64");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        a.kfree(p, 0);
        int random = a.node(k64).random;
        a.poke(p + 32, 0x1234_5678L, 4);
        long decoded = (0x1234_5678L ^ Integer.toUnsignedLong(random) ^ Integer.toUnsignedLong(Integer.reverseBytes((int) (p + 32))))
                & 0xFFFF_FFFFL;
        Result r = a.kmalloc(64, Gfp.GFP_KERNEL, 0);
        assertThat(r.isModelFinding()).isTrue();
        assertThat(report(r)).isEqualTo("armmm model: free pointer of free object " + hex(p) + " in kmalloc-64 overwritten:"
                + " it now decodes to " + hex(decoded) + " (the kernel would follow it)");
        // the word was put back: the object is handed out next
        assertThat(a.kmalloc(64, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(p));

        // with consistency checks the debug path reports it
        SlubAllocator b = slub("slub_debug=F,kmalloc-64");
        long q = b.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        b.kfree(q, 0);
        b.poke(q + 32, 0, 4);
        Result f = b.kmalloc(64, Gfp.GFP_KERNEL, 0);
        assertThat(((Result.Refused) f).reason()).isEqualTo("Freepointer corrupt");
        assertThat(report(f)).startsWith(RULE + "\nBUG kmalloc-64 (Not tainted): Freepointer corrupt\n" + DASHES
                + "\nfree pointer of free object " + hex(q) + " in kmalloc-64 overwritten");
        assertThat(b.stats().counters()).containsEntry("report: Freepointer corrupt", 1L);
        assertThat(b.kmalloc(64, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(q));
    }
}
