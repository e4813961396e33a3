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
 */
public final class SurrogateModel {
    private final int retrainEvery;
    private final int window;
    private final long seed;
    private final List<double[]> xs = new ArrayList<>();
    private final List<Double> ys = new ArrayList<>();
    private final Map<String, Double> predictedBeforeResult = new LinkedHashMap<>();
    private final Deque<double[]> pairs = new ArrayDeque<>();
    private MlpEnsemble model;
    private long version;
    private int sinceFit;
    private int trainedOn;

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
        return sinceFit >= retrainEvery || (model == null && xs.size() >= 2);
    }

    /**
     * Fits a new ensemble on every result recorded so far and installs it. The fit itself runs outside the lock, so
     * predictions go on (from the previous model) while it trains.
     */
    public void fit() {
        double[][] x;
        double[] y;
        long v;
        synchronized (this) {
            x = xs.toArray(new double[0][]);
            y = ys.stream().mapToDouble(Double::doubleValue).toArray();
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
            trainedOn = x.length;
            sinceFit = xs.size() - x.length;
        }
    }

    /** Finished results the installed model was fitted on (0 before the first fit). */
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
