package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.function.UnaryOperator;

/**
 * A parameter-free layer (activation, pool) with an analytic output shape. DJL's own activation and pool blocks are
 * {@code LambdaBlock}s that run the function on zeros to learn their output shape, which makes initializing deep
 * networks slow; these do not.
 */
final class Fn extends Composite {
    private final String name;
    private final UnaryOperator<NDArray> f;
    private final UnaryOperator<Shape> shape;

    Fn(String name, UnaryOperator<NDArray> f, UnaryOperator<Shape> shape) {
        this.name = name;
        this.f = f;
        this.shape = shape;
    }

    /** A shape-preserving element-wise function. */
    static Fn elementwise(String name, UnaryOperator<NDArray> f) {
        return new Fn(name, f, UnaryOperator.identity());
    }

    String name() {
        return name;
    }

    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return f.apply(x);
    }

    @Override
    protected Shape outputShape(Shape in) {
        return shape.apply(in);
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
    }

    @Override
    public String toString() {
        return name;
    }
}
