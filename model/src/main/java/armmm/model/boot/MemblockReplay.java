package armmm.model.boot;

import armmm.model.board.Board;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays a {@code memblock=debug} boot log against the model's memblock (CONTRACTS.md section 4).
 *
 * <p>The log does not show what happened before {@code memblock=debug} was parsed, nor calls
 * that do not log: the board supplies them. The replay starts from memblock.memory as the model
 * boots the board (banks, {@code mem=}, no-map marks), the device tree's reservation and
 * {@code current_limit = arm_lowmem_limit}. Then {@code memblock_reserve}, {@code memblock_remove}
 * and {@code memblock_phys_free} lines are applied as logged; each
 * {@code memblock_alloc_try_nid[_raw]} and {@code memblock_phys_alloc_range} line is placed by
 * the model and compared with the kernel's address, the {@code memblock_reserve} line from
 * {@code memblock_alloc_range_nid} that follows it (no such line: the kernel's allocation failed,
 * address 0). After a mismatch the kernel's address is reserved so the replay goes on.
 */
public final class MemblockReplay {
    private static final Pattern PREFIX = Pattern.compile("^(?:<\\d+>)?(?:\\[\\s*\\d+\\.\\d+\\]\\s*)?");
    private static final Pattern RANGE = Pattern.compile(
            "^(memblock_reserve|memblock_phys_free|memblock_remove|memblock_add|memblock_free): \\[0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\\] (\\S+)");
    private static final Pattern ALLOC = Pattern.compile(
            "^(memblock_alloc_try_nid_raw|memblock_alloc_try_nid|memblock_phys_alloc_range): (\\d+) bytes align=0x([0-9a-fA-F]+)"
                    + "(?: nid=(-?\\d+))? from=0x([0-9a-fA-F]+) max_addr=0x([0-9a-fA-F]+) (\\S+)");

    /** The outcome: one line per mismatch, and the counts. */
    public record Outcome(List<String> mismatches, int passed, int failed) {
        public Outcome {
            mismatches = List.copyOf(mismatches);
        }

        /** The contract's last line, {@code N passed, M failed}. */
        public String summary() {
            return passed + " passed, " + failed + " failed";
        }
    }

    private record Pending(int line, String call, long size, long align, long from, long max, String caller, long model) {
    }

    private final String file;
    private final Memblock mb;
    private final List<String> mismatches = new ArrayList<>();
    private int passed;
    private Pending pending;

    private MemblockReplay(String file, Memblock mb) {
        this.file = file;
        this.mb = mb;
    }

    /** The memblock the replay starts from: the board's memory with its no-map marks, the DTB reserved, the lowmem limit. */
    public static Memblock initialState(Board board) {
        BootedSystem booted = Boot.boot(board);
        Memblock mb = new Memblock();
        for (Region r : booted.memory()) {
            mb.add(r.base(), r.size());
        }
        for (Region r : booted.memory()) {
            if ((r.flags() & Memblock.NOMAP) != 0) {
                mb.markNomap(r.base(), r.size());
            }
        }
        mb.reserve(board.dtbStart(), board.dtbSize());
        mb.setCurrentLimit(booted.lowmemLimit());
        return mb;
    }

    /** Replays {@code lines} of {@code file} on {@code board}; throws {@link ReplayException} on a malformed memblock line. */
    public static Outcome replay(Board board, String file, List<String> lines) {
        MemblockReplay r = new MemblockReplay(file, initialState(board));
        for (int i = 0; i < lines.size(); i++) {
            r.line(i + 1, lines.get(i));
        }
        r.settle();
        return new Outcome(r.mismatches, r.passed, r.mismatches.size());
    }

