package dev.nasflow.surrogate;

/** Kendall rank correlation (tau-b, tie-aware) and RMSE between predictions and observations. */
public final class RankQuality {
    private RankQuality() {
    }

    /** Kendall's tau-b; NaN when fewer than 2 pairs or one side is constant. */
    public static double kendallTau(double[] a, double[] b) {
        int n = a.length;
        if (n != b.length) {
            throw new IllegalArgumentException("length mismatch " + n + " vs " + b.length);
        }
        long concordant = 0;
        long discordant = 0;
        long tiesA = 0;
        long tiesB = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double da = Math.signum(a[i] - a[j]);
                double db = Math.signum(b[i] - b[j]);
                if (da == 0 && db == 0) {
                    continue;
                }
                if (da == 0) {
                    tiesA++;
                } else if (db == 0) {
                    tiesB++;
                } else if (da == db) {
                    concordant++;
                } else {
                    discordant++;
                }
            }
        }
        double denom = Math.sqrt((double) (concordant + discordant + tiesA) * (concordant + discordant + tiesB));
        return denom == 0 ? Double.NaN : (concordant - discordant) / denom;
    }

    public static double rmse(double[] predicted, double[] actual) {
        if (predicted.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < predicted.length; i++) {
            double d = predicted[i] - actual[i];
            s += d * d;
        }
        return Math.sqrt(s / predicted.length);
    }
}
