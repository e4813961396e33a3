package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Parallel branches on one input, merged by element-wise sum ({@code add}: residual blocks, multi-branch add) or by
 * channel concatenation ({@code concat}). {@link Zero} branches are skipped in a sum (they add nothing).
 */
final class Branches extends Composite {
    private final List<Block> branches = new ArrayList<>();
    private final boolean concat;

    Branches(boolean concat) {
        this.concat = concat;
    }

    List<Block> branches() {
        return branches;
    }

    boolean concat() {
        return concat;
    }

    Branches add(Block b) {
        branches.add(addChildBlock("branch" + branches.size(), b));
        return this;
    }

    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        if (concat) {
            NDList parts = new NDList();
            for (Block b : branches) {
                parts.add(run(b, ps, x, training));
            }
            return NDArrays.concat(parts, 1);
        }
        NDArray sum = null;
        for (Block b : branches) {
            if (!(b instanceof Zero)) {
                sum = NDArrays.sum(sum, run(b, ps, x, training));
            }
        }
        return sum == null ? run(branches.get(0), ps, x, training) : sum;
    }

    @Override
    protected Shape outputShape(Shape in) {
        Shape first = branches.get(0).getOutputShapes(new Shape[] {in})[0];
        if (!concat) {
            return first;
        }
        long c = 0;
        for (Block b : branches) {
            c += b.getOutputShapes(new Shape[] {in})[0].get(1);
        }
        return withChannels(first, c);
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
        for (Block b : branches) {
            init(b, manager, dataType, in);
        }
    }
}
