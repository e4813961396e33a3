package dev.nasflow.stopping;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Surrogate-based stopping: the surrogate's predicted final values used two ways, both citing the prediction. The
 * prediction comes from a {@link PredictionSource}: in the stopper service, the candidate prediction the surrogate
 * service published after this very epoch (learning-curve model: architecture + curve so far → final value, with its
 * spread), oriented so larger is better.
 *
 * <p>For a point of candidate {@code c} at epoch {@code t} with target {@code T}: nothing happens while
 * {@code t < gracePeriod} or {@code t >= T}. With a finite prediction {@code (mean, std)}:
 * <ol>
 *   <li><b>cannot beat the best</b> (the learning-curve early-termination criterion of Domhan, Springenberg and
 *       Hutter, IJCAI 2015): with at least {@code minTrials} finished references at epoch {@code T}, stop iff the
 *       optimistic prediction {@code mean + z * std < best - |best| * (1 - threshold)} (= {@code best * threshold}
 *       for a positive best), {@code z} the standard normal quantile of {@code confidence} (0.95: z = 1.645, the
 *       predicted chance of ending above the cut-off is below 5 %; 0.5: the mean alone);</li>
 *   <li>with {@code eta >= 2} (spec: {@code rungs: true}), <b>successive halving on predictions</b> (ASHA's rungs, Li et al. 2020, ranked by predicted final value
 *       instead of the value at the rung): at a rung epoch {@code gracePeriod * eta^k < T}, the competitors are the
 *       candidates that reported that epoch (running, stopped or finished), each scored by the mean of its
 *       prediction made from that same epoch ({@link PredictionSource#predictedAt}; one without is left out), like
 *       {@code c}; with {@code n >= minTrials} scored (c included), c continues iff fewer than
 *       {@code max(1, floor(n / eta))} competitors score strictly higher.</li>
 * </ol>
 * The reason cites the prediction (mean, std, and its source: candidate, epoch, model version, finished candidates it
 * learnt from, quality). Without a prediction for {@code c} (the surrogate has not learnt enough yet, is not running,
 * or was late), the rule falls back to the median rule with its defaults ({@link #FALLBACK}) and says so in the
 * reason. The rule keeps no state: competitors' predictions are read from the source.
 */
public final class SurrogateRule implements StoppingRule {
    private final PredictionSource source;
    private final int gracePeriod;
    private final int minTrials;
    private final double threshold;
    private final double confidence;
    private final int eta;
    private final double z;
    /** The fallback without a prediction: the median rule with its defaults (gracePeriod 4, minTrials 3). */
    static final MedianStoppingRule FALLBACK = new MedianStoppingRule(4, 3, false);

    /** The rule judging the mean prediction alone against the best final ({@code confidence} 0.5, no rungs). */
    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold) {
        this(source, gracePeriod, minTrials, threshold, 0.5, 1);
    }

    /**
     * @param eta reduction factor of the rungs ({@code >= 2}), or 1 for none (criterion 1 alone)
     */
    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold,
                         double confidence, int eta) {
        if (source == null) {
            throw new IllegalArgumentException("stopping.rule: surrogate needs a PredictionSource "
                    + "(the surrogate service's predictions); pass one to StoppingRules.create");
        }
        PredictionRules.checkArgs(gracePeriod, minTrials, threshold);
        if (!(confidence >= 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("stopping.confidence: must be in [0.5, 1), e.g. 0.95, got "
                    + confidence);
        }
        if (eta < 1) {
            throw new IllegalArgumentException("stopping.eta: must be an integer >= 1 (1: no rungs), got " + eta);
        }
        this.source = source;
        this.gracePeriod = gracePeriod;
        this.minTrials = minTrials;
        this.threshold = threshold;
        this.confidence = confidence;
        this.eta = eta;
        this.z = Num.normalQuantile(confidence);
    }

    /** The rung index of {@code epoch} (0 for gracePeriod), or -1 when it is not a rung below {@code target}. */
    int rungOf(int epoch, int target) {
        if (eta < 2) {
            return -1;
        }
        long r = gracePeriod;
        for (int k = 0; r < target; k++, r *= eta) {
            if (r == epoch) {
                return k;
            }
            if (r > epoch) {
                return -1;
            }
        }
        return -1;
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
        double mean = pred.get().mean();
        double std = Double.isFinite(pred.get().std()) ? pred.get().std() : 0;
        String cited = "surrogate predicts " + Num.fmt(mean) + " +/- " + Num.fmt(pred.get().std())
                + (pred.get().source() == null ? " for arch " + arch : " (" + pred.get().source() + ")");
        CurveStore.Reference ref = store.bestFinal(target);
        if (ref.count() >= Math.max(1, minTrials)) {
            double cut = Num.cutoff(ref.value(), threshold);
            double optimistic = mean + z * std;
            if (optimistic < cut) {
                String bound = z == 0 ? "" : ", optimistic " + Num.fmt(optimistic) + " (mean + "
                        + Num.fmt(Num.round(z, 3)) + " std, confidence " + Num.fmt(confidence) + ")";
                String reason = cited + bound + " < " + Num.fmt(threshold) + " x best final " + Num.fmt(ref.value())
                        + " = " + Num.fmt(cut) + " (" + ref.count() + " finished) at epoch " + t;
                return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
            }
        }
        int rung = rungOf(t, target);
        if (rung < 0) {
            return Optional.empty();
        }
        List<Double> scores = new ArrayList<>();
        for (String c : store.candidates()) {
            if (c.equals(p.candidateId()) || !store.has(c, t)) {
                continue;
            }
            CurvePoint at = new CurvePoint(p.searchId(), c, t, target, store.value(c, t),
                    store.archHash(c).orElse(null));
            source.predictedAt(at).map(Prediction::mean).filter(Double::isFinite).ifPresent(scores::add);
        }
        int n = scores.size() + 1;
        if (n < minTrials) {
            return Optional.empty();
        }
        int keep = Math.max(1, n / eta);
        int better = 0;
        for (double v : scores) {
            if (v > mean) {
                better++;
            }
        }
        if (better < keep) {
            return Optional.empty();
        }
        scores.add(mean);
        scores.sort(null);
        double kth = scores.get(n - keep);
        String reason = cited + " at rung " + rung + " (epoch " + t + ") is not in the top " + keep + " of " + n
                + " predicted finals from epoch " + t + " (eta " + eta + ", cutoff " + Num.fmt(kth) + ")";
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    @Override
    public String toString() {
        return "surrogate(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", threshold=" + threshold
                + ", confidence=" + confidence + (eta >= 2 ? ", rungs eta=" + eta : ", no rungs") + ")";
    }
}
