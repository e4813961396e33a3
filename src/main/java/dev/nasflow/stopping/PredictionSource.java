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
     * The prediction made from exactly epoch {@code p.epoch()} of the candidate's curve: not one from a later epoch
     * (which {@link #predict(CurvePoint)} may return), so that a rule can record, per epoch, what was predicted then
     * (the {@code pareto} rule with {@code estimate: surrogate} calibrates running candidates' predictions by those of
     * finished ones). Default: none.
     */
    default Optional<Prediction> predictFrom(CurvePoint p) {
        return Optional.empty();
    }

    /**
     * The <em>current</em> model's prediction for the candidate of point {@code p} from its curve truncated at
     * {@code p.epoch()} (running, stopped or finished): what the surrogate rule ranks a rung's competitors by, all
     * with the same model version. Default: none (a source that cannot re-predict, e.g. the stopper reading the
     * surrogate service's published predictions; the rule then ranks by the values at the rung, like ASHA).
     */
    default Optional<Prediction> repredict(CurvePoint p) {
        return Optional.empty();
    }

    /**
     * The model's measured rank quality at epoch {@code p.epoch()}: on the same finished candidates, the Kendall tau
     * of the predictions made from that epoch and of the values observed there, each against the final values.
     * Default: not measured (the rule then ranks a rung by the observed values).
     */
    default Optional<RankQualityAt> rankQuality(CurvePoint p) {
        return Optional.empty();
    }

    /** Rank quality at one epoch: tau of the predictions and of the observed values, on {@code n} finished candidates. */
    record RankQualityAt(int epoch, double tauPredicted, double tauObserved, int n) {
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
