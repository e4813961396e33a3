package dev.nasflow.stopping;

import dev.nasflow.model.ParamValues;
import dev.nasflow.model.ParamDef;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.surrogate.RankQuality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Multi-objective early stopping ({@code rule: pareto}): a running candidate is stopped when, at the chosen
 * {@code confidence}, it cannot enter the Pareto front: an optimistic estimate of its final objective vector is
 * dominated, by more than a margin, by a finished candidate or (with {@code runningReferences}) by a pessimistic
 * estimate of another running candidate's final vector, one that the rival has already reached.
 *
 * <p>Objectives: one learning-curve objective (the watched per-epoch metric, e.g. {@code validAccuracy}; curve points
 * are oriented so that larger is better) and one or more costs known before training ({@code params}, {@code flops},
 * {@code latencyMs} from the cost model, recorded with {@link CurveStore#recordStatics}), each with its
 * {@link Direction}. For a point of candidate {@code c} at epoch {@code t} with target {@code T} (every epoch is
 * judged, so a candidate can become dominated later as the front improves):
 * <ol>
 *   <li>nothing happens while {@code t < gracePeriod} or {@code t >= T}, when the value at {@code t} is not finite,
 *       or when a cost of {@code c} is unknown;</li>
 *   <li>references: the finished candidates with the same target whose final value and costs are known; with fewer
 *       than {@code minTrials} (among those that reported epoch {@code t}) nothing happens;</li>
 *   <li>point estimate after {@code t} epochs: {@code max(best so far, v(T))} with {@code v} the {@code a - b*t^-c}
 *       least-squares fit of {@link CurveExtrapolationRule} (from 3 finite values on; before that, the best so
 *       far); with {@code estimate: surrogate}, {@code v} is instead the surrogate's prediction made from epoch
 *       {@code t} ({@link PredictionSource#predictFrom}, kept per epoch in the store with
 *       {@link CurveStore#putPrediction}), for the candidate and for the references alike, so that the rank check and
 *       the calibration below measure the predictions on this search's finished candidates; where the candidate has
 *       no such prediction, or fewer than {@code minTrials} references have one from {@code t}, the curve fit
 *       decides and the reason says so;</li>
 *   <li>rank check (unless {@code minRankTau} is 0): nothing happens unless the references' estimates after
 *       {@code t} epochs rank their final values with Kendall tau-b of at least {@code minRankTau}: on curves whose
 *       first epochs rank the finals poorly (a warm-up, plateaus followed by jumps) no calibration from so few
 *       references covers the late climbers, and the front members among them were stopped (see docs/BENCHMARKS.md,
 *       multi-objective stopping); on curves that rank early the check costs nothing;</li>
 *   <li>calibration (split-conformal): each reference's shortfall {@code final - estimate(t)} divided by its scale
 *       {@code climb + kappa} (climb: best so far minus first value up to {@code t}; kappa: the references' median
 *       climb); the {@code ceil((n+1) x confidence)}-th smallest of the {@code n}, or the largest when that rank
 *       exceeds {@code n} (small-sample fallback);</li>
 *   <li><b>optimistic</b> final of {@code c}: estimate + max(0, quantile) x its own scale. A finished reference
 *       {@code f} dominates with the margin when {@code final(f) - |final(f)| * margin > optimistic(c)} and {@code f}
 *       is no worse in every cost; the verdict names the dominating front point with the best final value;</li>
 *   <li>otherwise, with {@code runningReferences}: a running candidate {@code r} (not finished, not stopped, not
 *       {@linkplain CurveStore#end ended}, same target, costs no worse) dominates when its <b>pessimistic</b> final,
 *       its best value so far at its latest epoch minus max(0, the same quantile of the references' scaled
 *       overshoot {@code best so far - final} at that epoch) x its scale, beats the optimistic final by the margin.
 *       The rival is credited with what it has reached, never with its extrapolated curve: on recorded real curves
 *       an extrapolation from a few noisy epochs overshot often enough to stop front members (see
 *       docs/BENCHMARKS.md, multi-objective stopping).</li>
 * </ol>
 * With {@code confidence} 1 the optimistic estimate covers the largest scaled surprise seen so far; below 1 the
 * guarantee is statistical (about {@code 1 - confidence} of candidates may beat their optimistic estimate). Like every
 * rule it keeps no state: the curve fits it memoises ({@link CurveStore#estimate}) are functions of the curves.
 */
public final class ParetoStoppingRule implements StoppingRule {
    /** The values of {@code estimate}. */
    public static final List<String> ESTIMATES = List.of("curve", "surrogate");

    /** {@code pareto}: stop candidates dominated on several objectives (needs cost objectives). */
    public static final StoppingRuleDescriptor DESCRIPTOR = StoppingRuleDescriptor.of("pareto",
                    ParetoStoppingRule::create,
                    ParamDef.integer("gracePeriod", 1, StoppingRules.MAX_INT, 3, "first epoch at which a candidate may be stopped"),
                    ParamDef.integer("minTrials", 1, StoppingRules.MAX_INT, 5,
                            "finished candidates needed: the front and the calibration of the optimistic estimate"),
                    ParamDef.number("margin", 0.0, 0.5, 0.0,
                            "a front point must beat the candidate's optimistic final value by more than "
                                    + "|its value| x margin (0.01 = 1%) and be no worse in every cost"),
                    ParamDef.number("confidence", 0.5, 1.0, 0.9,
                            "the optimistic estimate adds this conformal quantile of the estimate's scaled shortfall "
                                    + "among finished candidates at the same epoch (1 = the largest)"),
                    ParamDef.bool("runningReferences", true,
                            "a running candidate counts as a front point by its pessimistic final value (its "
                                    + "best value so far less the same quantile of the best so far's overshoot)"),
                    ParamDef.number("minRankTau", 0.0, 1.0, 0.3,
                            "decide at an epoch only when the estimates after that many epochs rank the finished "
                                    + "candidates' final values with Kendall tau at least this (0 = no check)"),
                    ParamDef.choice("estimate", ESTIMATES, "curve",
                            "what estimates a candidate's final value after each epoch: curve (a fit of its own "
                                    + "curve) or surrogate (the surrogate service's prediction made from that epoch, "
                                    + "calibrated like the fit on the finished candidates' predictions; the curve "
                                    + "fit where there is none)"))
            .withObjectives(ParetoStoppingRule::checkObjectives);

    private static StoppingRule create(ParamValues v, StoppingRuleDescriptor.Setting s) {
        checkObjectives(s.objectives(), s.metric());
        Objective watched = watchedObjective(s.objectives(), s.metric());
        List<Objective> costs = s.objectives().stream().filter(o -> !o.metric().equals(watched.metric())).toList();
        PredictionSource source = null;
        if ("surrogate".equals(v.text("estimate"))) {
            if (s.source() == null) {
                throw new IllegalArgumentException("stopping.estimate: surrogate needs the surrogate service's "
                        + "predictions, and this process reads none; run the search where a surrogate service and "
                        + "a stopper reading its predictions run (nasflow dev, quickstart, nasflow stopper) or use "
                        + "estimate: curve");
            }
            source = s.source();
        }
        return new ParetoStoppingRule(watched, costs, v.integer("gracePeriod"), v.integer("minTrials"),
                v.number("margin"), v.number("confidence"), v.bool("runningReferences"), v.number("minRankTau"),
                source);
    }

    /**
     * The watched metric ({@code metric}, null = the first objective's) must be one objective and every other
     * objective (at least one) known before training ({@link StoppingRules#STATIC_METRICS}).
     *
     * @throws IllegalArgumentException naming {@code stopping.rule}, {@code stopping.metric} or {@code objectives}
     */
    static void checkObjectives(List<Objective> objectives, String metric) {
        if (objectives == null || objectives.size() < 2) {
            throw new IllegalArgumentException("stopping.rule: 'pareto' stops candidates dominated on several "
                    + "objectives, this search has " + (objectives == null ? 0 : objectives.size()) + "; add a cost "
                    + "objective (params, flops or latencyMs) or use a single-objective rule (median, asha, curve)");
        }
        String watched = metric == null ? objectives.get(0).metric() : metric;
        List<String> names = objectives.stream().map(Objective::metric).toList();
        if (!names.contains(watched)) {
            throw new IllegalArgumentException("stopping.metric: the pareto rule predicts the final value of an "
                    + "objective from its learning curve, and '" + watched + "' is not one of the objectives "
                    + names + "; set stopping.metric to the objective trained for (e.g. validAccuracy)");
        }
        List<String> known = StoppingRules.STATIC_METRICS;
        for (Objective o : objectives) {
            if (!o.metric().equals(watched) && !known.contains(o.metric())) {
                throw new IllegalArgumentException("objectives: the pareto rule needs every objective but the "
                        + "watched " + watched + " to be known before training (" + String.join(", ", known)
                        + "); '" + o.metric() + "' is only known when training ends: remove that objective or use "
                        + "another rule");
            }
        }
    }

    private static Objective watchedObjective(List<Objective> objectives, String metric) {
        String watched = metric == null ? objectives.get(0).metric() : metric;
        return objectives.stream().filter(o -> o.metric().equals(watched)).findFirst().orElseThrow();
    }

    static final int MIN_FIT_POINTS = 3;

    private final Objective watched;
    private final List<Objective> costs;
    private final int gracePeriod;
    private final int minTrials;
    private final double margin;
    private final double confidence;
    private final boolean runningReferences;
    private final double minRankTau;
    /** The {@link CurveStore#finishedMemo} key of the rank check, less target and epoch. */
    private final String rankMemoKey;
    /** With {@code estimate: surrogate}: the surrogate's predictions; null: curve fits only. */
    private final PredictionSource source;

    /**
     * @param watched     the learning-curve objective (its metric and direction; curve values arrive oriented)
     * @param costs       the objectives known before training (at least one)
     * @param gracePeriod first epoch at which a candidate may be stopped
     * @param minTrials   finished references needed (front and calibration)
     * @param margin      relative margin in [0, 0.5]: a front point must beat the optimistic estimate by more than
     *                    {@code |its value| x margin}
     */
    /* confidence in [0.5, 1]: the conformal quantile of the scaled shortfall (1 = the largest); runningReferences:
       running candidates dominate by their pessimistic final value */
    public ParetoStoppingRule(Objective watched, List<Objective> costs, int gracePeriod, int minTrials, double margin) {
        this(watched, costs, gracePeriod, minTrials, margin, 1.0, false, 0.0);
    }

    /* minRankTau in [0, 1]: decide at epoch t only when the estimates at t rank the finished candidates' finals with
       Kendall tau >= minRankTau (0 = no check) */
    public ParetoStoppingRule(Objective watched, List<Objective> costs, int gracePeriod, int minTrials, double margin,
                              double confidence, boolean runningReferences, double minRankTau) {
        this(watched, costs, gracePeriod, minTrials, margin, confidence, runningReferences, minRankTau, null);
    }

    /* source: with it, a candidate's final value is estimated by the surrogate's prediction made from the epoch
       judged (estimate: surrogate), calibrated on the finished candidates' predictions; null: by curve fits */
    public ParetoStoppingRule(Objective watched, List<Objective> costs, int gracePeriod, int minTrials, double margin,
                              double confidence, boolean runningReferences, double minRankTau,
                              PredictionSource source) {
        if (watched == null) {
            throw new IllegalArgumentException("stopping.metric: the pareto rule needs the watched metric's objective");
        }
        if (costs == null || costs.isEmpty()) {
            throw new IllegalArgumentException("objectives: the pareto rule needs at least one cost objective "
                    + "(params, flops or latencyMs) besides " + watched.metric());
        }
        if (gracePeriod < 1) {
            throw new IllegalArgumentException("stopping.gracePeriod: must be >= 1, got " + gracePeriod);
        }
        if (minTrials < 1) {
            throw new IllegalArgumentException("stopping.minTrials: must be >= 1, got " + minTrials);
        }
        if (!(margin >= 0 && margin <= 0.5)) {
            throw new IllegalArgumentException("stopping.margin: must be in [0, 0.5], e.g. 0.01, got " + margin);
        }
        this.watched = watched;
        this.costs = List.copyOf(costs);
        this.gracePeriod = gracePeriod;
        this.minTrials = minTrials;
        if (!(confidence >= 0.5 && confidence <= 1.0)) {
            throw new IllegalArgumentException("stopping.confidence: must be in [0.5, 1], e.g. 0.9, got " + confidence);
        }
        if (!(minRankTau >= 0 && minRankTau <= 1.0)) {
            throw new IllegalArgumentException("stopping.minRankTau: must be in [0, 1], e.g. 0.3 (0 = no check), got "
                    + minRankTau);
        }
        this.margin = margin;
        this.confidence = confidence;
        this.runningReferences = runningReferences;
        this.minRankTau = minRankTau;
        this.rankMemoKey = "pareto.rankTau|" + watched.metric() + costs.stream().map(o -> "," + o.metric())
                .reduce("", String::concat) + "|";
        this.source = source;
    }

    @Override
    public boolean readsPredictions() {
        return source != null;
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        int t = p.epoch();
        int target = p.targetEpochs();
        String id = p.candidateId();
        Optional<Prediction> prediction = Optional.empty();
        if (source != null && t >= 1 && t < target) {
            // every epoch's prediction is kept, before any early return: finished candidates' predictions from epoch
            // t are what a running candidate's prediction from t is calibrated by (the live stopper also keeps each
            // one as it arrives, a late one included; a source without such a feed, the simulator's, is read here)
            prediction = source.predictFrom(p).filter(pr -> Double.isFinite(pr.mean()));
            prediction.ifPresent(pr -> store.putPrediction(id, t, pr.mean()));
        }
        if (t < gracePeriod || t >= target || !Double.isFinite(store.value(id, t))) {
            return Optional.empty();
        }
        double[] cost = costs(store, id);
        if (cost == null) {
            return Optional.empty();
        }
        List<Ref> refs = new ArrayList<>();
        for (String r : store.candidates()) {
            if (r.equals(id) || !store.isFinished(r) || store.targetEpochs(r) != target) {
                continue;
            }
            double fin = store.value(r, target);
            double[] rc = costs(store, r);
            if (!Double.isFinite(fin) || rc == null) {
                continue;
            }
            refs.add(new Ref(r, fin, rc));
        }
        if (refs.size() < minTrials) {
            return Optional.empty();
        }
        // estimate: surrogate judges by the prediction made from epoch t when there is one and enough finished
        // candidates have one from t to calibrate it; otherwise (and with estimate: curve) by the curve fit
        boolean bySurrogate = prediction.isPresent();
        String fallback = "";
        if (source != null && !bySurrogate) {
            fallback = "no surrogate prediction from epoch " + t + " (" + source.whyNone(p) + "), so the curve fit; ";
        }
        Map<Integer, Calibration> calibrations = new HashMap<>();
        if (bySurrogate && calibration(store, refs, t, target, calibrations, true) == null) {
            bySurrogate = false;
            calibrations.clear();
            fallback = "fewer than minTrials " + minTrials + " finished candidates with a surrogate prediction from "
                    + "epoch " + t + ", so the curve fit; ";
        }
        // the rank check first: memoised, it spares the calibration (O(n log n)) at epochs that do not rank
        double tau = Double.NaN;
        if (minRankTau > 0) {
            String key = rankMemoKey + (bySurrogate ? "surrogate|" : "") + target + "|" + t;
            tau = store.finishedMemo(key);
            if (Double.isNaN(tau)) {
                tau = rankTau(store, refs, t, target, bySurrogate);
                store.putFinishedMemo(key, tau);
            }
            if (!(tau >= minRankTau)) {
                return Optional.empty();
            }
        }
        Calibration cal = calibration(store, refs, t, target, calibrations, bySurrogate);
        if (cal == null) {
            return Optional.empty();
        }
        double point = estimate(store, id, t, target, bySurrogate);
        double scale = cal.scale(climb(store, id, t));
        double optimistic = point + cal.shortfall * scale;
        List<Ref> dominating = new ArrayList<>();
        for (Ref r : refs) {
            if (beats(r.fin, optimistic) && noWorse(r.cost, cost)) {
                dominating.add(r);
            }
        }
        boolean max = watched.direction() == Direction.MAXIMIZE;
        String head = fallback + "optimistic final (" + watched.metric() + " " + show(optimistic) + costText(cost)
                + "): " + (bySurrogate ? "predicted " : "estimate ") + show(point) + " after " + t + " of " + target
                + " epochs" + (bySurrogate ? " (" + prediction.get().source() + ")" : "") + " " + (max ? "+ " : "- ")
                + cal.describe("shortfall", confidence, scale) + (minRankTau > 0 ? "; estimates after " + t
                + " epochs rank the " + cal.n + " finished by final with tau " + Num.fmt(tau) + " >= minRankTau "
                + Num.fmt(minRankTau) : "") + "; ";
        if (!dominating.isEmpty()) {
            Ref front = null;
            for (Ref r : dominating) {
                boolean onFront = true;
                for (Ref q : dominating) {
                    if (q != r && dominates(q, r)) {
                        onFront = false;
                        break;
                    }
                }
                if (onFront && (front == null || r.fin > front.fin)) {
                    front = r;
                }
            }
            String reason = head + "dominated by front point " + front.id + " (" + watched.metric() + " "
                    + show(front.fin) + costText(front.cost) + ") with margin " + Num.fmt(margin) + ": "
                    + marginText(front.fin, optimistic);
            return Optional.of(new StopVerdict(p.searchId(), id, t, name(), reason));
        }
        if (!runningReferences) {
            return Optional.empty();
        }
        // a running candidate, no worse in every cost, whose pessimistic final (its best so far minus the same quantile
        // of the best so far's overshoot, at its own epoch) beats the optimistic one: at the confidence, it will finish
        // ahead. Not its extrapolated curve: a fit to a few noisy epochs can overshoot far beyond the calibration.
        String best = null;
        double bestPess = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        double bestEst = Double.NaN;
        Calibration bestCal = null;
        double[] bestCost = null;
        double bestScale = 1;
        for (String r : store.candidates()) {
            if (!store.isRunningRival(r, id, target)) {
                continue;
            }
            int tr = Math.min(store.lastEpoch(r), target - 1);
            double[] rc = tr < 1 ? null : costs(store, r);
            if (rc == null || !noWorse(rc, cost) || !Double.isFinite(store.bestUpTo(r, tr))) {
                continue;
            }
            double est = store.bestUpTo(r, tr);
            if (!beats(est, optimistic) || est <= bestPess) {
                continue;
            }
            Calibration rcal = calibration(store, refs, tr, target, calibrations, bySurrogate);
            if (rcal == null) {
                continue;
            }
            double rscale = rcal.scale(climb(store, r, tr));
            double pess = est - rcal.overshoot * rscale;
            if (beats(pess, optimistic) && pess > bestPess) {
                best = r;
                bestPess = pess;
                bestEpoch = tr;
                bestEst = est;
                bestCal = rcal;
                bestScale = rscale;
                bestCost = rc;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String reason = head + "dominated by running candidate " + best + " (pessimistic final " + watched.metric()
                + " " + show(bestPess) + costText(bestCost) + ": best so far " + show(bestEst) + " after " + bestEpoch
                + " epochs " + (max ? "- " : "+ ") + bestCal.describe("overshoot", confidence, bestScale) + ") with margin "
                + Num.fmt(margin) + ": " + marginText(bestPess, optimistic);
        return Optional.of(new StopVerdict(p.searchId(), id, t, name(), reason));
    }

    /** {@code ref} beats {@code optimistic} by more than {@code |ref| x margin} (oriented values). */
    private boolean beats(double ref, double optimistic) {
        return ref - Math.abs(ref) * margin > optimistic;
    }

    private String marginText(double ref, double optimistic) {
        boolean max = watched.direction() == Direction.MAXIMIZE;
        return show(ref) + (max ? " - " : " + ") + Num.fmt(Math.abs(ref) * margin) + " = "
                + show(ref - Math.abs(ref) * margin) + (max ? " > " : " < ") + show(optimistic);
    }

    /**
     * The calibration at epoch {@code e}: over the finished references that reported epoch {@code e}, the conformal
     * quantiles of the point estimate's shortfall ({@code final - estimate}) and of the best so far's overshoot
     * ({@code best so far - final}), each scaled and floored at 0; null with fewer than {@code minTrials} references.
     * Memoised per call in {@code memo}.
     */
    private Calibration calibration(CurveStore store, List<Ref> refs, int e, int target,
                                    Map<Integer, Calibration> memo, boolean bySurrogate) {
        if (memo.containsKey(e)) {
            return memo.get(e);
        }
        double[] d = new double[refs.size()];
        double[] over = new double[refs.size()];
        double[] climbs = new double[refs.size()];
        int n = 0;
        for (Ref r : refs) {
            double est = store.has(r.id, e) ? estimate(store, r.id, e, target, bySurrogate) : Double.NaN;
            if (!Double.isNaN(est)) {
                climbs[n] = climb(store, r.id, e);
                over[n] = store.bestUpTo(r.id, e) - r.fin;
                d[n++] = r.fin - est;
            }
        }
        Calibration c = null;
        if (n >= minTrials) {
            double[] cs = Arrays.copyOf(climbs, n);
            Arrays.sort(cs);
            double kappa = cs[n / 2];
            for (int i = 0; i < n; i++) {
                double sc = climbs[i] + kappa;
                d[i] = sc > 0 ? d[i] / sc : d[i];
                over[i] = sc > 0 ? over[i] / sc : over[i];
            }
            double[] s = Arrays.copyOf(d, n);
            Arrays.sort(s);
            double[] o = Arrays.copyOf(over, n);
            Arrays.sort(o);
            int rank = conformalRank(n, confidence);
            c = new Calibration(Math.max(0, s[rank - 1]), Math.max(0, o[rank - 1]), n, rank, kappa);
        }
        memo.put(e, c);
        return c;
    }

    /**
     * At one epoch, from {@code n} finished references: the quantile of the point estimate's scaled shortfall and of
     * the best so far's scaled overshoot.
     */
    private record Calibration(double shortfall, double overshoot, int n, int rank, double kappa) {
        /** The scale of a curve that climbed {@code climb}: {@code climb + kappa}, or 1 when that is 0. */
        double scale(double climb) {
            double sc = climb + kappa;
            return sc > 0 ? sc : 1;
        }

        String describe(String what, double confidence, double scale) {
            double v = what.equals("shortfall") ? shortfall : overshoot;
            String which = rank == n ? "the largest" : "the " + ordinal(n - rank + 1) + " largest";
            return "calibration " + Num.fmt(v * scale) + " (the " + (what.equals("shortfall") ? "estimate" : "best so far")
                    + "'s scaled " + what + " " + Num.fmt(v)
                    + " x scale " + Num.fmt(scale) + "; " + which + " among " + n + " finished"
                    + (confidence < 1 ? ": conformal quantile at confidence " + Num.fmt(confidence) : "") + ")";
        }

        private static String ordinal(int k) {
            return k + (k % 100 >= 11 && k % 100 <= 13 ? "th" : switch (k % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            });
        }
    }

    /**
     * Kendall tau-b between the finished references' point estimates after {@code t} epochs and their final values
     * (those that reported epoch {@code t}); NaN with fewer than 2 or when one side is constant. O(n^2) in the
     * references, so the caller memoises it in the store while the finished candidates stay the same.
     */
    static double rankTau(CurveStore store, List<Ref> refs, int t, int target, boolean bySurrogate) {
        double[] est = new double[refs.size()];
        double[] fin = new double[refs.size()];
        int n = 0;
        for (Ref r : refs) {
            double v = store.has(r.id, t) ? estimate(store, r.id, t, target, bySurrogate) : Double.NaN;
            if (!Double.isNaN(v)) {
                est[n] = v;
                fin[n++] = r.fin;
            }
        }
        return n < 2 ? Double.NaN : RankQuality.kendallTau(Arrays.copyOf(est, n), Arrays.copyOf(fin, n));
    }

    /**
     * The rank (1 = smallest) of the split-conformal quantile at {@code confidence} among {@code n} calibration
     * values: {@code ceil((n + 1) x confidence)}, capped at {@code n} (with too few values for the confidence, the
     * largest: the small-sample fallback).
     */
    static int conformalRank(int n, double confidence) {
        long k = (long) Math.ceil((n + 1) * confidence - 1e-9);
        return (int) Math.max(1, Math.min(n, k));
    }

    /** How much the candidate's curve rose up to epoch {@code t}: best so far minus its first finite value (>= 0). */
    static double climb(CurveStore store, String id, int t) {
        double[][] pts = store.finitePoints(id, t);
        if (pts[1].length == 0) {
            return 0;
        }
        return Math.max(0, store.bestUpTo(id, t) - pts[1][0]);
    }

    /**
     * The candidate's estimate of its final value after {@code t} epochs: with {@code bySurrogate} the larger of its
     * best value so far and the surrogate's prediction made from epoch {@code t} (NaN when none was recorded), else
     * {@link #pointEstimate}.
     */
    static double estimate(CurveStore store, String id, int t, int target, boolean bySurrogate) {
        if (!bySurrogate) {
            return pointEstimate(store, id, t, target);
        }
        double pr = store.prediction(id, t);
        return Double.isNaN(pr) ? Double.NaN : Math.max(store.bestUpTo(id, t), pr);
    }

    /** The candidate's point estimate of its final value after {@code t} epochs (memoised in the store). */
    static double pointEstimate(CurveStore store, String id, int t, int target) {
        boolean memo = store.targetEpochs(id) == target;
        double cached = memo ? store.estimate(id, t) : Double.NaN;
        if (!Double.isNaN(cached)) {
            return cached;
        }
        double best = store.bestUpTo(id, t);
        double est = best;
        double[][] pts = store.finitePoints(id, t);
        if (pts[0].length >= MIN_FIT_POINTS) {
            double v = CurveExtrapolationRule.fit(pts[0], pts[1]).predict(target);
            if (Double.isFinite(v)) {
                est = Math.max(best, v);
            }
        }
        if (memo) {
            store.putEstimate(id, t, est);
        }
        return est;
    }

    private double[] costs(CurveStore store, String id) {
        double[] v = new double[costs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = store.staticMetric(id, costs.get(i).metric());
            if (Double.isNaN(v[i])) {
                return null;
            }
        }
        return v;
    }

    /** {@code a} is at least as good as {@code b} in every cost. */
    private boolean noWorse(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (costs.get(i).direction().better(b[i], a[i])) {
                return false;
            }
        }
        return true;
    }

    /** Plain Pareto dominance between references (final value oriented, costs by their directions). */
    private boolean dominates(Ref a, Ref b) {
        if (a.fin < b.fin || !noWorse(a.cost, b.cost)) {
            return false;
        }
        if (a.fin > b.fin) {
            return true;
        }
        for (int i = 0; i < a.cost.length; i++) {
            if (costs.get(i).direction().better(a.cost[i], b.cost[i])) {
                return true;
            }
        }
        return false;
    }

    /** An oriented value of the watched metric as the user sees it. */
    private String show(double oriented) {
        return Num.fmt(watched.direction().oriented(oriented));
    }

    private String costText(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(", ").append(costs.get(i).metric()).append(' ').append(Num.fmt(v[i]));
        }
        return sb.toString();
    }

    private record Ref(String id, double fin, double[] cost) {
    }

    @Override
    public String toString() {
        return "pareto(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", margin=" + margin
                + ", confidence=" + confidence + ", runningReferences=" + runningReferences + ", minRankTau=" + minRankTau
                + ", estimate=" + (source == null ? "curve" : "surrogate")
                + ", objectives=" + watched.metric() + costs.stream().map(o -> "," + o.metric()).reduce("", String::concat)
                + ")";
    }
}
