package dev.nasflow.stopping;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/** Small numeric helpers shared by the rules (package-private). */
public final class Num {
    private Num() {
    }

    /**
     * Median of the values (mean of the two middle ones for an even count; -Infinity stays -Infinity); NaN for none.
     * Does not modify the input.
     */
    public static double median(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        if (s.length % 2 == 1) {
            return s[m];
        }
        return (s[m - 1] + s[m]) / 2;
    }

    /**
     * The {@code q}-th percentile (0..100) with linear interpolation between the order statistics (numpy's default
     * {@code percentile}: rank {@code q/100 * (n-1)}); {@code q=50} equals {@link #median}. -Infinity values sort
     * first (an interpolation touching one stays -Infinity); NaN for no values. Does not modify the input.
     */
    public static double percentile(double[] xs, double q) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        double rank = q / 100.0 * (s.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(s.length - 1, lo + 1);
        double frac = rank - lo;
        if (frac == 0 || s[lo] == s[hi]) {
            return s[lo];
        }
        if (Double.isInfinite(s[lo]) || Double.isInfinite(s[hi])) {
            return s[lo];
        }
        return s[lo] + (s[hi] - s[lo]) * frac;
    }

    /**
     * The cut-off "best x threshold" for values where larger is better, made sign-safe: {@code best - |best| * (1 -
     * threshold)}. For a positive best it equals {@code best * threshold}; for a negative best (an oriented loss) it
     * is still a value below the best by the same fraction.
     */
    public static double cutoff(double best, double threshold) {
        return best - Math.abs(best) * (1 - threshold);
    }

    /** {@code v} rounded to {@code digits} decimals. */
    public static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /**
     * The standard normal quantile {@code Phi^-1(p)} for {@code p} in (0, 1) (Acklam's rational approximation, relative
     * error below 1.2e-9); 0 for {@code p = 0.5}.
     */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p: must be in (0, 1), got " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double lo = 0.02425;
        if (p < lo || p > 1 - lo) {
            double q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
            double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < lo ? x : -x;
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /**
     * The quantile of Student's t distribution with {@code dof} degrees of freedom (any real {@code dof > 0}) for
     * {@code p} in (0, 1): the predictive quantile of a regression whose noise variance is estimated from its residuals
     * (Normal-Inverse-Gamma posterior). Infinite or very large {@code dof} gives {@link #normalQuantile}. Solved by
     * bisection on the distribution function {@code 1 - I_x(dof/2, 1/2)/2} with {@code x = dof/(dof + t^2)} (the
     * regularised incomplete beta function by its continued fraction), to about 1e-10.
     */
    public static double studentQuantile(double p, double dof) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p: must be in (0, 1), got " + p);
        }
        if (!(dof > 0)) {
            throw new IllegalArgumentException("dof: must be > 0, got " + dof);
        }
        if (p == 0.5) {
            return 0;
        }
        if (Double.isInfinite(dof) || dof > 1e7) {
            return normalQuantile(p);
        }
        if (p < 0.5) {
            return -studentQuantile(1 - p, dof);
        }
        double lo = 0;
        double hi = Math.max(1, normalQuantile(p));
        while (studentCdf(hi, dof) < p) {
            lo = hi;
            hi *= 2;
            if (hi > 1e12) {
                return hi;
            }
        }
        for (int i = 0; i < 200 && hi - lo > 1e-10 * Math.max(1, hi); i++) {
            double mid = 0.5 * (lo + hi);
            if (studentCdf(mid, dof) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Student's t distribution function at {@code t >= 0} with {@code dof} degrees of freedom. */
    static double studentCdf(double t, double dof) {
        double x = dof / (dof + t * t);
        return 1 - 0.5 * regularizedBeta(x, dof / 2, 0.5);
    }

    /** The regularised incomplete beta function {@code I_x(a, b)} (continued fraction, modified Lentz). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - Math.exp(lnFront) * betaFraction(1 - x, b, a) / b;
        }
        return Math.exp(lnFront) * betaFraction(x, a, b) / a;
    }

    private static double betaFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 500; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** {@code ln Gamma(x)} for {@code x > 0} (Lanczos, g = 7, 9 terms; relative error about 1e-15). */
    static double logGamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += g[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** Compact, locale-independent rendering with up to 4 decimals ("61.2", "-0.0312", "-inf"). */
    public static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        BigDecimal d = BigDecimal.valueOf(v);
        if (Math.abs(v) >= 1) {
            d = d.setScale(Math.min(4, Math.max(0, d.scale())), java.math.RoundingMode.HALF_EVEN);
        } else {
            d = d.round(new MathContext(4));
        }
        String s = d.stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }
}
