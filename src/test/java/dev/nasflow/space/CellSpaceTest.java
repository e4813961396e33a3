package dev.nasflow.space;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellSpaceTest {
    private final CellSpace nb201 = CellSpace.nb201();

    private static final String ALL_NONE = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
    private static final String ALL_CONV3 =
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
    /** The best NB201 cell on CIFAR-10 (valid 200-epoch accuracy 91.61). */
    private static final String BEST =
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    @Test
    void enumerationCoversAll15625CellsOnce() {
        assertEquals(BigInteger.valueOf(15_625), nb201.size());
        Set<Genome> seen = new HashSet<>();
        Iterator<Genome> it = nb201.enumerate();
        while (it.hasNext()) {
            Genome g = it.next();
            assertTrue(nb201.isValid(g));
            assertTrue(seen.add(g));
        }
        assertEquals(15_625, seen.size());
    }

    @Test
    void allNoneCellsAreValidMembers() {
        Genome g = nb201.parse(ALL_NONE);
        assertTrue(nb201.isValid(g));
        assertEquals(ALL_NONE, nb201.canonical(g));
    }

    @Test
    void stableHashOfTheBestCell() {
        // sha256("nb201:" + BEST), first 8 bytes as hex; must never change (it keys dedup and compacted topics).
        assertEquals("ad3305ebb3de3781", nb201.hash(nb201.parse(BEST)));
    }

    @Test
    void oneHotAndPathEncodingOfAHandMadeCell() {
        // edges in order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2; ops none=0 skip=1 conv1x1=2 conv3x3=3 avgpool=4
        Genome g = nb201.parse("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|");
        double[] oh = nb201.oneHot(g);
        assertEquals(30, oh.length);
        assertOnes(oh, 3, 5 + 0, 10 + 1, 15 + 4, 20 + 0, 25 + 2);

        // Path encoding: non-none ops skip=0 conv1x1=1 conv3x3=2 avgpool=3; length 4 + 16 + 64 = 84.
        // Live input->output paths: 0->3 via avg_pool (length 1, code 3 -> bit 3);
        // 0->1->2->3 via conv3x3, skip, conv1x1 (length 3, offset 20, code 2*16 + 0*4 + 1 = 33 -> bit 53).
        // 0->2 and 1->3 are none, so 0->2->3, 0->1->3 and 0->2->... carry no path.
        double[] p = nb201.pathEncoding(g);
        assertEquals(84, p.length);
        assertOnes(p, 3, 53);
        assertEquals(0, java.util.Arrays.stream(nb201.pathEncoding(nb201.parse(ALL_NONE))).sum());
        // all conv3x3: paths 0-3 (len 1, code 2), 0-1-3, 0-2-3 (len 2, code 2*4+2=10 -> 14), 0-1-2-3 (len 3, code 42 -> 62)
        assertOnes(nb201.pathEncoding(nb201.parse(ALL_CONV3)), 2, 14, 62);
    }

    private static void assertOnes(double[] v, int... ones) {
        Set<Integer> expected = new HashSet<>();
        for (int i : ones) {
            expected.add(i);
        }
        for (int i = 0; i < v.length; i++) {
            assertEquals(expected.contains(i) ? 1.0 : 0.0, v[i], "bit " + i);
        }
    }

    @Test
    void costOfTheAllNoneCellOnCifar10() {
        // Only the skeleton costs (C = 16, 32x32x3 input, 10 classes):
        //   stem Conv3x3 3->16: 3*16*9 = 432 params, 432*32*32 = 442,368 MACs; BN(16): 32 params
        //   reduction 16->32 at 16x16 (256 positions):
        //     ReLU-Conv3x3 16->32 s2 + BN: 4,608 + 64; MACs 4,608*256 = 1,179,648
        //     ReLU-Conv3x3 32->32 + BN:    9,216 + 64; MACs 9,216*256 = 2,359,296
        //     shortcut AvgPool2x2 + Conv1x1 16->32: 512; MACs 512*256 = 131,072      -> 14,464 params
        //   reduction 32->64 at 8x8 (64 positions):
        //     18,432 + 128; MACs 1,179,648 | 36,864 + 128; MACs 2,359,296 | 2,048; MACs 131,072 -> 57,600 params
        //   last BN(64): 128; Linear 64->10: 640 + 10 = 650 params, 640 MACs
        //   params = 432 + 32 + 14,464 + 57,600 + 128 + 650 = 73,306
        //   FLOPs  = 442,368 + 1,179,648 + 2,359,296 + 131,072 + 1,179,648 + 2,359,296 + 131,072 + 640 = 7,783,040
        assertEquals(new Cost(73_306, 7_783_040), nb201.cost(nb201.parse(ALL_NONE), InputShape.CIFAR10));
    }

    @Test
    void costOfTheAllConv3x3CellIsTheNb201Maximum() {
        // Each nor_conv_3x3 at C: 9C^2 + 2C params and 9C^2 * HW MACs (9C^2*HW = 2,359,296 at 16@32x32, 32@16x16
        // and 64@8x8 alike). 6 edges x 5 cells per stage:
        //   stage 1: 30 * (2,304 + 32) = 70,080;  stage 2: 30 * (9,216 + 64) = 278,400;
        //   stage 3: 30 * (36,864 + 128) = 1,109,760  -> 1,458,240 + skeleton 73,306 = 1,531,546 (NB201: 1.53 MB)
        //   FLOPs: 90 * 2,359,296 = 212,336,640 + 7,783,040 = 220,119,680
        assertEquals(new Cost(1_531_546, 220_119_680), nb201.cost(nb201.parse(ALL_CONV3), InputShape.CIFAR10));
    }

    @Test
    void costOfTheBestCellAndOfAMixedCell() {
        // BEST: 5 conv3x3 + 1 skip per cell. params 5*5*(2,336 + 9,280 + 36,992) = 1,215,200 + 73,306 = 1,288,506
        //   FLOPs 5*5*3 * 2,359,296 = 176,947,200 + 7,783,040 = 184,730,240
        assertEquals(new Cost(1_288_506, 184_730_240), nb201.cost(nb201.parse(BEST), InputShape.CIFAR10));
        // 2 x conv1x1 (C^2 + 2C: 288, 1,088, 4,224; MACs C^2*HW = 262,144 at every stage) + 1 x conv3x3,
        // avg_pool / skip / none free:
        //   params 5*(2*288 + 2,336) + 5*(2*1,088 + 9,280) + 5*(2*4,224 + 36,992) = 14,560 + 57,280 + 227,200
        //        = 299,040 + 73,306 = 372,346
        //   FLOPs 15 * (2*262,144 + 2,359,296) = 43,253,760 + 7,783,040 = 51,036,800
        Genome mixed = nb201.parse("|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|");
        assertEquals(new Cost(372_346, 51_036_800), nb201.cost(mixed, InputShape.CIFAR10));
    }

    @Test
    void costOnFashionMnistUsesItsChannelsAndResolution() {
        // 1x28x28: stem 1*16*9 = 144 params (+32 BN), MACs 144*784 = 112,896; reductions at 14x14 (196) and 7x7 (49):
        //   4,608*196 + 9,216*196 + 512*196 = 903,168 + 1,806,336 + 100,352
        //   18,432*49 + 36,864*49 + 2,048*49 = 903,168 + 1,806,336 + 100,352; Linear 640
        //   params 73,306 - 432 + 144 = 73,018; FLOPs 5,733,248
        assertEquals(new Cost(73_018, 5_733_248), nb201.cost(nb201.parse(ALL_NONE), InputShape.FASHION_MNIST));
    }

    @Test
    void oddResolutionsRoundUpAtEveryReduction() {
        // 4 stages on 28x28: 28 -> 14 -> 7 -> 4 (ceil). One cell of one skip edge (nodes 2), C = 4:
        //   stem 3*4*9 = 108 (+8 BN), MACs 108*784 = 84,672
        //   red 4->8 @14x14: 288+16, 576+16, 32 -> 928 params; MACs (288+576+32)*196 = 175,616
        //   red 8->16 @7x7: 1,152+32, 2,304+32, 128 -> 3,648; MACs (1,152+2,304+128)*49 = 175,616
        //   red 16->32 @4x4: 4,608+64, 9,216+64, 512 -> 14,464; MACs (4,608+9,216+512)*16 = 229,376
        //   BN(32) 64; Linear 32->10 330 params, 320 MACs
        //   params 116 + 928 + 3,648 + 14,464 + 64 + 330 = 19,550; FLOPs 84,672 + 175,616*2 + 229,376 + 320 = 665,600
        SearchSpace s = Spaces.create(new SpaceSpec("cell", 2, List.of("skip_connect"), 4, 1, 4,
                null, null, null, null, null, null, null, null));
        assertEquals(new Cost(19_550, 665_600), s.cost(s.parse("|skip_connect~0|"), new InputShape(3, 28, 28, 10)));
    }

    @Test
    void smallCustomCellEnumeratesItsSize() {
        SearchSpace s = Spaces.create(new SpaceSpec("cell", 3, List.of("none", "skip_connect", "nor_conv_3x3"), 8, 1,
                2, null, null, null, null, null, null, null, null));
        assertEquals(BigInteger.valueOf(27), s.size());
        int n = 0;
        for (Iterator<Genome> it = s.enumerate(); it.hasNext(); it.next()) {
            n++;
        }
        assertEquals(27, n);
        // path encoding: 2 real ops, paths of length 1..2 -> 2 + 4 = 6
        assertEquals(6, s.pathEncoding(s.random(new java.util.Random(1))).length);
    }

    @Test
    void parseErrorsNameTheBadPart() {
        assertMessage("|nor_conv_3x3~0|+|conv9x9~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
                "node 2: unknown op 'conv9x9' on the edge from node 0; known: [none, skip_connect, ");
        assertMessage("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "2 node groups");
        assertMessage("|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
                "node 2 needs 2 inputs");
        assertMessage("|nor_conv_3x3~0|+|nor_conv_3x3~1|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|none~2|",
                "must come from node 0");
        assertMessage("|nor_conv_3x3|+|none~0|none~1|+|none~0|none~1|none~2|", "node 1: edge 'nor_conv_3x3' must look like op~source");
        assertMessage("nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", "must be wrapped in '|'");
        assertMessage("|nor_conv_3x3~0||+|none~0|none~1|+|none~0|none~1|none~2|", "node 1 needs 1 inputs");
        assertMessage("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|+", "4 node groups");
        assertMessage("  ", "empty");
    }

    private void assertMessage(String arch, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nb201.parse(arch));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
