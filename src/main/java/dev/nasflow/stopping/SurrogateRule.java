package dev.nasflow.stopping;

import dev.nasflow.model.ParamDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Surrogate-based stopping: the surrogate's predicted final values used in up to four ways, each citing the
 * prediction. The prediction comes from a {@link PredictionSource}: in the stopper service, the candidate
 * prediction the surrogate service published after this very epoch (learning-curve model: architecture + curve so
 * far → final value, with its spread), oriented so larger is better.
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
 *       when it carries none (0.9, the default: z = 1.282, the predicted chance of ending above the cut-off is
 *       below 10 %; 0.5: the mean alone);</li>
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
 *   <li>with {@code percentile < 100}, <b>the field</b>: c must be in the top {@code percentile} percent of the
 *       candidates that reached epoch {@code t} (at least {@code max(minTrials, 3)} others), as in the median rule,
 *       ranked by each one's own prediction made from epoch {@code t} (kept in the curve store: by this rule as it
 *       judges, and by the stopper as predictions arrive or are read back after a restart) where those predictions
 *       have been measured to rank better: on at least {@value #MIN_QUALITY_PAIRS} finished candidates with one, their
 *       Kendall tau against the finals beats that of the running averages at {@code t}; otherwise by the running
 *       averages (the median rule, {@code compare=average}, with this rule's grace period and percentile), which is
 *       then also the fallback for a candidate without a prediction.</li>
 *   <li>with {@code runningReferences} (the default), <b>running references</b>: stop iff, for another running
 *       candidate with the same target (not finished, stopped or ended) and its latest prediction {@code (m_r, s_r)}
 *       (recorded by this rule in the curve store as it judged that candidate), the predicted chance of ending above
 *       it is below {@code 1 - confidence}, the two prediction errors taken as independent:
 *       {@code mean + z * sqrt(std^2 + s_r^2) < m_r} (by the threshold). Successive elimination by the predictions,
 *       which acts before any candidate has finished. (Until 2026-12-08 the optimistic bound was compared with the
 *       rival's pessimistic one, {@code mean + z std < m_r - z s_r}: a spread of {@code std + s_r} instead of
 *       {@code sqrt(std^2 + s_r^2)}, errors perfectly anti-correlated, too cautious.)</li>
 *   <li>with {@code coldRungs > 0} (the default 10) and no {@code rungs}, <b>cold rungs</b>: while a candidate has
 *       no prediction, or one learnt from fewer than {@code coldRungs} finished candidates ({@link
 *       Prediction#trainedOn}; a warm start's prior curves count), successive halving as in 2, by the values, at
 *       {@code max(2, gracePeriod) * 3^k} from 3 ranked candidates on, so that a cold search's first waves are not
 *       all trained to the end.</li>
 * </ol>
 * The rule never stops the last candidate that could finish: none with its target finished and no other one may
 * still reach it ({@link #lastThatCouldFinish}).
 * The reason cites the prediction (mean, std, and its source: candidate, epoch, model version, finished candidates it
 * learnt from, quality) and, at a rung, what the rung ranked by. Without a prediction for {@code c} (the surrogate has
 * not learnt enough yet, is not running, or was late), the rule, outside rungs, falls back to the median rule with its defaults ({@link #FALLBACK}) and says so in the
 * reason. The rule keeps no state of its own: competitors' predictions are read from the source or the curve store.
 */
public final class SurrogateRule implements StoppingRule {
    /** {@code surrogate}: stop on the surrogate service's optimistic prediction (optionally also at rungs). */
    public static final StoppingRuleDescriptor DESCRIPTOR = StoppingRuleDescriptor.of("surrogate",
            (v, s) -> new SurrogateRule(s.source(), v.integer("gracePeriod"), v.integer("minTrials"),
                    v.number("threshold"), v.number("confidence"), v.bool("rungs") ? v.integer("eta") : 1,
                    v.number("percentile"), v.bool("runningReferences"), v.integer("coldRungs")),
            ParamDef.integer("gracePeriod", 1, StoppingRules.MAX_INT, 1, "first epoch at which the prediction is checked"),
            ParamDef.integer("minTrials", 1, StoppingRules.MAX_INT, 1, "finished candidates needed as references"),
            ParamDef.number("threshold", 0.01, 1.0, 1.0,
                    "stop when the optimistic predicted final value is below best final x threshold"),
            ParamDef.number("confidence", 0.5, 0.999, 0.9,
                    "the optimistic prediction is mean + z std, z the quantile of confidence of the "
                            + "prediction's distribution (Student t with the degrees of freedom it carries, else "
                            + "normal: 0.9 gives z = 1.282; stop when the predicted chance of reaching the cut-off, "
                            + "or of ending above a running rival, is below 10 %; 0.5: the mean alone)"),
            ParamDef.integer("eta", 2, 100, 3,
                    "rungs at gracePeriod x eta^k: only the top 1/eta of the candidates that reached a rung, "
                            + "ranked by their values there (ASHA), or by the current model's predictions from "
                            + "that epoch where its measured tau there beats the values', continue"),
            ParamDef.number("percentile", 0.0, 100.0, 100.0,
                    "also keep only the top percentile percent of the field at each epoch (the median rule's "
                            + "percentile): stop when the candidate is below the (100 - percentile)-th percentile of "
                            + "the others that reached the epoch, ranked by the predictions made from that epoch where "
                            + "they have been measured to rank the finished candidates better than the running "
                            + "averages there, else by the running averages; 100: off"),
            ParamDef.bool("runningReferences", true,
                    "also stop when the predicted chance of ending above another running candidate (its latest "
                            + "prediction; the two errors independent: mean + z sqrt(std^2 + its std^2) < its mean) "
                            + "is below 1 - confidence: successive elimination, before any candidate has finished"),
            ParamDef.bool("rungs", false,
                    "also stop at the rungs (successive halving); false: only when the optimistic "
                            + "prediction cannot reach the best final"),
            ParamDef.integer("coldRungs", 0, StoppingRules.MAX_INT, 10,
                    "while a candidate has no prediction, or one learnt from fewer than this many finished "
                            + "candidates (a cold search's first waves; a warm start's prior curves count), also "
                            + "stop at rungs max(2, gracePeriod) x 3^k by successive halving (ASHA), as with "
                            + "rungs: true; 0: never (with rungs: true, the rungs act always)"));

    private final PredictionSource source;
    private final int gracePeriod;
    private final int minTrials;
    private final double threshold;
    private final double confidence;
    private final int eta;
    private final double percentile;
    private final boolean runningReferences;
    /** Cold rungs while a prediction is missing or learnt from fewer finished candidates than this (0: never). */
    private final int coldRungs;
    /** The reduction factor of the cold rungs (ASHA's default). */
    static final int COLD_ETA = 3;
    /** The first cold rung at least (epoch 1 measures how fast a network starts more than where it ends). */
    static final int COLD_FIRST_RUNG = 2;
    /** The median rule on the running averages with this rule's grace period and percentile (compare=average). */
    private final MedianStoppingRule byValues;
    /** Finished candidates the rank quality at a rung must be measured on before predictions rank it. */
    static final int MIN_QUALITY_PAIRS = 10;
    /** The fallback without a prediction: the median rule with its defaults (gracePeriod 4, minTrials 3). */
    static final MedianStoppingRule FALLBACK = new MedianStoppingRule(4, 3, false);

    /** The rule judging the mean prediction alone against the best final ({@code confidence} 0.5, no rungs). */
    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold) {
        this(source, gracePeriod, minTrials, threshold, 0.5, 1);
    }

    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold,
                         double confidence, int eta) {
        this(source, gracePeriod, minTrials, threshold, confidence, eta, 100);
    }

    /**
     * @param eta reduction factor of the rungs ({@code >= 2}), or 1 for none (criterion 1 alone)
     */
    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold,
                         double confidence, int eta, double percentile) {
        this(source, gracePeriod, minTrials, threshold, confidence, eta, percentile, false); // no running references
    }

    /**
     * @param eta               reduction factor of the rungs ({@code >= 2}), or 1 for none
     * @param runningReferences also compare with the pessimistic predictions of the other running candidates
     */
    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold,
                         double confidence, int eta, double percentile, boolean runningReferences) {
        this(source, gracePeriod, minTrials, threshold, confidence, eta, percentile, runningReferences, 0);
    }

    /**
     * @param eta               reduction factor of the rungs ({@code >= 2}), or 1 for none
     * @param runningReferences also compare with the pessimistic predictions of the other running candidates
     * @param coldRungs         with {@code eta} 1: successive halving at the cold rungs while a candidate has no
     *                          prediction or one learnt from fewer than this many finished candidates; 0: never
     */
    public SurrogateRule(PredictionSource source, int gracePeriod, int minTrials, double threshold,
                         double confidence, int eta, double percentile, boolean runningReferences, int coldRungs) {
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
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("stopping.percentile: must be between 0 and 100 (100: off, 50: the "
                    + "median of the field), got " + percentile);
        }
        this.eta = eta;
        this.percentile = percentile;
        this.runningReferences = runningReferences;
        if (coldRungs < 0) {
            throw new IllegalArgumentException("stopping.coldRungs: must be an integer >= 0 (0: never), got "
                    + coldRungs);
        }
        this.coldRungs = coldRungs;
        this.byValues = new MedianStoppingRule(gracePeriod, Math.max(minTrials, FALLBACK_MIN_TRIALS), false,
                percentile, MedianStoppingRule.Compare.AVERAGE);
    }

    /** The rung index of {@code epoch} (0 for gracePeriod), or -1 when it is not a rung below {@code target}. */
    int rungOf(int epoch, int target) {
        return eta < 2 ? -1 : rungOf(epoch, target, gracePeriod, eta);
    }

    /** The rung index of {@code epoch} among {@code first * eta^k < target}, or -1. */
    static int rungOf(int epoch, int target, int first, int eta) {
        long r = first;
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

    /** Where the rungs are for a point: from {@code first}, every {@code eta}-fold; {@code cold}: the cold rungs. */
    private record Rungs(int first, int eta, boolean cold) {
    }

    /** The rungs that apply with prediction {@code pred} (null: none available), or null when none do. */
    private Rungs rungs(Prediction pred) {
        if (eta >= 2) {
            return new Rungs(gracePeriod, eta, false);
        }
        if (coldRungs > 0 && (pred == null || (pred.trainedOn() >= 0 && pred.trainedOn() < coldRungs))) {
            return new Rungs(Math.max(COLD_FIRST_RUNG, gracePeriod), COLD_ETA, true);
        }
        return null;
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        Optional<StopVerdict> v = decide(p, store);
        return v.isPresent() && lastThatCouldFinish(p, store) ? Optional.empty() : v;
    }

    /**
     * True when no candidate with {@code p}'s target has finished and no other may still reach it: stopping this one
     * would leave the search with nothing finished to pick (rungs rank against stopped candidates too, and running
     * references may have been stopped since), so the rule never does.
     */
    static boolean lastThatCouldFinish(CurvePoint p, CurveStore store) {
        if (store.bestFinal(p.targetEpochs()).count() > 0) {
            return false;
        }
        for (String o : store.candidates()) {
            if (store.isRunningRival(o, p.candidateId(), p.targetEpochs())) {
                return false;
            }
        }
        return true;
    }

    private Optional<StopVerdict> decide(CurvePoint p, CurveStore store) {
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
            Rungs rs = rungs(null);
            int rung = rs == null ? -1 : rungOf(t, target, rs.first(), rs.eta());
            if (rung >= 0) {
                return rung(p, store, rung, rs, Optional.empty()).map(v -> new StopVerdict(v.searchId(),
                        v.candidateId(), v.epoch(), name(), "no surrogate prediction (" + why + "); " + v.reason()
                        .substring(v.reason().indexOf("; ") + 2)));
            }
            MedianStoppingRule fallback = percentile < 100 ? byValues : FALLBACK;
            return fallback.onEpoch(p, store).map(v -> new StopVerdict(v.searchId(), v.candidateId(), v.epoch(),
                    name(), "no surrogate prediction (" + why + "): median fallback: " + v.reason()));
        }
        double mean = pred.get().mean();
        double std = Double.isFinite(pred.get().std()) ? pred.get().std() : 0;
        if (percentile < 100) {
            source.predictFrom(q).filter(x -> Double.isFinite(x.mean()))
                    .ifPresent(x -> store.putPrediction(p.candidateId(), t, x.mean()));
        }
        String cited = "surrogate predicts " + Num.fmt(mean) + " +/- " + Num.fmt(pred.get().std())
                + (pred.get().source() == null ? " for arch " + arch : " (" + pred.get().source() + ")");
        CurveStore.Reference ref = store.bestFinal(target);
        double dof = pred.get().dof();
        double zq = pred.get().quantile(confidence); // Student t with its dof, or normal
        double optimistic = mean + zq * std;
        String bound = zq == 0 ? "" : ", optimistic " + Num.fmt(optimistic) + " (mean + "
                + Num.fmt(Num.round(zq, 3)) + " std, " + distribution(dof) + ")";
        if (ref.count() >= Math.max(1, minTrials)) {
            double cut = Num.cutoff(ref.value(), threshold);
            if (optimistic < cut) {
                String reason = cited + bound + " < " + Num.fmt(threshold) + " x best final " + Num.fmt(ref.value())
                        + " = " + Num.fmt(cut) + " (" + ref.count() + " finished) at epoch " + t;
                return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
            }
        }
        if (runningReferences) {
            store.putJudged(p.candidateId(), t, mean, std);
            Optional<StopVerdict> v = runningReference(p, store, mean, std, zq, cited, dof);
            if (v.isPresent()) {
                return v;
            }
        }
        if (percentile < 100) {
            Optional<StopVerdict> v = field(p, store, cited);
            if (v.isPresent()) {
                return v;
            }
        }
        Rungs rs = rungs(pred.get());
        int rung = rs == null ? -1 : rungOf(t, target, rs.first(), rs.eta());
        if (rung < 0) {
            return Optional.empty();
        }
        return rung(p, store, rung, rs, Optional.of(new Prediction(mean, std, pred.get().source())));
    }

    /**
     * Running references: for each other running candidate ({@link CurveStore#isRunningRival}) with a prediction this
     * rule recorded as it judged it (mean {@code m_r}, spread {@code s_r}, from its latest judged epoch), the chance
     * that this candidate ends above it, the two prediction errors taken as independent: stop when, for one rival,
     * {@code mean + z * sqrt(std^2 + s_r^2) < m_r} (by the threshold), i.e. that chance is below
     * {@code 1 - confidence}. The rival cited is the one that rules this candidate out most clearly (largest margin in
     * units of the difference's spread).
     */
    private Optional<StopVerdict> runningReference(CurvePoint p, CurveStore store, double mean, double std,
                                                   double zq, String cited, double dof) {
        String rival = null;
        CurveStore.Judged by = null;
        double bySpread = 0;
        double clearest = Double.NEGATIVE_INFINITY;
        for (String o : store.candidates()) {
            if (!store.isRunningRival(o, p.candidateId(), p.targetEpochs())) {
                continue;
            }
            CurveStore.Judged j = store.latestJudged(o);
            if (j == null) {
                continue;
            }
            double sd = Math.sqrt(std * std + j.std() * j.std());
            double cut = Num.cutoff(j.mean(), threshold);
            double margin = sd > 0 ? (cut - mean) / sd : Double.POSITIVE_INFINITY; // sd 0: mean < cut decides
            if (mean + zq * sd < cut && margin > clearest) {
                clearest = margin;
                rival = o;
                by = j;
                bySpread = sd;
            }
        }
        if (rival == null) {
            return Optional.empty();
        }
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), p.epoch(), name(), cited
                + "; chance of ending above running candidate " + rival + " below "
                + Num.fmt(Num.round(100 * (1 - confidence), 3)) + " %: mean + " + Num.fmt(Num.round(zq, 3))
                + " x sqrt(std^2 + its std^2) = " + Num.fmt(mean + zq * bySpread) + " < " + Num.fmt(threshold)
                + " x its prediction " + Num.fmt(by.mean()) + " +/- " + Num.fmt(by.std()) + " from its epoch "
                + by.epoch() + " = " + Num.fmt(Num.cutoff(by.mean(), threshold)) + " (" + distribution(dof) + ") at epoch "
                + p.epoch()));
    }

    /** The prediction's distribution and the rule's confidence, as a reason cites them. */
    private String distribution(double dof) {
        return (Double.isInfinite(dof) ? "normal" : "Student t with " + Num.fmt(Num.round(dof, 1)) + " dof")
                + ", confidence " + Num.fmt(confidence);
    }

    /** The fewest others the field criterion compares with (the median fallback's minTrials). */
    static final int FALLBACK_MIN_TRIALS = 3;

    /**
     * The field criterion: below the {@code (100 - percentile)}-th percentile of the others that reached this epoch,
     * ranked by the predictions made from this epoch when they have been measured to rank the finished candidates'
     * finals better than the running averages at this epoch, else by the running averages (the median rule).
     */
    private Optional<StopVerdict> field(CurvePoint p, CurveStore store, String cited) {
        int t = p.epoch();
        int target = p.targetEpochs();
        double mine = store.prediction(p.candidateId(), t);
        double[] quality = fieldQuality(store, t, target);
        boolean byPrediction = Double.isFinite(mine) && quality[2] >= MIN_QUALITY_PAIRS && Double.isFinite(quality[0])
                && (!Double.isFinite(quality[1]) || quality[0] > quality[1]);
        String measured = quality[2] < 2 ? "rank quality at epoch " + t + " measured on " + (int) quality[2]
                + " finished"
                : "tau at epoch " + t + ": predicted " + Num.fmt(Num.round(quality[0], 3)) + " vs running averages "
                + Num.fmt(Num.round(quality[1], 3)) + " on " + (int) quality[2] + " finished";
        int need = Math.max(minTrials, FALLBACK_MIN_TRIALS);
        if (byPrediction) {
            List<Double> refs = new ArrayList<>();
            for (String o : store.candidates()) {
                if (!o.equals(p.candidateId()) && store.lastEpoch(o) >= t
                        && Double.isFinite(store.prediction(o, t))) {
                    refs.add(store.prediction(o, t));
                }
            }
            if (refs.size() >= need) {
                double[] xs = refs.stream().mapToDouble(Double::doubleValue).toArray();
                double cut = MedianStoppingRule.cutoff(xs, percentile);
                if (!(mine < cut)) {
                    return Optional.empty();
                }
                String of = MedianStoppingRule.cutoffName(percentile);
                return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), cited
                        + "; its prediction from epoch " + t + " " + Num.fmt(mine) + " < " + of + Num.fmt(cut)
                        + " of the predictions from epoch " + t + " of " + refs.size() + " others (" + measured
                        + ")"));
            }
        }
        String why = byPrediction ? "fewer than " + need + " others have a prediction from epoch " + t : measured;
        return byValues.onEpoch(p, store).map(v -> new StopVerdict(v.searchId(), v.candidateId(), v.epoch(),
                name(), cited + "; ranked by running averages (" + why + "): " + v.reason()));
    }

    /**
     * On the finished candidates with the target {@code target} and a recorded prediction from epoch {@code t}: the
     * Kendall tau of those predictions and of their running averages at {@code t}, each against their finals, and
     * how many there are ({@code {tauPredicted, tauAverages, n}}; NaN taus below 2). Memoised until a finished curve
     * changes.
     */
    private static double[] fieldQuality(CurveStore store, int t, int target) {
        String key = "surrogate.field." + t + "." + target + ".";
        double n0 = store.finishedMemo(key + "n");
        if (!Double.isNaN(n0)) {
            return new double[] {store.finishedMemo(key + "p"), store.finishedMemo(key + "a"), n0};
        }
        List<double[]> rows = new ArrayList<>();
        for (String f : store.candidates()) {
            if (!store.isFinished(f) || store.targetEpochs(f) != target) {
                continue;
            }
            double fin = store.value(f, target);
            double pr = store.prediction(f, t);
            double avg = store.runningAverage(f, t);
            if (Double.isFinite(fin) && Double.isFinite(pr) && Double.isFinite(avg)) {
                rows.add(new double[] {pr, avg, fin});
            }
        }
        double[] a = new double[rows.size()];
        double[] b = new double[rows.size()];
        double[] c = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            a[i] = rows.get(i)[0];
            b[i] = rows.get(i)[1];
            c[i] = rows.get(i)[2];
        }
        double tp = rows.size() < 2 ? Double.NaN : dev.nasflow.surrogate.RankQuality.kendallTau(a, c);
        double ta = rows.size() < 2 ? Double.NaN : dev.nasflow.surrogate.RankQuality.kendallTau(b, c);
        store.putFinishedMemo(key + "p", tp);
        store.putFinishedMemo(key + "a", ta);
        store.putFinishedMemo(key + "n", rows.size());
        return new double[] {tp, ta, rows.size()};
    }

    /**
     * Successive halving at a rung: ranked by the current model's predictions from the rung epoch when the model's
     * measured rank quality there beats the observed values' (on at least {@value #MIN_QUALITY_PAIRS} finished
     * candidates) and every competitor can be re-predicted; otherwise by the observed values at the rung (ASHA).
     */
    private Optional<StopVerdict> rung(CurvePoint p, CurveStore store, int rung, Rungs rs,
                                       Optional<Prediction> own) {
        int eta = rs.eta();
        int t = p.epoch();
        int target = p.targetEpochs();
        List<String> others = new ArrayList<>();
        for (String c : store.candidates()) {
            if (!c.equals(p.candidateId()) && store.has(c, t)) {
                others.add(c);
            }
        }
        int n = others.size() + 1;
        if (n < (rs.cold() ? Math.max(minTrials, FALLBACK_MIN_TRIALS) : minTrials)) {
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
        String reason = cited + "; at " + (rs.cold() ? "cold rung " : "rung ") + rung + " (epoch " + t
                + (rs.cold() ? "; cold rungs act until a prediction has learnt from " + coldRungs
                + " finished candidates" : "") + ") its "
                + (basis.startsWith("predicted") ? "predicted final " : "value ") + Num.fmt(mine)
                + " is not in the top " + keep + " of " + n + " " + basis + " (eta " + eta + ", cutoff "
                + Num.fmt(kth) + ")";
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    @Override
    public String toString() {
        return "surrogate(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", threshold=" + threshold
                + ", confidence=" + confidence + (eta >= 2 ? ", rungs eta=" + eta : ", no rungs")
                + (percentile < 100 ? ", percentile=" + percentile : "")
                + (runningReferences ? ", runningReferences" : "")
                + (eta < 2 && coldRungs > 0 ? ", coldRungs=" + coldRungs : "") + ")";
    }
}
