package dev.nasflow.stopping;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/** Small numeric helpers shared by the rules (package-private). */
final class Num {
    private Num() {
    }

    /**
     * Median of the values (mean of the two middle ones for an even count; -Infinity stays -Infinity); NaN for none.
     * Does not modify the input.
     */
    static double median(double[] xs) {
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
    static double percentile(double[] xs, double q) {
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
    static double cutoff(double best, double threshold) {
        return best - Math.abs(best) * (1 - threshold);
    }

    /** Compact, locale-independent rendering with up to 4 decimals ("61.2", "-0.0312", "-inf"). */
    static String fmt(double v) {
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
