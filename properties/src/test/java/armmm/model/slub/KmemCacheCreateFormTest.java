package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Result;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.ScenarioException;
import armmm.scenario.ScenarioWriter;
import org.junit.jupiter.api.Test;

/**
 * The scenario form {@code kmem_cache_create NAME SIZE ALIGN FLAGS [ctor] -> $c}: it prints as it
 * parses (names quoted when they need it, flags as {@code SLAB_*} names, {@code ctor} only when
 * there is one), replays, and malformed lines are one-line errors at their column.
 */
class KmemCacheCreateFormTest {

    @Test
    void aCallPrintsAsTheScenarioLineThatBuildsIt() {
        assertThat(new SlubOp.KmemCacheCreate("foo", 100, 0, SlabFlags.SLAB_HWCACHE_ALIGN | SlabFlags.SLAB_ACCOUNT, true))
                .hasToString("kmem_cache_create foo 100 0 SLAB_HWCACHE_ALIGN|SLAB_ACCOUNT ctor");
        assertThat(new SlubOp.KmemCacheCreate("my cache", 64, 8, 0, false)).hasToString("kmem_cache_create \"my cache\" 64 8 0");
        assertThat(new SlubOp.KmemCacheCreate("", 64, 0, 0x40000000, false)).hasToString("kmem_cache_create \"\" 64 0 0x40000000");
    }

    @Test
    void aWrittenScenarioReplaysWithTheSameHandlesAndMerges() {
        ScenarioWriter w = new ScenarioWriter();
        StringBuilder text = new StringBuilder("board ram=64M cpus=2\n");
        SlubOp[] calls = {new SlubOp.KmemCacheCreate("a b", 200, 0, SlabFlags.SLAB_RECLAIM_ACCOUNT, false),
            new SlubOp.KmemCacheCreate("c", 199, 0, SlabFlags.SLAB_TEMPORARY, false),
            new SlubOp.KmemCacheCreate("d", 200, 0, SlabFlags.SLAB_POISON, true)};
        // handles as a kernel with these calls gives them: the second merges into the first
        Result[] results = {Result.of(39), Result.of(39), Result.of(40)};
        for (int i = 0; i < calls.length; i++) {
            text.append(w.line(calls[i], results[i])).append('\n');
        }
        assertThat(text.toString()).contains("kmem_cache_create \"a b\" 200 0 SLAB_RECLAIM_ACCOUNT -> $k1\n")
                .contains("kmem_cache_create c 199 0 SLAB_RECLAIM_ACCOUNT -> $k2\n")
                .contains("kmem_cache_create d 200 0 SLAB_POISON ctor -> $k3\n");
        text.append("expect $k1 == $k2\nexpect cache[$k1].refcount == 2\nexpect cache[$k1].object_size == 200\n")
                .append("expect $k3 != $k1\n");
        RunReport r = Runner.run(Parser.parse("w.scn", text.toString()));
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(4);
    }

    @Test
    void malformedCallsAreErrorsAtTheirColumn() {
        assertThatThrownBy(() -> Parser.parse("x.scn", "board ram=64M\nkmem_cache_create -> $c\n"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("a name is missing")
                .satisfies(e -> assertThat(((ScenarioException) e).column()).isEqualTo(19));
        assertThatThrownBy(() -> Parser.parse("x.scn", "board ram=64M\nkmem_cache_create foo 64 0 SLAB_NOSUCH\n"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("unknown value 'SLAB_NOSUCH'")
                .satisfies(e -> assertThat(((ScenarioException) e).column()).isEqualTo(28));
        assertThatThrownBy(() -> Parser.parse("x.scn", "board ram=64M\nkmem_cache_create foo 64 0 0 ctr\n"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("unexpected 'ctr'");
        assertThatThrownBy(() -> Parser.parse("x.scn", "board ram=64M\nkmem_cache_create foo 64\n"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("NAME NUMBER NUMBER FLAGS [ctor]");
    }

    @Test
    void refusalsAreTheKernelsAndAZeroSizeIsTheModelsFinding() {
        RunReport r = Runner.run(Parser.parse("r.scn", """
                board ram=64M
                expect-fail kmem_cache_create k 64 0 SLAB_KMALLOC
                expect-fail kmem_cache_create huge SZ_16M 0 0
                expect-finding kmem_cache_create z 0 0 0
                kmem_cache_create zc 0 0 0 ctor -> $c
                expect cache[$c].size == 8
                """));
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(4);
    }
}
