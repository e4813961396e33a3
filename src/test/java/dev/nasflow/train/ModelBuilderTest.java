package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.space.SpaceSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DJL network of a genome has exactly the analytic parameter count of its space, for every space family. */
class ModelBuilderTest {

    /** Builds, initializes and counts; runs a forward of batch 2 when {@code forward}, checking the logits' shape. */
    static void assertParity(SearchSpace space, Genome g, InputShape in, boolean forward) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block b = ModelBuilder.build(space, g, in);
            b.initialize(m, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
            long expected = space.cost(g, in).params();
            assertEquals(expected, ModelBuilder.trainableParams(b), space.id() + " " + space.canonical(g));
            Shape out = b.getOutputShapes(new Shape[] {new Shape(2, in.channels(), in.height(), in.width())})[0];
            assertEquals(new Shape(2, in.classes()), out);
            if (forward) {
                try (NDManager batch = m.newSubManager()) {
                    NDArray x = batch.randomNormal(new Shape(2, in.channels(), in.height(), in.width()));
                    NDArray y = b.forward(new ParameterStore(batch, false), new NDList(x), false).singletonOrThrow();
                    assertEquals(new Shape(2, in.classes()), y.getShape(), space.canonical(g));
                    assertTrue(y.isInfinite().logicalOr(y.isNaN()).none().getBoolean(), "finite logits");
                }
            }
        }
    }

    static List<Genome> genomes(SearchSpace space, int n, long seed) {
        Random rng = new Random(seed);
        List<Genome> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(space.random(rng));
        }
        return out;
    }

    @Test
    void nb201MatchesPublishedCounts() {
        CellSpace s = CellSpace.nb201();
        Genome allConv = s.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        Genome none = s.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        assertParity(s, allConv, InputShape.CIFAR10, false);
        assertParity(s, none, InputShape.CIFAR10, true);
        for (Genome g : genomes(s, 4, 1)) {
            assertParity(s, g, InputShape.CIFAR10, false);
        }
    }

    @Test
    void cellSpaceWithEveryOp() {
        SearchSpace s = Spaces.create(new SpaceSpec("cell", 3, List.of("none", "skip_connect", "nor_conv_1x1",
                "nor_conv_3x3", "avg_pool_3x3", "max_pool_3x3", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3",
                "dil_conv_5x5"), 4, 1, 3, null, null, null, null, null, null, null, null));
        for (Genome g : genomes(s, 6, 2)) {
            assertParity(s, g, InputShape.FASHION_MNIST, true);
        }
    }

    @Test
    void dartsV2AndRandomCells() {
        DartsSpace darts = DartsSpace.darts();
        Genome v2 = darts.parse("normal=sep_conv_3x3~0,sep_conv_3x3~1|sep_conv_3x3~0,sep_conv_3x3~1|"
                + "skip_connect~0,sep_conv_3x3~1|skip_connect~0,dil_conv_3x3~2;reduce=max_pool_3x3~0,max_pool_3x3~1|"
                + "max_pool_3x3~1,skip_connect~2|max_pool_3x3~0,skip_connect~2|max_pool_3x3~1,skip_connect~2");
        DartsSpace paper = new DartsSpace("darts-eval", 4, DartsSpace.DARTS_OPS, 36, 6, 3);
        Genome v2paper = new Genome(paper.id(), v2.choices());
        assertEquals(3_349_342L, paper.cost(v2paper, InputShape.CIFAR10).params());
        assertParity(paper, v2paper, InputShape.CIFAR10, false);
        assertParity(darts, v2, InputShape.CIFAR10, false);
        DartsSpace small = new DartsSpace("darts-small", 3, DartsSpace.DARTS_OPS, 4, 1, 3);
        for (Genome g : genomes(small, 4, 3)) {
            assertParity(small, g, InputShape.FASHION_MNIST, true);
            assertParity(darts, genomes(darts, 1, g.hashCode()).get(0), InputShape.CIFAR10, false);
        }
    }

    @Test
    void chainSpace() {
        SearchSpace def = Spaces.create(new SpaceSpec("chain", null, null, null, null, null, null, null, null, null,
                null, null, null, null));
        for (Genome g : genomes(def, 4, 4)) {
            assertParity(def, g, InputShape.CIFAR10, false);
        }
        SearchSpace small = Spaces.create(new SpaceSpec("chain", null, List.of("conv", "sepconv", "mbconv3",
                "mbconv6"), 8, null, 3, 5, List.of(1, 3, 5), List.of(4, 8), List.of("relu", "relu6", "leaky_relu",
                "elu", "selu", "gelu", "silu", "mish", "tanh", "sigmoid"), true, null, null, null));
        for (Genome g : genomes(small, 6, 5)) {
            assertParity(small, g, InputShape.FASHION_MNIST, true);
        }
    }

    @Test
    void multiBranchSpace() {
        SearchSpace def = Spaces.create(new SpaceSpec("multi-branch", null, null, null, null, null, null, null, null,
                null, null, null, null, null));
        for (Genome g : genomes(def, 4, 6)) {
            assertParity(def, g, InputShape.CIFAR10, false);
        }
        SearchSpace small = Spaces.create(new SpaceSpec("multi-branch", null, List.of("none", "skip_connect",
                "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "max_pool_3x3", "sep_conv_3x3", "sep_conv_5x5",
                "dil_conv_3x3", "dil_conv_5x5"), 8, null, 3, null, null, List.of(4, 8), null, null, 4, 3,
                List.of("add", "concat")));
        for (Genome g : genomes(small, 6, 7)) {
            assertParity(small, g, InputShape.FASHION_MNIST, true);
        }
    }
}
