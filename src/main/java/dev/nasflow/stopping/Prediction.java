package dev.nasflow.stopping;

/**
 * A surrogate's prediction of a candidate's final primary metric (oriented so that larger is better, at the
 * candidate's target fidelity) with its standard deviation ({@code 0} when the model gives none), where it comes
 * from ({@code source}, cited in a stop decision's reason; null when not said), and the degrees of freedom of its
 * predictive distribution: Student's t with {@code dof} degrees of freedom and scale {@code std} when the model
 * estimated its noise from few results, a normal when {@code dof} is infinite (the default); and how many finished
 * candidates (a warm start's prior curves included) the model had learnt from ({@code trainedOn}, {@code -1} when not
 * said).
 */
public record Prediction(double mean, double std, String source, double dof, int trainedOn) {
    public Prediction {
        if (!(std >= 0) && !Double.isNaN(std)) {
            throw new IllegalArgumentException("std: must be >= 0, got " + std);
        }
        if (!(dof > 0)) {
            throw new IllegalArgumentException("dof: must be > 0 (infinite = normal), got " + dof);
        }
        if (trainedOn < -1) {
            throw new IllegalArgumentException("trainedOn: must be >= 0 (-1 = not said), got " + trainedOn);
        }
    }

    public Prediction(double mean, double std, String source, double dof) {
        this(mean, std, source, dof, -1);
    }

    public Prediction(double mean, double std, String source) {
        this(mean, std, source, Double.POSITIVE_INFINITY);
    }

    public Prediction(double mean, double std) {
        this(mean, std, null);
    }

    /**
     * The one-sided quantile at {@code confidence} of the predictive distribution in units of {@code std}: the
     * normal's {@code z}, or Student's t with {@link #dof()} degrees of freedom.
     */
    public double quantile(double confidence) {
        return Double.isInfinite(dof) ? Num.normalQuantile(confidence) : Num.studentQuantile(confidence, dof);
    }
}
