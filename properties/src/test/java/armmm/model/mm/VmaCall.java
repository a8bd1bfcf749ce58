package armmm.model.mm;

/** One address-space system call as a chain action and a scenario line. */
sealed interface VmaCall {
    /** {@code mmap(addr, len, prot, flags, -1, 0)}. */
    record Mmap(long addr, long len, int prot, int flags) implements VmaCall {
        @Override
        public String toString() {
            return String.format("mmap 0x%x 0x%x prot=%d flags=0x%x", addr, len, prot, flags);
        }
    }

    /** {@code munmap(addr, len)}. */
    record Munmap(long addr, long len) implements VmaCall {
        @Override
        public String toString() {
            return String.format("munmap 0x%x 0x%x", addr, len);
        }
    }

    /** {@code mprotect(addr, len, prot)}. */
    record Mprotect(long addr, long len, int prot) implements VmaCall {
        @Override
        public String toString() {
            return String.format("mprotect 0x%x 0x%x prot=%d", addr, len, prot);
        }
    }

    /** {@code brk(addr)}. */
    record Brk(long addr) implements VmaCall {
        @Override
        public String toString() {
            return String.format("brk 0x%x", addr);
        }
    }
}
