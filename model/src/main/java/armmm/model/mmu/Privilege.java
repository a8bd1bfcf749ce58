package armmm.model.mmu;

/** The privilege the access is made at: PL1 (the kernel, SVC) or PL0 (user, USR), ARMv7-A ARM B3.7.1. */
public enum Privilege {
    /** PL1: the kernel. */
    KERNEL,
    /** PL0: a user process, or the kernel's LDRT/STRT user accessors. */
    USER;
}
