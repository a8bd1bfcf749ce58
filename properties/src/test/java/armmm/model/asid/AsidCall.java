package armmm.model.asid;

/**
 * One call or one observable step of the ASID allocator, as a chain action and a scenario line
 * ({@code cpu=N} on every line that runs on a CPU).
 */
sealed interface AsidCall {
    /** {@code mm_alloc}/{@code init_new_context}: a new mm. */
    record Create() implements AsidCall {
        @Override
        public String toString() {
            return "mm_create";
        }
    }

    /** {@code execve}'s new mm switched in whole on a CPU (a new mm, then a whole switch). */
    record Exec(int cpu) implements AsidCall {
        @Override
        public String toString() {
            return "exec cpu=" + cpu;
        }
    }

    /** A whole {@code switch_mm}, with no other CPU moving (it stops if the lock is held). */
    record Switch(int mm, int cpu) implements AsidCall {
        @Override
        public String toString() {
            return "switch_mm $m" + mm + " cpu=" + cpu;
        }
    }

    /** Starts {@code switch_mm}: its steps then interleave with other CPUs'. */
    record Begin(int mm, int cpu) implements AsidCall {
        @Override
        public String toString() {
            return "switch_mm_begin $m" + mm + " cpu=" + cpu;
        }
    }

    /** The next observable step of the CPU's switch in progress. */
    record Step(int cpu) implements AsidCall {
        @Override
        public String toString() {
            return "step cpu=" + cpu;
        }
    }

    /** The last reference to an mm goes ({@code __mmdrop}). */
    record Release(int mm) implements AsidCall {
        @Override
        public String toString() {
            return "mm_release $m" + mm;
        }
    }
}
