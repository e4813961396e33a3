package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/** The {@code none} op: zeros of the output shape (stride 1 or 2), no parameters, no gradient. */
final class Zero extends Composite {
    private final int stride;

    Zero(int stride) {
        this.stride = stride;
    }

    int stride() {
        return stride;
    }

    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        Shape s = outputShape(x.getShape());
        return x.getManager().zeros(s, x.getDataType(), x.getDevice());
    }

    @Override
    protected Shape outputShape(Shape in) {
        return strided(in, in.get(1), stride);
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
    }
}
