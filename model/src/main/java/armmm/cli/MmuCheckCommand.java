package armmm.cli;

import armmm.model.mmu.ShortDescriptorWalker;
import armmm.model.mmu.TranslationVector;
import armmm.model.mmu.TranslationVectors;
import armmm.model.mmu.VectorFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            err.println(file + ":1:1: no such file");
            err.flush();
            return Main.BAD_INPUT;
        } catch (IOException e) {
            err.println(file + ":1:1: cannot read: " + e.getMessage());
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
        ShortDescriptorWalker walker = new ShortDescriptorWalker();
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
