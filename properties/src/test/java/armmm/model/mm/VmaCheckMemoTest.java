package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * The per-step VMA checks re-run only on the mms whose VMAs changed ({@link VmaCheckMemo}): an
 * mm's {@code map_count} rewritten behind its mutating methods is not seen by the step check
 * when another mm's call moves the VMA signal, is seen by the complete check at once, and by the
 * step check after the next call on that mm itself; a violation, once found, stays reported at
 * every step until the state is right again.
 */
class VmaCheckMemoTest {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private static Field mapCount() throws ReflectiveOperationException {
        Field f = MmStruct.class.getDeclaredField("mapCount");
        f.setAccessible(true);
        return f;
    }

    @Test
    void aSkippedMmIsTheCompleteChecksAndTheNextCallOnItFindsIt() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        long a = k.apply(new MmOp.MmCreate(8L << 20)).value();
        long b = k.apply(new MmOp.MmCreate(8L << 20)).value();
        assertThat(k.check()).isEmpty();
        MmStruct mmA = k.state(Processes.class).mm(a);
        long count = mmA.changeCount();
        mapCount().setInt(mmA, mmA.mapCount() + 1); // INV-VMA-05, behind mmap and munmap
        assertThat(mmA.changeCount()).isEqualTo(count);

        k.apply(new MmOp.Mmap(b, 0, 0x4000, RW, ANON)); // moves the VMA signal, on the other mm
        assertThat(k.check()).extracting(Violation::id).doesNotContain(VmaChecks.COUNTED);
        assertThat(k.checkComplete()).extracting(Violation::id).contains(VmaChecks.COUNTED);

        k.apply(new MmOp.Mmap(a, 0, 0x4000, RW, ANON)); // a call on the mm itself
        assertThat(k.check()).extracting(Violation::id).contains(VmaChecks.COUNTED);
        // found once, it stands while other mms change
        k.apply(new MmOp.Mmap(b, 0, 0x4000, RW, ANON));
        assertThat(k.check()).extracting(Violation::id).contains(VmaChecks.COUNTED);
        // and leaves with the defect, without a call on that mm
        mapCount().setInt(mmA, mmA.mapCount() - 1);
        k.apply(new MmOp.Mmap(b, 0, 0x4000, RW, ANON));
        assertThat(k.check()).extracting(Violation::id).doesNotContain(VmaChecks.COUNTED);
    }

    @Test
    void anMmThatExitsAndOneThatComesAreCheckedInTheirPlaces() throws Exception {
        Kernel k = Kernel.boot(Board.virt(256L << 20));
        long a = k.apply(new MmOp.MmCreate(8L << 20)).value();
        long b = k.apply(new MmOp.MmCreate(8L << 20)).value();
        assertThat(k.check()).isEmpty();
        k.apply(new MmOp.ExitMm(a));
        assertThat(k.check()).isEmpty();
        long c = k.apply(new MmOp.MmCreate(8L << 20)).value();
        MmStruct mmC = k.state(Processes.class).mm(c);
        // a new mm is checked whole at its first step check, whatever its change count
        mapCount().setInt(mmC, mmC.mapCount() + 1);
        k.apply(new MmOp.Mmap(b, 0, 0x4000, RW, ANON));
        assertThat(k.check()).extracting(Violation::id).contains(VmaChecks.COUNTED);
    }
}
