package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Result;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The system calls' {@code unsigned long} arguments are 32 bits on ARM32 (one register each,
 * arch/arm/kernel/entry-common.S): a scenario value that does not fit is refused by the call,
 * never an exception out of the model, and the mm is left as it was.
 */
class MmWideArgumentsTest {
    private static final long WIDE = 1L << 32;

    @Test
    void addressesAndLengthsWiderThan32BitsAreRefusedAndChangeNothing() {
        Processes p = new Processes(UserLayoutConfig.armmp(), 0, Set.of());
        long m = p.mmCreate(8L << 20).value();
        int before = p.mm(m).mapCount();
        long brk = p.mm(m).brk();
        assertThat(reason(p.mmap(m, WIDE, 4096, 1, 0x22)))
                .isEqualTo("mmap: 0x100000000 does not fit an unsigned long (32 bits on ARM32)");
        assertThat(reason(p.mmap(m, 0, WIDE, 1, 0x22)))
                .isEqualTo("mmap: 0x100000000 does not fit an unsigned long (32 bits on ARM32)");
        assertThat(reason(p.munmap(m, 0x10000, WIDE)))
                .isEqualTo("munmap: 0x100000000 does not fit an unsigned long (32 bits on ARM32)");
        assertThat(reason(p.mprotect(m, -1L, 4096, 1)))
                .isEqualTo("mprotect: 0xffffffffffffffff does not fit an unsigned long (32 bits on ARM32)");
        assertThat(reason(p.brk(m, WIDE)))
                .isEqualTo("brk: 0x100000000 does not fit an unsigned long (32 bits on ARM32)");
        assertThat(p.mm(m).mapCount()).isEqualTo(before);
        assertThat(p.mm(m).brk()).isEqualTo(brk);
        assertThat(p.mmap(m, 0, 0xffffffffL, 1, 0x22).isRefused()).as("the widest 32-bit length reaches do_mmap").isTrue();
    }

    private static String reason(Result r) {
        return ((Result.Refused) r).reason();
    }
}
