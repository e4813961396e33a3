package dev.nasflow.stopping;

/**
 * A surrogate's prediction of a candidate's final primary metric (oriented so that larger is better, at the
 * candidate's target fidelity) with its standard deviation ({@code 0} when the model gives none), and where it comes
 * from ({@code source}, cited in a stop decision's reason; null when not said).
 */
public record Prediction(double mean, double std, String source) {
    public Prediction {
        if (!(std >= 0) && !Double.isNaN(std)) {
            throw new IllegalArgumentException("std: must be >= 0, got " + std);
        }
    }

    public Prediction(double mean, double std) {
        this(mean, std, null);
    }
}
