package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.nasflow.space.DartsSpace;

import java.util.List;

/**
 * One DARTS cell (docs/SPACES.md, "darts"): preprocess s0 (FactorizedReduce after a reduction cell, else
 * ReLU-Conv1×1-BN) and s1 (ReLU-Conv1×1-BN) to C channels; node i = op1(state in1) + op2(state in2), ops at stride 2
 * on the cell inputs (states 0, 1) of a reduction cell; output = concat of the intermediate nodes.
 */
final class DartsCell {
    final Block pre0;
    final Block pre1;
    final int[][] inputs;
    final Block[][] ops;
    final boolean reduction;
    final int c;

    DartsCell(List<DartsSpace.Node> nodes, int cpp, int cp, int c, boolean reduction, boolean reductionPrev) {
        this.c = c;
        this.reduction = reduction;
        pre0 = reductionPrev ? new FactorizedReduce(cpp, c) : Layers.reluConvBn(c, 1, 1);
        pre1 = Layers.reluConvBn(c, 1, 1);
        inputs = new int[nodes.size()][];
        ops = new Block[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            DartsSpace.Node n = nodes.get(i);
            inputs[i] = new int[] {n.input1(), n.input2()};
            ops[i] = new Block[] {
                    Layers.cellOp(n.op1(), c, reduction && n.input1() < 2 ? 2 : 1),
                    Layers.cellOp(n.op2(), c, reduction && n.input2() < 2 ? 2 : 1)};
        }
    }

    /** Registers the cell's blocks as children of {@code parent} under {@code prefix}. */
    void register(DartsNet parent, String prefix) {
        parent.child(prefix + "_pre0", pre0);
        parent.child(prefix + "_pre1", pre1);
        for (int i = 0; i < ops.length; i++) {
            parent.child(prefix + "_node" + i + "_op1", ops[i][0]);
            parent.child(prefix + "_node" + i + "_op2", ops[i][1]);
        }
    }

    NDArray forward(ParameterStore ps, NDArray s0, NDArray s1, boolean training) {
        NDArray[] states = new NDArray[2 + ops.length];
        states[0] = Composite.run(pre0, ps, s0, training);
        states[1] = Composite.run(pre1, ps, s1, training);
        NDList out = new NDList();
        for (int i = 0; i < ops.length; i++) {
            NDArray a = Composite.run(ops[i][0], ps, states[inputs[i][0]], training);
            NDArray b = Composite.run(ops[i][1], ps, states[inputs[i][1]], training);
            states[2 + i] = a.add(b);
            out.add(states[2 + i]);
        }
        return NDArrays.concat(out, 1);
    }

    /** Initializes the blocks for inputs of shapes s0, s1; returns the output shape. */
    Shape init(NDManager manager, DataType dataType, Shape s0, Shape s1) {
        Shape p0 = Composite.init(pre0, manager, dataType, s0);
        Shape p1 = Composite.init(pre1, manager, dataType, s1);
        Shape node = Composite.strided(p1, c, reduction ? 2 : 1);
        for (int i = 0; i < ops.length; i++) {
            for (int k = 0; k < 2; k++) {
                Shape in = inputs[i][k] == 0 ? p0 : inputs[i][k] == 1 ? p1 : node;
                Composite.init(ops[i][k], manager, dataType, in);
            }
        }
        return outputShape(s1);
    }

    Shape outputShape(Shape s1) {
        return Composite.strided(s1, (long) ops.length * c, reduction ? 2 : 1);
    }
}
