package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Base of nasflow's composite DJL blocks: single-input, single-output (NCHW) blocks whose children are initialized
 * with the shapes the parent computes ({@link #initializeChildBlocks}). Subclasses implement {@link #apply} and the
 * shape arithmetic; helpers run a child on one array.
 */
abstract class Composite extends AbstractBlock {
    protected Composite() {
        super((byte) 1);
    }

    /** The block's function on one NCHW array. */
    protected abstract NDArray apply(ParameterStore ps, NDArray x, boolean training);

    /** Output shape for one input shape. */
    protected abstract Shape outputShape(Shape in);

    /** Initializes every child with the shape it sees given this block's input shape. */
    protected abstract void initChildren(NDManager manager, DataType dataType, Shape in);

    @Override
    protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                           PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {outputShape(inputShapes[0])};
    }

    @Override
    protected final void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        initChildren(manager, dataType, inputShapes[0]);
    }

    /** Runs {@code b} on {@code x}. */
    static NDArray run(Block b, ParameterStore ps, NDArray x, boolean training) {
        return b.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /** Initializes {@code b} for input {@code in}, returns its output shape. */
    static Shape init(Block b, NDManager manager, DataType dataType, Shape in) {
        b.initialize(manager, dataType, in);
        return b.getOutputShapes(new Shape[] {in})[0];
    }

    static Shape withChannels(Shape s, long c) {
        return new Shape(s.get(0), c, s.get(2), s.get(3));
    }

    /** The NCHW shape after a layer of stride {@code stride} ("same" padding: ceil(h / stride)). */
    static Shape strided(Shape s, long c, int stride) {
        return new Shape(s.get(0), c, (s.get(2) + stride - 1) / stride, (s.get(3) + stride - 1) / stride);
    }
}
