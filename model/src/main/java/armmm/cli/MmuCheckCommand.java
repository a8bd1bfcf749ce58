package armmm.cli;

import armmm.model.mmu.ShortDescriptorWalker;
import armmm.model.mmu.TranslationVector;
import armmm.model.mmu.TranslationVectors;
import armmm.model.mmu.VectorFormatException;
import armmm.scenario.ScenarioException;
import armmm.scenario.SourceText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code armmm mmu-check VECTORS.jsonl} (CONTRACTS.md section 5): each vector's registers and
 * table words go into the model's ARMv7-A short-descriptor walker ({@link ShortDescriptorWalker});
 * its outcome is compared with the vector's {@code arch_outcome}. One line per mismatch, then
 * {@code N passed, M failed}; exit 0, 1 on a mismatch, 2 on a malformed file.
 */
@Command(name = "mmu-check", mixinStandardHelpOptions = true,
        description = "Check the model's ARMv7-A short-descriptor walker against translation vectors.")
public final class MmuCheckCommand implements Callable<Integer> {
    /** 256 MiB: some 190,000 vectors of the emulator's size, a hundred times the oracle's file. */
    private static final int MAX_VECTOR_BYTES = 256 << 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "VECTORS.jsonl", description = "translation vectors, one JSON object a line")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> lines;
        try {
            // bounded and located like every input: invalid UTF-8 is reported at its line and column
            lines = List.of(SourceText.read(file, MAX_VECTOR_BYTES, "not a vector file").split("\\r?\\n", -1));
        } catch (ScenarioException e) {
            err.println(e.format(file.toString()));
            err.flush();
            return Main.BAD_INPUT;
        }
        List<TranslationVector> vectors;
        try {
            vectors = TranslationVectors.parse(file.toString(), lines);
        } catch (VectorFormatException e) {
            err.println(e.getMessage());
            err.flush();
            return Main.BAD_INPUT;
        }
        ShortDescriptorWalker walker = new ShortDescriptorWalker(armmm.model.mmu.WalkerBug.fromProperty());
        int failed = 0;
        for (TranslationVector v : vectors) {
            String mismatch = v.check(walker);
            if (mismatch != null) {
                failed++;
                out.println(file + ":" + v.line() + ": " + v.id() + ": " + mismatch);
            }
        }
        out.println((vectors.size() - failed) + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : Main.CHECK_FAILED;
    }
}
