package armmm.pbt;

import java.util.List;

/**
 * A toy ASID allocator after {@code check_and_switch_context} (arch/arm/mm/context.c): three ASIDs
 * per generation, four address spaces, two CPUs, per-CPU active and reserved ASIDs. A rollover (no free ASID)
 * starts a new generation, reserves what each CPU has active and clears the active slots. The fast
 * path keeps an address space whose ASID is of the current generation; the kernel makes its check
 * and its write of the CPU's active ASID one atomic exchange, so a concurrent rollover is noticed.
 * The broken fast path reads, then writes: a rollover in between leaves the CPU running an ASID that
 * was not reserved, which the next allocation hands to another address space.
 */
final class ToyAsid {
    /** ASIDs per generation: one more than the CPUs, as the kernel needs one beyond the reserved. */
    static final int ASIDS = 3;
    /** Address spaces. */
    static final int MMS = 4;
    /**
     * The hand-minimal interleaving has five switches of two steps each, 10 steps: a rollover needs
     * the four address spaces allocated; the victim X must be of the current generation but not the
     * one its CPU has active when the rollover reserves (so its CPU ran X, then another), and its fast
     * path must be between check and write when the fourth allocation rolls over and hands X's ASID
     * to the new address space.
     */
    static final int MINIMAL_STEPS = 10;

    int generation = 1;
    int nextAsid = 1;
    final int[] mmGeneration = new int[MMS];
    final int[] mmAsid = new int[MMS];
    /** Per CPU: the mm whose ASID is active (-1: cleared by a rollover), and the reserved one. */
    final int[] active = {-1, -1};
    final int[] reserved = {-1, -1};
    final int[] current = {-1, -1};
    final boolean[] used = new boolean[ASIDS + 1];

    /** The slow path, atomic (the kernel holds cpu_asid_lock). */
    void slowPath(int cpu, int mm) {
        if (mmGeneration[mm] != generation) {
            newContext(mm);
        }
        active[cpu] = mm;
        current[cpu] = mm;
    }

    private void newContext(int mm) {
        for (int r : reserved) {
            if (r == mm && mmGeneration[mm] != 0) {
                // its ASID was reserved across the rollover: keep it
                mmGeneration[mm] = generation;
                return;
            }
        }
        int asid = firstFree();
        if (asid < 0) {
            rollover();
            asid = firstFree();
        }
        used[asid] = true;
        mmAsid[mm] = asid;
        mmGeneration[mm] = generation;
    }

    private int firstFree() {
        for (int a = 1; a <= ASIDS; a++) {
            if (!used[a]) {
                return a;
            }
        }
        return -1;
    }

    private void rollover() {
        generation++;
        java.util.Arrays.fill(used, false);
        for (int cpu = 0; cpu < active.length; cpu++) {
            if (active[cpu] >= 0) {
                reserved[cpu] = active[cpu];
            }
            active[cpu] = -1;
            if (reserved[cpu] >= 0) {
                used[mmAsid[reserved[cpu]]] = true;
            }
        }
    }

    /** Invariant: two CPUs running different address spaces never share an ASID. */
    List<Failure> distinctAsids() {
        if (current[0] >= 0 && current[1] >= 0 && current[0] != current[1] && mmAsid[current[0]] == mmAsid[current[1]]) {
            return List.of(new Failure("TOY-ASID-01", "two address spaces run under one ASID",
                    "mm" + current[0] + " and mm" + current[1] + " both under ASID " + mmAsid[current[0]]));
        }
        return List.of();
    }

    /** switch_mm(mm) on a CPU: a check step, then a write step. */
    static Interleavings.Program<ToyAsid> switchTo(int mm, boolean exchange) {
        boolean[] fast = new boolean[1];
        return new Interleavings.Program<>("switch to mm" + mm, List.of(
                new Interleavings.Step<ToyAsid>("check", (s, cpu) -> {
                    boolean current = s.mmGeneration[mm] == s.generation && s.active[cpu] >= 0;
                    if (exchange) {
                        // the kernel's cmpxchg: check and write in one atomic step
                        if (current) {
                            s.active[cpu] = mm;
                            s.current[cpu] = mm;
                        } else {
                            s.slowPath(cpu, mm);
                        }
                        fast[0] = false;
                    } else if (current) {
                        fast[0] = true;
                    } else {
                        s.slowPath(cpu, mm);
                    }
                }),
                new Interleavings.Step<ToyAsid>("write", (s, cpu) -> {
                    if (fast[0]) {
                        s.active[cpu] = mm;
                        s.current[cpu] = mm;
                    }
                })));
    }

    /** The spec: each CPU switches between address spaces. */
    static Interleavings.Builder<ToyAsid> spec(String name, boolean exchange) {
        return Interleavings.<ToyAsid>builder(name)
                .initialState(ToyAsid::new)
                .action(1, Gens.uniformInts(0, MMS - 1).map(mm -> switchTo(mm, exchange)))
                .invariant("TOY-ASID-01", ToyAsid::distinctAsids)
                .actionsPerCpu(5).tries(4000);
    }
}
