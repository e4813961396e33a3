package dev.nasflow.bench;

import java.util.Arrays;

/** Small statistics for benchmark reports: mean, population std (ddof 0), percentiles, rounding, linear fit. */
public final class Stats {
    private Stats() {
    }

    public static double mean(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    /** Population standard deviation (numpy's default, ddof = 0). */
    public static double std(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / xs.length);
    }

    /** Median (the mean of the two middle values for an even count). */
    public static double median(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** {@code v} rounded to {@code digits} decimals (NaN and infinities unchanged). */
    public static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /**
     * Least-squares line {@code y = intercept + slope * x} and its coefficient of determination.
     *
     * @return {intercept, slope, r2}
     */
    public static double[] linearFit(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("linear fit needs at least two (x, y) pairs of equal length, got "
                    + x.length + " and " + y.length);
        }
        double mx = mean(x);
        double my = mean(y);
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("linear fit needs at least two distinct x values");
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double r2 = syy == 0 ? 1.0 : (sxy * sxy) / (sxx * syy);
        return new double[] {intercept, slope, r2};
    }
}
