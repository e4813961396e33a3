package dev.nasflow.space;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpacesTest {
    private static SpaceSpec type(String t) {
        return new SpaceSpec(t, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void presetsGetShortIdsAndDefaults() {
        assertEquals("nb201", Spaces.create(SpaceSpec.nb201()).id());
        assertEquals("nb201", Spaces.create(type("cell")).id(), "the default cell space is NAS-Bench-201");
        DartsSpace d = assertInstanceOf(DartsSpace.class, Spaces.create(type("darts")));
        assertEquals("darts", d.id());
        assertEquals(List.of(4, 16, 2, 3), List.of(d.nodes(), d.channels(), d.cellsPerStage(), d.stages()));
        assertEquals(DartsSpace.DARTS_OPS, d.ops());
        ChainSpace c = assertInstanceOf(ChainSpace.class, Spaces.create(type("chain")));
        assertEquals("chain", c.id());
        assertEquals(8, c.layers());
        assertEquals(List.of("relu", "gelu", "silu"), c.activations());
        assertTrue(c.skip());
        MultiBranchSpace m = assertInstanceOf(MultiBranchSpace.class, Spaces.create(type("multi-branch")));
        assertEquals("multi-branch", m.id());
        assertEquals(List.of(6, 3), List.of(m.blocks(), m.paths()));
        // preset sizes quoted in docs/SPACES.md
        assertEquals(java.math.BigInteger.valueOf(144).pow(8), c.size()); // 4 ops x 2 kernels x 3 widths x 3 acts x 2
        assertEquals(java.math.BigInteger.valueOf(330).pow(6), m.size());
        assertEquals(java.math.BigInteger.valueOf(15_625), Spaces.byId("nb201").size());
        for (String id : List.of("nb201", "darts", "chain", "multi-branch")) {
            assertEquals(id, Spaces.byId(id).id());
            assertSame(Spaces.byId(id), Spaces.byId(id));
        }
    }

    @Test
    void customSpacesGetFullIdsThatByIdRebuilds() {
        SearchSpace s = Spaces.create(new SpaceSpec("chain", null, List.of("conv", "sepconv"), null, null, 2, 4,
                List.of(3), List.of(16, 32), List.of("relu", "swish"), false, null, null, null));
        assertEquals("chain(layers=4;ops=conv,sepconv;kernels=3;widths=16,32;activations=relu,silu;skip=false;"
                + "channels=16;stages=2)", s.id());
        SearchSpace back = Spaces.byId(s.id());
        assertEquals(s.decisions(), back.decisions());
        assertEquals(s.canonical(s.random(new java.util.Random(1))), back.canonical(back.random(new java.util.Random(1))));
        assertEquals("cell(nodes=3;ops=none,skip_connect;channels=16;cellsPerStage=5;stages=3)",
                Spaces.create(new SpaceSpec("cell", 3, List.of("none", "skip_connect"), null, null, null, null, null,
                        null, null, null, null, null, null)).id());
        assertEquals("darts(nodes=4;ops=max_pool_3x3,avg_pool_3x3,skip_connect,sep_conv_3x3,sep_conv_5x5,dil_conv_3x3,"
                + "dil_conv_5x5;channels=36;cellsPerStage=6;stages=3)", Spaces.create(new SpaceSpec("darts", null, null,
                36, 6, null, null, null, null, null, null, null, null, null)).id());
        assertEquals("multi-branch(blocks=6;paths=2;ops=none,skip_connect,nor_conv_1x1,nor_conv_3x3,sep_conv_3x3,"
                + "avg_pool_3x3;merge=add,concat;widths=16,32,64;channels=16;stages=3)", Spaces.create(new SpaceSpec(
                "multi-branch", null, null, null, null, null, null, null, null, null, null, null, 2, null)).id());
    }

    @Test
    void byIdRejectsUnknownAndNonCanonicalIds() {
        assertThrows(IllegalArgumentException.class, () -> Spaces.byId("nb101"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spaces.byId("cell")).getMessage()
                .contains("'nb201'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spaces.byId("chain(layers=4)")).getMessage()
                .contains("not in canonical form"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spaces.byId("chain(depth=4)")).getMessage()
                .contains("bad part 'depth=4'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spaces.byId("chain(layers=x)")).getMessage()
                .contains("layers value 'x' is not an integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spaces.byId("chain(layers=0)")).getMessage()
                .contains("space.layers: 0 is out of range"));
    }

    @Test
    void problemsStartWithTheFieldPathAndSayTheFix() {
        assertProblems(null, "space: missing; add a space section");
        assertProblems(type(null), "space.type: missing; set one of [nb201, cell, darts, chain, multi-branch]");
        assertProblems(type("NB201"), "space.type: unknown space type 'NB201' (did you mean 'nb201'?)");
        assertProblems(type("multi_branch"), "space.type: unknown space type 'multi_branch' (did you mean "
                + "'multi-branch'?)");
        assertProblems(new SpaceSpec("nb201", 5, null, null, null, null, null, null, null, null, null, null, null,
                null), "space.nodes: not used by type 'nb201'; remove it (it is the fixed NAS-Bench-201 space (use "
                + "type 'cell'");
        assertProblems(new SpaceSpec("cell", null, List.of("none", "skip_connect", "conv9x9"), null, null, null, null,
                null, null, null, null, null, null, null), "space.ops[2]: unknown op 'conv9x9'; known: [none, "
                + "skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3, max_pool_3x3, sep_conv_3x3, sep_conv_5x5, "
                + "dil_conv_3x3, dil_conv_5x5]");
        assertProblems(new SpaceSpec("cell", null, List.of("sep-conv-3x3"), null, null, null, null, null, null, null,
                null, null, null, null), "space.ops[0]: unknown op 'sep-conv-3x3' (did you mean 'sep_conv_3x3'?)");
        assertProblems(new SpaceSpec("cell", 9, null, null, null, null, null, null, null, null, null, null, null,
                null), "space.nodes: 9 is out of range; cell nodes (node 0 = input, last = output) must be 2..6");
        assertProblems(new SpaceSpec("cell", null, List.of(), null, null, null, null, null, null, null, null, null,
                null, null), "space.ops: empty; list at least one op");
        assertProblems(new SpaceSpec("cell", null, Arrays.asList("none", null), null, null, null, null, null, null,
                null, null, null, null, null), "space.ops[1]: null; give a op name");
        assertProblems(new SpaceSpec("darts", null, List.of("skip_connect", "sep_conv_3x3", "skip_connect"), null,
                null, null, null, null, null, null, null, null, null, null),
                "space.ops[2]: duplicate 'skip_connect'; list each op once");
        assertProblems(new SpaceSpec("darts", null, List.of("none"), null, null, null, null, null, null, null, null,
                null, null, null), "space.ops: only 'none'; a discrete DARTS cell needs real ops");
        assertProblems(new SpaceSpec("darts", null, null, 0, null, 7, 20, null, null, null, null, null, null, null),
                "space.layers: not used by type 'darts'; remove it (type 'darts' reads only [nodes, ops, channels, "
                        + "cellsPerStage, stages])",
                "space.channels: 0 is out of range; initial channels must be 1..1024",
                "space.stages: 7 is out of range; stages must be 1..6");
        assertProblems(new SpaceSpec("chain", null, List.of("conv", "resnet"), null, null, null, null, List.of(3, 4, 13),
                List.of(16, 0), List.of("relu", "softmax"), null, 3, null, null),
                "space.blocks: not used by type 'chain'",
                "space.ops[1]: unknown chain op 'resnet'; known: [conv, sepconv, mbconv3, mbconv6]",
                "space.kernels[2]: 13 is out of range; a kernel size must be 1..11",
                "space.kernels[1]: 4 is even; kernel sizes must be odd (1, 3, 5, ...) so 'same' padding keeps the "
                        + "spatial size; use 3 or 5",
                "space.widths[1]: 0 is out of range; a width must be 1..4096",
                "space.activations[1]: unknown activation 'softmax'");
        assertProblems(new SpaceSpec("chain", null, null, null, null, 4, 3, null, null, null, null, null, null, null),
                "space.stages: 4 stages need at least 4 layers (one stride-2 step between stages); lower stages or "
                        + "raise layers (now 3)");
        assertProblems(new SpaceSpec("multi-branch", null, List.of("none"), null, null, null, null, null, null, null,
                null, 2, 9, List.of("add", "mul")),
                "space.paths: 9 is out of range; paths per block must be 1..8",
                "space.ops: only 'none'; every block would cut the network",
                "space.merge[1]: unknown merge 'mul'; known: [add, concat]",
                "space.stages: 3 stages need at least 3 blocks");
    }

    private static void assertProblems(SpaceSpec spec, String... prefixes) {
        List<Spaces.Problem> problems = Spaces.check(spec);
        assertEquals(prefixes.length, problems.size(), problems.toString());
        for (String p : prefixes) {
            assertTrue(problems.stream().anyMatch(x -> x.toString().startsWith(p)), p + " not in " + problems);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Spaces.create(spec));
        assertTrue(e.getMessage().startsWith(problems.get(0).toString()), e.getMessage());
        assertTrue(e.getMessage().startsWith("space"), e.getMessage());
    }

    @Test
    void problemsHaveJsonPointers() {
        assertEquals("/space/ops/2", new Spaces.Problem("space.ops[2]", "x").pointer());
        assertEquals("/space/type", new Spaces.Problem("space.type", "x").pointer());
    }

    @Test
    void everyDefaultedSpecIsValid() {
        for (String t : Spaces.TYPES) {
            assertTrue(Spaces.check(type(t)).isEmpty(), t);
            assertEquals(Spaces.fieldsOf(t).isEmpty(), t.equals("nb201"));
        }
    }
}
