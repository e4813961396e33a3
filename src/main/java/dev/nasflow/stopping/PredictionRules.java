package dev.nasflow.stopping;

/** Argument checks shared by the rules that stop on a predicted final accuracy (curve, surrogate). */
final class PredictionRules {
    private PredictionRules() {
    }

    /** Throws naming the spec field and its valid range when an argument is out of it. */
    static void checkArgs(int gracePeriod, int minTrials, double threshold) {
        if (gracePeriod < 1) {
            throw new IllegalArgumentException("stopping.gracePeriod: must be >= 1, got " + gracePeriod);
        }
        if (minTrials < 1) {
            throw new IllegalArgumentException("stopping.minTrials: must be >= 1, got " + minTrials);
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("stopping.threshold: must be in (0, 1], e.g. 0.95, got " + threshold);
        }
    }
}
