package dev.nasflow.stopping;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Median stopping rule (Golovin et al., "Google Vizier: A Service for Black-Box Optimization", KDD 2017, section
 * 3.2.2; Katib {@code medianstop}, https://www.kubeflow.org/docs/components/katib/early-stopping/): a pending trial
 * is stopped at step {@code t} if its <em>best</em> objective value by step {@code t} is strictly worse than the
 * median of the <em>running averages</em> (mean of the values at steps 1..t) of the reference trials.
 *
 * <p>Precisely, for a point of candidate {@code c} at epoch {@code t}:
 * <ol>
 *   <li>nothing happens while {@code t < gracePeriod} (Katib {@code start_step}, default 4) or when
 *       {@code t >= targetEpochs} (nothing left to save);</li>
 *   <li>references: every <em>other</em> candidate of the search whose curve reached {@code t} (last reported epoch
 *       at least {@code t}): running, finished or already stopped. With {@code completedOnly=true} only finished
 *       candidates count, which is Vizier's literal wording ("completed trials"); the default also counts running
 *       ones because in a streaming search the first generation has no completed trial until it is over;</li>
 *   <li>fewer than {@code minTrials} references (Katib {@code min_trials_required}, default 3): no decision;</li>
 *   <li>stop iff best(c, 1..t) &lt; median of the references' running averages at t (strict: a tie continues).</li>
 * </ol>
 * NaN-safety: non-finite values are skipped in bests and averages; a curve without any finite value up to
 * {@code t} counts as {@code -Infinity} (the worst), so a NaN-only candidate is stopped once enough references
 * exist, and a NaN-only reference pulls the median down.
 */
public final class MedianStoppingRule implements StoppingRule {
    private final int gracePeriod;
    private final int minTrials;
    private final boolean completedOnly;

    public MedianStoppingRule(int gracePeriod, int minTrials, boolean completedOnly) {
        if (gracePeriod < 1) {
            throw new IllegalArgumentException("stopping.gracePeriod: must be >= 1, got " + gracePeriod);
        }
        if (minTrials < 1) {
            throw new IllegalArgumentException("stopping.minTrials: must be >= 1, got " + minTrials);
        }
        this.gracePeriod = gracePeriod;
        this.minTrials = minTrials;
        this.completedOnly = completedOnly;
    }

    @Override
    public String name() {
        return "median";
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        int t = p.epoch();
        if (t < gracePeriod || t >= p.targetEpochs()) {
            return Optional.empty();
        }
        List<Double> refs = new ArrayList<>();
        for (String other : store.candidates()) {
            if (other.equals(p.candidateId()) || store.lastEpoch(other) < t) {
                continue;
            }
            if (completedOnly && !store.isFinished(other)) {
                continue;
            }
            refs.add(store.runningAverage(other, t));
        }
        if (refs.size() < minTrials) {
            return Optional.empty();
        }
        double median = Num.median(refs.stream().mapToDouble(Double::doubleValue).toArray());
        double best = store.bestUpTo(p.candidateId(), t);
        if (!(best < median)) {
            return Optional.empty();
        }
        String reason = "best " + Num.fmt(best) + " < median " + Num.fmt(median) + " of the running averages of "
                + refs.size() + (completedOnly ? " finished" : "") + " trials at epoch " + t;
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    @Override
    public String toString() {
        return "median(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", completedOnly=" + completedOnly + ")";
    }
}
