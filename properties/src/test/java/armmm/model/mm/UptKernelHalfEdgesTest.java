package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.vmalloc.VmallocOp;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-UPT-05 at the edges of its allowances, on hand-made first-level words of one mm (as
 * {@code UptChecksCasesTest} makes them). The kernel half of a user pgd is swapper_pg_dir's
 * copy ({@code pgd_alloc}, arch/arm/mm/pgd.c); a vmalloc pmd pair may be missing only while the
 * mm's {@code context.vmalloc_seq} is behind init_mm's, and only inside
 * [VMALLOC_START, VMALLOC_END) ({@code check_vmalloc_seq}/{@code __check_vmalloc_seq},
 * arch/arm/mm/ioremap.c, copies exactly that range); a pair is missing only when both of its
 * words are empty; and only APX may differ, and only in a section word
 * ({@code set_kernel_text_rw}/{@code ro}, arch/arm/mm/init.c, {@code section_update}).
 */
class UptKernelHalfEdgesTest {
    private static final int SECT_AP0 = 1 << 10;

    @Test
    void theVmallocAllowanceCoversExactlyVmallocStartToVmallocEndAndOnlyEmptyPairs() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        UserPageTables t = p.pageTables(m);
        UserMemory mem = p.memory();
        for (int n = 0; n < 3; n++) {
            k.apply(new VmallocOp.VmallocCall(3L << 20)).value();
        }
        assertThat(t.vmallocSeq()).as("the mm owes a vmalloc sync").isLessThan(mem.vmallocSeq());
        assertThat(UptChecks.kernelHalf(mem, m, t)).isEmpty();
        int[] l1 = l1(t);
        int lo = (int) (mem.vmallocStart() >>> 21) * 2;
        int hi = (int) ((mem.vmallocEnd() + (1L << 21) - 1) >>> 21) * 2;
        assertThat(lo).as("VMALLOC_START 0xd0800000 on this board").isEqualTo(0xd08);
        assertThat(hi).as("VMALLOC_END 0xff800000").isEqualTo(0xff8);

        // the first pair of the vmalloc range, missing: a sync is owed, allowed
        assertThat(mem.swapper().l1(lo)).isNotZero();
        assertThat(clearedPair(mem, m, t, l1, lo)).isEmpty();
        // the lowmem pair at PAGE_OFFSET and the pair at VMALLOC_END are outside it: findings
        assertThat(mem.swapper().l1(0xc00)).isNotZero();
        assertThat(clearedPair(mem, m, t, l1, 0xc00)).extracting(Violation::details)
                .singleElement().asString().startsWith("mm " + m + ", c0000000: mm 00000000 00000000");
        assertThat(mem.swapper().l1(hi)).as("swapper maps the pair at VMALLOC_END").isNotZero();
        assertThat(clearedPair(mem, m, t, l1, hi)).extracting(Violation::details)
                .singleElement().asString().startsWith("mm " + m + ", ff800000: mm 00000000 00000000");
        // a pair with only its even word empty is no missing pair
        int odd = l1[lo + 1];
        l1[lo] = 0;
        assertThat(UptChecks.kernelHalf(mem, m, t)).as("the odd word still set").hasSize(1);
        l1[lo] = mem.swapper().l1(lo);
        assertThat(l1[lo + 1]).isEqualTo(odd);
        assertThat(UptChecks.kernelHalf(mem, m, t)).isEmpty();
    }

    @Test
    void aSectionWordDifferingInMoreThanApxIsAFindingInEitherHalfOfThePair() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        UserPageTables t = p.pageTables(m);
        UserMemory mem = p.memory();
        int[] l1 = l1(t);
        int sect = mem.swapper().l1(0xc00);
        assertThat(sect & 3).as("lowmem is mapped by sections").isEqualTo(2);
        l1[0xc00] ^= SECT_AP0;
        List<Violation> found = UptChecks.kernelHalf(mem, m, t);
        assertThat(found).extracting(Violation::details).singleElement().asString()
                .startsWith(String.format("mm %d, c0000000: mm %08x %08x, swapper %08x %08x", m, sect ^ SECT_AP0,
                        mem.swapper().l1(0xc01), sect, mem.swapper().l1(0xc01)));
        l1[0xc00] = sect;
        assertThat(UptChecks.kernelHalf(mem, m, t)).isEmpty();
    }

    /** INV-UPT-05's findings with the pair at {@code i} emptied in the mm, the pair put back after. */
    private static List<Violation> clearedPair(UserMemory mem, long m, UserPageTables t, int[] l1, int i) {
        int w0 = l1[i];
        int w1 = l1[i + 1];
        l1[i] = 0;
        l1[i + 1] = 0;
        List<Violation> found = UptChecks.kernelHalf(mem, m, t);
        l1[i] = w0;
        l1[i + 1] = w1;
        return found;
    }

    private static int[] l1(UserPageTables t) throws ReflectiveOperationException {
        Field f = UserPageTables.class.getDeclaredField("l1");
        f.setAccessible(true);
        return (int[]) f.get(t);
    }
}
