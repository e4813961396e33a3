package dev.nasflow.stopping;

import dev.nasflow.model.ParamDef;
import java.util.Optional;

/**
 * Learning-curve extrapolation, a point-estimate simplification of Domhan, Springenberg and Hutter, "Speeding up
 * Automatic Hyperparameter Optimization of Deep Neural Networks by Extrapolation of Learning Curves", IJCAI 2015
 * (their {@code pow3} family {@code c - a * x^(-alpha)}; they stop when P(y_T &gt; y_best) is small, this rule uses
 * the least-squares prediction against a margin instead of a posterior).
 *
 * <p>For a point of candidate {@code c} at epoch {@code t} with target {@code T}:
 * <ol>
 *   <li>nothing happens while {@code t < gracePeriod} or {@code t >= T}, or with fewer than 3 finite values;</li>
 *   <li>the reference is the best value at epoch {@code T} among finished candidates whose curve reached {@code T}
 *       ({@link CurveStore#bestFinal}); with fewer than {@code minTrials} such candidates (default 1) nothing
 *       happens;</li>
 *   <li>the model {@code v(t) = a - b * t^(-c)} is fitted by linear least squares in (a, b) for every {@code c} of
 *       the grid 0.05, 0.1, 0.2, ..., 3.0, keeping the {@code c} with the smallest squared error (ties: the smaller
 *       c, whose extrapolation is the more optimistic for a rising curve);</li>
 *   <li>the prediction is {@code max(v(T), best value observed so far)}: never below what the candidate already
 *       reached, which keeps the rule conservative for noisy or overfitting curves;</li>
 *   <li>stop iff prediction &lt; {@code best - |best| * (1 - threshold)} (equal to {@code best * threshold} for a
 *       positive best; {@code threshold} in (0, 1], default 0.95).</li>
 * </ol>
 */
public final class CurveExtrapolationRule implements StoppingRule {
    /** {@code curve}: stop when the extrapolated final value is below best final x threshold. */
    public static final StoppingRuleDescriptor DESCRIPTOR = StoppingRuleDescriptor.of("curve",
            (v, s) -> new CurveExtrapolationRule(v.integer("gracePeriod"), v.integer("minTrials"),
                    v.number("threshold")),
            ParamDef.integer("gracePeriod", 1, StoppingRules.MAX_INT, 4, "first epoch at which the curve is extrapolated"),
            ParamDef.integer("minTrials", 1, StoppingRules.MAX_INT, 1, "finished candidates needed as references"),
            ParamDef.number("threshold", 0.01, 1.0, 0.95,
                    "stop when the predicted final value is below best final x threshold"));

    static final double[] EXPONENTS = exponents();

    private final int gracePeriod;
    private final int minTrials;
    private final double threshold;

    public CurveExtrapolationRule(int gracePeriod, int minTrials, double threshold) {
        PredictionRules.checkArgs(gracePeriod, minTrials, threshold);
        this.gracePeriod = gracePeriod;
        this.minTrials = minTrials;
        this.threshold = threshold;
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
        CurveStore.Reference ref = store.bestFinal(target);
        if (ref.count() < Math.max(1, minTrials)) {
            return Optional.empty();
        }
        double[][] pts = store.finitePoints(p.candidateId(), t);
        if (pts[0].length < 3) {
            return Optional.empty();
        }
        Fit fit = fit(pts[0], pts[1]);
        double observedBest = store.bestUpTo(p.candidateId(), t);
        double prediction = Math.max(fit.predict(target), observedBest);
        double cut = Num.cutoff(ref.value(), threshold);
        if (!(prediction < cut)) {
            return Optional.empty();
        }
        String reason = "predicted " + Num.fmt(prediction) + " at epoch " + target + " (fit a - b*t^-c: a="
                + Num.fmt(fit.a) + ", b=" + Num.fmt(fit.b) + ", c=" + Num.fmt(fit.c) + " on " + pts[0].length
                + " epochs) < " + Num.fmt(threshold) + " x best final " + Num.fmt(ref.value()) + " = "
                + Num.fmt(cut) + " (" + ref.count() + " finished) at epoch " + t;
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    /** The fitted saturating model {@code v(t) = a - b * t^(-c)}. */
    public record Fit(double a, double b, double c, double sse) {
        public double predict(double t) {
            return a - b * Math.pow(t, -c);
        }
    }

    /**
     * Least-squares fit of {@code v(t) = a - b * t^(-c)} over the exponent grid (at least 2 points with distinct
     * epochs).
     */
    public static Fit fit(double[] epochs, double[] values) {
        if (epochs.length != values.length || epochs.length < 2) {
            throw new IllegalArgumentException("fit: needs at least 2 (epoch, value) pairs of equal count");
        }
        Fit best = null;
        int n = epochs.length;
        double[] x = new double[n];
        for (int ci = 0; ci < EXPONENTS.length; ci++) {
            double c = EXPONENTS[ci];
            double sx = 0;
            double sy = 0;
            for (int i = 0; i < n; i++) {
                x[i] = pow(epochs[i], ci);
                sx += x[i];
                sy += values[i];
            }
            double mx = sx / n;
            double my = sy / n;
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < n; i++) {
                sxx += (x[i] - mx) * (x[i] - mx);
                sxy += (x[i] - mx) * (values[i] - my);
            }
            if (sxx <= 0) {
                continue;
            }
            double slope = sxy / sxx;          // v = a + slope * x, so b = -slope
            double a = my - slope * mx;
            double sse = 0;
            for (int i = 0; i < n; i++) {
                double r = values[i] - (a + slope * x[i]);
                sse += r * r;
            }
            if (best == null || sse < best.sse - 1e-12 * (1 + best.sse)) {
                best = new Fit(a, -slope, c, sse);
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("fit: the epochs must not all be equal");
        }
        return best;
    }

    /** Epochs up to which {@code t^(-c)} is tabulated (the same values as {@link Math#pow}, computed once). */
    private static final int POW_TABLE_EPOCHS = 1024;
    private static final double[][] POW = powTable();

    private static double[][] powTable() {
        double[][] t = new double[EXPONENTS.length][POW_TABLE_EPOCHS + 1];
        for (int ci = 0; ci < EXPONENTS.length; ci++) {
            for (int e = 1; e <= POW_TABLE_EPOCHS; e++) {
                t[ci][e] = Math.pow(e, -EXPONENTS[ci]);
            }
        }
        return t;
    }

    private static double pow(double epoch, int ci) {
        int e = (int) epoch;
        if (e == epoch && e >= 1 && e <= POW_TABLE_EPOCHS) {
            return POW[ci][e];
        }
        return Math.pow(epoch, -EXPONENTS[ci]);
    }

    private static double[] exponents() {
        double[] cs = new double[31];
        cs[0] = 0.05;
        for (int i = 1; i <= 30; i++) {
            cs[i] = i / 10.0;
        }
        return cs;
    }

    @Override
    public String toString() {
        return "curve(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", threshold=" + threshold + ")";
    }
}
