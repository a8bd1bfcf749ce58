package armmm.model.mm;

import armmm.model.core.Result;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The processes of the modelled kernel, each an {@link MmStruct} ({@code struct mm_struct},
 * include/linux/mm_types.h), named by a handle as a scenario holds a task: {@code mm_create}
 * is what {@code execve} of a small static binary leaves ({@code mm_alloc},
 * {@code arch_pick_mmap_layout}, {@code setup_arg_pages}; fs/exec.c, fs/binfmt_elf.c), and
 * {@code exit_mm} drops it ({@code mmput}, kernel/fork.c). The layout's randomness comes from one
 * seeded {@link RandomSource}, drawn in creation order, so a run replays exactly.
 */
public final class Processes {
    /** The end of a small static binary's bss, where the heap starts before randomisation. */
    static final long ELF_BRK = 0x00022000L;
    /** The stack {@code setup_arg_pages} leaves: 128 KiB plus the argument page ({@code stack_expand}). */
    static final long STACK_BYTES = 0x21000L;

    private final UserLayoutConfig config;
    private final RandomSource random;
    private final Set<VmaDefect> defects;
    private final Map<Long, MmStruct> mms = new LinkedHashMap<>();
    private long nextId = 1;

    /**
     * @param config  the build's and sysctls' layout facts
     * @param seed    the seed of {@code get_random_long}
     * @param defects the seeded bugs every mm is built with
     */
    public Processes(UserLayoutConfig config, long seed, Set<VmaDefect> defects) {
        this.config = config;
        this.random = RandomSource.seeded(seed);
        this.defects = defects.isEmpty() ? EnumSet.noneOf(VmaDefect.class) : EnumSet.copyOf(defects);
    }

    /** The layout facts every mm shares. */
    public UserLayoutConfig config() {
        return config;
    }

    /** The live mms by handle, in creation order. */
    public Map<Long, MmStruct> mms() {
        return Collections.unmodifiableMap(mms);
    }

    /** The mm named {@code handle}, or null. */
    public MmStruct mm(long handle) {
        return mms.get(handle);
    }

    /** {@code mm_create RLIMIT_STACK}: a new mm as exec leaves it; its handle. */
    public Result mmCreate(long rlimitStack) {
        if (rlimitStack < 0 || rlimitStack > ExecParams.RLIM_INFINITY) {
            return Result.refused("mm_create: rlimit_stack 0x" + Long.toHexString(rlimitStack) + " is not an rlim_t");
        }
        UserLayout layout = MmapLayout.pick(config, new ExecParams(rlimitStack, 0, ELF_BRK), random);
        long id = nextId++;
        mms.put(id, MmStruct.exec(config, layout, STACK_BYTES, defects));
        return Result.of(id);
    }

    /** {@code exit_mm}: the last user drops the mm ({@code mmput}, {@code exit_mmap}). */
    public Result exitMm(long handle) {
        return mms.remove(handle) == null ? noMm("exit_mm", handle) : Result.of(0);
    }

    /** {@code mmap(addr, len, prot, flags, -1, 0)} in {@code handle}'s mm. */
    public Result mmap(long handle, long addr, long len, long prot, long flags) {
        MmStruct mm = mms.get(handle);
        if (mm == null) {
            return noMm("mmap", handle);
        }
        if (prot > 0xffffffffL || flags > 0xffffffffL || prot < 0 || flags < 0) {
            return Result.refused("mmap: -EINVAL");
        }
        return result("mmap", mm.mmap(addr, len, (int) prot, (int) flags));
    }

    /** {@code munmap(addr, len)}. */
    public Result munmap(long handle, long addr, long len) {
        MmStruct mm = mms.get(handle);
        return mm == null ? noMm("munmap", handle) : result("munmap", mm.munmap(addr, len));
    }

    /** {@code mprotect(addr, len, prot)}. */
    public Result mprotect(long handle, long addr, long len, long prot) {
        MmStruct mm = mms.get(handle);
        if (mm == null) {
            return noMm("mprotect", handle);
        }
        if (prot < 0 || prot > 0xffffffffL) {
            return Result.refused("mprotect: -EINVAL");
        }
        return result("mprotect", mm.mprotect(addr, len, (int) prot));
    }

    /** {@code brk(addr)}: the new break, or the old one when refused (the system call never fails). */
    public Result brk(long handle, long addr) {
        MmStruct mm = mms.get(handle);
        return mm == null ? noMm("brk", handle) : Result.of(mm.brk(addr));
    }

    private static Result result(String call, MmResult r) {
        return r.isOk() ? Result.of(r.value()) : Result.refused(call + ": -" + r.error().name());
    }

    private static Result noMm(String call, long handle) {
        return Result.refused(call + ": 0x" + Long.toHexString(handle) + " is no live mm");
    }
}
