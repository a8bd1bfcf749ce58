package armmm.model.tlb;

import armmm.model.core.Result;
import armmm.model.highmem.Highmem;
import armmm.model.mm.Processes;
import armmm.model.mmu.Access;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;
import java.util.function.Function;

/**
 * The TLB and ASID calls, each taking {@code cpu=N}: {@code switch_mm} (arch/arm/mm/context.c
 * {@code check_and_switch_context}, whole), {@code switch_mm_begin} and {@code step} (the same
 * switch one visible step at a time, which is how a scenario writes an interleaving),
 * {@code munmap_begin}, {@code mprotect_begin}, {@code touch_begin}, {@code fork_begin},
 * {@code exit_mm_begin} and {@code brk_begin} (the kernel's own unmap and its shootdown, a
 * step each), an access
 * and a speculative walk, the CP15 TLB operations and {@code dsb} by name, and the kernel's
 * helpers of arch/arm/include/asm/tlbflush.h and arch/arm/kernel/smp_tlb.c.
 */
public sealed interface TlbOp extends Op {

    /** {@code switch_mm MM}: the mm's {@code context.id} after the switch. */
    record SwitchMm(long mm, int cpu) implements TlbOp {
        public String name() { return "switch_mm"; }
        public List<Arg> args() { return List.of(Arg.handle(mm)); }
        public Result applyTo(KernelState k) { return preemptible(k, cpu, () -> on(k, t -> t.switchMm(mm, cpu))); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code exec}: a process execs a small static binary on the CPU ({@code exec_mmap}: a new mm,
     * as {@code mm_create SZ_8M} makes it, then {@code activate_mm}, a whole switch); its handle.
     */
    record Exec(int cpu) implements TlbOp {
        @Override public String resultStem() { return "m"; }
        public String name() { return "exec"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) {
            Processes p = k.state(Processes.class);
            return p == null ? NO_TLBS : preemptible(k, cpu, () -> on(k, t -> t.exec(p, cpu)));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code switch_mm_begin MM}: the switch starts; {@code step} takes it on. */
    record SwitchMmBegin(long mm, int cpu) implements TlbOp {
        public String name() { return "switch_mm_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(mm)); }
        public Result applyTo(KernelState k) { return preemptible(k, cpu, () -> on(k, t -> t.switchMmBegin(mm, cpu))); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code step}: the CPU's next visible step of its switch, or of the address-space call begun
     * on it ({@link BegunCall}): the steps left, and at the call's
     * return what the call returned.
     */
    record Step(int cpu) implements TlbOp {
        public String name() { return "step"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return on(k, t -> t.step(cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code munmap_begin MM ADDR LEN}: {@code munmap} begun on the CPU ({@link BegunCall}): the
     * PTE clears run now and the call's result is returned; {@code step} takes the flush
     * ({@code dsb ish}, each TLBIMVAAIS, {@code dsb ish}) and the return. {@code __vm_munmap}
     * downgrades {@code mmap_lock} to reading before {@code unmap_region}, so another CPU's page
     * fault in the mm may run meanwhile, unless the VMA after the range grows down
     * ({@code do_mas_align_munmap}, mm/mmap.c: a stack growing under the read lock could collide
     * with the range), or when no VMA overlaps the range (nothing to downgrade for); then the call
     * keeps the write lock to its end.
     */
    record MunmapBegin(long mm, long addr, long len, int cpu) implements TlbOp {
        public String name() { return "munmap_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.handle(addr), Arg.size(len)); }
        public Result applyTo(KernelState k) {
            Processes p = k.state(Processes.class);
            return p == null ? NO_TLBS : on(k, t -> t.beginCall("munmap", mm, addr, addr + len, writeLockKept(p, mm, addr, len), cpu,
                    () -> p.munmap(mm, addr, len)));
        }

        /**
         * Whether munmap keeps {@code mmap_lock} for writing to its return: {@code do_mas_munmap}
         * returns 0 before {@code do_mas_align_munmap} when no VMA overlaps the range, so
         * {@code __vm_munmap} unlocks the write lock it never downgraded; else as {@link #nextGrowsDown}.
         */
        static boolean writeLockKept(Processes p, long mm, long addr, long len) {
            armmm.model.mm.MmStruct s = p.mm(mm);
            if (s != null && addr >= 0 && len > 0 && len <= 0xffffffffL && addr <= 0xffffffffL
                    && s.findVmaIntersection(addr, addr + ((len + Tlbs.PAGE - 1) & -Tlbs.PAGE)) == null) {
                return true;
            }
            return nextGrowsDown(p, mm, addr, len);
        }

        /** Whether the VMA at or after {@code PAGE_ALIGN(addr + len)} is VM_GROWSDOWN (no downgrade). */
        static boolean nextGrowsDown(Processes p, long mm, long addr, long len) {
            armmm.model.mm.MmStruct s = p.mm(mm);
            if (s == null || addr < 0 || len <= 0 || len > 0xffffffffL || addr > 0xffffffffL) {
                return false;
            }
            armmm.model.mm.Vma next = s.findVma(addr + ((len + Tlbs.PAGE - 1) & -Tlbs.PAGE));
            return next != null && (next.flags() & armmm.model.mm.VmFlags.VM_GROWSDOWN) != 0;
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code mprotect_begin MM ADDR LEN PROT}: {@code mprotect} begun on the CPU: the PTE updates
     * of {@code change_pte_range} run now; {@code step} takes {@code tlb_finish_mmu}'s flush and
     * the return. The call holds {@code mmap_lock} for writing to its end.
     */
    record MprotectBegin(long mm, long addr, long len, long prot, int cpu) implements TlbOp {
        public String name() { return "mprotect_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.handle(addr), Arg.size(len), Arg.addr(prot)); }
        public Result applyTo(KernelState k) {
            Processes p = k.state(Processes.class);
            return p == null ? NO_TLBS : on(k, t -> t.beginCall("mprotect", mm, addr, addr + len, true, cpu,
                    () -> p.mprotect(mm, addr, len, prot)));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code touch_begin MM VA [read|write|exec]}: the mm code's user access ({@code touch}) begun
     * on the CPU, which must run the mm: a fault's PTE writes run now; a copy on write's
     * {@code ptep_clear_flush} leaves the PTE cleared while {@code step} takes its flush
     * ({@code dsb ish}, TLBIMVAAIS, {@code dsb ish}), then {@code set_pte_at} of the copy, then the
     * return. The fault holds {@code mmap_lock} for reading.
     */
    record TouchBegin(long mm, long va, Access access, int cpu) implements TlbOp {
        public String name() { return "touch_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.handle(va), new Arg(access.ordinal(), ArgKind.ACCESS)); }
        public Result applyTo(KernelState k) {
            Processes p = k.state(Processes.class);
            if (p == null) {
                return NO_TLBS;
            }
            return on(k, t -> {
                Result elsewhere = t.online(name(), cpu) == null && t.activeMm(cpu) >= 0 && t.activeMm(cpu) != mm
                        ? Result.refused(String.format("touch_begin: cpu %d runs mm %d, not mm %d", cpu, t.activeMm(cpu), mm)) : null;
                return elsewhere != null ? elsewhere
                        : t.beginCall("touch", mm, va, va + 4096, false, cpu, () -> p.touch(mm, va, access));
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code purge_vmap_area_lazy_begin}: vfree's lazy purge ({@code purge_vmap_area_lazy},
     * mm/vmalloc.c) begun on the CPU ({@link KernelRangeCalls#purgeBegin}): the purge list taken
     * under {@code vmap_purge_lock}; {@code step} takes the flush ({@code dsb ish}, TLBIMVAAIS,
     * {@code dsb ish}), the areas' return to the free tree, and the return. 0 when nothing was
     * lazily freed (nothing begun), else the steps left.
     */
    record PurgeVmapAreaLazyBegin(int cpu) implements TlbOp {
        public String name() { return "purge_vmap_area_lazy_begin"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) {
            armmm.model.vmalloc.Vmalloc v = k.state(armmm.model.vmalloc.Vmalloc.class);
            return v == null ? NO_TLBS : on(k, t -> KernelRangeCalls.purgeBegin(t, v.areas(), cpu));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code fork_begin MM}: {@code fork} begun on the CPU ({@code dup_mmap}, kernel/fork.c): under
     * the parent's {@code mmap_lock} held for writing, {@code copy_page_range} write-protects the
     * parent's private writable PTEs and copies them to the child now (the child's handle is the
     * result); {@code step} takes {@code flush_tlb_mm(oldmm)} (with ARM_ERRATA_720789 TLBIALLIS,
     * then {@code dsb ish}), issued before {@code mmap_write_unlock(oldmm)}, and the return. Until
     * the {@code dsb}, another CPU may still write the parent's pages through a writable entry.
     */
    record ForkBegin(long mm, int cpu) implements TlbOp {
        @Override public String resultStem() { return "m"; }
        public String name() { return "fork_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(mm)); }
        public Result applyTo(KernelState k) {
            // init_new_context for the child
            return wholeMm(k, "fork", mm, cpu, Processes::fork, (t, child) -> {
                t.mmCreated(child, cpu);
                t.begun(cpu).unpublished(child);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code kmap_begin PAGE}: {@code kmap} begun on the CPU under {@code kmap_lock}
     * ({@link KernelRangeCalls#kmapBegin}): when it wraps, {@code flush_all_zero_pkmaps}' PTE
     * clears now, and {@code step} takes the flush, the new slot's {@code set_pte_at} and the
     * return; otherwise the whole call. The address.
     */
    record KmapBegin(long page, int cpu) implements TlbOp {
        @Override public String resultStem() { return "km"; }
        public String name() { return "kmap_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(page)); }
        public Result applyTo(KernelState k) {
            Highmem h = k.state(Highmem.class);
            return h == null ? NO_TLBS : on(k, t -> KernelRangeCalls.kmapBegin(t, h, page, cpu));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code exit_mm_begin MM}: the last user's {@code mmput} begun on the CPU ({@code exit_mmap},
     * mm/mmap.c): {@code unmap_vmas} under {@code mmap_read_lock}, then under {@code mmap_write_lock}
     * {@code free_pgtables} and {@code tlb_finish_mmu} of the full-mm gather, now; {@code step} takes
     * its {@code flush_tlb_mm} (TLBIALLIS, {@code dsb ish}), then {@code tlb_flush_mmu_free} (the
     * pages and page tables back to the buddy allocator), then the return. No task of the mm is
     * left to take its lock; the write lock is what the flush runs under.
     */
    record ExitMmBegin(long mm, int cpu) implements TlbOp {
        public String name() { return "exit_mm_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(mm)); }
        public Result applyTo(KernelState k) {
            // the mm's ASID context waits for its last CPU, as after exit_mm
            return wholeMm(k, "exit_mm", mm, cpu, Processes::exitMm, (t, zero) -> t.exitMm(mm));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code brk_begin MM ADDR}: {@code brk} begun on the CPU. A shrinking break
     * ({@code do_brk_munmap} → {@code do_mas_align_munmap(..., downgrade=true)}, mm/mmap.c) clears
     * the PTEs above the new break now, with {@code mmap_lock} downgraded to reading unless the
     * VMA after the old break grows down, as {@code munmap_begin}; {@code step} takes
     * {@code unmap_region}'s flush ({@code dsb ish}, each TLBIMVAAIS, {@code dsb ish}), the frees
     * and the return. A growing or unchanged break has no flush: only the return waits.
     */
    record BrkBegin(long mm, long addr, int cpu) implements TlbOp {
        public String name() { return "brk_begin"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.addr(addr)); }
        public Result applyTo(KernelState k) {
            Processes p = k.state(Processes.class);
            return p == null ? NO_TLBS : on(k, t -> t.beginCall("brk", mm, addr & -Tlbs.PAGE, addr & -Tlbs.PAGE,
                    writeLockKept(p, mm, addr), cpu, () -> p.brk(mm, addr)));
        }

        /**
         * Whether brk keeps {@code mmap_lock} for writing: it grows (or stays), it shrinks to nothing
         * ({@code goto out} below {@code start_brk} or with no VMA between the new and the old break:
         * {@code do_brk_munmap} never runs, so nothing downgrades), or the VMA after the old break grows down.
         */
        private static boolean writeLockKept(Processes p, long mm, long addr) {
            armmm.model.mm.MmStruct s = p.mm(mm);
            if (s == null || addr < 0 || addr > 0xffffffffL || addr < s.startBrk()) {
                return true;
            }
            long newBrk = (addr + Tlbs.PAGE - 1) & -Tlbs.PAGE;
            long oldBrk = (s.brk() + Tlbs.PAGE - 1) & -Tlbs.PAGE;
            if (newBrk >= oldBrk) {
                return true;
            }
            armmm.model.mm.Vma brkVma = s.findVma(newBrk);
            return brkVma == null || brkVma.start() >= oldBrk || MunmapBegin.nextGrowsDown(p, mm, newBrk, oldBrk - newBrk);
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * Begins {@code name}, a call over the whole of {@code mm} holding its {@code mmap_lock} for
     * writing at its flush ({@code fork}, {@code exit_mm}); {@code begun} tells the TLB side what
     * an accepted begin returned.
     */
    private static Result wholeMm(KernelState k, String name, long mm, int cpu,
            java.util.function.BiFunction<Processes, Long, Result> call, java.util.function.ObjLongConsumer<Tlbs> begun) {
        Processes p = k.state(Processes.class);
        return p == null ? NO_TLBS : on(k, t -> {
            long at = firstVma(p, mm);
            Result r = t.beginCall(name, mm, at, at, true, cpu, () -> call.apply(p, mm));
            if (!r.isRefused()) {
                begun.accept(t, r.value());
            }
            return r;
        });
    }

    /** The start of {@code mm}'s first VMA (where a begun call's window walks look), or 0. */
    private static long firstVma(Processes p, long mm) {
        armmm.model.mm.MmStruct s = p.mm(mm);
        return s == null || s.vmas().isEmpty() ? 0 : s.vmas().get(0).start();
    }

    /** {@code switch_mm_finish}: the CPU's remaining steps, no other CPU moving. */
    record SwitchMmFinish(int cpu) implements TlbOp {
        public String name() { return "switch_mm_finish"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return on(k, t -> t.switchMmFinish(cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code access VA [read|write|exec]}: the physical address the CPU used. */
    record AccessVa(long va, Access access, int cpu) implements TlbOp {
        public String name() { return "access"; }
        public List<Arg> args() { return List.of(Arg.addr(va), new Arg(access.ordinal(), ArgKind.ACCESS)); }
        public Result applyTo(KernelState k) { return on(k, t -> t.access(va, access, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code speculate VA}: a speculative walk of the CPU's live tables, cached. */
    record Speculate(long va, int cpu) implements TlbOp {
        public String name() { return "speculate"; }
        public List<Arg> args() { return List.of(Arg.addr(va)); }
        public Result applyTo(KernelState k) { return on(k, t -> t.speculate(va, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code evict VA}: the CPU's TLB drops the entries covering VA, as the architecture lets it at
     * any time (ARMv7-A ARM B3.10.1); how many went. No kernel call: the hardware's choice, drawn
     * by the engine.
     */
    record Evict(long va, int cpu) implements TlbOp {
        public String name() { return "evict"; }
        public List<Arg> args() { return List.of(Arg.addr(va)); }
        public Result applyTo(KernelState k) {
            return on(k, t -> {
                Result bad = t.online(name(), cpu);
                return bad != null ? bad : Result.of(t.tlb(cpu).evict(va));
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** A CP15 TLB operation by name ({@code tlbiall}, {@code tlbiasidis ASID}, {@code tlbimva VA ASID}, ...). */
    record Maintenance(Tlbi op, int cpu) implements TlbOp {
        public String name() { return op.spelling(); }
        public List<Arg> args() {
            return switch (op.kind()) {
                case TLBIALL -> List.of();
                case TLBIASID -> List.of(Arg.number(op.asid()));
                case TLBIMVA -> List.of(Arg.addr(op.va()), Arg.number(op.asid()));
                case TLBIMVAA -> List.of(Arg.addr(op.va()));
            };
        }
        public Result applyTo(KernelState k) {
            return on(k, t -> {
                Result bad = t.checkCpu(name(), cpu);
                if (bad != null) {
                    return bad;
                }
                if (op.asid() < 0 || op.asid() > t.asid().config().asidNumberMask() || op.va() < 0 || op.va() > 0xffffffffL) {
                    return Result.refused(name() + ": the ASID or address does not fit the register");
                }
                t.issue(cpu, op);
                return Result.VOID;
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code dsb}: completes the TLB operations the CPU issued. */
    record Dsb(int cpu) implements TlbOp {
        public String name() { return "dsb"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return onCpu(k, name(), cpu, t -> t.rawDsb(cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** A kernel TLB helper ({@code flush_tlb_all}, {@code flush_tlb_mm MM}, {@code flush_tlb_kernel_range START END}, ...). */
    record Helper(String name, Kind kind, long a, long b, long c, int cpu) implements TlbOp {
        /** Which helper, and its argument kinds. */
        public enum Kind {
            LOCAL_ALL("local_flush_tlb_all"), ALL("flush_tlb_all"), MM("flush_tlb_mm"), PAGE("flush_tlb_page"),
            RANGE("flush_tlb_range"), KERNEL_PAGE("flush_tlb_kernel_page"), KERNEL_RANGE("flush_tlb_kernel_range");

            private final String spelling;

            Kind(String spelling) {
                this.spelling = spelling;
            }

            /** The kernel helper's name, the call's scenario spelling. */
            public String spelling() {
                return spelling;
            }
        }

        public List<Arg> args() {
            return switch (kind) {
                case LOCAL_ALL, ALL -> List.of();
                case MM -> List.of(Arg.handle(a));
                case PAGE -> List.of(Arg.handle(a), Arg.addr(b));
                case RANGE -> List.of(Arg.handle(a), Arg.addr(b), Arg.addr(c));
                case KERNEL_PAGE -> List.of(Arg.addr(a));
                case KERNEL_RANGE -> List.of(Arg.addr(a), Arg.addr(b));
            };
        }
        public Result applyTo(KernelState k) {
            return on(k, t -> {
                Result bad = t.checkCpu(name, cpu);
                if (bad != null) {
                    return bad;
                }
                if ((kind == Kind.MM || kind == Kind.PAGE || kind == Kind.RANGE) && t.context(a) == null) {
                    return Result.refused(name + ": 0x" + Long.toHexString(a) + " is no live mm");
                }
                switch (kind) {
                    case LOCAL_ALL -> TlbFlush.localFlushTlbAll(t, cpu);
                    case ALL -> TlbFlush.flushTlbAll(t, cpu);
                    case MM -> TlbFlush.flushTlbMm(t, a, cpu);
                    case PAGE -> TlbFlush.flushTlbPage(t, a, b, cpu);
                    case RANGE -> TlbFlush.flushTlbRange(t, a, b, Math.min(c, 0x100000000L), cpu);
                    case KERNEL_PAGE -> TlbFlush.flushTlbKernelPage(t, a, cpu);
                    case KERNEL_RANGE -> TlbFlush.flushTlbKernelRange(t, a, Math.min(b, 0x100000000L), cpu);
                }
                return Result.VOID;
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** What a TLB call returns on a kernel without the subsystem (no board, or no processes). */
    Result NO_TLBS = Result.refused("no TLBs: the scenario needs a board line");

    /**
     * {@code call}, unless the task on {@code cpu} holds kmap_atomic levels: a context switch there
     * is 6.1's {@code BUG: scheduling while atomic} ({@link Highmem#schedulingWhileAtomic}), as a
     * {@code sched_out} of the highmem tasks is.
     */
    private static Result preemptible(KernelState k, int cpu, java.util.function.Supplier<Result> call) {
        Highmem h = k.state(Highmem.class);
        Result atomic = h == null ? null : h.schedulingWhileAtomic(cpu);
        return atomic != null ? atomic : call.get();
    }

    private static Result on(KernelState k, Function<Tlbs, Result> call) {
        return Op.onState(k, Tlbs.class, NO_TLBS, call);
    }

    private static Result onCpu(KernelState k, String name, int cpu, java.util.function.Consumer<Tlbs> call) {
        return on(k, t -> {
            Result bad = t.checkCpu(name, cpu);
            if (bad != null) {
                return bad;
            }
            call.accept(t);
            return Result.VOID;
        });
    }

    private static OpSpec maintenance(Tlbi.Kind kind, boolean shareable, ArgKind... args) {
        String name = new Tlbi(kind, 0, 0, shareable).spelling();
        return OpSpec.perCpu(name, (a, c) -> new Maintenance(switch (kind) {
            case TLBIALL -> new Tlbi(kind, 0, 0, shareable);
            case TLBIASID -> new Tlbi(kind, 0, (int) Math.min(a[0], Integer.MAX_VALUE), shareable);
            case TLBIMVA -> new Tlbi(kind, a[0], (int) Math.min(a[1], Integer.MAX_VALUE), shareable);
            case TLBIMVAA -> new Tlbi(kind, a[0], 0, shareable);
        }, c), args);
    }

    private static OpSpec helper(Helper.Kind kind, ArgKind... args) {
        String name = kind.spelling();
        return OpSpec.perCpu(name, (a, c) -> new Helper(name, kind, a.length > 0 ? a[0] : 0, a.length > 1 ? a[1] : 0,
                a.length > 2 ? a[2] : 0, c), args);
    }

    /** The scenario spellings of the TLB calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.perCpu("switch_mm", (a, c) -> new SwitchMm(a[0], c), ArgKind.HANDLE),
            OpSpec.perCpu("exec", (a, c) -> new Exec(c)),
            OpSpec.perCpu("switch_mm_begin", (a, c) -> new SwitchMmBegin(a[0], c), ArgKind.HANDLE),
            OpSpec.perCpu("step", (a, c) -> new Step(c)),
            OpSpec.perCpu("munmap_begin", (a, c) -> new MunmapBegin(a[0], a[1], a[2], c),
                    ArgKind.HANDLE, ArgKind.HANDLE, ArgKind.SIZE),
            OpSpec.perCpu("mprotect_begin", (a, c) -> new MprotectBegin(a[0], a[1], a[2], a[3], c),
                    ArgKind.HANDLE, ArgKind.HANDLE, ArgKind.SIZE, ArgKind.ADDR),
            OpSpec.perCpu("touch_begin", (a, c) -> new TouchBegin(a[0], a[1], Access.values()[(int) a[2]], c),
                    ArgKind.HANDLE, ArgKind.HANDLE, ArgKind.ACCESS),
            OpSpec.perCpu("fork_begin", (a, c) -> new ForkBegin(a[0], c), ArgKind.HANDLE),
            OpSpec.perCpu("exit_mm_begin", (a, c) -> new ExitMmBegin(a[0], c), ArgKind.HANDLE),
            OpSpec.perCpu("brk_begin", (a, c) -> new BrkBegin(a[0], a[1], c), ArgKind.HANDLE, ArgKind.ADDR),
            OpSpec.perCpu("switch_mm_finish", (a, c) -> new SwitchMmFinish(c)),
            OpSpec.perCpu("purge_vmap_area_lazy_begin", (a, c) -> new PurgeVmapAreaLazyBegin(c)),
            OpSpec.perCpu("kmap_begin", (a, c) -> new KmapBegin(a[0], c), ArgKind.HANDLE),
            OpSpec.perCpu("access", (a, c) -> new AccessVa(a[0], Access.values()[(int) a[1]], c), ArgKind.ADDR, ArgKind.ACCESS),
            OpSpec.perCpu("speculate", (a, c) -> new Speculate(a[0], c), ArgKind.ADDR),
            OpSpec.perCpu("evict", (a, c) -> new Evict(a[0], c), ArgKind.ADDR),
            maintenance(Tlbi.Kind.TLBIALL, false), maintenance(Tlbi.Kind.TLBIALL, true),
            maintenance(Tlbi.Kind.TLBIASID, false, ArgKind.NUMBER), maintenance(Tlbi.Kind.TLBIASID, true, ArgKind.NUMBER),
            maintenance(Tlbi.Kind.TLBIMVA, false, ArgKind.ADDR, ArgKind.NUMBER),
            maintenance(Tlbi.Kind.TLBIMVA, true, ArgKind.ADDR, ArgKind.NUMBER),
            maintenance(Tlbi.Kind.TLBIMVAA, false, ArgKind.ADDR), maintenance(Tlbi.Kind.TLBIMVAA, true, ArgKind.ADDR),
            OpSpec.perCpu("dsb", (a, c) -> new Dsb(c)),
            helper(Helper.Kind.LOCAL_ALL),
            helper(Helper.Kind.ALL),
            helper(Helper.Kind.MM, ArgKind.HANDLE),
            helper(Helper.Kind.PAGE, ArgKind.HANDLE, ArgKind.ADDR),
            helper(Helper.Kind.RANGE, ArgKind.HANDLE, ArgKind.ADDR, ArgKind.ADDR),
            helper(Helper.Kind.KERNEL_PAGE, ArgKind.ADDR),
            helper(Helper.Kind.KERNEL_RANGE, ArgKind.ADDR, ArgKind.ADDR));
}
