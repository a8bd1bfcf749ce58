package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The zone call as a scenario prints and runs it ({@code sysctl PATH TEXT}, spec/zones.md), and the
 * catalogue facts of a planted zone bug (the kernel commit "mm: limit boost_watermark on small
 * zones" and the invariant that must catch its reenactment).
 */
class ZoneOpAndBugTest {
    @Test
    void aSysctlCallPrintsAsTheScenarioSpellsIt() {
        ZoneOp.Sysctl op = new ZoneOp.Sysctl("vm.min_free_kbytes", "64");
        assertThat(op.name()).isEqualTo("sysctl");
        assertThat(op.args()).hasSize(2);
        assertThat(op.toString()).isEqualTo("sysctl vm.min_free_kbytes 64");
        ZoneOp.Sysctl empty = new ZoneOp.Sysctl(null, null);
        assertThat(empty.path()).isEmpty();
        assertThat(empty.text()).isEmpty();
        // a kernel without a board has no zones
        assertThat(Kernel.bare().apply(op)).isEqualTo(ZoneOp.NO_ZONES);
    }

    @Test
    void aPlantedBugNamesItsCommitAndItsInvariant() {
        assertThat(ZoneBug.ZONE_BOOST_SMALL_ZONE.facts().invariant()).isEqualTo("INV-BUDDY-07");
        assertThat(ZoneBug.ZONE_BOOST_SMALL_ZONE.facts().kernelCommit()).contains("mm: limit boost_watermark on small zones");
        for (ZoneBug b : ZoneBug.values()) {
            assertThat(b.facts().invariant()).as("%s", b).matches("INV-[A-Z]+-\\d\\d");
            assertThat(b.facts().summary()).as("%s", b).isNotBlank();
        }
    }
}
