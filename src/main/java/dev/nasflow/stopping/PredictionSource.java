package dev.nasflow.stopping;

import java.util.Optional;

/**
 * Where the surrogate rule reads predictions from. The stopper service backs it with the candidate predictions of the
 * surrogate service ({@code nasflow.surrogate-predictions}, latest per candidate, see {@link PredictionFeed}); the
 * stopping benchmark with a {@link dev.nasflow.surrogate.CurveSurrogate} fed by the simulation; tests with a map.
 * Implementations must answer from memory (no blocking I/O) and return values oriented so that larger is better.
 */
@FunctionalInterface
public interface PredictionSource {
    /** The latest predicted final value of an architecture. */
    Optional<Prediction> predict(String archHash);

    /**
     * The predicted final value of the candidate of point {@code p}, made from its curve up to {@code p.epoch()}
     * (default: by its architecture hash).
     */
    default Optional<Prediction> predict(CurvePoint p) {
        return p.archHash() == null ? Optional.empty() : predict(p.archHash());
    }

    /**
     * The prediction of the candidate of point {@code p} made from its curve up to exactly {@code p.epoch()} (not a
     * later one): what the surrogate rule ranks a rung's competitors by (default: {@link #predict(CurvePoint)}).
     */
    default Optional<Prediction> predictedAt(CurvePoint p) {
        return predict(p);
    }

    /** Why {@link #predict(CurvePoint)} has nothing for {@code p} (cited in the fallback decision's reason). */
    default String whyNone(CurvePoint p) {
        return "no prediction available";
    }

    /** A source that knows nothing. */
    static PredictionSource none() {
        return h -> Optional.empty();
    }
}
