package dev.nasflow.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.nasflow.space.InputShape;

/**
 * What the jobs of a supernet in training share ({@link SupernetSession} builds it once): the network, the manager
 * that owns its arrays (every step, evaluation and derivation works in a sub-manager of it, closed afterwards), the
 * parameter store forward passes read from, the image shape and the training recipe (batch sizes).
 */
record SupernetParts(Supernet net, NDManager manager, ParameterStore ps, InputShape input, Recipe recipe) {
    /** The NCHW shape of a batch of {@code n} images. */
    Shape batchShape(int n) {
        return new Shape(n, input.channels(), input.height(), input.width());
    }
}
