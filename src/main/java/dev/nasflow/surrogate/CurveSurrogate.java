package dev.nasflow.surrogate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The learning-curve surrogate of one search: predicts the final value (at the candidate's target epoch T) of a
 * running candidate from its architecture and the curve observed up to epoch t. Pure Java (no DJL).
 *
 * <p>Inputs of a prediction at epoch t, relative to the value {@code v_t} at t: the last step ({@code v_t - v_(t-1)}), the curve's running
 * mean and best so far minus {@code v_t}, and the architecture prior minus {@code v_t}: the architecture model's
 * prediction ({@link SurrogateModel}: an MLP ensemble over the architecture encoding) made when the candidate started,
 * before its result was known, or nothing when the model was not ready then (imputed). The target is the improvement
 * {@code final - v_t}, so a model that learnt nothing predicts {@code v_t} plus the typical improvement and ranks
 * candidates as their last observed value does. One {@link BayesLinear} (Bayesian last layer) per (t, T) is fitted on
 * the finished candidates of the search that reached T, its shrinkage chosen by leave-one-out error, so a prediction
 * has a mean and a standard deviation; with one finished candidate it is {@code v_t +} that candidate's improvement
 * from t to T, and it sharpens as candidates finish. Models are refitted after each finished candidate, lazily or on
 * a given executor off the prediction path.
 *
 * <p>Quality is measured prequentially: every prediction made for a candidate before its result was known is
 * compared with the final value once it finishes (Kendall tau and RMSE over the last {@value #QUALITY_WINDOW}
 * pairs). Not thread-safe (one consumer thread), except that refits may run on the given executor.
 */
public final class CurveSurrogate {
    static final int QUALITY_WINDOW = 300;
    /** Finished candidates kept as training rows (the oldest are dropped beyond this). */
    static final int MAX_FINISHED = 2_000;
    /** Running candidates kept (the oldest are dropped beyond this). */
    static final int MAX_RUNNING = 10_000;
    private static final int FEATURES = 5;

    /**
     * A prediction of a final value: mean, scale ({@code std}), how many finished candidates the model saw, and the
     * degrees of freedom of its predictive Student t distribution (infinite = normal).
     */
    public record Estimate(double mean, double std, int trainedOn, double dof) {
        public Estimate(double mean, double std, int trainedOn) {
            this(mean, std, trainedOn, Double.POSITIVE_INFINITY);
        }
    }

    /**
     * How well candidates are ranked at one epoch, over the same finished candidates: Kendall tau of the predictions
     * made from that epoch against the final values, and of the values observed at that epoch against them.
     */
    public record RankGate(int epoch, double tauPredicted, double tauObserved, int n) {
        /** The predictions rank strictly better than the observed values (on at least {@code minPairs} pairs). */
        public boolean predictionsBetter(int minPairs) {
            return n >= minPairs && Double.isFinite(tauPredicted)
                    && (!Double.isFinite(tauObserved) || tauPredicted > tauObserved);
        }
    }

    private static final class Curve {
        double[] v = new double[17];
        int last;
        int target;
        double prior = Double.NaN;
        final List<Double> predicted = new ArrayList<>();
        /** The latest prediction made from each epoch (index = epoch; NaN = none). */
        double[] predictedAt = new double[0];

        void predictedAt(int epoch, double mean) {
            if (epoch >= predictedAt.length) {
                int from = predictedAt.length;
                predictedAt = Arrays.copyOf(predictedAt, Math.max(epoch + 1, 2 * predictedAt.length));
                Arrays.fill(predictedAt, from, predictedAt.length, Double.NaN);
            }
            predictedAt[epoch] = mean;
        }

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
    /** The fitted models of the current training rows; replaced (never modified but by adding keys) on a refit. */
    private volatile Models models = new Models(0, List.of());
    /** Where refits run after a candidate finished (null: lazily on the caller's thread, at its next prediction). */
    private final Executor refitter;
    private double tauCache = Double.NaN;
    private double rmseCache = Double.NaN;
    private boolean qualityStale = true;
    private final Deque<double[]> pairs = new ArrayDeque<>();
    /** Per epoch of observation: {prediction from that epoch, value at that epoch, final} of finished candidates. */
    private final Map<Integer, Deque<double[]>> epochPairs = new java.util.HashMap<>();
    private final Map<Integer, RankGate> gateCache = new java.util.HashMap<>();
    /** Finished and ended (stopped) candidates by id, for {@link #repredict} (bounded like their collections). */
    private final LinkedHashMap<String, Curve> finishedById = new LinkedHashMap<>();
    /** Candidates whose finish came before any of their epochs: id -> the final value given (null: none). */
    private final LinkedHashMap<String, Double> pendingFinish = new LinkedHashMap<>();
    private final LinkedHashMap<String, Curve> ended = new LinkedHashMap<>();
    private long version;

    /**
     * The models of one set of training rows (finished curves, immutable once finished): one per (t, T), fitted on
     * first use; an absent model (no row) is stored as {@link Optional#empty()}.
     */
    private record Models(long version, List<Curve> rows, Map<Long, Optional<BayesLinear>> byKey) {
        Models(long version, List<Curve> rows) {
            this(version, rows, new ConcurrentHashMap<>());
        }
    }

    /** Models refitted lazily on the caller's thread (deterministic: the stopping simulation, tests). */
    public CurveSurrogate() {
        this(null);
    }

    /**
     * @param refitter where the models are refitted after a candidate finished, off the caller's (hot) path: until
     *                 the refit is installed, predictions come from the previous models (at most a few finished
     *                 candidates behind); null = lazily on the caller's thread
     */
    public CurveSurrogate(Executor refitter) {
        this.refitter = refitter;
    }

    /** A candidate started; {@code prior} is the architecture model's prediction for it (NaN when none). */
    public void start(String candidateId, double prior) {
        Curve c = curve(candidateId);
        if (Double.isFinite(prior)) {
            c.prior = prior;
        }
    }

    /**
     * Records the value of a running candidate after {@code epoch} of {@code target}. Epochs and finishes come from two
     * topics and may cross: an epoch of a candidate that already finished fills the gap it left in the finished
     * curve (it never starts a new running one), and a candidate whose finish came before its epochs finishes when
     * its curve reaches the target.
     */
    public void observe(String candidateId, int epoch, int target, double value) {
        if (epoch < 1 || target < 1) {
            return;
        }
        Curve done = finishedById.get(candidateId);
        if (done != null) {
            if (epoch < done.target && Double.isNaN(done.at(epoch)) && Double.isFinite(value)) {
                done.v[epoch] = value;
            }
            return;
        }
        Curve c = curve(candidateId);
        c.target = target;
        c.put(epoch, value);
        if (c.last >= c.target && pendingFinish.containsKey(candidateId)) {
            finish(candidateId, pendingFinish.remove(candidateId));
        }
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
        double mean = x[0] + p[0];
        if (!Double.isFinite(mean) || !Double.isFinite(p[1])) {
            return null;
        }
        c.predicted.add(mean);
        c.predictedAt(epoch, mean);
        return new Estimate(mean, p[1], m.rows(), p[2]);
    }

    /**
     * The current models' prediction of a candidate's final value from its curve truncated at {@code epoch}, whether
     * it is running, finished or was dropped (stopped): what a rung ranks its competitors by, so that all of them are
     * judged by the same model version. Not remembered for the quality measure; null when the candidate is unknown,
     * has no finite value at that epoch, or no model for (epoch, target) exists.
     */
    public Estimate repredict(String candidateId, int epoch) {
        Curve c = running.get(candidateId);
        if (c == null) {
            c = finishedById.get(candidateId);
        }
        if (c == null) {
            c = ended.get(candidateId);
        }
        if (c == null || c.target < 1 || epoch >= c.target || epoch > c.last) {
            return null;
        }
        double[] x = features(c, epoch);
        BayesLinear m = x == null ? null : model(epoch, c.target);
        if (m == null) {
            return null;
        }
        double[] p = m.predict(x);
        double mean = x[0] + p[0];
        return Double.isFinite(mean) && Double.isFinite(p[1]) ? new Estimate(mean, p[1], m.rows(), p[2]) : null;
    }

    /**
     * Rank quality at {@code epoch} (prequential, over the last {@value #QUALITY_WINDOW} finished candidates predicted
     * from that epoch): the predictions' tau against the observed values' tau on the same candidates. Recomputed only
     * when a candidate finished.
     */
    public RankGate rankGate(int epoch) {
        RankGate g = gateCache.get(epoch);
        if (g != null) {
            return g;
        }
        Deque<double[]> d = epochPairs.getOrDefault(epoch, new ArrayDeque<>());
        double[] pr = new double[d.size()];
        double[] ob = new double[d.size()];
        double[] fi = new double[d.size()];
        int i = 0;
        for (double[] r : d) {
            pr[i] = r[0];
            ob[i] = r[1];
            fi[i++] = r[2];
        }
        g = new RankGate(epoch, d.size() < 2 ? Double.NaN : RankQuality.kendallTau(pr, fi),
                d.size() < 2 ? Double.NaN : RankQuality.kendallTau(ob, fi), d.size());
        gateCache.put(epoch, g);
        return g;
    }

    /**
     * The candidate completed its target: its curve becomes a training row (final value = its value at the target
     * epoch, or {@code finalValue} when given) and its earlier predictions are scored.
     */
    public void finish(String candidateId, Double finalValue) {
        Curve c = running.get(candidateId);
        if (c == null || c.target < 1) {
            // no epoch seen yet (the finish overtook them): finish once the curve reaches its target
            pendingFinish.put(candidateId, finalValue);
            while (pendingFinish.size() > MAX_RUNNING) {
                pendingFinish.remove(pendingFinish.keySet().iterator().next());
            }
            return;
        }
        running.remove(candidateId);
        pendingFinish.remove(candidateId);
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
        for (int e = 1; e < c.predictedAt.length && e < c.target; e++) {
            double obs = c.at(e);
            if (Double.isFinite(c.predictedAt[e]) && Double.isFinite(obs)) {
                Deque<double[]> d = epochPairs.computeIfAbsent(e, k -> new ArrayDeque<>());
                d.addLast(new double[] {c.predictedAt[e], obs, f});
                while (d.size() > QUALITY_WINDOW) {
                    d.removeFirst();
                }
            }
        }
        gateCache.clear();
        addFinished(candidateId, c);
        qualityStale = true;
        version++;
        Models old = models;
        Models next = new Models(version, List.copyOf(finished));
        if (refitter == null) {
            models = next;
            return;
        }
        try {
            refitter.execute(() -> {
                for (Long key : old.byKey().keySet()) { // the (t, T) in use: fitted before anyone asks
                    model(next, (int) (key >>> 32), (int) (long) key);
                }
                install(next);
            });
        } catch (RuntimeException rejected) {
            install(next); // the executor is shut down: fit lazily
        }
    }

    /** A training row, by id too; the oldest are dropped beyond {@value #MAX_FINISHED}. */
    private void addFinished(String id, Curve c) {
        finished.addLast(c);
        finishedById.put(id, c);
        while (finished.size() > MAX_FINISHED) {
            finished.removeFirst();
        }
        while (finishedById.size() > MAX_FINISHED) {
            Iterator<String> it = finishedById.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    private synchronized void install(Models next) {
        if (next.version() > models.version()) {
            models = next;
        }
    }

    /**
     * A prior curve of a warm start: {@code id}, the architecture prior it would have had as a candidate here (made
     * without its result, e.g. {@link SurrogateModel#outOfFold}; NaN: none) and its values after epochs 1..T
     * ({@code T = curve.length}, oriented as this model's values; NaN where an epoch is missing).
     */
    public record PriorCurve(String id, double prior, double[] curve) {
    }

    /**
     * Learns a warm start's prior curves (completed candidates of an earlier search on the same task) as training
     * rows, as if they had finished here: the models predict from the first epoch of the first candidate, before any
     * candidate of this search finished. The new models are installed at once (each (t, T) model is fitted on its
     * first use), so a prediction right after this call already uses them. The priors are not predicted while they
     * are learnt: the quality measure and the rank gate ({@link #rankGate}) stay those of this search's own
     * candidates. Skipped: curves with fewer than 2 epochs or no finite final value, and ids already known. Returns
     * the curves learnt.
     */
    public int learnPriors(List<PriorCurve> priors) {
        int learnt = 0;
        for (PriorCurve p : priors) {
            double[] v = p.curve();
            if (v == null || v.length < 2 || !Double.isFinite(v[v.length - 1]) || running.containsKey(p.id())
                    || finishedById.containsKey(p.id()) || ended.containsKey(p.id())) {
                continue;
            }
            Curve c = new Curve();
            c.target = v.length;
            for (int e = 1; e <= v.length; e++) {
                c.put(e, v[e - 1]);
            }
            if (Double.isFinite(p.prior())) {
                c.prior = p.prior();
            }
            addFinished(p.id(), c);
            learnt++;
        }
        if (learnt == 0) {
            return 0;
        }
        version++;
        install(new Models(version, List.copyOf(finished)));
        return learnt;
    }

    /** The candidate ended without completing (stopped, failed): it is forgotten, it teaches nothing. */
    public void drop(String candidateId) {
        pendingFinish.remove(candidateId);
        Curve c = running.remove(candidateId);
        if (c != null) {
            ended.put(candidateId, c); // its partial curve still competes at the rungs it reached (repredict)
            while (ended.size() > MAX_RUNNING) {
                Iterator<String> it = ended.keySet().iterator();
                it.next();
                it.remove();
            }
        }
    }

    /**
     * The values of a finished candidate after epochs 1..T (a copy; NaN where an epoch was not seen), or null when
     * no finished candidate has that id (any more: the oldest are dropped beyond {@value #MAX_FINISHED}).
     */
    public double[] finishedCurve(String candidateId) {
        Curve c = finishedById.get(candidateId);
        return c == null || c.target < 1 ? null : Arrays.copyOfRange(c.v, 1, c.target + 1);
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

    /** Kendall tau of the held-back pairs (recomputed only when a candidate finished). */
    public double kendallTau() {
        quality();
        return tauCache;
    }

    public double rmse() {
        quality();
        return rmseCache;
    }

    private void quality() {
        if (qualityStale) {
            double[][] p = split();
            tauCache = RankQuality.kendallTau(p[0], p[1]);
            rmseCache = RankQuality.rmse(p[0], p[1]);
            qualityStale = false;
        }
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

    /**
     * [v_t (the base, not a feature), step, mean - v_t, best - v_t, prior - v_t]: the last step, the curve's running
     * mean and best so far and the architecture prior (NaN when none: imputed by the fit), all relative to v_t. The
     * level v_t itself is no feature: fitted on the finished candidates, which a stopping rule selected for their
     * high early values, its slope would be biased towards "the higher now, the less it gains" and could undo the
     * ranking by v_t; null without a finite v_t.
     */
    private static double[] features(Curve c, int t) {
        double vt = c.at(t);
        if (!Double.isFinite(vt)) {
            return null;
        }
        double prev = c.at(t - 1);
        double sum = 0;
        double best = vt;
        int n = 0;
        for (int e = 1; e <= t; e++) {
            double v = c.at(e);
            if (Double.isFinite(v)) {
                sum += v;
                best = Math.max(best, v);
                n++;
            }
        }
        double[] x = new double[FEATURES];
        x[0] = vt; // not a feature (BayesLinear ignores column 0): the base the improvement is added to
        x[1] = Double.isFinite(prev) ? vt - prev : 0;
        x[2] = sum / n - vt;
        x[3] = best - vt;
        x[4] = Double.isFinite(c.prior) ? c.prior - vt : Double.NaN;
        return x;
    }

    private BayesLinear model(int t, int target) {
        return model(models, t, target);
    }

    private static BayesLinear model(Models ms, int t, int target) {
        long key = ((long) t << 32) | target;
        Optional<BayesLinear> m = ms.byKey().get(key);
        if (m == null) {
            m = Optional.ofNullable(fit(ms.rows(), t, target));
            ms.byKey().putIfAbsent(key, m);
        }
        return m.orElse(null);
    }

    private static BayesLinear fit(List<Curve> rows, int t, int target) {
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double sq = 0;
        for (Curve f : rows) {
            if (f.target != target) {
                continue;
            }
            double[] x = features(f, t);
            double fin = f.at(target);
            if (x == null || !Double.isFinite(fin)) {
                continue;
            }
            xs.add(x);
            ys.add(fin - x[0]);
            sq += (fin - x[0]) * (fin - x[0]);
        }
        if (xs.isEmpty()) {
            return null;
        }
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        // prior noise scale: half the typical improvement from t to T (at least a tiny positive number)
        double priorScale = Math.max(1e-6, 0.5 * Math.sqrt(sq / y.length));
        return BayesLinear.fit(xs.toArray(new double[0][]), y, priorScale);
    }
}
