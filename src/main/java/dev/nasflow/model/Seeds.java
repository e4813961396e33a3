package dev.nasflow.model;

/**
 * Every seed nasflow derives from a spec's {@code seed}, in one place. The formulas are part of the recorded
 * histories (a candidate's seed travels in its task) and of reproducibility across runs: never change one, add a new
 * function instead.
 */
public final class Seeds {
    /** The spread between searches' seeds: a prime, so nearby search seeds give unrelated candidate seeds. */
    static final long SEARCH_STRIDE = 1_000_003L;
    /** The spread between generations of one search. */
    static final long GENERATION_STRIDE = 10_007L;
    /** The offset of the final retraining of a one-shot search's derived architecture. */
    static final long RETRAIN_OFFSET = 999_983L;

    private Seeds() {
    }

    /** Candidate {@code index} of generation {@code generation} of the search with seed {@code searchSeed}. */
    public static long candidate(long searchSeed, int generation, int index) {
        return searchSeed * SEARCH_STRIDE + generation * GENERATION_STRIDE + index;
    }

    /** The data order of epoch {@code epoch} (1-based) of a training run with seed {@code trainingSeed}. */
    public static long epochOrder(long trainingSeed, int epoch) {
        return trainingSeed * SEARCH_STRIDE + epoch;
    }

    /** A strategy that proposes through an activity, called with {@code historySize} finished generations. */
    public static long proposal(long strategySeed, int historySize) {
        return strategySeed * SEARCH_STRIDE + historySize;
    }

    /** The final retraining of the architecture a one-shot search derived (also {@code nasflow retrain}). */
    public static long retrain(long searchSeed) {
        return searchSeed * SEARCH_STRIDE + RETRAIN_OFFSET;
    }
}
