package dev.nasflow.surrogate;

import java.util.Arrays;
import java.util.Random;

/**
 * An ensemble of small fully connected regression networks (ReLU hidden layers, linear output) in plain Java, for
 * performance predictors such as BANANAS (White et al. 2021): each member is trained independently with its own seeded
 * initialisation and mini-batch order, and the ensemble predicts the mean and the standard deviation of the members.
 *
 * <p>Deterministic for a given seed: no threads, clocks or unseeded randomness, and only correctly rounded or
 * {@link StrictMath} functions, so a fit gives bit-identical results on every JVM (workflow replay). Inputs may be any dense vectors; zero
 * inputs are skipped in the first layer, so sparse encodings (one-hot, path encodings) train fast. Targets are
 * standardised internally and predictions are returned in the original units. Training uses Adam on the mean squared
 * error with L2 weight decay.
 */
public final class MlpEnsemble {
    /** Ensemble prediction: the mean and the (population) standard deviation of the member predictions. */
    public record Prediction(double mean, double std) {
    }

    private final int members;
    private final int[] hidden;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final double weightDecay;
    private final long seed;

    private Net[] nets;
    private Random[] rngs;
    private int inputs = -1;
    private double yMean;
    private double yStd = 1;

    /**
     * @param members      number of independently trained networks (≥ 1)
     * @param hidden       widths of the hidden layers (each ≥ 1; may be empty for a linear model)
     * @param epochs       passes over the training set per fit
     * @param batchSize    mini-batch size
     * @param learningRate Adam step size
     * @param weightDecay  L2 coefficient on the weights
     * @param seed         seed of every random choice (initialisation, batch order)
     */
    public MlpEnsemble(int members, int[] hidden, int epochs, int batchSize, double learningRate, double weightDecay,
                       long seed) {
        if (members < 1) {
            throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
        }
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || weightDecay < 0) {
            throw new IllegalArgumentException("epochs, batchSize and learningRate must be positive, weightDecay >= 0");
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer widths must be positive: " + Arrays.toString(hidden));
            }
        }
        this.members = members;
        this.hidden = hidden.clone();
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.seed = seed;
    }

    /** Defaults suited to a few hundred samples of a sparse encoding: two hidden layers of 32, 150 epochs. */
    public static MlpEnsemble withDefaults(int members, long seed) {
        return new MlpEnsemble(members, new int[] {32, 32}, 150, 16, 0.01, 1e-4, seed);
    }

    public int members() {
        return members;
    }

    /** Whether {@link #fit} has been called. */
    public boolean fitted() {
        return nets != null;
    }

    /** Train every member from scratch on the samples {@code x} (n × d, n ≥ 1) and targets {@code y} (n). */
    public void fit(double[][] x, double[] y) {
        train(x, y, epochs, true);
    }

    /**
     * Continue training the current members (warm start) for {@code epochs} passes over a new, usually grown, training
     * set: cheaper than {@link #fit} when the data changed a little. Targets are re-standardised on the new set. Falls
     * back to {@link #fit} when nothing has been fitted yet or the input length changed.
     */
    public void update(double[][] x, double[] y, int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        }
        boolean fresh = nets == null || x.length == 0 || x[0].length != inputs;
        train(x, y, fresh ? this.epochs : epochs, fresh);
    }

    private void train(double[][] x, double[] y, int passes, boolean fresh) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("need at least one sample and as many targets as samples (" + x.length
                    + " samples, " + y.length + " targets)");
        }
        int d = x[0].length;
        for (double[] row : x) {
            if (row.length != d) {
                throw new IllegalArgumentException("all samples must have the same length " + d);
            }
        }
        for (double v : y) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("targets must be finite");
            }
        }
        inputs = d;
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double var = 0;
        for (double v : y) {
            var += (v - mean) * (v - mean);
        }
        yMean = mean;
        yStd = Math.sqrt(var / y.length);
        if (!(yStd > 1e-12)) {
            yStd = 1;
        }
        double[] t = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            t[i] = (y[i] - yMean) / yStd;
        }
        int[][] nz = nonZero(x);
        if (fresh) {
            nets = new Net[members];
            rngs = new Random[members];
            for (int m = 0; m < members; m++) {
                rngs[m] = new Random(seed * 0x9E3779B97F4A7C15L + 31L * m + 7);
                nets[m] = new Net(layerSizes(d), rngs[m]);
            }
        }
        for (int m = 0; m < members; m++) {
            nets[m].train(x, nz, t, passes, batchSize, learningRate, weightDecay, rngs[m]);
        }
    }

    private int[] layerSizes(int d) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = d;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = 1;
        return sizes;
    }

    private static int[][] nonZero(double[][] x) {
        int[][] nz = new int[x.length][];
        for (int i = 0; i < x.length; i++) {
            nz[i] = nonZero(x[i]);
        }
        return nz;
    }

    private static int[] nonZero(double[] row) {
        int c = 0;
        for (double v : row) {
            if (v != 0) {
                c++;
            }
        }
        int[] idx = new int[c];
        c = 0;
        for (int j = 0; j < row.length; j++) {
            if (row[j] != 0) {
                idx[c++] = j;
            }
        }
        return idx;
    }

    /** The prediction of each member, in the original units of the targets. */
    public double[] memberPredictions(double[] x) {
        requireFitted(x);
        int[] nz = nonZero(x);
        double[] out = new double[members];
        for (int m = 0; m < members; m++) {
            out[m] = nets[m].forward(x, nz, false) * yStd + yMean;
        }
        return out;
    }

    /** Mean and standard deviation of the member predictions for one input. */
    public Prediction predict(double[] x) {
        double[] p = memberPredictions(x);
        double mean = 0;
        for (double v : p) {
            mean += v;
        }
        mean /= p.length;
        double var = 0;
        for (double v : p) {
            var += (v - mean) * (v - mean);
        }
        return new Prediction(mean, Math.sqrt(var / p.length));
    }

    /** {@link #predict(double[])} for each row. */
    public Prediction[] predict(double[][] x) {
        Prediction[] out = new Prediction[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = predict(x[i]);
        }
        return out;
    }

    private void requireFitted(double[] x) {
        if (nets == null) {
            throw new IllegalStateException("the ensemble has not been fitted yet; call fit(x, y) first");
        }
        if (x.length != inputs) {
            throw new IllegalArgumentException("input has length " + x.length + ", the ensemble was fitted on " + inputs);
        }
    }

    /** One network: weights per layer as [out][in] flattened, biases, Adam moments. */
    private static final class Net {
        private final int[] sizes;
        private final double[][] w;
        private final double[][] b;
        private final double[][] gw;
        private final double[][] gb;
        private final double[][] mw;
        private final double[][] vw;
        private final double[][] mb;
        private final double[][] vb;
        /** activations per layer (index 0 unused: the input), pre-activation deltas per layer */
        private final double[][] act;
        private final double[][] delta;
        private int step;

        Net(int[] sizes, Random rng) {
            this.sizes = sizes;
            int layers = sizes.length - 1;
            w = new double[layers][];
            b = new double[layers][];
            gw = new double[layers][];
            gb = new double[layers][];
            mw = new double[layers][];
            vw = new double[layers][];
            mb = new double[layers][];
            vb = new double[layers][];
            act = new double[sizes.length][];
            delta = new double[sizes.length][];
            for (int l = 0; l < layers; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                w[l] = new double[in * out];
                double scale = Math.sqrt(2.0 / in);
                for (int i = 0; i < w[l].length; i++) {
                    w[l][i] = rng.nextGaussian() * scale;
                }
                b[l] = new double[out];
                gw[l] = new double[in * out];
                gb[l] = new double[out];
                mw[l] = new double[in * out];
                vw[l] = new double[in * out];
                mb[l] = new double[out];
                vb[l] = new double[out];
            }
            for (int l = 1; l < sizes.length; l++) {
                act[l] = new double[sizes[l]];
                delta[l] = new double[sizes[l]];
            }
        }

        /** Forward pass; keeps the activations in {@link #act} when {@code keep} (training); returns the output. */
        double forward(double[] x, int[] nz, boolean keep) {
            int layers = sizes.length - 1;
            double[] prev = null;
            for (int l = 0; l < layers; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double[] a = keep ? act[l + 1] : new double[out];
                double[] wl = w[l];
                for (int o = 0; o < out; o++) {
                    double s = b[l][o];
                    int base = o * in;
                    if (l == 0) {
                        for (int j : nz) {
                            s += wl[base + j] * x[j];
                        }
                    } else {
                        for (int j = 0; j < in; j++) {
                            s += wl[base + j] * prev[j];
                        }
                    }
                    a[o] = (l < layers - 1 && s < 0) ? 0 : s;
                }
                prev = a;
            }
            return prev[0];
        }

        void train(double[][] x, int[][] nz, double[] t, int epochs, int batchSize, double lr, double decay,
                   Random rng) {
            int n = x.length;
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            int layers = sizes.length - 1;
            for (int e = 0; e < epochs; e++) {
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
                for (int start = 0; start < n; start += batchSize) {
                    int end = Math.min(n, start + batchSize);
                    for (int l = 0; l < layers; l++) {
                        Arrays.fill(gw[l], 0);
                        Arrays.fill(gb[l], 0);
                    }
                    for (int k = start; k < end; k++) {
                        int s = order[k];
                        double y = forward(x[s], nz[s], true);
                        backward(x[s], nz[s], (y - t[s]) * 2.0 / (end - start));
                    }
                    adam(lr, decay);
                }
            }
        }

        private void backward(double[] x, int[] nz, double gradOut) {
            int layers = sizes.length - 1;
            delta[layers][0] = gradOut;
            for (int l = layers - 1; l >= 0; l--) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double[] d = delta[l + 1];
                double[] wl = w[l];
                double[] g = gw[l];
                if (l == 0) {
                    for (int o = 0; o < out; o++) {
                        double dv = d[o];
                        if (dv == 0) {
                            continue;
                        }
                        gb[l][o] += dv;
                        int base = o * in;
                        for (int j : nz) {
                            g[base + j] += dv * x[j];
                        }
                    }
                } else {
                    double[] a = act[l];
                    double[] dprev = delta[l];
                    Arrays.fill(dprev, 0);
                    for (int o = 0; o < out; o++) {
                        double dv = d[o];
                        if (dv == 0) {
                            continue;
                        }
                        gb[l][o] += dv;
                        int base = o * in;
                        for (int j = 0; j < in; j++) {
                            g[base + j] += dv * a[j];
                            dprev[j] += dv * wl[base + j];
                        }
                    }
                    for (int j = 0; j < in; j++) {
                        if (a[j] <= 0) {
                            dprev[j] = 0;
                        }
                    }
                }
            }
        }

        private void adam(double lr, double decay) {
            final double b1 = 0.9;
            final double b2 = 0.999;
            final double eps = 1e-8;
            step++;
            double c1 = 1 - StrictMath.pow(b1, step);
            double c2 = 1 - StrictMath.pow(b2, step);
            for (int l = 0; l < w.length; l++) {
                double[] wl = w[l];
                double[] g = gw[l];
                double[] m = mw[l];
                double[] v = vw[l];
                for (int i = 0; i < wl.length; i++) {
                    double gi = g[i] + decay * wl[i];
                    m[i] = b1 * m[i] + (1 - b1) * gi;
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                    wl[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
                }
                double[] bl = b[l];
                double[] gbl = gb[l];
                double[] mbl = mb[l];
                double[] vbl = vb[l];
                for (int i = 0; i < bl.length; i++) {
                    mbl[i] = b1 * mbl[i] + (1 - b1) * gbl[i];
                    vbl[i] = b2 * vbl[i] + (1 - b2) * gbl[i] * gbl[i];
                    bl[i] -= lr * (mbl[i] / c1) / (Math.sqrt(vbl[i] / c2) + eps);
                }
            }
        }
    }
}
