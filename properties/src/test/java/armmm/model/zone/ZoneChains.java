package armmm.model.zone;

import armmm.model.subsystem.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.properties.World;
import java.util.stream.Collectors;

/**
 * The zone sysctl writes as chain actions, with values in and out of each sysctl's bounds
 * (kernel/sysctl.c {@code vm_table}), for any chain over a booted kernel.
 */
public final class ZoneChains {
    private ZoneChains() {
    }

    private static Gen<Op> write(String path, Gen<String> text) {
        return text.map(t -> new ZoneOp.Sysctl(path, t));
    }

    /** {@code chain} with the five zone sysctl writes added, each of weight {@code weight}. */
    public static ChainSpec.Builder<World, Op> withSysctlCalls(ChainSpec.Builder<World, Op> chain, int weight) {
        return chain
                .action("sysctl vm.min_free_kbytes", weight, w -> write("vm.min_free_kbytes",
                        Gens.ints(-2, 20000).map(String::valueOf)))
                .action("sysctl vm.watermark_scale_factor", weight, w -> write("vm.watermark_scale_factor",
                        Gens.ints(0, 3001).map(String::valueOf)))
                .action("sysctl vm.lowmem_reserve_ratio", Math.max(1, weight * 2 / 3), w -> write("vm.lowmem_reserve_ratio",
                        Gens.listsOfSize(Gens.ints(-1, 512), 4).map(r -> r.stream().map(String::valueOf)
                                .collect(Collectors.joining(" ")))))
                .action("sysctl vm.percpu_pagelist_high_fraction", Math.max(1, weight * 2 / 3),
                        w -> write("vm.percpu_pagelist_high_fraction", Gens.ints(0, 64).map(String::valueOf)))
                .action("sysctl vm.watermark_boost_factor", Math.max(1, weight / 2),
                        w -> write("vm.watermark_boost_factor", Gens.ints(-1, 30000).map(String::valueOf)));
    }
}
