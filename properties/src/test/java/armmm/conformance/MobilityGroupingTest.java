package armmm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageOp;
import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.model.page.MigrateType;
import armmm.model.page.MobilityGrouping;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneType;
import armmm.properties.OracleFiles;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code page_group_by_mobility_disabled} (mm/page_alloc.c {@code build_all_zonelists}): the
 * model's {@code vm_total_pages} against the kernel's "Built 1 zonelists, mobility grouping on.
 * Total pages: N" on every oracle board, and what turning grouping off does on a small board.
 */
class MobilityGroupingTest {
    private static final Pattern BUILT = Pattern.compile("Built 1 zonelists, mobility grouping (on|off)\\.\\s+Total pages: (\\d+)");

    @TestFactory
    Stream<DynamicTest> totalPagesAndGroupingAgreeWithTheKernelOnEveryOracleBoard() {
        return OracleBoard.BOARDS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Matcher m = BUILT.matcher(OracleFiles.read(name, "dmesg.txt"));
            assertThat(m.find()).as("%s dmesg has the build_all_zonelists line", name).isTrue();
            Kernel k = Kernel.boot(ModelBoot.board(OracleBoard.load(name)));
            PageAllocator pa = k.pages();
            long total = MobilityGrouping.vmTotalPages(k.zones().orElseThrow().zones(), pa.layout().structPageSize(),
                    pa.layout().maxLowPfn());
            assertThat(total).as("%s vm_total_pages", name).isEqualTo(Long.parseLong(m.group(2)));
            assertThat(pa.mobilityGroupingDisabled()).as("%s mobility grouping off", name).isEqualTo(m.group(1).equals("off"));
        }));
    }

    @Test
    void belowSixPageblocksOfPagesGroupingIsOffAndNoRequestUsesCma() {
        // 40 MiB: about 9,800 pages, below pageblock_nr_pages * MIGRATE_TYPES = 12,288
        Kernel k = Kernel.boot(Board.virt(40L << 20));
        PageAllocator pa = k.pages();
        assertThat(pa.mobilityGroupingDisabled()).isTrue();
        long cmaBefore = pa.zone(ZoneType.DMA).freeCmaPages();
        assertThat(cmaBefore).as("the 16 MiB CMA area").isPositive();
        Result r = k.apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 4, 0));
        long pfn = pa.layout().pageToPfn(r.value());
        assertThat(pa.zone(ZoneType.DMA).freeCmaPages()).as("CMA untouched: gfp_migratetype is Unmovable").isEqualTo(cmaBefore);
        assertThat(pa.pageblockMigratetype(pfn)).as("the stolen pageblock").isEqualTo(MigrateType.UNMOVABLE);
        assertThat(k.check()).isEmpty();
        assertThat(k.checkComplete()).isEmpty();
    }

    @Test
    void withSixPageblocksOrMoreGroupingStaysOnAndMovableRequestsMayUseCma() {
        Kernel k = Kernel.boot(Board.virt(40L << 20).withArgs("cma=4M"));
        assertThat(k.pages().mobilityGroupingDisabled()).isTrue();
        Kernel big = Kernel.boot(Board.virt(64L << 20));
        assertThat(big.pages().mobilityGroupingDisabled()).isFalse();
        long cmaBefore = big.pages().zone(ZoneType.DMA).freeCmaPages();
        // more than half the free pages must be CMA for __rmqueue to take CMA first; fill the rest
        for (int i = 0; i < 40 && big.pages().zone(ZoneType.DMA).freeCmaPages() == cmaBefore; i++) {
            big.apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 8, 0));
        }
        assertThat(big.pages().zone(ZoneType.DMA).freeCmaPages()).as("a Movable request reached CMA").isLessThan(cmaBefore);
    }
}
