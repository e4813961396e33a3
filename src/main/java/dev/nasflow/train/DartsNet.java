package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;

import java.util.ArrayList;
import java.util.List;

/**
 * The DARTS CIFAR network without auxiliary head (docs/SPACES.md): stem Conv3×3(c_in → 3C)-BN, {@code layers} cells
 * fed by the two previous states, reduction cells doubling C, global average pool, Linear.
 */
final class DartsNet extends Composite {
    private final Block stem;
    private final List<DartsCell> cells = new ArrayList<>();
    private final Block head;

    DartsNet(DartsSpace space, Genome g, InputShape input, int channels) {
        int cStem = DartsSpace.STEM_MULTIPLIER * channels;
        stem = child("stem", new ai.djl.nn.SequentialBlock().add(Layers.conv(cStem, 3, 1)).add(Layers.bn()));
        List<DartsSpace.Node> normal = space.cell(g, false);
        List<DartsSpace.Node> reduce = space.cell(g, true);
        int cpp = cStem;
        int cp = cStem;
        int c = channels;
        boolean reductionPrev = false;
        for (int l = 0; l < space.layers(); l++) {
            boolean reduction = space.isReduction(l);
            if (reduction) {
                c *= 2;
            }
            DartsCell cell = new DartsCell(reduction ? reduce : normal, cpp, cp, c, reduction, reductionPrev);
            cell.register(this, "cell" + l);
            cells.add(cell);
            cpp = cp;
            cp = space.nodes() * c;
            reductionPrev = reduction;
        }
        head = child("classifier", Layers.linear(input.classes()));
    }

    Block stem() {
        return stem;
    }

    List<DartsCell> cells() {
        return cells;
    }

    Block head() {
        return head;
    }

    <B extends Block> B child(String name, B b) {
        return addChildBlock(name, b);
    }

    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray s0 = run(stem, ps, x, training);
        NDArray s1 = s0;
        for (DartsCell cell : cells) {
            NDArray next = cell.forward(ps, s0, s1, training);
            s0 = s1;
            s1 = next;
        }
        return run(head, ps, Layers.gap(s1), training);
    }

    @Override
    protected Shape outputShape(Shape in) {
        return head.getOutputShapes(new Shape[] {new Shape(in.get(0), lastChannels(in))})[0];
    }

    private long lastChannels(Shape in) {
        Shape s0 = stem.getOutputShapes(new Shape[] {in})[0];
        Shape s1 = s0;
        for (DartsCell cell : cells) {
            Shape next = cell.outputShape(s1);
            s0 = s1;
            s1 = next;
        }
        return s1.get(1);
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
        Shape s0 = init(stem, manager, dataType, in);
        Shape s1 = s0;
        for (DartsCell cell : cells) {
            Shape next = cell.init(manager, dataType, s0, s1);
            s0 = s1;
            s1 = next;
        }
        init(head, manager, dataType, new Shape(in.get(0), s1.get(1)));
    }
}
