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

class ChainSpaceTest {
    /** 3 layers, 2 stages (stride 2 at layer floor(3/2) = 1), stem 8 channels, skip on. */
    private static ChainSpace small() {
        return (ChainSpace) Spaces.create(new SpaceSpec("chain", null, null, 8, null, 2, 3, List.of(3, 5),
                List.of(8, 16, 32), List.of("relu", "gelu", "silu", "tanh"), true, null, null, null));
    }

    @Test
    void strideTwoAtFixedFractionsOfDepth() {
        ChainSpace def = (ChainSpace) Spaces.byId("chain");
        // 8 layers, 3 stages: floor(8/3) = 2, floor(16/3) = 5
        for (int i = 0; i < 8; i++) {
            assertEquals(i == 2 || i == 5 ? 2 : 1, def.stride(i), "layer " + i);
        }
        assertEquals(2, small().stride(1));
    }

    @Test
    void costOfTwoGenomesByHand() {
        ChainSpace s = small();
        InputShape in = new InputShape(3, 8, 8, 10);
        // stem Conv3x3 3->8: 216 + BN 16 = 232 params, 216*64 = 13,824 MACs
        // L0 conv k3 8->16 @8x8: 1,152 + BN 32; MACs 1,152*64 = 73,728; skip with 8 != 16: Conv1x1 128 + BN 32,
        //    MACs 128*64 = 8,192                                               -> 1,344 params, 81,920 MACs
        // L1 sepconv k5 16->16, stride 2 -> 4x4: dw 400 + BN 32 + pw 256 + BN 32 = 720; MACs (400+256)*16 = 10,496;
        //    skip at stride 2 needs Conv1x1 16->16 s2: 256 + BN 32, MACs 4,096 -> 1,008 params, 14,592 MACs
        // L2 mbconv3 k3 16->32 @4x4, E = 48: expand 768 + BN 96, dw 432 + BN 96, project 1,536 + BN 64 = 2,992;
        //    MACs (768 + 432 + 1,536)*16 = 43,776; noskip
        // head Linear 32->10: 330 params, 320 MACs
        // params 232 + 1,344 + 1,008 + 2,992 + 330 = 5,906; FLOPs 13,824 + 81,920 + 14,592 + 43,776 + 320 = 154,432
        Genome p = s.parse("conv/k3/w16/relu/skip|sepconv/k5/w16/gelu/skip|mbconv3/k3/w32/silu/noskip");
        assertEquals(new Cost(5_906, 154_432), s.cost(p, in));
        // L0 conv k3 8->8 @8x8: 576 + 16 = 592, MACs 36,864; skip is the identity (same shape): free
        // L1 mbconv6 k5 8->8, stride 2, E = 48: expand at the input resolution 384 (MACs 384*64 = 24,576) + BN 96,
        //    dw k5 s2 1,200 (MACs 1,200*16 = 19,200) + BN 96, project 384 (MACs 6,144) + BN 16 = 2,176, 49,920 MACs;
        //    skip at stride 2: Conv1x1 8->8 64 + BN 16 = 80, 1,024 MACs      -> 2,256 params, 50,944 MACs
        // L2 conv k3 8->8 @4x4: 592, MACs 576*16 = 9,216
        // head Linear 8->10: 90 params, 80 MACs
        // params 232 + 592 + 2,256 + 592 + 90 = 3,762; FLOPs 13,824 + 36,864 + 50,944 + 9,216 + 80 = 110,928
        Genome q = s.parse("conv/k3/w8/relu/skip|mbconv6/k5/w8/tanh/skip|conv/k3/w8/relu/noskip");
        assertEquals(new Cost(3_762, 110_928), s.cost(q, in));
    }

    @Test
    void decodeExposesTheLayers() {
        ChainSpace s = small();
        List<ChainSpace.Layer> l = s.decode(s.parse("conv/k3/w16/relu/skip|sepconv/k5/w16/gelu/skip"
                + "|mbconv3/k3/w32/silu/noskip"));
        assertEquals(new ChainSpace.Layer("sepconv", 5, 16, "gelu", true, 2), l.get(1));
        assertEquals(new ChainSpace.Layer("mbconv3", 3, 32, "silu", false, 1), l.get(2));
    }

    @Test
    void smallSpaceEnumeratesExactlyItsSize() {
        SearchSpace s = Spaces.create(new SpaceSpec("chain", null, List.of("conv", "sepconv"), 8, null, 1, 2,
                List.of(3), List.of(8, 16), List.of("relu"), true, null, null, null));
        // per layer: 2 ops x 1 kernel x 2 widths x 1 activation x 2 skip = 8; 2 layers -> 64
        assertEquals(BigInteger.valueOf(64), s.size());
        Set<Genome> seen = new HashSet<>();
        for (Iterator<Genome> it = s.enumerate(); it.hasNext(); ) {
            assertTrue(seen.add(it.next()));
        }
        assertEquals(64, seen.size());
    }

    @Test
    void withoutSkipTheStringHasFourFields() {
        SearchSpace s = Spaces.create(new SpaceSpec("chain", null, List.of("conv"), 8, null, 1, 2, List.of(3),
                List.of(8), List.of("relu"), false, null, null, null));
        Genome g = s.random(new java.util.Random(1));
        assertEquals("conv/k3/w8/relu|conv/k3/w8/relu", s.canonical(g));
        assertEquals(2 * 4, s.decisions().size());
    }

    @Test
    void parseErrorsNameTheBadPart() {
        ChainSpace s = small();
        String ok = "conv/k3/w16/relu/skip|sepconv/k5/w16/gelu/skip|";
        assertMessage(s, "conv/k3/w16/relu/skip", "1 layer(s)");
        assertMessage(s, ok + "mbconv9/k3/w32/silu/noskip", "layer 2: op 'mbconv9' is not in this space");
        assertMessage(s, ok + "mbconv3/k7/w32/silu/noskip", "layer 2: kernel 7 is not in this space; use one of [3, 5]");
        assertMessage(s, ok + "mbconv3/3/w32/silu/noskip", "layer 2: kernel field '3' must look like k3");
        assertMessage(s, ok + "mbconv3/k3/w33/silu/noskip", "layer 2: width 33");
        assertMessage(s, ok + "mbconv3/k3/w32/mish/noskip", "layer 2: activation 'mish'");
        assertMessage(s, ok + "mbconv3/k3/w32/silu/maybe", "layer 2: skip flag 'maybe'");
        assertMessage(s, ok + "mbconv3/k3/w32/silu", "layer 2: 'mbconv3/k3/w32/silu' must have 5 fields");
    }

    private static void assertMessage(SearchSpace s, String arch, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.parse(arch));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
