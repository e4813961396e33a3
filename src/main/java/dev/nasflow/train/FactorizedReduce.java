package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/**
 * DARTS FactorizedReduce(cin → cout), stride 2 (docs/SPACES.md): ReLU; {@code a = Conv1×1(cin → ⌊cout/2⌋, s2)(x)};
 * {@code b = Conv1×1(cin → cout − ⌊cout/2⌋, s2)(x′)} with x′ = x shifted by one pixel (pad one zero row / column at the
 * bottom / right, drop the first row and column); concat(a, b) along channels; BN(cout). Both halves are ceil(h/2).
 */
final class FactorizedReduce extends Composite {
    private final Block convA;
    private final Block convB;
    private final Block bn;
    private final int cout;

    FactorizedReduce(int cin, int cout) {
        this.cout = cout;
        int half = cout / 2;
        convA = addChildBlock("conv_1", Layers.conv(half, 1, 2));
        convB = addChildBlock("conv_2", Layers.conv(cout - half, 1, 2));
        bn = addChildBlock("bn", Layers.bn());
    }

    Block convA() {
        return convA;
    }

    Block convB() {
        return convB;
    }

    Block bn() {
        return bn;
    }

    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray r = Activation.relu(x);
        NDArray a = run(convA, ps, r, training);
        NDArray shifted = shift(r);
        NDArray b = run(convB, ps, shifted, training);
        return run(bn, ps, NDArrays.concat(new NDList(a, b), 1), training);
    }

    /** {@code F.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:]}. */
    static NDArray shift(NDArray x) {
        return x.pad(new Shape(0, 1, 0, 1), 0).get(":, :, 1:, 1:");
    }

    @Override
    protected Shape outputShape(Shape in) {
        return strided(in, cout, 2);
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
        init(convA, manager, dataType, in);
        init(convB, manager, dataType, in);
        init(bn, manager, dataType, outputShape(in));
    }
}
