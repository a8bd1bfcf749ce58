package armmm.cli;

import armmm.model.board.Memparse;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.SwapperPgDir;
import armmm.model.report.PagetablesReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code boot --print l1} and {@code --print l2 VA}: the page-table prints, which take the
 * kernel's tables ({@link SwapperPgDir}) and, for {@code l2}, an address.
 */
final class PagetablePrints {
    private PagetablePrints() {
    }

    /** A page-table print: {@code l1}, or {@code l2} of the table behind {@code va}. */
    record Request(boolean l1, long va) {
    }

    /** The --print values with {@code l1} and {@code l2 VA} turned into requests; other names stay strings. */
    static List<Object> parse(List<String> print) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < print.size(); i++) {
            String name = print.get(i);
            if (name.equals("l1")) {
                out.add(new Request(true, 0));
            } else if (name.equals("l2")) {
                if (i + 1 >= print.size()) {
                    throw new BadInputException("--print l2: expected a virtual address after l2");
                }
                String va = print.get(++i);
                long v;
                try {
                    v = Memparse.strict("--print l2", va);
                } catch (RuntimeException e) {
                    throw new BadInputException("--print l2: expected a virtual address, found '" + va + "'");
                }
                if (v < 0 || v > 0xffff_ffffL) {
                    throw new BadInputException("--print l2: " + va + " is not a 32-bit virtual address");
                }
                out.add(new Request(false, v));
            } else {
                out.add(name);
            }
        }
        return out;
    }

    static String render(Request r, Kernel kernel) {
        KernelPageTables t = SwapperPgDir.build(kernel.booted().orElseThrow(), Set.of());
        return r.l1() ? PagetablesReport.l1(t) : PagetablesReport.l2(t, r.va());
    }
}
