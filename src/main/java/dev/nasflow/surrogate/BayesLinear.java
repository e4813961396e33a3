package dev.nasflow.surrogate;

/**
 * Bayesian linear regression with a conjugate normal prior scaled by the noise ({@code w ~ N(0, sigma^2 / alpha)}),
 * on standardised features: the "Bayesian last layer" of the learning-curve surrogate. Column 0 is the intercept
 * (weak prior), the others are standardised over the training rows and get prior precision {@code alpha}; a missing
 * (NaN) feature is imputed with its training mean (it then contributes nothing). The predictive distribution is
 * Student's t with {@code n - trace(H) + 1} degrees of freedom around {@code phi w}, scale
 * {@code sigma^2 (1 + phi A^-1 phi)}, {@code A = Phi'Phi + diag(alpha)} (the noise variance is estimated, not known).
 *
 * <p>{@link #fit(double[][], double[], double)} chooses {@code alpha} from a fixed grid by leave-one-out error (the
 * closed-form PRESS residuals {@code r_i / (1 - h_ii)}), so with few or uninformative rows the weights shrink to 0 and
 * the model predicts the intercept alone, and {@code sigma^2} is the residual variance corrected by the effective
 * degrees of freedom ({@code n - trace(H)}) with one pseudo-observation of the prior scale. Pure Java, deterministic.
 */
final class BayesLinear {
    /** Prior precisions tried by {@link #fit(double[][], double[], double)} (standardised weights). */
    static final double[] ALPHAS = {0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 1e3, 1e6};
    private final double[] mu;
    private final double[] sd;
    private final double[] w;
    private final double[][] aInv;
    private final double sigma2;
    private final double alpha;
    private final int n;
    /** Degrees of freedom of the noise estimate: residual dof {@code n - trace(H)} plus the pseudo-observation. */
    private final double dof;

    private BayesLinear(double[] mu, double[] sd, double[] w, double[][] aInv, double sigma2, double alpha, int n,
                        double dof) {
        this.mu = mu;
        this.sd = sd;
        this.w = w;
        this.aInv = aInv;
        this.sigma2 = sigma2;
        this.alpha = alpha;
        this.n = n;
        this.dof = dof;
    }

    /**
     * Fits rows {@code x} (n x d, column 0 ignored: the intercept is added here) to {@code y}, choosing the prior
     * precision by leave-one-out error ({@link #ALPHAS}; with fewer than 3 rows the largest, i.e. the intercept).
     *
     * @param priorScale prior standard deviation of the noise (used with one pseudo-observation)
     */
    static BayesLinear fit(double[][] x, double[] y, double priorScale) {
        if (x.length < 3) {
            return fit(x, y, ALPHAS[ALPHAS.length - 1], priorScale);
        }
        BayesLinear best = null;
        double bestPress = Double.POSITIVE_INFINITY;
        for (int i = ALPHAS.length - 1; i >= 0; i--) { // ties go to the stronger prior
            BayesLinear m = fit(x, y, ALPHAS[i], priorScale);
            double press = m.press(x, y);
            if (press < bestPress * (1 - 1e-9)) {
                bestPress = press;
                best = m;
            }
        }
        return best != null ? best : fit(x, y, ALPHAS[ALPHAS.length - 1], priorScale);
    }

