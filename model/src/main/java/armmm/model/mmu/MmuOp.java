package armmm.model.mmu;

import armmm.model.boot.BootedSystem;
import armmm.model.core.Result;
import armmm.model.core.Values;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;

/**
 * The MMU calls (arch/arm/mm/mmu.c, init.c; the hardware walk): {@code translate} walks the
 * tables current on a CPU as the hardware would (no TLB), {@code set_fixmap},
 * {@code set_fixmap_io} and {@code clear_fixmap} write a fixmap slot's PTE
 * ({@code __set_fixmap}), {@code set_kernel_text_rw}/{@code _ro} flip the image's text sections
 * for patching.
 */
public sealed interface MmuOp extends Op {

    /**
     * {@code translate VA [read|write|exec] [user|kernel] [cpu=N]}: the physical address, or a
     * refusal naming the fault (a page translation fault, a section permission fault, ...).
     * The walk is that CPU's ({@link KernelPageTables#translateOn}): TTBR0 the pgd of the mm the
     * CPU runs (TTBCR.N 0, so kernel addresses go through that pgd's copied kernel half too), or
     * {@code swapper_pg_dir}. No TLB is read or filled.
     */
    record Translate(long va, Access access, Privilege mode, int cpu) implements MmuOp {
        public String name() { return "translate"; }
        public List<Arg> args() { return List.of(Arg.addr(va), new Arg(access.ordinal(), ArgKind.ACCESS), new Arg(mode.ordinal(), ArgKind.MODE)); }
        public Result applyTo(KernelState k) {
            KernelPageTables t = k.state(KernelPageTables.class);
            if (t == null) {
                return NO_TABLES;
            }
            if (cpu < 0 || cpu >= k.state(BootedSystem.class).board().cpus()) {
                return new Result.Refused("no such CPU", "no such CPU " + cpu + " (nr_cpu_ids "
                        + k.state(BootedSystem.class).board().cpus() + ")");
            }
            if (va < 0 || va > 0xffff_ffffL) {
                return Result.refused("not a 32-bit virtual address");
            }
            Translation r = t.translateOn(cpu, va, access, mode);
            if (r instanceof Translation.Mapped m) {
                return Result.of(m.pa());
            }
            Translation.Fault f = (Translation.Fault) r;
            if (f.kind() == FaultKind.TRANSLATION && !f.pageLevel() && mode == Privilege.KERNEL && va >= k.state(BootedSystem.class).layout().modulesVaddr()
                    && t.translate(va, access, mode) instanceof Translation.Mapped) {
                // at or above TASK_SIZE (MODULES_VADDR) the CPU's pgd lags init_mm's kernel half: an
                // access would take do_translation_fault (arch/arm/mm/fault.c), which copies the pmd
                // and retries; no oops
                return new Result.Refused(f.level() + " " + f.kind().spelling() + " fault", String.format(
                        "%08x: %s in this CPU's pgd, whose kernel half lags init_mm's (do_translation_fault would copy the pmd)",
                        va, f.describe()));
            }
            return new Result.Refused(f.level() + " " + f.kind().spelling() + " fault",
                    String.format("Unable to handle kernel paging request at virtual address %08x: %s", va, f.describe()));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code set_fixmap(idx, phys)}: FIXMAP_PAGE_NORMAL. */
    record SetFixmap(long idx, long phys) implements MmuOp {
        public String name() { return "set_fixmap"; }
        public List<Arg> args() { return List.of(Arg.number(idx), Arg.addr(phys)); }
        public Result applyTo(KernelState k) { return fixmap(k, idx, phys, false); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code set_fixmap_io(idx, phys)}: FIXMAP_PAGE_IO. */
    record SetFixmapIo(long idx, long phys) implements MmuOp {
        public String name() { return "set_fixmap_io"; }
        public List<Arg> args() { return List.of(Arg.number(idx), Arg.addr(phys)); }
        public Result applyTo(KernelState k) { return fixmap(k, idx, phys, true); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code clear_fixmap(idx)}. */
    record ClearFixmap(long idx) implements MmuOp {
        public String name() { return "clear_fixmap"; }
        public List<Arg> args() { return List.of(Arg.number(idx)); }
        public Result applyTo(KernelState k) {
            KernelPageTables t = k.state(KernelPageTables.class);
            if (t == null) {
                return NO_TABLES;
            }
            if (!Fixmap.valid(idx)) {
                return fixmapIndexBug(idx);
            }
            Fixmap.setFixmap(t, (int) idx, 0, 0);
            return Result.VOID;
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code set_kernel_text_rw()}. */
    record SetKernelTextRw() implements MmuOp {
        public String name() { return "set_kernel_text_rw"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return text(k, false); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code set_kernel_text_ro()}. */
    record SetKernelTextRo() implements MmuOp {
        public String name() { return "set_kernel_text_ro"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return text(k, true); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code BUG_ON(idx >= __end_of_fixed_addresses)} in {@code __set_fixmap} (arch/arm/mm/mmu.c). */
    private static Result fixmapIndexBug(long idx) {
        return new Result.Refused("kernel BUG", "kernel BUG at arch/arm/mm/mmu.c: fixmap index " + idx
                + " >= __end_of_fixed_addresses");
    }

    private static Result fixmap(KernelState k, long idx, long phys, boolean io) {
        KernelPageTables t = k.state(KernelPageTables.class);
        if (t == null) {
            return NO_TABLES;
        }
        if (!Fixmap.valid(idx)) {
            return fixmapIndexBug(idx);
        }
        if (phys < 0 || phys > 0xffff_ffffL) {
            return Result.refused("phys_addr_t is 32 bits: " + Values.hex(phys));
        }
        Fixmap.setFixmap(t, (int) idx, phys & -4096L, io ? Fixmap.FIXMAP_PAGE_IO : Fixmap.pageNormal(t));
        return Result.of(Fixmap.fixToVirt((int) idx) + (phys & 0xfff));
    }

    private static Result text(KernelState k, boolean ro) {
        KernelPageTables t = k.state(KernelPageTables.class);
        if (t == null) {
            return NO_TABLES;
        }
        if (ro) {
            t.sectionPerms().setKernelTextRo(t);
        } else {
            t.sectionPerms().setKernelTextRw(t);
        }
        return Result.VOID;
    }

    /** What an MMU call returns on a kernel without a board. */
    Result NO_TABLES = Result.refused("no page tables: the scenario needs a board line");

    /** The scenario spellings of the MMU calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.perCpu("translate", (a, c) -> new Translate(a[0], Access.values()[(int) a[1]], Privilege.values()[(int) a[2]], c),
                    ArgKind.ADDR, ArgKind.ACCESS, ArgKind.MODE),
            OpSpec.of("set_fixmap", (a, c) -> new SetFixmap(a[0], a[1]), ArgKind.NUMBER, ArgKind.ADDR),
            OpSpec.of("set_fixmap_io", (a, c) -> new SetFixmapIo(a[0], a[1]), ArgKind.NUMBER, ArgKind.ADDR),
            OpSpec.of("clear_fixmap", (a, c) -> new ClearFixmap(a[0]), ArgKind.NUMBER),
            OpSpec.of("set_kernel_text_rw", (a, c) -> new SetKernelTextRw()),
            OpSpec.of("set_kernel_text_ro", (a, c) -> new SetKernelTextRo()));
}
