package dev.nasflow.stopping;

import dev.nasflow.model.ParamDef;
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
 *       for a positive best), {@code z} the quantile at {@code confidence} of the prediction's own distribution:
 *       Student's t with the degrees of freedom the prediction carries (the learning-curve model estimates its noise
 *       from the finished candidates, so with 4 of them z is about 2.3 rather than 1.645), or the standard normal
 *       when it carries none (0.95: z = 1.645, the predicted chance of ending above the cut-off is below 5 %; 0.5:
 *       the mean alone);</li>
 *   <li>with {@code eta >= 2} (spec: {@code rungs: true}), <b>successive halving</b> at rungs
 *       {@code gracePeriod * eta^k < T} (ASHA's rungs, Li et al. 2020): the competitors are the candidates that
 *       reported the rung epoch (running, stopped or finished); with {@code n >= minTrials} of them (c included), c
 *       continues iff fewer than {@code max(1, floor(n / eta))} competitors score strictly higher. The score is the
 *       <em>current</em> model's prediction from each curve truncated at the rung epoch
 *       ({@link PredictionSource#repredict}: one model version for all, not the stale predictions made when each
 *       reached the rung) only when the model's measured rank quality there beats the observed values'
 *       ({@link PredictionSource#rankQuality}: Kendall tau of its predictions from that epoch vs of the values at that
 *       epoch, against the finals of the same finished candidates, at least {@value #MIN_QUALITY_PAIRS} of them) and
 *       every competitor can be re-predicted; otherwise it is the value at the rung, as in ASHA. So the rungs rank
 *       at least as ASHA does unless the predictions have been measured to rank better. At a rung, a candidate
 *       without a prediction is ranked by value too (not by the median fallback).</li>
 * </ol>
 * The reason cites the prediction (mean, std, and its source: candidate, epoch, model version, finished candidates it
 * learnt from, quality) and, at a rung, what the rung ranked by. Without a prediction for {@code c} (the surrogate has
 * not learnt enough yet, is not running, or was late), the rule, outside rungs, falls back to the median rule with its defaults ({@link #FALLBACK}) and says so in the
 * reason. The rule keeps no state: competitors' predictions are read from the source.
 */
public final class SurrogateRule implements StoppingRule {
    /** {@code surrogate}: stop on the surrogate service's optimistic prediction (optionally also at rungs). */
    public static final StoppingRuleDescriptor DESCRIPTOR = StoppingRuleDescriptor.of("surrogate",
            (v, s) -> new SurrogateRule(s.source(), v.integer("gracePeriod"), v.integer("minTrials"),
                    v.number("threshold"), v.number("confidence"), v.bool("rungs") ? v.integer("eta") : 1),
            ParamDef.integer("gracePeriod", 1, StoppingRules.MAX_INT, 1, "first epoch at which the prediction is checked"),
            ParamDef.integer("minTrials", 1, StoppingRules.MAX_INT, 1, "finished candidates needed as references"),
            ParamDef.number("threshold", 0.01, 1.0, 1.0,
                    "stop when the optimistic predicted final value is below best final x threshold"),
            ParamDef.number("confidence", 0.5, 0.999, 0.95,
                    "the optimistic prediction is mean + z std, z the quantile of confidence of the "
                            + "prediction's distribution (Student t with the degrees of freedom it carries, else "
                            + "normal: 0.95 gives z = 1.645; stop when the chance of reaching the cut-off is below "
                            + "5 %; 0.5: the mean alone)"),
            ParamDef.integer("eta", 2, 100, 3,
                    "rungs at gracePeriod x eta^k: only the top 1/eta of the candidates that reached a rung, "
                            + "ranked by their values there (ASHA), or by the current model's predictions from "
                            + "that epoch where its measured tau there beats the values', continue"),
            ParamDef.bool("rungs", false,
                    "also stop at the rungs (successive halving); false: only when the optimistic "
                            + "prediction cannot reach the best final"));

    private final PredictionSource source;
    private final int gracePeriod;
    private final int minTrials;
    private final double threshold;
    private final double confidence;
    private final int eta;
    /** Finished candidates the rank quality at a rung must be measured on before predictions rank it. */
    static final int MIN_QUALITY_PAIRS = 10;
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
    public boolean readsPredictions() {
        return true;
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
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
            int rung = rungOf(t, target);
            if (rung >= 0) {
                return rung(p, store, rung, Optional.empty()).map(v -> new StopVerdict(v.searchId(),
                        v.candidateId(), v.epoch(), name(), "no surrogate prediction (" + why + "); " + v.reason()
                        .substring(v.reason().indexOf("; ") + 2)));
            }
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
            double dof = pred.get().dof();
            double zq = pred.get().quantile(confidence); // Student t with its dof, or normal
            double optimistic = mean + zq * std;
            if (optimistic < cut) {
                String bound = zq == 0 ? "" : ", optimistic " + Num.fmt(optimistic) + " (mean + "
                        + Num.fmt(Num.round(zq, 3)) + " std, " + (Double.isInfinite(dof) ? "normal"
                        : "Student t with " + Num.fmt(Num.round(dof, 1)) + " dof") + ", confidence "
                        + Num.fmt(confidence) + ")";
                String reason = cited + bound + " < " + Num.fmt(threshold) + " x best final " + Num.fmt(ref.value())
                        + " = " + Num.fmt(cut) + " (" + ref.count() + " finished) at epoch " + t;
                return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
            }
        }
        int rung = rungOf(t, target);
        if (rung < 0) {
            return Optional.empty();
        }
        return rung(p, store, rung, Optional.of(new Prediction(mean, std, pred.get().source())));
    }

    /**
     * Successive halving at a rung: ranked by the current model's predictions from the rung epoch when the model's
     * measured rank quality there beats the observed values' (on at least {@value #MIN_QUALITY_PAIRS} finished
     * candidates) and every competitor can be re-predicted; otherwise by the observed values at the rung (ASHA).
     */
    private Optional<StopVerdict> rung(CurvePoint p, CurveStore store, int rung, Optional<Prediction> own) {
        int t = p.epoch();
        int target = p.targetEpochs();
        List<String> others = new ArrayList<>();
        for (String c : store.candidates()) {
            if (!c.equals(p.candidateId()) && store.has(c, t)) {
                others.add(c);
            }
        }
        int n = others.size() + 1;
        if (n < minTrials) {
            return Optional.empty();
        }
        Optional<PredictionSource.RankQualityAt> q = source.rankQuality(p);
        boolean better = q.isPresent() && q.get().n() >= MIN_QUALITY_PAIRS && Double.isFinite(q.get().tauPredicted())
                && (!Double.isFinite(q.get().tauObserved()) || q.get().tauPredicted() > q.get().tauObserved());
        String quality = q.map(r -> "tau at epoch " + t + ": predicted " + Num.fmt(Num.round(r.tauPredicted(), 3))
                + " vs observed " + Num.fmt(Num.round(r.tauObserved(), 3)) + " on " + r.n() + " finished")
                .orElse("no rank quality measured at epoch " + t);
        List<Double> scores = new ArrayList<>();
        double mine = p.value();
        String basis;
        Optional<Prediction> self = better ? source.repredict(p) : Optional.empty();
        if (better && self.isPresent() && Double.isFinite(self.get().mean())) {
            for (String c : others) {
                CurvePoint at = new CurvePoint(p.searchId(), c, t, target, store.value(c, t),
                        store.archHash(c).orElse(null));
                Optional<Prediction> e = source.repredict(at).filter(x -> Double.isFinite(x.mean()));
                if (e.isEmpty()) {
                    scores = null;
                    break;
                }
                scores.add(e.get().mean());
            }
        } else {
            scores = null;
        }
        if (scores != null) {
            mine = self.get().mean();
            basis = "predicted finals from epoch " + t + " by the current model (" + quality + ")";
        } else {
            scores = new ArrayList<>();
            for (String c : others) {
                scores.add(store.value(c, t));
            }
            basis = "values at epoch " + t + " (ranked as ASHA: "
                    + (better ? "a competitor has no prediction" : quality) + ")";
        }
        int keep = Math.max(1, n / eta);
        int above = 0;
        for (double v : scores) {
            if (v > mine) {
                above++;
            }
        }
        if (above < keep) {
            return Optional.empty();
        }
        scores.add(mine);
        scores.sort(null);
        double kth = scores.get(n - keep);
        String cited = own.map(pr -> "surrogate predicts " + Num.fmt(pr.mean()) + " +/- " + Num.fmt(pr.std())
                + (pr.source() == null ? "" : " (" + pr.source() + ")")).orElse("no surrogate prediction");
        String reason = cited + "; at rung " + rung + " (epoch " + t + ") its "
                + (basis.startsWith("predicted") ? "predicted final " : "value ") + Num.fmt(mine)
                + " is not in the top " + keep + " of " + n + " " + basis + " (eta " + eta + ", cutoff "
                + Num.fmt(kth) + ")";
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    @Override
    public String toString() {
        return "surrogate(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", threshold=" + threshold
                + ", confidence=" + confidence + (eta >= 2 ? ", rungs eta=" + eta : ", no rungs") + ")";
    }
}
