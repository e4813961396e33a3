package dev.nasflow.surrogate;

/**
 * Bayesian linear regression with a conjugate normal prior scaled by the noise ({@code w ~ N(0, sigma^2 / alpha)}),
 * on standardised features: the "Bayesian last layer" of the learning-curve surrogate. Column 0 is the intercept
 * (weak prior), the others are standardised over the training rows and get prior precision {@code alpha}. The
 * predictive distribution is {@code N(phi w, sigma^2 (1 + phi A^-1 phi))} with {@code A = X'X + diag(alpha)} and
 * {@code sigma^2} estimated from the residuals and a prior scale. Pure Java, deterministic.
 */
final class BayesLinear {
    private final double[] mu;
    private final double[] sd;
    private final double[] w;
    private final double[][] aInv;
    private final double sigma2;
    private final int n;

    private BayesLinear(double[] mu, double[] sd, double[] w, double[][] aInv, double sigma2, int n) {
        this.mu = mu;
        this.sd = sd;
        this.w = w;
        this.aInv = aInv;
        this.sigma2 = sigma2;
        this.n = n;
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
            for (double[] r : x) {
                m += r[j];
            }
            m /= n;
            double v = 0;
            for (double[] r : x) {
                v += (r[j] - m) * (r[j] - m);
            }
            mu[j] = m;
            sd[j] = Math.sqrt(v / n) > 1e-12 ? Math.sqrt(v / n) : 0;
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
        for (int i = 0; i < n; i++) {
            features(x[i], mu, sd, phi);
            double r = y[i] - dot(w, phi);
            sse += r * r;
        }
        double sigma2 = (sse + priorScale * priorScale) / (n + 1);
        return new BayesLinear(mu, sd, w, inv, sigma2, n);
    }

    /** Predictive mean and standard deviation for one row (column 0 ignored). */
    double[] predict(double[] x) {
        double[] phi = new double[w.length];
        features(x, mu, sd, phi);
        double q = 0;
        for (int j = 0; j < phi.length; j++) {
            for (int k = 0; k < phi.length; k++) {
                q += phi[j] * aInv[j][k] * phi[k];
            }
        }
        return new double[] {dot(w, phi), Math.sqrt(sigma2 * (1 + Math.max(0, q)))};
    }

    int rows() {
        return n;
    }

    private static void features(double[] x, double[] mu, double[] sd, double[] phi) {
        phi[0] = 1;
        for (int j = 1; j < x.length; j++) {
            phi[j] = sd[j] == 0 ? 0 : (x[j] - mu[j]) / sd[j];
        }
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
