package armmm.model.zone;

import armmm.model.core.Result;

/**
 * One {@code sysctl} write as INV-CALL-05 sees it: what was written where, the sysctls as they
 * were before it (kernel-visible: {@code min_free_kbytes} and the {@code vm_table} values), and
 * what the call returned. The zone subsystem's step hooks record it around every call; it is null
 * after any other call.
 *
 * @param path          the sysctl written, such as {@code vm.min_free_kbytes}
 * @param text          what was written
 * @param minFreeBefore {@code min_free_kbytes} before the write
 * @param before        the other sysctls before the write
 * @param result        what the write returned; null until it has run
 */
public record SysctlCall(String path, String text, long minFreeBefore, ZoneTuning before, Result result) {
    SysctlCall withResult(Result r) {
        return new SysctlCall(path, text, minFreeBefore, before, r);
    }
}
