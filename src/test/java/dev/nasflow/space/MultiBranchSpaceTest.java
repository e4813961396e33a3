package dev.nasflow.space;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiBranchSpaceTest {
    /** 2 blocks of 2 paths, 2 stages (stride 2 at block floor(2/2) = 1), stem 8, widths 8/16, default ops. */
    private static MultiBranchSpace small() {
        return (MultiBranchSpace) Spaces.create(new SpaceSpec("multi-branch", null, null, 8, null, 2, null, null,
                List.of(8, 16), null, null, 2, 2, null));
    }

    @Test
    void costOfTwoGenomesByHand() {
        MultiBranchSpace s = small();
        InputShape in = new InputShape(3, 8, 8, 10);
        // stem Conv3x3 3->8: 216 + BN 16 = 232 params, 13,824 MACs
        // block 0 (stride 1, 8 -> 16): input ReLU-Conv1x1-BN 8->16 @8x8: 128 + 32, MACs 8,192;
        //   skip_connect free; nor_conv_3x3 on 16: 2,304 + 32, MACs 2,304*64 = 147,456;
        //   concat 32 ch -> ReLU-Conv1x1-BN 32->16: 512 + 32, MACs 32,768   -> 3,040 params, 188,416 MACs
        // block 1 (stride 2, 16 -> 16, out 4x4): no input projection; none free;
        //   sep_conv_3x3 s2 on 16: 2 x (dw 144 + pw 256 + BN 32) = 864, 2 x 400*16 = 12,800 MACs; add free
        // head BN(16) 32, Linear 16->10: 170 params, 160 MACs
        // params 232 + 3,040 + 864 + 32 + 170 = 4,338; FLOPs 13,824 + 188,416 + 12,800 + 160 = 215,200
        Genome m = s.parse("w16/concat/nor_conv_3x3+skip_connect|w16/add/sep_conv_3x3+none");
        assertEquals("w16/concat/skip_connect+nor_conv_3x3|w16/add/none+sep_conv_3x3", s.canonical(m));
        assertEquals(new Cost(4_338, 215_200), s.cost(m, in));
        // block 0 (8 -> 8): nor_conv_1x1 64 + 16 = 80, MACs 4,096; avg_pool free; add
        // block 1 (8 -> 16, stride 2): input projection at 8x8: 160, 8,192 MACs;
        //   2 x skip_connect at stride 2 = FactorizedReduce 16->16: 2 x (128 + 128 + 32) = 576, 2 x 256*16 = 8,192;
        //   concat ReLU-Conv1x1-BN 32->16 @4x4: 544, 512*16 = 8,192        -> 1,280 params, 24,576 MACs
        // head BN(16) 32 + Linear 170 = 202, 160 MACs
        // params 232 + 80 + 1,280 + 202 = 1,794; FLOPs 13,824 + 4,096 + 24,576 + 160 = 42,656
        Genome n = s.parse("w8/add/nor_conv_1x1+avg_pool_3x3|w16/concat/skip_connect+skip_connect");
        assertEquals(new Cost(1_794, 42_656), s.cost(n, in));
    }

    @Test
    void sizeCountsPathMultisetsWithoutTheAllNoneBlock() {
        MultiBranchSpace def = (MultiBranchSpace) Spaces.byId("multi-branch");
        // 6 ops, 3 paths: C(8, 3) = 56 multisets, minus all-none = 55; x 3 widths x 2 merges = 330 per block; 6 blocks
        assertEquals(BigInteger.valueOf(330).pow(6), def.size());
        SearchSpace s = Spaces.create(new SpaceSpec("multi-branch", null,
                List.of("none", "skip_connect", "nor_conv_3x3"), 8, null, 1, null, null, List.of(8), null, null, 2, 2,
                null));
        // per block: 1 width x 2 merges x (C(4, 2) - 1 = 5) = 10; 2 blocks -> 100
        assertEquals(BigInteger.valueOf(100), s.size());
        Set<Genome> seen = new HashSet<>();
        for (Iterator<Genome> it = s.enumerate(); it.hasNext(); ) {
            assertTrue(seen.add(it.next()));
        }
        assertEquals(100, seen.size());
    }

    @Test
    void randomIsUniformOverPathMultisets() {
        SearchSpace s = Spaces.create(new SpaceSpec("multi-branch", null,
                List.of("none", "skip_connect", "nor_conv_3x3"), 8, null, 1, null, null, List.of(8), null, null, 1, 2,
                List.of("add")));
        // valid blocks: {none,skip}, {none,conv}, {skip,skip}, {skip,conv}, {conv,conv}: each ~1/5
        Map<String, Integer> counts = new HashMap<>();
        Random rng = new Random(8);
        for (int i = 0; i < 10_000; i++) {
            counts.merge(s.canonical(s.random(rng)), 1, Integer::sum);
        }
        assertEquals(5, counts.size());
        counts.values().forEach(c -> assertTrue(Math.abs(c - 2_000) < 200, counts.toString()));
    }

    @Test
    void blocksOfOnlyNoneAndUnsortedPathsAreViolations() {
        MultiBranchSpace s = small();
        Genome g = s.parse("w16/concat/nor_conv_3x3+skip_connect|w16/add/sep_conv_3x3+none");
        int[] c = g.choices();
        c[4 + 2] = 0;
        c[4 + 3] = 0; // block 1: none + none
        List<String> v = s.violations(new Genome(s.id(), c));
        assertEquals(1, v.size());
        assertTrue(v.get(0).startsWith("block 1: every path is 'none'"), v.get(0));
        c = g.choices();
        c[2] = 3;
        c[3] = 1; // block 0: nor_conv_3x3 before skip_connect
        assertFalse(s.isValid(new Genome(s.id(), c)));
        assertTrue(s.violations(new Genome(s.id(), c)).get(0).contains("sort them"));
    }

    @Test
    void decodeExposesTheBlocks() {
        MultiBranchSpace s = small();
        List<MultiBranchSpace.Block> b = s.decode(s.parse("w8/add/nor_conv_1x1+avg_pool_3x3|w16/concat/skip_connect+none"));
        assertEquals(new MultiBranchSpace.Block(8, "add", List.of("nor_conv_1x1", "avg_pool_3x3"), 1), b.get(0));
        assertEquals(new MultiBranchSpace.Block(16, "concat", List.of("none", "skip_connect"), 2), b.get(1));
    }

    @Test
    void parseErrorsNameTheBadPart() {
        MultiBranchSpace s = small();
        String ok = "w16/concat/nor_conv_3x3+skip_connect|";
        assertMessage(s, "w16/concat/nor_conv_3x3+skip_connect", "1 block(s)");
        assertMessage(s, ok + "w16/add/none+none", "block 1: every path is 'none'");
        assertMessage(s, ok + "w16/add/conv9x9+none", "block 1: op 'conv9x9' is not in this space");
        assertMessage(s, ok + "w17/add/skip_connect+none", "block 1: width 17 is not in this space; use one of [8, 16]");
        assertMessage(s, ok + "16/add/skip_connect+none", "block 1: width field '16' must look like w8");
        assertMessage(s, ok + "w16/mul/skip_connect+none", "block 1: merge 'mul'");
        assertMessage(s, ok + "w16/add/skip_connect", "block 1: 1 path op(s)");
        assertMessage(s, ok + "w16/add", "block 1: 'w16/add' must look like w<width>/<merge>/<op>+<op>");
    }

    private static void assertMessage(SearchSpace s, String arch, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.parse(arch));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
