package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/** Identity ({@code skip_connect} at stride 1, identity shortcuts). Returns its input array itself. */
final class Identity extends Composite {
    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return x;
    }

    @Override
    protected Shape outputShape(Shape in) {
        return in;
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
    }
}
