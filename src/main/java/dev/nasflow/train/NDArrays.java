package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** Small array helpers shared by the blocks. */
final class NDArrays {
    private NDArrays() {
    }

    static NDArray concat(NDList parts, int axis) {
        return parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(parts, axis);
    }

    /** Sum of the arrays (not in place: an input may be aliased by an identity op); null when none. */
    static NDArray sum(NDArray acc, NDArray term) {
        return acc == null ? term : acc.add(term);
    }
}
