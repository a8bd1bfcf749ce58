package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vector reader's every field rule ({@code oracle/mmu/README.md}: hex strings {@code "0x..."}
 * of at most 16 digits whose value fits the field, 32 bits for registers, words and addresses,
 * 40 for a supersection's {@code pa}; {@code wnr} 0 or 1; {@code domain} 0..15 or null; the
 * outcome {@code ok} or {@code fault}) and its one-line errors {@code FILE:LINE:COL: message}
 * pointing at the value, and {@link TranslationVector#check}'s mismatch text for each field of a
 * fault that can differ. The one table used: TTBR0 = 0x4000, N = 0, and a section descriptor
 * 0x00000c02 at index 0 (base 0, AP[1:0] = 11, domain 0: ARMv7-A ARM B3.5.1), so VA 0x123 reads
 * PA 0x123 and VA 0x00100123 (index 1, an empty word) is a section translation fault, FS 0x05.
 */
class TranslationVectorsParseTest {
    private static final String REGS = "{\"SCTLR\": \"0x0\", \"TTBCR\": \"0x0\", \"TTBR0\": \"0x4000\", \"TTBR1\": \"0x0\", \"DACR\": \"0x1\"}";
    private static final String MEM = "{\"0x4000\": \"0x00000c02\"}";
    private static final String ACCESS = "{\"va\": \"0x123\", \"kind\": \"read\", \"mode\": \"privileged\"}";
    private static final String OK = "{\"kind\": \"ok\", \"pa\": \"0x123\"}";

    private static String line(String id, String regs, String mem, String access, String outcome) {
        return "{\"id\": " + id + ", \"regs\": " + regs + ", \"mem\": " + mem + ", \"access\": " + access
                + ", \"arch_outcome\": " + outcome + "}";
    }

    private static final String GOOD = line("\"t\"", REGS, MEM, ACCESS, OK);

    private static TranslationVector parse(String text) {
        List<TranslationVector> v = TranslationVectors.parse("f", List.of("", text));
        assertThat(v).hasSize(1);
        return v.get(0);
    }

    /** The error for {@code text} on line 2, with its column at the first {@code at} of the line (1-based). */
    private static void fails(String text, String at, String message) {
        int col = text.indexOf(at) + 1;
        assertThat(col).as("'%s' in the line", at).isPositive();
        assertThatThrownBy(() -> TranslationVectors.parse("f", List.of(GOOD, text))).as(text)
                .isInstanceOf(VectorFormatException.class).hasMessage("f:2:" + col + ": " + message);
    }

    private static String outcome(String fields) {
        return line("\"t\"", REGS, MEM, ACCESS, "{" + fields + "}");
    }

    @Test
    void aGoodLineReadsEveryField() {
        TranslationVector v = parse(line("\"t\"", REGS.replace("\"0x0\", \"TTBR0\"", "\"0x00000002\", \"TTBR0\""),
                "{\"0x4000\": \"0x00000c02\", \"0xfffffffc\": \"0xffffffff\"}",
                "{\"va\": \"0x0000000000000123\", \"kind\": \"write\", \"mode\": \"user\"}", OK));
        assertThat(v.line()).isEqualTo(2);
        assertThat(v.id()).isEqualTo("t");
        assertThat(v.ttbcr()).isEqualTo(2);
        assertThat(v.ttbr0()).isEqualTo(0x4000);
        assertThat(v.dacr()).isEqualTo(1);
        assertThat(v.memory()).isEqualTo(Map.of(0x4000L, 0xc02, 0xfffffffcL, -1));
        assertThat(v.va()).isEqualTo(0x123L);
        assertThat(v.access()).isEqualTo(Access.WRITE);
        assertThat(v.mode()).isEqualTo(Privilege.USER);
        assertThat(v.expected()).isEqualTo(new TranslationVector.Expected(true, 0x123, null, false, null, false));
        // one hex digit, and a 40-bit supersection address
        assertThat(parse(outcome("\"kind\": \"ok\", \"pa\": \"0xffffffffff\"")).expected().pa()).isEqualTo(0xffffffffffL);
        assertThat(parse(outcome("\"kind\": \"ok\", \"pa\": \"0x1\"")).expected().pa()).isEqualTo(1L);
    }

    @Test
    void faultOutcomesReadKindLevelWnrAndAnOptionalDomain() {
        assertThat(parse(outcome("\"kind\": \"fault\", \"fault\": \"access flag\", \"level\": \"page\", \"wnr\": 1, \"domain\": 15"))
                .expected()).isEqualTo(new TranslationVector.Expected(false, 0, FaultKind.ACCESS_FLAG, true, 15, true));
        assertThat(parse(outcome("\"kind\": \"fault\", \"fault\": \"access_flag\", \"level\": \"section\", \"wnr\": 0, \"domain\": 0"))
                .expected()).isEqualTo(new TranslationVector.Expected(false, 0, FaultKind.ACCESS_FLAG, false, 0, false));
        assertThat(parse(outcome("\"kind\": \"fault\", \"fault\": \"domain\", \"level\": \"page\", \"wnr\": 0, \"domain\": null"))
                .expected()).isEqualTo(new TranslationVector.Expected(false, 0, FaultKind.DOMAIN, true, null, false));
        assertThat(parse(outcome("\"kind\": \"fault\", \"fault\": \"permission\", \"level\": \"section\", \"wnr\": 1"))
                .expected()).isEqualTo(new TranslationVector.Expected(false, 0, FaultKind.PERMISSION, false, null, true));
    }

    @Test
    void eachBadFieldIsOneLineAtItsValue() {
        fails(GOOD + " {}", "{}", "unexpected text after the object");
        fails(GOOD.replace("\"TTBCR\": \"0x0\"", "\"TTBCR\": \"0x80000000\""), "\"0x80000000\"",
                "TTBCR.EAE set: the long-descriptor format is not modelled");
        fails(outcome("\"kind\": \"maybe\""), "\"maybe\"", "arch_outcome.kind must be \"ok\" or \"fault\"");
        String fault = "\"kind\": \"fault\", \"fault\": \"translation\", \"level\": \"section\", ";
        fails(outcome(fault + "\"wnr\": 2"), "2}", "arch_outcome.wnr must be 0 or 1, found 2");
        fails(outcome(fault + "\"wnr\": -1"), "-1", "arch_outcome.wnr must be 0 or 1, found -1");
        fails(outcome(fault + "\"wnr\": 2147483647"), "2147483647", "arch_outcome.wnr must be 0 or 1, found 2147483647");
        fails(outcome(fault + "\"wnr\": 2147483648"), "2147483648", "arch_outcome.wnr must be a small integer");
        fails(outcome(fault + "\"wnr\": \"1\""), "\"1\"", "arch_outcome.wnr must be a small integer");
        fails(outcome(fault + "\"wnr\": 1.0"), "1.0", "arch_outcome.wnr must be a small integer");
        fails(outcome(fault + "\"wnr\": 0, \"domain\": 16"), "16", "arch_outcome.domain must be 0..15 or null, found 16");
        fails(outcome(fault + "\"wnr\": 0, \"domain\": -1"), "-1", "arch_outcome.domain must be 0..15 or null, found -1");
        fails(outcome(fault + "\"wnr\": 0, \"domain\": 1073741824"), "1073741824",
                "arch_outcome.domain must be 0..15 or null, found 1073741824");
        fails(outcome(fault + "\"wnr\": 0, \"domain\": true"), "true", "arch_outcome.domain must be a small integer");
        fails(outcome(fault.replace("\"section\"", "\"pmd\"") + "\"wnr\": 0"), "\"pmd\"",
                "arch_outcome.level must be \"section\" or \"page\"");
        fails(outcome(fault.replace("\"translation\"", "\"alignment\"") + "\"wnr\": 0"), "\"alignment\"",
                "arch_outcome.fault must be translation, access_flag, domain or permission");
        fails(GOOD.replace("\"id\": \"t\"", "\"id\": \"t\", \"id\": \"u\""), "\"id\": \"u\"", "duplicate key \"id\"");
        fails(GOOD.replace("\"privileged\"", "\"hyp\""), "\"hyp\"", "access.mode must be \"privileged\" or \"user\"");
        fails(GOOD.replace("\"regs\": " + REGS, "\"regs\": 1"), "1, \"mem\"", "regs must be a JSON object");
        fails(GOOD.replace("\"mem\": " + MEM, "\"mem\": [\"0x4000\"]"), "[", "mem must be a JSON object");
        fails(GOOD.replace("\"0x4000\": \"0x00000c02\"", "\"0x4002\": \"0x00000c02\""), "\"0x00000c02\"",
                "mem address 0x4002 is not word aligned");
    }

    @Test
    void everyJsonValueKindIsReadAndRefusedWhereAStringBelongs() {
        for (String v : new String[] {"[1, [2], {}]", "1.5", "true", "false", "null", "{\"a\": []}", "7"}) {
            fails(GOOD.replace("\"id\": \"t\"", "\"id\": " + v), v, "id must be a string");
        }
    }

    @Test
    void hexStringsHaveOneToSixteenDigitsAndFitTheirField() {
        String hex = "access.va must be a hex string \"0x...\", found ";
        for (String bad : new String[] {"123", "0x", "0xg1", "0X12", "0x00000000000000123"}) {
            fails(GOOD.replace("\"va\": \"0x123\"", "\"va\": \"" + bad + "\""), "\"" + bad + "\"", hex + "\"" + bad + "\"");
        }
        fails(GOOD.replace("\"va\": \"0x123\"", "\"va\": \"0x100000000\""), "\"0x100000000\"",
                "access.va 0x100000000 does not fit in 32 bits");
        fails(outcome("\"kind\": \"ok\", \"pa\": \"0x10000000000\""), "\"0x10000000000\"",
                "arch_outcome.pa 0x10000000000 does not fit in 40 bits");
        fails(GOOD.replace("\"0x4000\": \"0x00000c02\"", "\"0x100000000\": \"0x00000c02\""), "\"0x00000c02\"",
                "mem address 0x100000000 does not fit in 32 bits");
        // sixteen digits are the most a value may have, zeros included
        assertThat(parse(GOOD.replace("\"va\": \"0x123\"", "\"va\": \"0xffffffff\"")).va()).isEqualTo(0xffffffffL);
        assertThat(parse(outcome("\"kind\": \"ok\", \"pa\": \"0x000000ffffffffff\"")).expected().pa()).isEqualTo(0xffffffffffL);
    }

    private static TranslationVector vector(long va, int dacr, Map<Long, Integer> mem, TranslationVector.Expected e) {
        return new TranslationVector("t", 1, 0, 0, 0x4000, 0, dacr, mem, va, Access.READ, Privilege.KERNEL, e);
    }

    private static TranslationVector.Expected ok(long pa) {
        return new TranslationVector.Expected(true, pa, null, false, null, false);
    }

    private static TranslationVector.Expected fault(FaultKind k, boolean page, Integer domain, boolean wnr) {
        return new TranslationVector.Expected(false, 0, k, page, domain, wnr);
    }

    @Test
    void aMismatchNamesWhatTheArchitectureSaysAndWhatTheModelDid() {
        ShortDescriptorWalker w = new ShortDescriptorWalker();
        Map<Long, Integer> mem = Map.of(0x4000L, 0xc02);
        String translation = "section translation fault (fs 0x05, read)";
        assertThat(vector(0x123, 1, mem, ok(0x123)).check(w)).isNull();
        assertThat(vector(0x123, 1, mem, ok(0x124)).check(w)).isEqualTo("expected pa 0x124, model pa 0x123");
        assertThat(vector(0x123, 1, mem, fault(FaultKind.TRANSLATION, false, null, false)).check(w))
                .isEqualTo("expected section translation fault (domain null, wnr 0), model pa 0x123");
        assertThat(vector(0x100123, 1, mem, ok(0x100123)).check(w)).isEqualTo("expected pa 0x100123, model " + translation);
        assertThat(vector(0x100123, 1, mem, fault(FaultKind.TRANSLATION, false, null, false)).check(w)).isNull();
        assertThat(vector(0x100123, 1, mem, fault(FaultKind.PERMISSION, false, null, false)).check(w))
                .isEqualTo("expected section permission fault (domain null, wnr 0), model " + translation);
        assertThat(vector(0x100123, 1, mem, fault(FaultKind.TRANSLATION, true, null, false)).check(w))
                .isEqualTo("expected page translation fault (domain null, wnr 0), model " + translation);
        assertThat(vector(0x100123, 1, mem, fault(FaultKind.TRANSLATION, false, null, true)).check(w))
                .isEqualTo("expected section translation fault (domain null, wnr 1), model " + translation);
        assertThat(vector(0x100123, 1, mem, fault(FaultKind.TRANSLATION, false, 0, false)).check(w))
                .isEqualTo("expected section translation fault (domain 0, wnr 0), model " + translation);
        // DACR 1: domain 0 client, domain 2 no access: a domain 2 section (0x00000c42) is a domain fault in domain 2
        Map<Long, Integer> d2 = Map.of(0x4000L, 0xc42);
        assertThat(vector(0x123, 1, d2, fault(FaultKind.DOMAIN, false, 2, false)).check(w)).isNull();
        assertThat(vector(0x123, 1, d2, fault(FaultKind.DOMAIN, false, null, false)).check(w)).isNull();
        assertThat(vector(0x123, 1, d2, fault(FaultKind.DOMAIN, false, 3, false)).check(w))
                .isEqualTo("expected section domain fault (domain 3, wnr 0), model section domain fault (fs 0x09, domain 2, read)");
    }
}
