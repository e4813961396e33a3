package dev.nasflow.strategy;

import dev.nasflow.space.Genome;

import java.util.List;

/**
 * An external performance predictor a surrogate-guided strategy may consult instead of its own model (the live
 * surrogate service). Returns one estimate per genome of the pool, in order, or null when it cannot answer (then the
 * strategy uses its own predictor).
 */
@FunctionalInterface
public interface Predictor {
    record Estimate(double mean, double std) {
    }

    List<Estimate> predict(List<Genome> pool);
}
