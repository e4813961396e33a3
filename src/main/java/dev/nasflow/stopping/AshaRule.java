package dev.nasflow.stopping;

import dev.nasflow.model.ParamDef;
import java.util.Arrays;
import java.util.Optional;

/**
 * Asynchronous successive halving used as a stopping rule (Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020, Algorithm 2; the stop-instead-of-pause variant of Optuna's
 * {@code SuccessiveHalvingPruner}).
 *
 * <p>Rungs are at {@code r_k = minEpochs * eta^k} for k = 0, 1, ... with {@code r_k < targetEpochs} (for
 * minEpochs=1, eta=3, target 200: 1, 3, 9, 27, 81). When candidate {@code c} reports epoch {@code r_k}:
 * <ol>
 *   <li>the competitors are all candidates of the search that have reported epoch {@code r_k} (c itself included;
 *       finished and stopped ones too, since asynchronous SHA never revisits a rung);</li>
 *   <li>with fewer than {@code minTrials} competitors nothing is stopped (bootstrap);</li>
 *   <li>with {@code n} competitors, {@code k = max(1, floor(n / eta))} may continue: c continues iff fewer than
 *       {@code k} competitors have a strictly larger value at the rung (so ties continue, as in Optuna's
 *       {@code value >= k-th best}), otherwise it is stopped.</li>
 * </ol>
 * Non-finite rung values rank as {@code -Infinity}. Rungs are checked only at their exact epoch, so trainers must
 * report every epoch (they do); a candidate that skips a rung epoch is not judged at that rung.
 */
public final class AshaRule implements StoppingRule {
    /** {@code asha}: asynchronous successive halving of full-length trainings at rungs. */
    public static final StoppingRuleDescriptor DESCRIPTOR = StoppingRuleDescriptor.of("asha",
            (v, s) -> new AshaRule(v.integer("minEpochs"), v.integer("eta"), v.integer("minTrials")),
            ParamDef.integer("minEpochs", 1, StoppingRules.MAX_INT, 1, "epoch of the first rung"),
            ParamDef.integer("eta", 2, 100, 3, "reduction factor: rungs at minEpochs*eta^k, top 1/eta continue"),
            ParamDef.integer("minTrials", 1, StoppingRules.MAX_INT, 3,
                    "reports needed at a rung before anything is stopped there"));

    private final int minEpochs;
    private final int eta;
    private final int minTrials;

    public AshaRule(int minEpochs, int eta, int minTrials) {
        if (minEpochs < 1) {
            throw new IllegalArgumentException("stopping.minEpochs: must be >= 1, got " + minEpochs);
        }
        if (eta < 2) {
            throw new IllegalArgumentException("stopping.eta: must be an integer >= 2, got " + eta);
        }
        if (minTrials < 1) {
            throw new IllegalArgumentException("stopping.minTrials: must be >= 1, got " + minTrials);
        }
        this.minEpochs = minEpochs;
        this.eta = eta;
        this.minTrials = minTrials;
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    /** The rung index of {@code epoch} (0 for minEpochs), or -1 when it is not a rung below {@code targetEpochs}. */
    public int rungOf(int epoch, int targetEpochs) {
        long r = minEpochs;
        for (int k = 0; r < targetEpochs; k++, r *= eta) {
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
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        int t = p.epoch();
        int rung = rungOf(t, p.targetEpochs());
        if (rung < 0) {
            return Optional.empty();
        }
        double mine = rankValue(store.value(p.candidateId(), t));
        int n = 0;
        int better = 0;
        for (String c : store.candidates()) {
            if (!store.has(c, t)) {
                continue;
            }
            n++;
            if (rankValue(store.value(c, t)) > mine) {
                better++;
            }
        }
        if (n < minTrials) {
            return Optional.empty();
        }
        int keep = Math.max(1, n / eta);
        if (better < keep) {
            return Optional.empty();
        }
        double[] vals = new double[n];
        int i = 0;
        for (String c : store.candidates()) {
            if (store.has(c, t)) {
                vals[i++] = rankValue(store.value(c, t));
            }
        }
        Arrays.sort(vals);
        double kth = vals[n - keep];
        String reason = "value " + Num.fmt(mine) + " at rung " + rung + " (epoch " + t + ") is not in the top " + keep
                + " of " + n + " (eta " + eta + ", cutoff " + Num.fmt(kth) + ")";
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    private static double rankValue(double v) {
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    @Override
    public String toString() {
        return "asha(minEpochs=" + minEpochs + ", eta=" + eta + ", minTrials=" + minTrials + ")";
    }
}
