package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code MmSubsystem}'s observables ({@code mm[H].*}: {@code mm->map_count}, {@code mmap_base},
 * {@code total_vm}, {@code start_brk}, {@code brk}, {@code get_mm_rss} and its two
 * {@code rss_stat} counters, {@code mm_pgtables_bytes}, {@code mm->pgd},
 * {@code context.vmalloc_seq}) read on a process whose every value is worked by hand, each a
 * different number so that one name answering for another is seen; its refusals; and what its
 * {@code create} reads off the command line ({@code norandmaps}: mm/memory.c
 * {@code disable_randmaps}; the model's {@code armmm.seed=}) and the board ({@code nr_cpu_ids}).
 */
class MmObservablesAndCreateTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int SHARED = VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS;

    private static OptionalLong observe(Kernel k, String... path) {
        return MmSubsystem.INSTANCE.observe(k.state(Processes.class), k, ObservablePath.of(path));
    }

    private static long value(Kernel k, String... path) {
        OptionalLong v = observe(k, path);
        assertThat(v).as(String.join(".", path)).isPresent();
        return v.getAsLong();
    }

    /**
     * norandmaps: mmap_base = STACK_TOP 0xbf000000 - MIN_GAP 128 MiB (8 MiB + stack_guard_gap is
     * less) = 0xb7000000 (mm/util.c mmap_base); start_brk = the binary's end 0x22000 (no
     * arch_randomize_brk); the [stack] VMA 0x21 pages (setup_arg_pages). A private 2-page mapping
     * goes just below mmap_base (arch_get_unmapped_area_topdown), a shared page below it (a shmem
     * file of its own: no merge), each written once (do_anonymous_page, shmem_fault), both in the
     * PTE page of pgd 0x5b7 (mm_inc_nr_ptes: 2048 bytes); brk to start_brk + 0x1800 maps two
     * pages (PAGE_ALIGN) as the [heap] VMA.
     */
    @Test
    void everyObservableOfAHandWorkedProcess() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withArgs("norandmaps"), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        assertThat(m).isEqualTo(1);
        assertThat(p.mmap(m, 0, 0x2000, RW, ANON).value()).isEqualTo(0xb6ffe000L);
        assertThat(p.mmap(m, 0, 0x1000, RW, SHARED).value()).isEqualTo(0xb6ffd000L);
        assertThat(p.touch(m, 0xb6ffe000L, Access.WRITE).isRefused()).isFalse();
        assertThat(p.touch(m, 0xb6fff000L, Access.WRITE).isRefused()).isFalse();
        assertThat(p.touch(m, 0xb6ffd000L, Access.WRITE).isRefused()).isFalse();
        assertThat(p.brk(m, 0x23800).value()).isEqualTo(0x23800);

        assertThat(value(k, "mm[1]", "map_count")).as("stack, private, shared, heap").isEqualTo(4);
        assertThat(value(k, "mm[1]", "mmap_base")).isEqualTo(0xb7000000L);
        assertThat(value(k, "mm[1]", "total_vm")).isEqualTo(0x21 + 2 + 1 + 2);
        assertThat(value(k, "mm[1]", "start_brk")).isEqualTo(0x22000);
        assertThat(value(k, "mm[1]", "brk")).isEqualTo(0x23800);
        assertThat(value(k, "mm[1]", "rss")).isEqualTo(3);
        assertThat(value(k, "mm[1]", "anon_rss")).isEqualTo(2);
        assertThat(value(k, "mm[1]", "shmem_rss")).isEqualTo(1);
        assertThat(value(k, "mm[1]", "pgtables_bytes")).isEqualTo(2048);
        long pgd = value(k, "mm[1]", "pgd");
        assertThat(pgd).as("the 16 KiB first-level table").isEqualTo(p.pgdPhys(m));
        assertThat(pgd & 0x3fff).isZero();
        assertThat(pgd).isBetween(Board.VIRT_RAM_BASE, Board.VIRT_RAM_BASE + (256L << 20) - 0x4000);
        assertThat(value(k, "mm[1]", "vmalloc_seq")).as("mm_alloc zeroes the context").isZero();
        assertThat(k.observe(ObservablePath.of("mm[1]", "map_count"))).hasValue(4);
    }

    @Test
    void otherPathsAreNotTheSubsystemsAndBadOnesAreObservableErrors() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        k.state(Processes.class).mmCreate(8L << 20);
        assertThat(observe(k, "mm[1]")).as("one segment").isEmpty();
        assertThat(observe(k, "mm[1]", "map_count", "x")).as("three segments").isEmpty();
        assertThat(observe(k, "mm", "map_count")).as("no index").isEmpty();
        assertThat(observe(k, "vm[1]", "map_count")).as("another name").isEmpty();
        assertThatThrownBy(() -> observe(k, "mm[2]", "map_count")).isInstanceOf(ObservableException.class)
                .hasMessage("mm[2].map_count: 0x2 is no live mm");
        assertThatThrownBy(() -> observe(k, "mm[1]", "vm_flags")).isInstanceOf(ObservableException.class)
                .hasMessage("mm[1].vm_flags: an mm has map_count, mmap_base, total_vm, start_brk, brk, rss, anon_rss,"
                        + " shmem_rss, pgtables_bytes, pgd, vmalloc_seq");
    }

    /** Processes without page tables (VMAs alone): the counters are 0 and the table observables are errors. */
    @Test
    void withoutPageTablesTheTableObservablesAreErrors() {
        Processes p = new Processes(UserLayoutConfig.armmp(), 0, Set.of());
        long m = p.mmCreate(8L << 20).value();
        assertThat(p.pageTables(m)).isNull();
        assertThat(p.pgdPhys(m)).isEqualTo(-1);
        assertThat(p.translate(m, 0x10000, Access.READ, armmm.model.mmu.Privilege.USER)).isNull();
        assertThat(MmSubsystem.INSTANCE.observe(p, null, ObservablePath.of("mm[1]", "rss"))).hasValue(0);
        for (String name : new String[] {"pgtables_bytes", "pgd", "vmalloc_seq"}) {
            assertThatThrownBy(() -> MmSubsystem.INSTANCE.observe(p, null, ObservablePath.of("mm[1]", name)))
                    .isInstanceOf(ObservableException.class)
                    .hasMessage("mm[1]." + name + ": this kernel keeps no page tables for user processes");
        }
        assertThat(((Result.Refused) p.touch(m, 0x10000, Access.READ)).reason()).isEqualTo("touch: no page tables in this kernel");
        assertThat(((Result.Refused) p.kernelTouch(m, 0xc0000000L)).reason())
                .isEqualTo("kernel_touch: no page tables in this kernel");
        long child = p.fork(m).value();
        assertThat(child).as("dup_mm of VMAs alone").isEqualTo(2);
        assertThat(p.mm(child).vmas()).isEqualTo(p.mm(m).vmas());
        assertThat(p.checkVmallocSeq(m)).isFalse();
        assertThat(p.tlbFlushes()).isEmpty();
        assertThat(p.exitMm(child)).isEqualTo(Result.of(0));
        assertThat(p.mmCount(m)).isZero();
        Kernel k = Kernel.bare();
        k.install(MmSubsystem.INSTANCE, p);
        assertThat(k.checkComplete()).as("the VMA checks only: no tables to read").isEmpty();
    }

    /** {@code norandmaps} and the seed word are read off the command line, {@code nr_cpu_ids} off the board. */
    @Test
    void createReadsTheCommandLineAndTheCpus() {
        Processes plain = Kernel.boot(Board.virt(64L << 20), Bugs.NONE).state(Processes.class);
        assertThat(plain.seed()).isEqualTo(MmSubsystem.SEED);
        assertThat(plain.config().randomizeVaSpace()).isEqualTo(2);
        Processes seeded = Kernel.boot(Board.virt(64L << 20).withArgs("norandmaps armmm.seed=7"), Bugs.NONE)
                .state(Processes.class);
        assertThat(seeded.seed()).isEqualTo(7);
        assertThat(seeded.config().randomizeVaSpace()).isZero();
        assertThat(Kernel.boot(Board.virt(64L << 20).withArgs("armmm.seed=18446744073709551615"), Bugs.NONE)
                .state(Processes.class).seed()).as("an unsigned 64-bit seed").isEqualTo(-1L);
        assertThat(Kernel.boot(Board.virt(64L << 20).withArgs("armmm.seed=x"), Bugs.NONE).state(Processes.class).seed())
                .as("no number: the default seed").isEqualTo(MmSubsystem.SEED);
        assertThat(Kernel.boot(Board.virt(64L << 20).withArgs("xarmmm.seed=5"), Bugs.NONE).state(Processes.class).seed())
                .isEqualTo(MmSubsystem.SEED);

        Kernel four = Kernel.boot(Board.virt(64L << 20).withCpus(4), Bugs.NONE);
        long m = four.apply(new MmOp.MmCreate(8L << 20)).value();
        assertThat(four.apply(new MmOp.Mmap(m, 0, 0x1000, RW, ANON, 3)).isRefused()).isFalse();
        assertThat(four.apply(new MmOp.Mmap(m, 0, 0x1000, RW, ANON, 4)))
                .isEqualTo(Result.refused("mmap: cpu 4 is not possible (nr_cpu_ids 4)"));
        assertThat(four.apply(new MmOp.Brk(m, 0, -1))).isEqualTo(Result.refused("brk: cpu -1 is not possible (nr_cpu_ids 4)"));
        Kernel one = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        long n = one.apply(new MmOp.MmCreate(8L << 20)).value();
        assertThat(one.apply(new MmOp.Munmap(n, 0x10000, 0x1000, 1)))
                .isEqualTo(Result.refused("munmap: cpu 1 is not possible (nr_cpu_ids 1)"));
        assertThat(one.apply(new MmOp.Munmap(n, 0x10000, 0x1000, 0))).isEqualTo(Result.of(0));
        assertThat(Kernel.bare().apply(new MmOp.MmCreate(8L << 20))).isEqualTo(MmOp.NO_PROCESSES);
    }

    /** {@code maps}: every live mm's file under a line {@code mm N:}; the ranged form one mm's, or a comment for none. */
    @Test
    void theMapsReportAndTheHandleKinds() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withArgs("norandmaps"), Bugs.NONE);
        Processes p = k.state(Processes.class);
        p.mmCreate(8L << 20);
        p.mmCreate(8L << 20);
        p.mmap(2, 0, 0x1000, VmFlags.PROT_READ, ANON);
        armmm.model.subsystem.Report maps = MmSubsystem.INSTANCE.reports().get(0);
        assertThat(maps.name()).isEqualTo("maps");
        String stack = "befdf000-bf000000 rw-p 00000000 00:00 0          [stack]\n";
        String vectors = "ffff0000-ffff1000 r-xp 00000000 00:00 0          [vectors]\n";
        String second = "b6fff000-b7000000 r--p 00000000 00:00 0 \n" + stack + vectors;
        assertThat(maps.render().apply(k)).hasValue("mm 1:\n" + stack + vectors + "mm 2:\n" + second);
        assertThat(maps.ranged().render(k, 2, 2)).hasValue(second);
        assertThat(maps.ranged().render(k, 3, 3)).hasValue("# no live mm 3\n");
        assertThat(maps.render().apply(Kernel.bare())).isEmpty();
        assertThat(maps.ranged().render(Kernel.bare(), 1, 1)).isEmpty();
        p.exitMm(1);
        assertThat(maps.render().apply(k)).hasValue("mm 2:\n" + second);

        var kinds = MmSubsystem.INSTANCE.handleKinds();
        assertThat(kinds).extracting(armmm.model.subsystem.HandleKind::name).containsExactly("mm", "user address");
        assertThat(kinds.get(0).stem()).isEqualTo("m");
        assertThat(kinds.get(0).producedBy()).containsExactly("mm_create", "fork");
        assertThat(kinds.get(0).uses()).filteredOn(armmm.model.subsystem.HandleKind.Use::consumes)
                .extracting(armmm.model.subsystem.HandleKind.Use::call).containsExactly("exit_mm");
        assertThat(kinds.get(0).uses()).hasSize(8).allMatch(u -> u.arg() == 0);
        assertThat(kinds.get(1).stem()).isEqualTo("a");
        assertThat(kinds.get(1).producedBy()).containsExactly("mmap");
        assertThat(kinds.get(1).uses()).containsExactly(new armmm.model.subsystem.HandleKind.Use("munmap", 1, true),
                new armmm.model.subsystem.HandleKind.Use("mprotect", 1, false),
                new armmm.model.subsystem.HandleKind.Use("touch", 1, false),
                // the TLB subsystem's begun forms take the address as their plain forms do (spec/tlb.md)
                new armmm.model.subsystem.HandleKind.Use("munmap_begin", 1, true),
                new armmm.model.subsystem.HandleKind.Use("mprotect_begin", 1, false),
                new armmm.model.subsystem.HandleKind.Use("touch_begin", 1, false));
        assertThat(MmSubsystem.INSTANCE.bugs()).hasSize(VmaDefect.values().length + PgtableDefect.values().length)
                .startsWith(VmaDefect.values()).endsWith(PgtableDefect.values());
        assertThat(MmSubsystem.INSTANCE.name()).isEqualTo("mm");
        assertThat(MmSubsystem.INSTANCE.stateType()).isEqualTo(Processes.class);
        assertThat(MmSubsystem.INSTANCE.calls()).isSameAs(MmOp.SPECS);
        assertThat(MmSubsystem.INSTANCE.invariants()).extracting(Object::toString).containsExactly("INV-VMA-01", "INV-VMA-02",
                "INV-VMA-03", "INV-VMA-04", "INV-VMA-05", "INV-VMA-06", "INV-VMA-07", "INV-UPT-01", "INV-UPT-02", "INV-UPT-03",
                "INV-UPT-04", "INV-UPT-05", "INV-UPT-06", "INV-UPT-07");
    }

    /** Each planted bug of the subsystem reaches the state create builds (VmaDefect in every mm, PgtableDefect in the tables). */
    @Test
    void createPlantsTheSelectedBugs() {
        Processes vma = Kernel.boot(Board.virt(64L << 20), Bugs.of(VmaDefect.NO_MMAP_MIN_ADDR_CHECK)).state(Processes.class);
        long m = vma.mmCreate(8L << 20).value();
        assertThat(vma.mmap(m, 0, 0x1000, VmFlags.PROT_READ, ANON | VmFlags.MAP_FIXED).isRefused()).isFalse();
        Processes pt = Kernel.boot(Board.virt(64L << 20), Bugs.of(PgtableDefect.ZAP_KEEPS_RSS)).state(Processes.class);
        assertThat(pt.memory().has(PgtableDefect.ZAP_KEEPS_RSS)).isTrue();
        assertThat(pt.memory().has(PgtableDefect.COW_COPY_GLOBAL)).isFalse();
        long n = pt.mmCreate(8L << 20).value();
        assertThat(pt.mmap(n, 0, 0x1000, VmFlags.PROT_READ, ANON | VmFlags.MAP_FIXED).isRefused()).isTrue();
    }
}