    private void line(int no, String raw) {
        Matcher pre = PREFIX.matcher(raw);
        int col = pre.lookingAt() ? pre.end() : 0;
        String text = raw.substring(col);
        if (!text.startsWith("memblock_") || text.startsWith("memblock_dbg")) {
            return;
        }
        int colon = text.indexOf(':');
        String call = colon < 0 ? text : text.substring(0, colon);
        if (call.startsWith("memblock_alloc") || call.equals("memblock_phys_alloc_range")) {
            Matcher m = ALLOC.matcher(text);
            if (!m.lookingAt()) {
                throw new ReplayException(file, no, col + 1,
                        "expected '" + call + ": SIZE bytes align=0xA [nid=N] from=0xF max_addr=0xM CALLER'");
            }
            settle();
            long size = parseSize(m.group(2), no, col + m.start(2) + 1);
            long align = parseHex(m.group(3), no, col + m.start(3) + 1);
            long from = parseHex(m.group(5), no, col + m.start(5) + 1);
            long max = parseHex(m.group(6), no, col + m.start(6) + 1);
            long placed = call.equals("memblock_phys_alloc_range") ? mb.physAllocRange(size, align, from, max).value()
                    : call.endsWith("_raw") ? mb.allocTryNidRaw(size, align, from, max).value()
                    : mb.allocTryNid(size, align, from, max).value();
            pending = new Pending(no, call, size, align, from, max, m.group(7), placed);
            return;
        }
        Matcher m = RANGE.matcher(text);
        if (!m.lookingAt()) {
            if (call.matches("memblock_(reserve|phys_free|remove|add|free)")) {
                throw new ReplayException(file, no, col + colon + 3, "expected '[0xSTART-0xEND] CALLER' after '" + call + ":'");
            }
            return; // other memblock output (the MEMBLOCK configuration dump) is not a call
        }
        long start = parseHex(m.group(2), no, col + m.start(2) + 1);
        long last = parseHex(m.group(3), no, col + m.start(3) + 1);
        long size = last - start + 1;
        if (size < 0) {
            throw new ReplayException(file, no, col + m.start(3) + 1, String.format("end %#x before start %#x", last, start));
        }
        String caller = m.group(4);
        if (m.group(1).equals("memblock_reserve") && pending != null && caller.startsWith("memblock_alloc_range_nid")) {
            settleWith(start, size);
            return;
        }
        settle();
        switch (m.group(1)) {
            case "memblock_reserve" -> mb.reserve(start, size);
            case "memblock_phys_free", "memblock_free" -> mb.physFree(start, size);
            case "memblock_remove" -> mb.remove(start, size);
            case "memblock_add" -> mb.add(start, size);
            default -> throw new IllegalStateException(m.group(1));
        }
    }

    /** The pending allocation's kernel address is {@code start}: compare, and repair the model on a mismatch. */
    private void settleWith(long start, long size) {
        Pending p = pending;
        pending = null;
        if (p.model == start && p.size == size) {
            passed++;
            return;
        }
        mismatches.add(String.format(Locale.ROOT, "%s:%d: %s %d bytes align=%#x from=%#x max_addr=%#x %s: model placed %#x, kernel %#x",
                file, p.line, p.call, p.size, p.align, p.from, p.max, p.caller, p.model, start));
        if (p.model != 0) {
            mb.physFree(p.model, p.size);
        }
        mb.reserve(start, size);
    }

    /** No reserve line followed the pending allocation: the kernel's allocation failed. */
    private void settle() {
        if (pending == null) {
            return;
        }
        Pending p = pending;
        pending = null;
        if (p.model == 0) {
            passed++;
            return;
        }
        mismatches.add(String.format(Locale.ROOT, "%s:%d: %s %d bytes align=%#x from=%#x max_addr=%#x %s: model placed %#x, kernel failed",
                file, p.line, p.call, p.size, p.align, p.from, p.max, p.caller, p.model));
        mb.physFree(p.model, p.size);
    }

    /** A byte count as {@code memblock_alloc_internal}'s debug line prints it ({@code %llu}): decimal, 64 bits at most. */
    private long parseSize(String s, int line, int col) {
        try {
            long v = Long.parseUnsignedLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the one-line report
        }
        throw new ReplayException(file, line, col, "size " + s + " bytes is out of range");
    }

    private long parseHex(String s, int line, int col) {
        if (s.length() > 16) {
            throw new ReplayException(file, line, col, "address 0x" + s + " is too long");
        }
        return Long.parseUnsignedLong(s, 16);
    }
}
