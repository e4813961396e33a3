package dev.nasflow.stopping;

import java.util.Optional;

/**
 * Surrogate-based stopping: stop a candidate whose architecture the surrogate predicts to end clearly below the
 * best finished candidate. The prediction comes from a {@link PredictionSource} (architecture hash to mean/std of
 * the final value, oriented so larger is better, at the candidate's target fidelity).
 *
 * <p>For a point of candidate {@code c} at epoch {@code t} with target {@code T}: nothing happens while
 * {@code t < gracePeriod} or {@code t >= T}, when c's architecture hash is unknown, when the source has no finite
 * prediction for it, or with fewer than {@code minTrials} (default 1) finished references at epoch {@code T}.
 * Otherwise stop iff {@code mean < best - |best| * (1 - threshold)} (= {@code best * threshold} for a positive
 * best), the same margin as the curve rule; the standard deviation is only reported in the reason.
 */
public final class SurrogateRule implements StoppingRule {
    private final PredictionSource source;
    private final int gracePeriod;
    private final int minTrials;
    private final double threshold;

    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold) {
        if (source == null) {
            throw new IllegalArgumentException("stopping.rule: surrogate needs a PredictionSource "
                    + "(the surrogate service's predictions); pass one to StoppingRules.create");
        }
        PredictionRules.checkArgs(gracePeriod, minTrials, threshold);
        this.source = source;
        this.gracePeriod = gracePeriod;
        this.minTrials = minTrials;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "surrogate";
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        int t = p.epoch();
        int target = p.targetEpochs();
        if (t < gracePeriod || t >= target) {
            return Optional.empty();
        }
        Optional<String> arch = store.archHash(p.candidateId());
        if (arch.isEmpty()) {
            return Optional.empty();
        }
        Optional<Prediction> pred = source.predict(arch.get());
        if (pred.isEmpty() || !Double.isFinite(pred.get().mean())) {
            return Optional.empty();
        }
        CurveStore.Reference ref = store.bestFinal(target);
        if (ref.count() < Math.max(1, minTrials)) {
            return Optional.empty();
        }
        double cut = Num.cutoff(ref.value(), threshold);
        double mean = pred.get().mean();
        if (!(mean < cut)) {
            return Optional.empty();
        }
        String reason = "surrogate predicts " + Num.fmt(mean) + " +/- " + Num.fmt(pred.get().std()) + " for arch "
                + arch.get() + " < " + Num.fmt(threshold) + " x best final " + Num.fmt(ref.value()) + " = "
                + Num.fmt(cut) + " (" + ref.count() + " finished) at epoch " + t;
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    @Override
    public String toString() {
        return "surrogate(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", threshold=" + threshold + ")";
    }
}
