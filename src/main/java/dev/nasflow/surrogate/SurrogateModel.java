package dev.nasflow.surrogate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The online surrogate of one search: learns architecture encoding → final primary metric from finished candidates,
 * retrains every {@code retrainEvery} new results, and measures its own quality prequentially: each finished
 * candidate's result is compared with the prediction the model made for it <em>before</em> the result was known
 * (held back by construction), over a sliding window. Thread-safe: {@link #fit()} may run on another thread than
 * the one adding results and predicting.
 *
 * <p>A warm-started search may also give it <b>priors</b> ({@link #addPrior}): results of earlier searches measured on
 * the same task, so on the same scale. They are training data from the first fit on (so the model is {@link #ready()}
 * before the search's first candidate finishes), always placed before the search's own results (so a rebuild from
 * the topics fits on the same rows in the same order); they never enter the quality measure, and
 * {@link #trainedOn()} and {@link #results()} count the search's own results only (a proposer compares those with
 * the results it holds). At most one prior per architecture hash: a repeated prior is a no-op.
 */
public final class SurrogateModel {
    private final int retrainEvery;
    private final int window;
    private final long seed;
    private final List<double[]> xs = new ArrayList<>();
    private final List<Double> ys = new ArrayList<>();
    private final List<double[]> priorXs = new ArrayList<>();
    private final List<Double> priorYs = new ArrayList<>();
    private final java.util.Set<String> priorHashes = new java.util.HashSet<>();
    private final Map<String, Double> predictedBeforeResult = new LinkedHashMap<>();
    private final Deque<double[]> pairs = new ArrayDeque<>();
    private MlpEnsemble model;
    private long version;
    private int sinceFit;
    private int trainedOn;
    private int priorsTrainedOn;

    /** Rows each out-of-fold ensemble is fitted on at most ({@link #outOfFold}). */
    static final int OUT_OF_FOLD_ROWS = 400;

    public SurrogateModel(int retrainEvery, int window, long seed) {
        this.retrainEvery = Math.max(1, retrainEvery);
        this.window = Math.max(2, window);
        this.seed = seed;
    }

    /** A finished candidate (full fidelity). Returns true when the model was retrained (here, synchronously). */
    public boolean addResult(String archHash, double[] encoding, double value) {
        if (addData(archHash, encoding, value)) {
            fit();
            return true;
        }
        return false;
    }

    /**
     * Records a finished candidate without fitting. Returns true when a fit is due (every {@code retrainEvery} new
     * results, and as soon as two exist): call {@link #fit()}, on any thread.
     */
    public synchronized boolean addData(String archHash, double[] encoding, double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        Double before = predictedBeforeResult.remove(archHash);
        if (before != null) {
            pairs.addLast(new double[] {before, value});
            while (pairs.size() > window) {
                pairs.removeFirst();
            }
        }
        xs.add(encoding.clone());
        ys.add(value);
        sinceFit++;
        return sinceFit >= retrainEvery || (model == null && xs.size() + priorXs.size() >= 2);
    }

    /**
     * Records a prior result (warm start, measured on this search's task) without fitting. Returns false, and records
     * nothing, for a non-finite value or an architecture hash already recorded as a prior (the first one is kept: a
     * warm start lists them best first, and a repeated event adds nothing). After adding priors call
     * {@link #fitDueForPriors()}.
     */
    public synchronized boolean addPrior(String archHash, double[] encoding, double value) {
        if (archHash == null || !Double.isFinite(value) || !priorHashes.add(archHash)) {
            return false;
        }
        priorXs.add(encoding.clone());
        priorYs.add(value);
        return true;
    }

    /** Whether a fit is due: priors were recorded since the installed model's fit (if any), two rows at least. */
    public synchronized boolean fitDueForPriors() {
        return priorXs.size() > priorsTrainedOn && priorXs.size() + xs.size() >= 2;
    }

    /** Priors recorded (see {@link #addPrior}). */
    public synchronized int priors() {
        return priorXs.size();
    }

    /** Priors the installed model was fitted on (0 before the first fit). */
    public synchronized int priorsTrainedOn() {
        return priorsTrainedOn;
    }

    /**
     * Fits a new ensemble on every result recorded so far and installs it. The fit itself runs outside the lock, so
     * predictions go on (from the previous model) while it trains.
     */
    public void fit() {
        double[][] x;
        double[] y;
        long v;
        int own;
        int priorRows;
        synchronized (this) {
            priorRows = priorXs.size();
            own = xs.size();
            x = new double[priorRows + own][];
            y = new double[priorRows + own];
            for (int i = 0; i < priorRows; i++) {
                x[i] = priorXs.get(i);
                y[i] = priorYs.get(i);
            }
            for (int i = 0; i < own; i++) {
                x[priorRows + i] = xs.get(i);
                y[priorRows + i] = ys.get(i);
            }
            v = version;
        }
        if (x.length == 0) {
            return;
        }
        MlpEnsemble m = MlpEnsemble.withDefaults(5, seed + v);
        m.fit(x, y);
        synchronized (this) {
            model = m;
            version++;
            trainedOn = own;
            priorsTrainedOn = priorRows;
            sinceFit = xs.size() - own;
        }
    }

    /**
     * Out-of-fold predictions of {@code y} from {@code x}: row i is predicted by an ensemble fitted on the other folds
     * only (row i is in fold {@code i % folds}), so each prediction is made without that row's value, as the
     * architecture prior of a running candidate is made before its result is known. Used to give a warm start's prior
     * curves the architecture prior they would have had ({@link CurveSurrogate#learnPriors}). Each fold's ensemble
     * is fitted on at most {@value #OUT_OF_FOLD_ROWS} of the other rows (every j-th, so spread over the list), which
     * bounds the cost for a large warm start (2,000 priors) at that of about 500. NaN rows where fewer than two other
     * rows exist. Deterministic for a seed.
     */
    public static double[] outOfFold(List<double[]> x, List<Double> y, int folds, long seed) {
        int n = x.size();
        double[] out = new double[n];
        java.util.Arrays.fill(out, Double.NaN);
        int k = Math.max(2, Math.min(folds, n));
        for (int f = 0; f < k; f++) {
            List<double[]> tx = new ArrayList<>();
            List<Double> ty = new ArrayList<>();
            int others = n - (n - f + k - 1) / k;
            int stride = Math.max(1, (others + OUT_OF_FOLD_ROWS - 1) / OUT_OF_FOLD_ROWS);
            for (int i = 0, seen = 0; i < n; i++) {
                if (i % k != f && seen++ % stride == 0) {
                    tx.add(x.get(i));
                    ty.add(y.get(i));
                }
            }
            if (tx.size() < 2) {
                continue;
            }
            MlpEnsemble m = MlpEnsemble.withDefaults(5, seed + f);
            m.fit(tx.toArray(new double[0][]), ty.stream().mapToDouble(Double::doubleValue).toArray());
            for (int i = f; i < n; i += k) {
                out[i] = m.predict(x.get(i)).mean();
            }
        }
        return out;
    }

    /** Finished results of this search the installed model was fitted on (0 before the first fit; priors apart). */
    public synchronized int trainedOn() {
        return trainedOn;
    }

    public synchronized boolean ready() {
        return model != null;
    }

    public synchronized long version() {
        return version;
    }

    public synchronized int results() {
        return xs.size();
    }

    /** Predict an architecture not yet finished; remembered for the prequential quality measure. */
    public synchronized MlpEnsemble.Prediction predict(String archHash, double[] encoding) {
        MlpEnsemble.Prediction p = model.predict(encoding);
        predictedBeforeResult.put(archHash, p.mean());
        if (predictedBeforeResult.size() > 100_000) {
            predictedBeforeResult.remove(predictedBeforeResult.keySet().iterator().next());
        }
        return p;
    }

    /** Kendall tau over the held-back window (NaN until two pairs exist). */
    public synchronized double kendallTau() {
        double[][] p = split();
        return RankQuality.kendallTau(p[0], p[1]);
    }

    public synchronized double rmse() {
        double[][] p = split();
        return RankQuality.rmse(p[0], p[1]);
    }

    public synchronized int qualityPairs() {
        return pairs.size();
    }

    private double[][] split() {
        double[] a = new double[pairs.size()];
        double[] b = new double[pairs.size()];
        int i = 0;
        for (double[] pr : pairs) {
            a[i] = pr[0];
            b[i] = pr[1];
            i++;
        }
        return new double[][] {a, b};
    }
}
