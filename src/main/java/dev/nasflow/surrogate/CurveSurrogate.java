package dev.nasflow.surrogate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learning-curve surrogate of one search: predicts the final value (at the candidate's target epoch T) of a
 * running candidate from its architecture and the curve observed up to epoch t. Pure Java (no DJL).
 *
 * <p>Inputs of a prediction at epoch t: the value at t, the last step ({@code v_t - v_(t-1)}), the curve's running
 * mean minus {@code v_t}, and the architecture prior minus {@code v_t}: the architecture model's prediction
 * ({@link SurrogateModel}: an MLP ensemble over the architecture encoding) made when the candidate started, before
 * its result was known, or nothing when the model was not ready then. The target is the improvement
 * {@code final - v_t}. One {@link BayesLinear} (Bayesian last layer) per (t, T) is fitted on the finished candidates of
 * the search that reached T, so a prediction has a mean and a standard deviation; with one finished candidate it is
 * {@code v_t +} that candidate's improvement from t to T, and it sharpens as candidates finish. Models are refitted
 * lazily after each finished candidate (a 5x5 solve per (t, T)).
 *
 * <p>Quality is measured prequentially: every prediction made for a candidate before its result was known is
 * compared with the final value once it finishes (Kendall tau and RMSE over the last {@value #QUALITY_WINDOW}
 * pairs). Not thread-safe: one consumer thread.
 */
public final class CurveSurrogate {
    static final int QUALITY_WINDOW = 300;
    /** Finished candidates kept as training rows (the oldest are dropped beyond this). */
    static final int MAX_FINISHED = 2_000;
    /** Running candidates kept (the oldest are dropped beyond this). */
    static final int MAX_RUNNING = 10_000;
    private static final int FEATURES = 5;

    /** A prediction of a final value: mean, standard deviation, and how many finished candidates the model saw. */
    public record Estimate(double mean, double std, int trainedOn) {
    }

    private static final class Curve {
        double[] v = new double[17];
        int last;
        int target;
        double prior = Double.NaN;
        final List<Double> predicted = new ArrayList<>();

        void put(int epoch, double value) {
            if (epoch >= v.length) {
                v = Arrays.copyOf(v, Math.max(epoch + 1, v.length * 2));
            }
            if (epoch > last) {
                Arrays.fill(v, last + 1, epoch, Double.NaN);
                last = epoch;
            }
            v[epoch] = Double.isFinite(value) ? value : Double.NaN;
        }

        double at(int epoch) {
            return epoch >= 1 && epoch <= last ? v[epoch] : Double.NaN;
        }
    }

    private final LinkedHashMap<String, Curve> running = new LinkedHashMap<>();
    private final Deque<Curve> finished = new ArrayDeque<>();
    private final Map<Long, BayesLinear> models = new HashMap<>();
    private final Deque<double[]> pairs = new ArrayDeque<>();
    private long version;

    /** A candidate started; {@code prior} is the architecture model's prediction for it (NaN when none). */
    public void start(String candidateId, double prior) {
        Curve c = curve(candidateId);
        if (Double.isFinite(prior)) {
            c.prior = prior;
        }
    }

    /** Records the value of a running candidate after {@code epoch} of {@code target}. */
    public void observe(String candidateId, int epoch, int target, double value) {
        if (epoch < 1 || target < 1) {
            return;
        }
        Curve c = curve(candidateId);
        c.target = target;
        c.put(epoch, value);
    }

    /**
     * The prediction of the candidate's final value from its curve up to {@code epoch} (remembered for the quality
     * measure); null when the candidate is unknown, has no finite value at that epoch, or no finished candidate with
     * the same target reached that epoch yet.
     */
    public Estimate predict(String candidateId, int epoch) {
        Curve c = running.get(candidateId);
        if (c == null || c.target < 1 || epoch >= c.target) {
            return null;
        }
        double[] x = features(c, epoch);
        if (x == null) {
            return null;
        }
        BayesLinear m = model(epoch, c.target);
        if (m == null) {
            return null;
        }
        double[] p = m.predict(x);
        double mean = x[1] + p[0];
        if (!Double.isFinite(mean) || !Double.isFinite(p[1])) {
            return null;
        }
        c.predicted.add(mean);
        return new Estimate(mean, p[1], m.rows());
    }

    /**
     * The candidate completed its target: its curve becomes a training row (final value = its value at the target
     * epoch, or {@code finalValue} when given) and its earlier predictions are scored.
     */
    public void finish(String candidateId, Double finalValue) {
        Curve c = running.remove(candidateId);
        if (c == null || c.target < 1) {
            return;
        }
        double f = finalValue != null && Double.isFinite(finalValue) ? finalValue : c.at(c.target);
        if (!Double.isFinite(f)) {
            return;
        }
        if (c.last < c.target) {
            c.put(c.target, f);
        }
        c.v[c.target] = f;
        for (double p : c.predicted) {
            pairs.addLast(new double[] {p, f});
            while (pairs.size() > QUALITY_WINDOW) {
                pairs.removeFirst();
            }
        }
        c.predicted.clear();
        finished.addLast(c);
        while (finished.size() > MAX_FINISHED) {
            finished.removeFirst();
        }
        models.clear();
        version++;
    }

    /** The candidate ended without completing (stopped, failed): it is forgotten, it teaches nothing. */
    public void drop(String candidateId) {
        running.remove(candidateId);
    }

    public boolean knows(String candidateId) {
        return running.containsKey(candidateId);
    }

    /** Finished candidates learnt from. */
    public int finishedCount() {
        return finished.size();
    }

    /** Increases with every finished candidate (the models change). */
    public long version() {
        return version;
    }

    public double kendallTau() {
        double[][] p = split();
        return RankQuality.kendallTau(p[0], p[1]);
    }

    public double rmse() {
        double[][] p = split();
        return RankQuality.rmse(p[0], p[1]);
    }

    public int qualityPairs() {
        return pairs.size();
    }

    private double[][] split() {
        double[] a = new double[pairs.size()];
        double[] b = new double[pairs.size()];
        int i = 0;
        for (double[] pr : pairs) {
            a[i] = pr[0];
            b[i++] = pr[1];
        }
        return new double[][] {a, b};
    }

    private Curve curve(String candidateId) {
        Curve c = running.get(candidateId);
        if (c == null) {
            if (running.size() >= MAX_RUNNING) {
                Iterator<String> it = running.keySet().iterator();
                it.next();
                it.remove();
            }
            c = new Curve();
            running.put(candidateId, c);
        }
        return c;
    }

    /** [unused, v_t, step, mean - v_t, prior - v_t]; null without a finite v_t. */
    private static double[] features(Curve c, int t) {
        double vt = c.at(t);
        if (!Double.isFinite(vt)) {
            return null;
        }
        double prev = c.at(t - 1);
        double sum = 0;
        int n = 0;
        for (int e = 1; e <= t; e++) {
            double v = c.at(e);
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        double[] x = new double[FEATURES];
        x[1] = vt;
        x[2] = Double.isFinite(prev) ? vt - prev : 0;
        x[3] = sum / n - vt;
        x[4] = Double.isFinite(c.prior) ? c.prior - vt : 0;
        return x;
    }

    private BayesLinear model(int t, int target) {
        long key = ((long) t << 32) | target;
        BayesLinear m = models.get(key);
        if (m != null || models.containsKey(key)) {
            return m;
        }
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double sq = 0;
        for (Curve f : finished) {
            if (f.target != target) {
                continue;
            }
            double[] x = features(f, t);
            double fin = f.at(target);
            if (x == null || !Double.isFinite(fin)) {
                continue;
            }
            xs.add(x);
            ys.add(fin - x[1]);
            sq += (fin - x[1]) * (fin - x[1]);
        }
        if (xs.isEmpty()) {
            models.put(key, null);
            return null;
        }
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        // prior noise scale: half the typical improvement from t to T (at least a tiny positive number)
        double priorScale = Math.max(1e-6, 0.5 * Math.sqrt(sq / y.length));
        m = BayesLinear.fit(xs.toArray(new double[0][]), y, 1.0, priorScale);
        models.put(key, m);
        return m;
    }
}
