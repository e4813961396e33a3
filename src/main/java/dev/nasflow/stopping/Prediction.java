package dev.nasflow.stopping;

/**
 * A surrogate's prediction of a candidate's final primary metric (oriented so that larger is better, at the
 * candidate's target fidelity) with its standard deviation ({@code 0} when the model gives none).
 */
public record Prediction(double mean, double std) {
    public Prediction {
        if (!(std >= 0) && !Double.isNaN(std)) {
            throw new IllegalArgumentException("std: must be >= 0, got " + std);
        }
    }
}
