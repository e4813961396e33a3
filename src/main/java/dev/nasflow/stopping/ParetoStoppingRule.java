package dev.nasflow.stopping;

import dev.nasflow.spec.Direction;
import dev.nasflow.spec.Objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Multi-objective early stopping ({@code rule: pareto}): a running candidate is stopped when even an optimistic
 * estimate of its final objective vector is dominated, by more than a margin, by a point of the current Pareto front
 * of finished candidates.
 *
 * <p>Objectives: one learning-curve objective (the watched per-epoch metric, e.g. {@code validAccuracy}; curve points
 * are oriented so that larger is better) and one or more costs known before training ({@code params}, {@code flops},
 * {@code latencyMs} from the cost model, recorded with {@link CurveStore#recordStatics}), each with its
 * {@link Direction}. For a point of candidate {@code c} at epoch {@code t} with target {@code T}:
 * <ol>
 *   <li>nothing happens while {@code t < gracePeriod} or {@code t >= T}, when the value at {@code t} is not finite,
 *       or when a cost of {@code c} is unknown;</li>
 *   <li>references: the finished candidates with the same target whose value at {@code T} and at {@code t} and whose
 *       costs are known; with fewer than {@code minTrials} nothing happens;</li>
 *   <li>point estimate of a curve after {@code t} epochs: {@code max(best so far, v(T))} with {@code v} the
 *       {@code a - b*t^-c} least-squares fit of {@link CurveExtrapolationRule} (from 3 finite values on; before that,
 *       the best so far);</li>
 *   <li><b>optimistic estimate</b> of {@code c}'s final value: its point estimate plus the <em>calibration</em>, the
 *       largest amount by which the point estimate after {@code t} epochs fell short of a reference's actual final
 *       value (0 when it never did). The references are this search's own finished curves, so the estimate is as
 *       optimistic as the worst surprise seen so far at this epoch;</li>
 *   <li>a reference {@code f} dominates {@code c} with the margin when {@code final(f) - |final(f)| * margin >
 *       optimistic(c)} and {@code f} is no worse than {@code c} in every cost. Stop iff some reference does; the
 *       verdict names a dominating point that is on the front (not dominated by another reference), the one with the
 *       best final value.</li>
 * </ol>
 * A candidate whose optimistic vector is not dominated could still enter the front, and is never stopped. Like every
 * rule it keeps no state: the curve fits it memoises ({@link CurveStore#estimate}) are functions of the curves.
 */
public final class ParetoStoppingRule implements StoppingRule {
    static final int MIN_FIT_POINTS = 3;

    private final Objective watched;
    private final List<Objective> costs;
    private final int gracePeriod;
    private final int minTrials;
    private final double margin;

    /**
     * @param watched     the learning-curve objective (its metric and direction; curve values arrive oriented)
     * @param costs       the objectives known before training (at least one)
     * @param gracePeriod first epoch at which a candidate may be stopped
     * @param minTrials   finished references needed (front and calibration)
     * @param margin      relative margin in [0, 0.5]: a front point must beat the optimistic estimate by more than
     *                    {@code |its value| x margin}
     */
    public ParetoStoppingRule(Objective watched, List<Objective> costs, int gracePeriod, int minTrials, double margin) {
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
        this.margin = margin;
    }

    @Override
    public String name() {
        return "pareto";
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        int t = p.epoch();
        int target = p.targetEpochs();
        String id = p.candidateId();
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
            if (!Double.isFinite(fin) || rc == null || !store.has(r, t)) {
                continue;
            }
            refs.add(new Ref(r, fin, rc));
        }
        if (refs.size() < minTrials) {
            return Optional.empty();
        }
        double point = pointEstimate(store, id, t, target);
        double calibration = 0;
        for (Ref r : refs) {
            calibration = Math.max(calibration, r.fin - pointEstimate(store, r.id, t, target));
        }
        double optimistic = point + calibration;
        List<Ref> dominating = new ArrayList<>();
        for (Ref r : refs) {
            if (r.fin - Math.abs(r.fin) * margin > optimistic && noWorse(r.cost, cost)) {
                dominating.add(r);
            }
        }
        if (dominating.isEmpty()) {
            return Optional.empty();
        }
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
        boolean max = watched.direction() == Direction.MAXIMIZE;
        double cut = front.fin - Math.abs(front.fin) * margin;
        String reason = "optimistic final (" + watched.metric() + " " + show(optimistic) + costText(cost) + "): estimate "
                + show(point) + " after " + t + " of " + target + " epochs " + (max ? "+" : "-") + " calibration "
                + Num.fmt(calibration) + " (the estimate's largest shortfall among " + refs.size()
                + " finished); dominated by front point " + front.id + " (" + watched.metric() + " " + show(front.fin)
                + costText(front.cost) + ") with margin " + Num.fmt(margin) + ": " + show(front.fin) + (max ? " - " : " + ")
                + Num.fmt(Math.abs(front.fin) * margin) + " = " + show(cut) + (max ? " > " : " < ") + show(optimistic);
        return Optional.of(new StopVerdict(p.searchId(), id, t, name(), reason));
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
                + ", objectives=" + watched.metric() + costs.stream().map(o -> "," + o.metric()).reduce("", String::concat)
                + ")";
    }
}
