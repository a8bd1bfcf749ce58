package armmm.model.mmu;

import armmm.model.boot.BootedSystem;
import armmm.model.core.Violation;
import armmm.model.memblock.Region;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The MMU invariants (spec/invariants.md, INV-MMU-*). Per call they read what the call wrote
 * ({@link KernelPageTables#touchedPtes()}, {@link KernelPageTables#touchedL1()});
 * {@link #fullScan} checks every entry and every lowmem frame, for tests and the end of a chain.
 * The checks decode the Linux and hardware words themselves, from the bit positions of
 * pgtable-2level.h and pgtable-2level-hwdef.h, and ask the hardware walker, never the code
 * that wrote the entries.
 */
public final class MmuChecks {
    private MmuChecks() {
    }

    private static final int L_PTE_PRESENT = 1;
    private static final int L_PTE_YOUNG = 1 << 1;
    private static final int L_PTE_DIRTY = 1 << 6;
    private static final int L_PTE_RDONLY = 1 << 7;
    private static final int L_PTE_USER = 1 << 8;
    private static final int L_PTE_XN = 1 << 9;
    private static final int L_PTE_NONE = 1 << 11;
    /** TASK_SIZE's first-level index: everything from MODULES_VADDR up is the kernel's. */
    private static final int FIRST_KERNEL_L1 = 0xbf0;
    private static final long VECTORS = 0xffff_0000L;

    /** INV-MMU-01: each PTE written walks to the frame and permissions its Linux entry asks for. */
    public static final Invariant PTE_WALKS_AS_INTENDED = Invariant.on("INV-MMU-01", KernelPageTables.class,
            t -> eachTouchedPte(t, MmuChecks::walksAsIntended));
    /** INV-MMU-02: lowmem translates by the linear map. */
    public static final Invariant LOWMEM_LINEAR = withBoot("INV-MMU-02", k -> lowmemLinear(k, false));
    /** INV-MMU-03: the Linux and hardware views of each PTE agree. */
    public static final Invariant VIEWS_AGREE = Invariant.on("INV-MMU-03", KernelPageTables.class,
            t -> eachTouchedPte(t, MmuChecks::viewsAgree));
    /** INV-MMU-04: kernel entries are global, and none but the vectors page is user-accessible. */
    public static final Invariant KERNEL_GLOBAL = Invariant.on("INV-MMU-04", KernelPageTables.class,
            t -> kernelGlobal(t, false));

    /** Every MMU invariant. */
    public static final List<Invariant> ALL = List.of(PTE_WALKS_AS_INTENDED, LOWMEM_LINEAR, VIEWS_AGREE, KERNEL_GLOBAL);

    /** An invariant of the tables that also reads the boot layout; applies to kernels that have both. */
    private static Invariant withBoot(String id, Function<KernelState, List<Violation>> check) {
        return Invariant.where(id, k -> k.has(KernelPageTables.class) && k.has(BootedSystem.class), check);
    }

    /** Every MMU invariant over every entry and every lowmem frame. */
    public static List<Violation> fullScan(KernelState k) {
        KernelPageTables t = k.state(KernelPageTables.class);
        List<Violation> v = new ArrayList<>();
        if (t == null) {
            return v;
        }
        for (long va : everyPte(t)) {
            v.addAll(walksAsIntended(t, va));
            v.addAll(viewsAgree(t, va));
        }
        v.addAll(lowmemLinear(k, true));
        v.addAll(kernelGlobal(t, true));
        return v;
    }

    @FunctionalInterface
    private interface PteCheck {
        List<Violation> check(KernelPageTables t, long va);
    }

    private static List<Violation> eachTouchedPte(KernelPageTables t, PteCheck check) {
        List<Violation> v = new ArrayList<>();
        for (long va : t.touchedPtes()) {
            v.addAll(check.check(t, va));
        }
        return v;
    }

    /** The virtual address of every PTE slot behind a first-level page-table entry. */
    private static List<Long> everyPte(KernelPageTables t) {
        List<Long> vas = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            if ((t.l1(i) & 3) == 1) {
                for (int k = 0; k < 256; k++) {
                    vas.add(((long) i << 20) | ((long) k << 12));
                }
            }
        }
        return vas;
    }

    private static boolean hardwareValid(int linux) {
        return (linux & L_PTE_PRESENT) != 0 && (linux & L_PTE_YOUNG) != 0 && (linux & L_PTE_NONE) == 0;
    }

    /**
     * The Linux entry beside the hardware entry that the walk of {@code va} reads: the entry in
     * the PTE page behind {@code va}'s own first-level word. It is {@code pte_offset_kernel}'s entry
     * except in a pair whose even word is a section and whose odd word a table: boot leaves that
     * when the lowmem tail after the kernel's last section needs PTEs ({@code map_lowmem} populates
     * the pair, then {@code map_kernel}'s {@code __map_init_section} rewrites only the even word),
     * e.g. 23556K of RAM with the kernel's sections ending at 0x41700000.
     */
    private static int linuxBesideHardware(KernelPageTables t, long va) {
        int linux = t.linuxPte(va);
        int word = t.l1((int) (va >>> 20));
        int even = t.l1((int) (va >>> 20) & ~1);
        if (linux != 0 || (word & 3) != 1 || (even & 3) == 1) {
            return linux;
        }
        int[] page = t.ptePageWords(Integer.toUnsignedLong(word) & 0xfffff000L);
        return page == null ? 0 : page[(int) ((va >>> 20) & 1) * 256 + (int) ((va >>> 12) & 0xff)];
    }

    private static List<Violation> walksAsIntended(KernelPageTables t, long va) {
        int linux = linuxBesideHardware(t, va);
        Translation read = t.translate(va, Access.READ, Privilege.KERNEL);
        if (!hardwareValid(linux)) {
            if (read.ok()) {
                return List.of(new Violation("INV-MMU-01", "cleared or old PTE still mapped",
                        String.format("va %08x linux %08x walks to pa %x", va, linux, ((Translation.Mapped) read).pa())));
            }
            return List.of();
        }
        List<Violation> v = new ArrayList<>();
        long pa = Integer.toUnsignedLong(linux) & 0xfffff000L;
        if (!(read instanceof Translation.Mapped m) || m.pa() != pa) {
            v.add(new Violation("INV-MMU-01", "PTE does not walk to its frame",
                    String.format("va %08x linux %08x: expected pa %08x, walk gives %s", va, linux, pa, show(read))));
            return v;
        }
        boolean writable = (linux & L_PTE_DIRTY) != 0 && (linux & L_PTE_RDONLY) == 0;
        boolean user = (linux & L_PTE_USER) != 0;
        boolean exec = (linux & L_PTE_XN) == 0;
        expect(v, t, va, linux, Access.WRITE, Privilege.KERNEL, writable, "kernel write");
        expect(v, t, va, linux, Access.READ, Privilege.USER, user, "user read");
        expect(v, t, va, linux, Access.EXEC, Privilege.KERNEL, exec, "kernel exec");
        return v;
    }

    private static void expect(List<Violation> v, KernelPageTables t, long va, int linux, Access a, Privilege p,
            boolean allowed, String what) {
        boolean walked = t.translate(va, a, p, p == Privilege.USER).ok();
        if (walked != allowed) {
            v.add(new Violation("INV-MMU-01", "PTE permissions differ from its protection",
                    String.format("va %08x linux %08x hw %08x: %s %s by the Linux entry, %s by the walk", va, linux,
                            t.hwPte(va), what, allowed ? "allowed" : "forbidden", walked ? "allowed" : "forbidden")));
        }
    }

    private static String show(Translation t) {
        return t instanceof Translation.Mapped m ? String.format("pa %08x", m.pa()) : ((Translation.Fault) t).describe();
    }

    private static List<Violation> viewsAgree(KernelPageTables t, long va) {
        int linux = t.linuxPte(va);
        int hw = t.hwPte(va);
        String why = null;
        if (!hardwareValid(linux)) {
            if (hw != 0) {
                why = "hardware entry present for a Linux entry that is not";
            }
        } else if ((hw & 2) == 0) {
            why = "no hardware small page for a present Linux entry";
        } else if ((hw ^ linux) >>> 12 != 0) {
            why = "frames differ";
        } else if (((hw >>> 9) & 1) != ((linux & L_PTE_RDONLY) != 0 || (linux & L_PTE_DIRTY) == 0 ? 1 : 0)) {
            why = "APX differs from RDONLY/DIRTY";
        } else if (((hw >>> 5) & 1) != ((linux & L_PTE_USER) != 0 ? 1 : 0)) {
            why = "AP[1] differs from USER";
        } else if ((hw & 1) != ((linux & L_PTE_XN) != 0 ? 1 : 0)) {
            why = "XN differs";
        } else if (((hw >>> 4) & 1) == 0) {
            why = "AP[0] clear";
        }
        return why == null ? List.of() : List.of(new Violation("INV-MMU-03", "Linux and hardware PTE disagree",
                String.format("va %08x linux %08x hw %08x: %s", va, linux, hw, why)));
    }

    private static List<Violation> lowmemLinear(KernelState k, boolean full) {
        BootedSystem b = k.state(BootedSystem.class);
        KernelPageTables t = k.state(KernelPageTables.class);
        if (b == null || t == null) {
            return List.of();
        }
        long pageOffset = b.layout().pageOffset();
        long physOffset = b.layout().physOffset();
        long limit = b.lowmemLimit();
        List<Violation> v = new ArrayList<>();
        for (Region r : b.memory()) {
            if ((r.flags() & 0x4) != 0) { // MEMBLOCK_NOMAP: map_lowmem leaves it unmapped
                continue;
            }
            long end = Math.min(r.end(), limit);
            if (full) {
                for (long p = r.base(); p < end && v.size() < 8; p += 4096) {
                    linear(t, v, p + pageOffset - physOffset, p);
                }
            } else {
                for (int i : t.touchedL1()) {
                    long from = Math.max(r.base(), ((long) i << 20) - pageOffset + physOffset);
                    long to = Math.min(end, ((long) (i + 1) << 20) - pageOffset + physOffset);
                    for (long p = from; p < to && v.size() < 8; p += 4096) {
                        linear(t, v, p + pageOffset - physOffset, p);
                    }
                }
            }
        }
        return v;
    }

    private static void linear(KernelPageTables t, List<Violation> v, long va, long pa) {
        Translation r = t.translate(va, Access.READ, Privilege.KERNEL);
        if (!(r instanceof Translation.Mapped m) || m.pa() != pa) {
            v.add(new Violation("INV-MMU-02", "lowmem not linearly mapped",
                    String.format("__va(%08x) = %08x walks to %s", pa, va, show(r))));
        }
    }

    private static List<Violation> kernelGlobal(KernelPageTables t, boolean full) {
        List<Violation> v = new ArrayList<>();
        if (full) {
            for (int i = FIRST_KERNEL_L1; i < 4096; i++) {
                section(t, v, i);
            }
            for (long va : everyPte(t)) {
                pte(t, v, va);
            }
        } else {
            for (int i : t.touchedL1()) {
                section(t, v, i);
            }
            for (long va : t.touchedPtes()) {
                pte(t, v, va);
            }
        }
        return v;
    }

    private static void section(KernelPageTables t, List<Violation> v, int i) {
        int d = t.l1(i);
        if (i >= FIRST_KERNEL_L1 && (d & 2) != 0) {
            if ((d & (1 << 17)) != 0) {
                v.add(new Violation("INV-MMU-04", "kernel section not global", String.format("l1[%03x] = %08x", i, d)));
            }
            if (((d >>> 11) & 1) != 0 && (d & (1 << 15)) == 0 || ((d >>> 10) & 3) >= 2) {
                v.add(new Violation("INV-MMU-04", "kernel section user-accessible", String.format("l1[%03x] = %08x", i, d)));
            }
        }
    }

    private static void pte(KernelPageTables t, List<Violation> v, long va) {
        if (va >>> 20 < FIRST_KERNEL_L1) {
            return;
        }
        int hw = t.hwPte(va);
        if ((hw & 2) == 0) {
            return;
        }
        if ((hw & (1 << 11)) != 0) {
            v.add(new Violation("INV-MMU-04", "kernel PTE not global", String.format("va %08x hw %08x", va, hw)));
        }
        if ((hw & (1 << 5)) != 0 && va != VECTORS) {
            v.add(new Violation("INV-MMU-04", "kernel PTE user-accessible",
                    String.format("va %08x hw %08x (only the vectors page at ffff0000 may be)", va, hw)));
        }
    }
}
