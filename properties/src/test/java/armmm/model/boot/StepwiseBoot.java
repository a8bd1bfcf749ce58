package armmm.model.boot;

import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.board.BoardLine;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.BootOp;
import armmm.model.kernel.BootStage;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.Reports;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The helpers the stepwise-boot tests share: a board's kernel booted stage by stage, every report
 * of a kernel, and one fixed sequence of calls after boot run as a scenario on a board line with
 * and without {@code boot=stepwise}.
 */
final class StepwiseBoot {
    private StepwiseBoot() {
    }

    /**
     * Calls after boot that reach every subsystem the last stage creates: pages from two zones'
     * worth of masks, a slab object, a vmalloc area (its PTEs in swapper_pg_dir), a kmap, the
     * balloon, a process with a mapping it touches, a zone sysctl write, then frees and the reports.
     */
    static final List<String> LATER_CALLS = List.of(
            "alloc_pages GFP_KERNEL 3 -> $p",
            "alloc_pages GFP_HIGHUSER_MOVABLE 0 -> $h",
            "kmalloc 100 GFP_KERNEL -> $k",
            "vmalloc 20000 -> $v",
            "kmap $h -> $m",
            "balloon_inflate 8",
            "mm_create 0x800000 -> $mm",
            "mmap $mm 0 0x3000 PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a",
            "touch $mm $a write",
            "sysctl vm.min_free_kbytes 4000",
            "kfree $k",
            "vfree $v",
            "__free_pages $p 3");

    /** Powers {@code board} on and runs every boot stage; each must return 0. */
    static Kernel bootStepwise(Board board, Bugs bugs) {
        Kernel k = Kernel.powerOn(board, bugs);
        for (BootStage s : BootStage.values()) {
            Result r = k.apply(BootOp.of(s));
            if (r.isRefused() || r.value() != 0) {
                throw new AssertionError(s.callName() + " on " + BoardLine.render(board) + ": " + r);
            }
        }
        return k;
    }

    /** Every report of {@code k} by name, the ones that do not apply as empty text. */
    static Map<String, String> reports(Kernel k) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : Reports.names()) {
            m.put(name, Reports.render(name, k).orElse(""));
        }
        return m;
    }

    /** Whether {@code board} boots at once (the kernel neither refuses it nor its description). */
    static boolean bootsAtOnce(Board board) {
        try {
            BootZones.setUp(Boot.boot(board));
            return true;
        } catch (BoardException | BootException e) {
            return false;
        }
    }

    /**
     * {@link #LATER_CALLS} and every report printed, run on {@code board}: at once, or powered on with
     * the stages first. The one-shot script has a comment where the other has each stage, so the two
     * reports' line numbers agree.
     */
    static RunReport laterCalls(Board board, boolean stepwise) {
        List<String> lines = new ArrayList<>();
        lines.add(BoardLine.render(board) + (stepwise ? " " + BoardLine.STEPWISE : ""));
        for (BootStage s : BootStage.values()) {
            lines.add(stepwise ? s.callName() : "# " + s.callName() + " (booted at once)");
        }
        lines.addAll(LATER_CALLS);
        for (String name : Reports.names()) {
            lines.add("print " + name);
        }
        return Runner.run(Parser.parse("later.scn", String.join("\n", lines) + "\n"));
    }
}