    /**
     * Fits rows {@code x} (n x d, column 0 ignored: the intercept is added here) to {@code y}.
     *
     * @param alpha      prior precision of the standardised weights
     * @param priorScale prior standard deviation of the noise (used with one pseudo-observation)
     */
    static BayesLinear fit(double[][] x, double[] y, double alpha, double priorScale) {
        int n = x.length;
        int d = x[0].length;
        double[] mu = new double[d];
        double[] sd = new double[d];
        for (int j = 1; j < d; j++) {
            double m = 0;
            int k = 0;
            for (double[] r : x) {
                if (Double.isFinite(r[j])) {
                    m += r[j];
                    k++;
                }
            }
            m = k == 0 ? 0 : m / k;
            double v = 0;
            for (double[] r : x) {
                if (Double.isFinite(r[j])) {
                    v += (r[j] - m) * (r[j] - m);
                }
            }
            mu[j] = m;
            sd[j] = k > 0 && Math.sqrt(v / k) > 1e-12 ? Math.sqrt(v / k) : 0;
        }
        double[][] a = new double[d][d];
        double[] b = new double[d];
        double[] phi = new double[d];
        for (int i = 0; i < n; i++) {
            features(x[i], mu, sd, phi);
            for (int j = 0; j < d; j++) {
                b[j] += phi[j] * y[i];
                for (int k = 0; k < d; k++) {
                    a[j][k] += phi[j] * phi[k];
                }
            }
        }
        a[0][0] += 1e-4;
        for (int j = 1; j < d; j++) {
            a[j][j] += alpha;
        }
        double[][] inv = invert(a);
        double[] w = new double[d];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < d; k++) {
                w[j] += inv[j][k] * b[k];
            }
        }
        double sse = 0;
        double dof = 0;
        for (int i = 0; i < n; i++) {
            features(x[i], mu, sd, phi);
            double r = y[i] - dot(w, phi);
            sse += r * r;
            dof += quad(inv, phi);
        }
        double nu = Math.max(1, n - dof + 1);
        double sigma2 = (sse + priorScale * priorScale) / nu;
        return new BayesLinear(mu, sd, w, inv, sigma2, alpha, n, nu);
    }

    /** Sum of squared leave-one-out residuals on the training rows (closed form). */
    private double press(double[][] x, double[] y) {
        double[] phi = new double[w.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            features(x[i], mu, sd, phi);
            double h = quad(aInv, phi);
            double r = (y[i] - dot(w, phi)) / Math.max(1e-6, 1 - h);
            s += r * r;
        }
        return s;
    }

    /** The prior precision chosen. */
    double alpha() {
        return alpha;
    }

    /**
     * Predictive mean, scale and degrees of freedom for one row (column 0 ignored). The noise variance is estimated
     * from the residuals, so the predictive distribution is Student's t with {@link #dof()} degrees of freedom around
     * the mean with that scale (not a normal: with few rows its tails are much wider).
     */
    double[] predict(double[] x) {
        double[] phi = new double[w.length];
        features(x, mu, sd, phi);
        return new double[] {dot(w, phi), Math.sqrt(sigma2 * (1 + quad(aInv, phi))), dof};
    }

    /** Degrees of freedom of the predictive t distribution ({@code n - trace(H) + 1}, at least 1). */
    double dof() {
        return dof;
    }

    int rows() {
        return n;
    }

    private static void features(double[] x, double[] mu, double[] sd, double[] phi) {
        phi[0] = 1;
        for (int j = 1; j < x.length; j++) {
            phi[j] = sd[j] == 0 || !Double.isFinite(x[j]) ? 0 : (x[j] - mu[j]) / sd[j];
        }
    }

    private static double quad(double[][] m, double[] phi) {
        double q = 0;
        for (int j = 0; j < phi.length; j++) {
            for (int k = 0; k < phi.length; k++) {
                q += phi[j] * m[j][k] * phi[k];
            }
        }
        return Math.max(0, q);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Gauss-Jordan inverse with partial pivoting of a symmetric positive definite matrix. */
    private static double[][] invert(double[][] m) {
        int d = m.length;
        double[][] a = new double[d][2 * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(m[i], 0, a[i], 0, d);
            a[i][d + i] = 1;
        }
        for (int c = 0; c < d; c++) {
            int p = c;
            for (int r = c + 1; r < d; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double piv = a[c][c];
            for (int k = 0; k < 2 * d; k++) {
                a[c][k] /= piv;
            }
            for (int r = 0; r < d; r++) {
                if (r != c && a[r][c] != 0) {
                    double f = a[r][c];
                    for (int k = 0; k < 2 * d; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[][] inv = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(a[i], d, inv[i], 0, d);
        }
        return inv;
    }
}
