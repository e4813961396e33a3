package dev.nasflow.space;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DartsSpaceTest {
    private final DartsSpace darts = DartsSpace.darts();

    /** DARTS_V2 from the DARTS repository's genotypes.py, pairs as listed there (parse sorts them by input). */
    private static final String DARTS_V2 = "normal=sep_conv_3x3~0,sep_conv_3x3~1|sep_conv_3x3~0,sep_conv_3x3~1"
            + "|sep_conv_3x3~1,skip_connect~0|skip_connect~0,dil_conv_3x3~2"
            + ";reduce=max_pool_3x3~0,max_pool_3x3~1|skip_connect~2,max_pool_3x3~1"
            + "|max_pool_3x3~0,skip_connect~2|skip_connect~2,max_pool_3x3~1";

    /** One intermediate node, C = 4, one normal cell per stage, 2 stages: layers normal, reduce, normal. */
    private static DartsSpace tiny() {
        return (DartsSpace) Spaces.create(new SpaceSpec("darts", 1, null, 4, 1, 2,
                null, null, null, null, null, null, null, null));
    }

    @Test
    void dartsV2MatchesThePublishedParameterCount() {
        // The DARTS paper's evaluation network (C = 36, 20 layers = 3 stages x 6 normal cells + 2 reductions) with
        // DARTS_V2 has 3,349,342 parameters without the auxiliary head (train.py logs "param size = 3.349342MB").
        DartsSpace eval = (DartsSpace) Spaces.create(new SpaceSpec("darts", null, null, 36, 6, null,
                null, null, null, null, null, null, null, null));
        assertEquals(20, eval.layers());
        assertTrue(eval.isReduction(6) && eval.isReduction(13) && !eval.isReduction(7) && !eval.isReduction(20));
        Cost c = eval.cost(eval.parse(DARTS_V2), InputShape.CIFAR10);
        assertEquals(3_349_342, c.params());
        assertEquals(528_359_040, c.flops()); // ~528M MACs, the figure usually quoted for DARTS on CIFAR-10
    }

    @Test
    void canonicalSortsPairsByInput() {
        Genome g = darts.parse(DARTS_V2);
        String s = darts.canonical(g);
        assertTrue(s.startsWith("normal=sep_conv_3x3~0,sep_conv_3x3~1|sep_conv_3x3~0,sep_conv_3x3~1"
                + "|skip_connect~0,sep_conv_3x3~1|skip_connect~0,dil_conv_3x3~2;reduce="), s);
        assertEquals(g, darts.parse(s));
        List<DartsSpace.Node> normal = darts.cell(g, false);
        assertEquals(new DartsSpace.Node(0, "skip_connect", 2, "dil_conv_3x3"), normal.get(3));
    }

    @Test
    void costOfTwoTinyGenomesByHand() {
        DartsSpace s = tiny();
        assertEquals(3, s.layers());
        // Input 3x8x8, 10 classes. Stem Conv3x3 3->12: 324 params + BN 24; MACs 324*64 = 20,736.
        // Layer 0, normal, C=4 @8x8: preprocess0 ReLU-Conv1x1-BN 12->4: 48+8 = 56, MACs 3,072; preprocess1 the same.
        //   sep_conv_3x3~0: 2 x (dw 36 + pw 16 + BN 8) = 120 params, 2 x 52*64 = 6,656 MACs
        //   dil_conv_3x3~1: 36 + 16 + 8 = 60 params, 3,328 MACs            -> 292 params, 16,128 MACs
        // Layer 1, reduce, C=8, out 4x4: pre0 12->8 @8x8: 96+16 = 112, 6,144; pre1 4->8 @8x8: 32+16 = 48, 2,048
        //   skip_connect~0 at stride 2 = FactorizedReduce 8->8: 8*4 + 8*4 + BN 16 = 80, 64*16 = 1,024 MACs
        //   max_pool_3x3~1: free                                             -> 240 params, 9,216 MACs
        // Layer 2, normal, C=8 @4x4: pre0 FactorizedReduce 4->8: 16 + 16 + 16 = 48, 32*16 = 512;
        //   pre1 8->8: 64+16 = 80, 1,024; sep_conv_3x3: 2 x (72 + 64 + 16) = 304, 2 x 136*16 = 4,352;
        //   dil_conv_3x3: 152, 2,176                                         -> 584 params, 8,064 MACs
        // Linear 8->10: 90 params, 80 MACs.
        // params 348 + 292 + 240 + 584 + 90 = 1,554; FLOPs 20,736 + 16,128 + 9,216 + 8,064 + 80 = 54,224
        InputShape in = new InputShape(3, 8, 8, 10);
        assertEquals(new Cost(1_554, 54_224),
                s.cost(s.parse("normal=sep_conv_3x3~0,dil_conv_3x3~1;reduce=skip_connect~0,max_pool_3x3~1"), in));
        // Layer 0: pre 56 + 56 (6,144 MACs); skip_connect at stride 1 and avg_pool free -> 112, 6,144
        // Layer 1: pre 112 + 48 (8,192); sep_conv_5x5~0 stride 2: 2 x (dw 200 + pw 64 + BN 16) = 560,
        //   2 x 264*16 = 8,448; dil_conv_5x5~1 stride 2: 280, 4,224            -> 1,000 params, 20,864 MACs
        // Layer 2: pre 48 + 80 (1,536); skip + avg_pool free                   -> 128 params, 1,536 MACs
        // params 348 + 112 + 1,000 + 128 + 90 = 1,678; FLOPs 20,736 + 6,144 + 20,864 + 1,536 + 80 = 49,360
        assertEquals(new Cost(1_678, 49_360),
                s.cost(s.parse("normal=skip_connect~0,avg_pool_3x3~1;reduce=sep_conv_5x5~0,dil_conv_5x5~1"), in));
    }

    @Test
    void sizeCountsDistinctOrderedInputPairs() {
        // per cell: node i picks C(i+2, 2) input pairs and 7 x 7 ops: (1 * 3 * 6 * 10) * 7^8; two cells
        BigInteger cell = BigInteger.valueOf(180).multiply(BigInteger.valueOf(7).pow(8));
        assertEquals(cell.pow(2), darts.size());
        assertTrue(darts.size().compareTo(darts.productSize()) < 0);
    }

    @Test
    void smallSpaceEnumeratesExactlyItsSize() {
        DartsSpace s = (DartsSpace) Spaces.create(new SpaceSpec("darts", 2, List.of("skip_connect", "sep_conv_3x3"), 4,
                1, 1, null, null, null, null, null, null, null, null));
        // per cell: node0 1 pair x 4 op pairs, node1 3 pairs x 4 -> 48; squared 2,304
        assertEquals(BigInteger.valueOf(2_304), s.size());
        Set<String> seen = new HashSet<>();
        for (Iterator<Genome> it = s.enumerate(); it.hasNext(); ) {
            assertTrue(seen.add(s.canonical(it.next())));
        }
        assertEquals(2_304, seen.size());
    }

    @Test
    void randomIsUniformOverInputPairs() {
        // node 3 has C(5,2) = 10 input pairs; each should come up ~10% of the time
        int[] counts = new int[25];
        Random rng = new Random(4);
        int idx = (3 * 4); // normal node 3 input1 decision
        for (int i = 0; i < 20_000; i++) {
            Genome g = darts.random(rng);
            counts[g.choice(idx) * 5 + g.choice(idx + 2)]++;
        }
        int pairs = 0;
        for (int a = 0; a < 5; a++) {
            for (int b = 0; b < 5; b++) {
                if (a < b) {
                    pairs++;
                    assertTrue(Math.abs(counts[a * 5 + b] - 2_000) < 250, a + "," + b + ": " + counts[a * 5 + b]);
                } else {
                    assertEquals(0, counts[a * 5 + b]);
                }
            }
        }
        assertEquals(10, pairs);
    }

    @Test
    void equalOrUnsortedInputsAreViolations() {
        Genome g = darts.parse(DARTS_V2);
        int[] c = g.choices();
        c[2] = c[0]; // normal node 0: input2 = input1
        List<String> v = darts.violations(new Genome("darts", c));
        assertEquals(1, v.size());
        assertTrue(v.get(0).contains("normal node 0") && v.get(0).contains("distinct"), v.get(0));
        c = g.choices();
        c[0] = 1;
        c[2] = 0;
        v = darts.violations(new Genome("darts", c));
        assertTrue(v.get(0).contains("increasing order"), v.get(0));
    }

    @Test
    void noneIsOnlyForOneShotMixedOps() {
        DartsSpace s = (DartsSpace) Spaces.create(new SpaceSpec("darts", null,
                List.of("none", "max_pool_3x3", "skip_connect", "sep_conv_3x3"), null, null, null,
                null, null, null, null, null, null, null, null));
        assertEquals(List.of("none", "max_pool_3x3", "skip_connect", "sep_conv_3x3"), s.mixedOps());
        assertEquals(List.of("max_pool_3x3", "skip_connect", "sep_conv_3x3"), s.ops());
        assertFalse(s.decisions().stream().anyMatch(d -> d.options().contains("none")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.parse(
                "normal=none~0,skip_connect~1|skip_connect~0,skip_connect~1|skip_connect~0,skip_connect~1"
                        + "|skip_connect~0,skip_connect~1;reduce=skip_connect~0,skip_connect~1|skip_connect~0,"
                        + "skip_connect~1|skip_connect~0,skip_connect~1|skip_connect~0,skip_connect~1"));
        assertTrue(e.getMessage().startsWith("normal node 0: 'none' is only a one-shot"), e.getMessage());
    }

    @Test
    void parseErrorsNameTheBadPart() {
        String cell = "sep_conv_3x3~0,sep_conv_3x3~1|sep_conv_3x3~0,sep_conv_3x3~1|sep_conv_3x3~1,skip_connect~0"
                + "|skip_connect~0,dil_conv_3x3~2";
        assertMessage("normal=" + cell, "2 cells separated by ';'");
        assertMessage("reduce=" + cell + ";normal=" + cell, "must start with 'normal='");
        assertMessage("normal=" + cell + ";reduce=sep_conv_3x3~0,sep_conv_3x3~1", "reduce cell has 1 node group");
        assertMessage("normal=" + cell.replace("dil_conv_3x3~2", "conv_9x9~2") + ";reduce=" + cell,
                "normal node 3: unknown op 'conv_9x9'");
        assertMessage("normal=" + cell.replace("dil_conv_3x3~2", "dil_conv_3x3~6") + ";reduce=" + cell,
                "normal node 3: input 6 out of range 0..4");
        assertMessage("normal=" + cell + ";reduce=" + cell.replace("sep_conv_3x3~1,skip_connect~0",
                "sep_conv_3x3~1,skip_connect~1"), "reduce node 2: both inputs are 1");
        assertMessage("normal=" + cell + ";reduce=" + cell.replace("|skip_connect~0,dil_conv_3x3~2", "|skip_connect~0"),
                "reduce node 3: 'skip_connect~0' must be two op~input pairs");
        assertMessage("normal=" + cell + ";reduce=" + cell.replace("~2", "~x"), "input 'x' is not a number");
    }

    private void assertMessage(String arch, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> darts.parse(arch));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
