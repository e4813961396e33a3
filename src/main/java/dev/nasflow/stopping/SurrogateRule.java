package dev.nasflow.stopping;

import java.util.Optional;

/**
 * Surrogate-based stopping: stop a candidate that the surrogate predicts to end clearly below the best finished
 * candidate. The prediction comes from a {@link PredictionSource}: in the stopper service, the candidate prediction the
 * surrogate service published after this very epoch (learning-curve model: architecture + curve so far → final value,
 * with its spread), oriented so larger is better.
 *
 * <p>For a point of candidate {@code c} at epoch {@code t} with target {@code T}: nothing happens while
 * {@code t < gracePeriod} or {@code t >= T}. With a finite prediction and at least {@code minTrials} (default 1)
 * finished references at epoch {@code T}: stop iff {@code mean < best - |best| * (1 - threshold)} (=
 * {@code best * threshold} for a positive best), the same margin as the curve rule; the reason cites the prediction
 * (mean, std, and its source: candidate, epoch, model version, finished candidates it learnt from, quality). Without a
 * prediction (the surrogate has not learnt enough yet, is not running, or was late), the rule falls back to the
 * median rule with its defaults ({@link #FALLBACK}) and says so in the reason.
 */
public final class SurrogateRule implements StoppingRule {
    private final PredictionSource source;
    private final int gracePeriod;
    private final int minTrials;
    private final double threshold;
    /** The fallback without a prediction: the median rule with its defaults (gracePeriod 4, minTrials 3). */
    static final MedianStoppingRule FALLBACK = new MedianStoppingRule(4, 3, false);

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
        String arch = store.archHash(p.candidateId()).orElse(p.archHash());
        CurvePoint q = arch == null || arch.equals(p.archHash()) ? p
                : new CurvePoint(p.searchId(), p.candidateId(), t, target, p.value(), arch);
        Optional<Prediction> pred = source.predict(q);
        if (pred.isEmpty() || !Double.isFinite(pred.get().mean())) {
            String why = pred.isEmpty() ? source.whyNone(q) : "the prediction is not finite";
            return FALLBACK.onEpoch(p, store).map(v -> new StopVerdict(v.searchId(), v.candidateId(), v.epoch(),
                    name(), "no surrogate prediction (" + why + "): median fallback: " + v.reason()));
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
        String from = pred.get().source() == null ? " for arch " + arch : " (" + pred.get().source() + ")";
        String reason = "surrogate predicts " + Num.fmt(mean) + " +/- " + Num.fmt(pred.get().std()) + from + " < " + Num.fmt(threshold) + " x best final " + Num.fmt(ref.value()) + " = " + Num.fmt(cut)
                + " (" + ref.count() + " finished) at epoch " + t;
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    @Override
    public String toString() {
        return "surrogate(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", threshold=" + threshold + ")";
    }
}
