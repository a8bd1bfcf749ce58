package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One process's table words as arch/arm/mm/pgd.c, arch/arm/include/asm/pgalloc.h and
 * pgtable-2level.h lay them out: {@code pgd_alloc}'s 16 KiB alignment and copy of the kernel
 * half from {@code USER_PTRS_PER_PGD} (1528) up, {@code pmd_populate}'s pair of words 1 KiB
 * apart ({@code PTE_HWTABLE_OFF} 2048 into the page, {@code _PAGE_USER_TABLE} 0x31),
 * {@code set_pte_at}'s nG for a young, present user PTE only, the sync of the vmalloc pgds
 * ({@code __check_vmalloc_seq}) and of one pmd ({@code copy_pmd}), the write journal, and the
 * walk through TTBR0 with the user domain open for a user access only.
 */
class UserPageTablesWordsTest {
    private static final long PGD = 0x47ff0000L;

    private static KernelPageTables swapper() {
        return Kernel.boot(Board.virt(256L << 20), Bugs.NONE).state(KernelPageTables.class);
    }

    @Test
    void pgdAllocNeeds16KiBAndCopiesTheKernelHalf() {
        KernelPageTables sw = swapper();
        assertThatThrownBy(() -> UserPageTables.pgdAlloc(PGD + 0x1000, sw, 0, 2 * (2048 - 1528)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("pgd at 0x47ff1000, expected 16 KiB alignment");
        UserPageTables t = UserPageTables.pgdAlloc(PGD, sw, 5, 2 * (2048 - 1528));
        assertThat(t.vmallocSeq()).isEqualTo(5);
        assertThat(t.pgdPhys()).isEqualTo(PGD);
        assertThat(UserPageTables.USER_PTRS_PER_PGD).isEqualTo(1528);
        for (int i = 0; i < 4096; i++) {
            assertThat(t.l1(i)).as("word %d", i).isEqualTo(i < 3056 ? 0 : sw.l1(i));
        }
        UserPageTables short10 = UserPageTables.pgdAlloc(PGD, sw, 0, 10);
        int copied = 0;
        for (int i = 3056; i < 4096; i++) {
            if (short10.l1(i) == sw.l1(i) && sw.l1(i) != 0) {
                copied++;
            }
            if (i >= 3066) {
                assertThat(short10.l1(i)).isZero();
            }
        }
        assertThat(copied).isLessThanOrEqualTo(10);
        assertThat(short10.l1(3056 + 9)).isEqualTo(sw.l1(3056 + 9));
        assertThat(t.generation()).as("pgd_alloc's copy is no write of the mm's").isZero();
    }

    @Test
    void ptePagesAndTheirWords() {
        UserPageTables t = UserPageTables.pgdAlloc(PGD, swapper(), 0, 0);
        long va = 0x20345000L;
        assertThat(t.pmdNone(va)).isTrue();
        assertThat(t.ptePfn(va)).isEqualTo(-1);
        assertThat(t.linuxPte(va)).isZero();
        assertThat(t.hwPte(va)).isZero();
        assertThat(t.ptePfn(0xbf000000L)).as("TASK_SIZE and up is no user table").isEqualTo(-1);
        t.populate(va, 0x47000);
        int pgd = (int) (va >>> 21);
        assertThat(t.l1(2 * pgd)).isEqualTo(0x47000800 | 0x31);
        assertThat(t.l1(2 * pgd + 1)).isEqualTo(0x47000c00 | 0x31);
        assertThat(t.pmdNone(va)).isFalse();
        assertThat(t.pmdNone(va + (1L << 21))).isTrue();
        assertThat(t.ptePfn(va)).isEqualTo(0x47000);
        assertThat(t.ptePfn(va & -(1L << 21))).isEqualTo(0x47000);
        assertThat(t.ptePfns()).containsExactly(0x47000L);
        assertThat(t.pgtablesBytes()).isEqualTo(2048);
        // a young, present user PTE gets nG; an old one has no hardware entry; a kernel-only one no nG
        int user = 0x4123_4000 | 0x1 | 0x2 | 0x40 | 0x100 | 0x200 | 0x1c;
        t.setPteAt(va, user, false);
        assertThat(t.linuxPte(va)).isEqualTo(user);
        assertThat(t.hwPte(va) & (1 << 11)).isNotZero();
        t.setPteAt(va, user, true);
        assertThat(t.hwPte(va) & (1 << 11)).as("the planted bug's global mapping").isZero();
        t.setPteAt(va, user & ~0x100, false);
        assertThat(t.hwPte(va) & (1 << 11)).as("no L_PTE_USER: no nG").isZero();
        assertThat(t.hwPte(va)).isNotZero();
        t.setPteAt(va, user & ~0x2, false);
        assertThat(t.hwPte(va)).as("old").isZero();
        t.setPteAt(va, user & ~0x1, false);
        assertThat(t.hwPte(va)).isZero();
        t.setPteAt(va + 0x1000, user, false);
        assertThat(t.ptePageWord(0x47000, (int) ((va >>> 12) & 511) + 1)).isEqualTo(user);
        assertThat(t.ptePageWord(0x47000, 512 + (int) ((va >>> 12) & 511) + 1)).isEqualTo(t.hwPte(va + 0x1000));
        assertThat(t.ptePageWord(0x48000, 0)).isZero();
        assertThat(t.ptePageWords(0x48000)).isNull();
        int[] words = t.ptePageWords(0x47000);
        assertThat(words).hasSize(1024);
        words[0] = 7;
        assertThat(t.ptePageWord(0x47000, 0)).as("a copy").isZero();
        Map<Long, Integer> ptes = t.userPtes();
        assertThat(ptes).containsOnlyKeys(va, va + 0x1000);
        assertThat(ptes.get(va + 0x1000)).isEqualTo(user);
        t.pteClear(va + 0x1000);
        assertThat(t.linuxPte(va + 0x1000)).isZero();
        assertThat(t.hwPte(va + 0x1000)).isZero();
        long g = t.generation();
        t.pteClear(0x30000000L);
        assertThat(t.generation()).as("a clear without a table still counts").isEqualTo(g + 1);
        assertThat(t.freePteTable(0x30000000L)).isEqualTo(-1);
        assertThat(t.freePteTable(va)).isEqualTo(0x47000);
        assertThat(t.l1(2 * pgd)).isZero();
        assertThat(t.l1(2 * pgd + 1)).isZero();
        assertThat(t.ptePfns()).isEmpty();
        assertThat(t.userPtes()).isEmpty();
        assertThat(t.pgtablesBytes()).isZero();
    }

    @Test
    void theJournalListsAPgdOnceForItsPairAndNothingForTheKernelHalf() {
        UserPageTables t = UserPageTables.pgdAlloc(PGD, swapper(), 0, 2 * (2048 - 1528));
        long g = t.generation();
        t.populate(0x20000000L, 0x47000);
        t.freePteTable(0x20000000L);
        assertThat(t.ptesWrittenSince(g)).as("populate and free of the same pgd: its slots once").hasSize(512);
        assertThat(t.userPgdsWrittenSince(g)).containsExactly(0x100, 0x100);
        long g2 = t.generation();
        t.populate(0x20000000L, 0x47000);
        t.populate(0x20200000L, 0x47001);
        long[] both = t.ptesWrittenSince(g2);
        assertThat(both).hasSize(1024);
        assertThat(both[512]).isEqualTo(0x20200000L);
        assertThat(both[1023]).isEqualTo(0x203ff000L);
        long g3 = t.generation();
        t.setPteAt(0x20001000L, 0, false);
        t.syncVmalloc(0xd0800000L, 0xff800000L, 3);
        t.setPteAt(0x20002000L, 0, false);
        assertThat(t.ptesWrittenSince(g3)).containsExactly(0x20001000L, 0x20002000L);
        assertThat(t.userPgdsWrittenSince(g3)).isEmpty();
        assertThat(t.ptesWrittenSince(t.generation())).isEmpty();
        assertThat(t.ptesWrittenSince(t.generation() + 1)).as("a generation not reached yet").isNull();
        assertThat(t.userPgdsWrittenSince(t.generation() + 1)).isNull();
        for (int i = 0; i < UserPageTables.JOURNAL - 3; i++) {
            t.setPteAt(0x20001000L, 0, false);
        }
        assertThat(t.ptesWrittenSince(g3)).as("exactly JOURNAL writes back, the kernel one listing nothing")
                .hasSize(UserPageTables.JOURNAL - 1);
        assertThat(t.ptesWrittenSince(g3)[0]).isEqualTo(0x20001000L);
        assertThat(t.ptesWrittenSince(g3)[1]).isEqualTo(0x20002000L);
        assertThat(t.ptesWrittenSince(g3 - 1)).isNull();
    }

    @Test
    void theVmallocSyncCopiesItsPgdsAndCopyPmdOneOrBothWords() throws Exception {
        KernelPageTables sw = swapper();
        UserPageTables t = UserPageTables.pgdAlloc(PGD, sw, 0, 2 * (2048 - 1528));
        java.lang.reflect.Field f = UserPageTables.class.getDeclaredField("l1");
        f.setAccessible(true);
        int[] l1 = (int[]) f.get(t);
        int from = (int) (0xd0800000L >>> 21) * 2;
        int to = (int) (0xff800000L >>> 21) * 2;
        java.util.Arrays.fill(l1, 3056, 4096, 0x5a5a0000);
        long g = t.generation();
        long kg = t.kernelGeneration();
        t.syncVmalloc(0xd0800000L, 0xff7ff000L, 4);
        assertThat(t.vmallocSeq()).isEqualTo(4);
        assertThat(t.generation()).isEqualTo(g + 1);
        assertThat(t.kernelGeneration()).isEqualTo(g + 1).isNotEqualTo(kg);
        assertThat(t.l1Generation()).isEqualTo(g + 1);
        assertThat(l1[from - 1]).isEqualTo(0x5a5a0000);
        assertThat(l1[to]).as("VMALLOC_END rounded up to its pmd: 0xff800000 is not vmalloc's").isEqualTo(0x5a5a0000);
        for (int i = from; i < to; i++) {
            assertThat(l1[i]).isEqualTo(sw.l1(i));
        }
        int i = (int) (0xc0000000L >>> 21) * 2;
        t.copyPmd(0xc0100000L, false);
        assertThat(l1[i]).isEqualTo(sw.l1(i));
        assertThat(l1[i + 1]).isEqualTo(0x5a5a0000);
        t.copyPmd(0xc0000000L, true);
        assertThat(l1[i + 1]).isEqualTo(sw.l1(i + 1));
        long userGen = t.kernelGeneration();
        t.populate(0x20000000L, 0x47000);
        assertThat(t.kernelGeneration()).as("a user-half write").isEqualTo(userGen);
        assertThat(t.l1Generation()).isEqualTo(t.generation());
    }

    @Test
    void theWalkReadsThePgdThePtePagesAndSwappersMemory() {
        Kernel k = Kernel.boot(Board.virt(256L << 20), Bugs.NONE);
        KernelPageTables sw = k.state(KernelPageTables.class);
        UserPageTables t = UserPageTables.pgdAlloc(PGD, sw, 0, 2 * (2048 - 1528));
        long va = 0x20000000L;
        t.populate(va, 0x47000);
        int user = 0x4123_4000 | 0x1 | 0x2 | 0x40 | 0x100 | 0x200 | 0x1c;
        t.setPteAt(va, user, false);
        assertThat(t.memory().readWord(PGD + (va >>> 20) * 4)).isEqualTo(t.l1((int) (va >>> 20)));
        assertThat(t.memory().readWord(PGD + 0x3ffc)).isEqualTo(t.l1(4095));
        assertThat(t.memory().readWord(0x47000000L)).isEqualTo(user);
        assertThat(t.memory().readWord(0x47000000L + 2048)).isEqualTo(t.hwPte(va));
        Translation u = t.translate(va + 0x123, Access.READ, Privilege.USER);
        assertThat(u).isInstanceOf(Translation.Mapped.class);
        assertThat(((Translation.Mapped) u).pa()).isEqualTo(0x41234123L);
        assertThat(t.translate(va, Access.WRITE, Privilege.USER)).as("dirty, writable: yes").isInstanceOf(Translation.Mapped.class);
        assertThat(t.translate(va, Access.READ, Privilege.KERNEL)).as("the user domain closed to the kernel (no uaccess)")
                .isInstanceOf(Translation.Fault.class);
        Translation kernel = t.translate(0xc0008000L, Access.READ, Privilege.KERNEL);
        assertThat(((Translation.Mapped) kernel).pa()).isEqualTo(0x40008000L);
        assertThat(t.translate(0xc0008000L, Access.READ, Privilege.USER)).isInstanceOf(Translation.Fault.class);
    }
}
