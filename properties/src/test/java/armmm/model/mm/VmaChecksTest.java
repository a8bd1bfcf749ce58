package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.asid.AsidChecks;
import armmm.model.asid.AsidDefect;
import armmm.model.core.Violation;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each VMA check fails on a state that breaks it (built by hand, through the tree the checks read),
 * and spec/asid.md and spec/mm.md list exactly the checks and defects the code has.
 */
class VmaChecksTest {
    @SuppressWarnings("unchecked")
    static MmStruct withVmas(Vma... vmas) throws ReflectiveOperationException {
        MmStruct mm = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x200000), 0,
                Set.of());
        Field tree = MmStruct.class.getDeclaredField("tree");
        tree.setAccessible(true);
        Field count = MmStruct.class.getDeclaredField("mapCount");
        count.setAccessible(true);
        Field total = MmStruct.class.getDeclaredField("totalVm");
        total.setAccessible(true);
        long pages = 0;
        for (Vma v : vmas) {
            ((TreeMap<Long, Vma>) tree.get(mm)).put(v.start(), v);
            pages += (v.end() - v.start()) / 4096;
        }
        count.setInt(mm, vmas.length);
        total.setLong(mm, pages);
        return mm;
    }

    private static List<String> ids(List<Violation> violations) {
        return violations.stream().map(Violation::id).distinct().toList();
    }

    private static final long RW = VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_MAYREAD | VmFlags.VM_MAYWRITE;

    @Test
    void eachCheckFailsOnTheStateItForbids() throws ReflectiveOperationException {
        assertThat(ids(VmaChecks.all(withVmas(new Vma(0x10000, 0x13000, RW, 0x10, 0), new Vma(0x12000, 0x14000, 1, 0x12, 0)))))
                .contains(VmaChecks.SORTED);
        assertThat(ids(VmaChecks.all(withVmas(new Vma(0x10000, 0x10800, RW, 0x10, 0))))).containsExactly(VmaChecks.ALIGNED);
        assertThat(ids(VmaChecks.all(withVmas(new Vma(0x0, 0x1000, RW, 0, 0))))).containsExactly(VmaChecks.IN_USER_RANGE);
        assertThat(ids(VmaChecks.all(withVmas(new Vma(0xbeff0000L, 0xbf001000L, RW, 0xbeff0, 0)))))
                .containsExactly(VmaChecks.IN_USER_RANGE);
        assertThat(ids(VmaChecks.all(withVmas(new Vma(0x10000, 0x11000, RW, 0x10, 0), new Vma(0x11000, 0x12000, RW, 0x11, 0)))))
                .containsExactly(VmaChecks.MERGED);
        assertThat(VmaChecks.all(withVmas(new Vma(0x10000, 0x11000, RW, 0x10, 0), new Vma(0x11000, 0x12000, RW, 0x12, 0))))
                .as("page offsets that do not continue").isEmpty();
        assertThat(VmaChecks.all(withVmas(new Vma(0x1ff000, 0x200000, RW, 0x1ff, 0), new Vma(0x200000, 0x201000, RW, 0x200, 0))))
                .as("the brk VMA at start_brk").isEmpty();
        MmStruct counted = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x200000),
                0x3000, Set.of(VmaDefect.SPLIT_LOSES_PAGE));
        counted.mprotect(0xbf000000L - 0x3000, 0x1000, VmFlags.PROT_READ);
        assertThat(ids(VmaChecks.all(counted))).containsExactly(VmaChecks.COUNTED);
        // mprotect of exactly the page the bugged split loses (seed 523330699125639785 made an
        // empty VMA here): the model keeps going and the loss is an invariant failure.
        MmStruct lost = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x200000),
                0x3000, Set.of(VmaDefect.SPLIT_LOSES_PAGE));
        assertThat(lost.mprotect(0xbf000000L - 0x2000, 0x1000, VmFlags.PROT_READ).isOk()).isTrue();
        assertThat(ids(VmaChecks.all(lost))).contains(VmaChecks.COUNTED);
        // INV-VMA-06 judges the current call's mprotect by the VMAs it began with
        MmStruct gap = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x200000),
                0x3000, Set.of(VmaDefect.MPROTECT_MERGED_NEXT_SEEN_AS_GAP));
        long top = 0xbf000000L - 0x3000;
        gap.mprotect(top + 0x1000, 0x2000, VmFlags.PROT_READ);
        assertThat(VmaChecks.all(gap)).as("a split and no merge").isEmpty();
        assertThat(gap.mprotect(top, 0x3000, VmFlags.PROT_READ).isOk()).isFalse();
        assertThat(ids(VmaChecks.all(gap))).containsExactly(VmaChecks.MPROTECT_RESULT);
        gap.beginCall();
        assertThat(VmaChecks.all(gap)).as("the record ends with the call").isEmpty();
        MmStruct hole = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x200000),
                0x3000, Set.of());
        assertThat(hole.mprotect(top - 0x1000, 0x2000, VmFlags.PROT_READ).isOk()).isFalse();
        assertThat(VmaChecks.all(hole)).as("-ENOMEM over a hole is justified").isEmpty();
        // INV-VMA-07: a legacy layout (mmap_base 0x40000000), the stack at 0xbefdf000; all the
        // space up to the stack less a page fits only inside the guard gap
        UserLayout legacy = new UserLayout(0x40000000L, false, 0xbf000000L, 0x200000);
        long fill = 0xbefdf000L - 0x40000000L - 0x1000;
        int anon = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
        MmStruct guarded = MmStruct.exec(UserLayoutConfig.armmp(), legacy, 0x21000, Set.of());
        assertThat(guarded.mmap(0, fill, VmFlags.PROT_READ, anon).isOk()).isFalse();
        assertThat(VmaChecks.all(guarded)).isEmpty();
        assertThat(guarded.mmap(0x40000000L, fill, VmFlags.PROT_READ, anon | VmFlags.MAP_FIXED).isOk()).isTrue();
        assertThat(VmaChecks.all(guarded)).as("MAP_FIXED may go into the gap").isEmpty();
        MmStruct intruded = MmStruct.exec(UserLayoutConfig.armmp(), legacy, 0x21000,
                Set.of(VmaDefect.UNMAPPED_AREA_IGNORES_STACK_GAP));
        assertThat(intruded.mmap(0, fill, VmFlags.PROT_READ, anon).isOk()).isTrue();
        assertThat(ids(VmaChecks.all(intruded))).containsExactly(VmaChecks.STACK_GAP);
    }

    private static List<String> headings(String file) throws IOException {
        Path root = Paths.get(System.getProperty("armmm.root", ".."));
        Matcher m = Pattern.compile("^### (INV-[A-Z]+-\\d{2}): ", Pattern.MULTILINE)
                .matcher(Files.readString(root.resolve("spec").resolve(file)));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String text(String file) throws IOException {
        return Files.readString(Paths.get(System.getProperty("armmm.root", "..")).resolve("spec").resolve(file));
    }

    @Test
    void theSpecPagesListExactlyTheChecksAndDefectsInCode() throws IOException {
        assertThat(headings("asid.md")).containsExactlyInAnyOrderElementsOf(AsidChecks.ALL.keySet());
        assertThat(headings("invariants.md").stream().filter(id -> id.startsWith("INV-VMA-")))
                .containsExactlyInAnyOrderElementsOf(VmaChecks.ALL.keySet());
        for (AsidDefect d : AsidDefect.values()) {
            assertThat(text("asid.md")).contains("`" + d.name() + "`");
        }
        for (VmaDefect d : VmaDefect.values()) {
            // an entry may name several seeded bugs on its one line (INV-VMA-05 has two)
            assertThat(text("invariants.md")).containsPattern("\\*\\*Seeded bug:\\*\\*[^\\n]*`" + d.name() + "`");
        }
        assertThat(Arrays.stream(AsidDefect.values()).map(d -> "`" + d.name() + "`").allMatch(s -> {
            try {
                return text("asid.md").contains("- **Seeded bug:** " + s);
            } catch (IOException e) {
                return false;
            }
        })).as("every ASID defect is the seeded bug of an entry").isTrue();
    }
}
