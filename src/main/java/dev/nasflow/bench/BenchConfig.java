package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import java.util.Map;
import java.util.Objects;

/**
 * One benchmark: a strategy run {@code runs} times (seeds {@code seed, seed+1, ...}) under the NAS-Bench-201 protocol.
 *
 * @param strategy      strategy type, as known to {@code Strategies.create}
 * @param params        strategy parameters (passed through in the {@code StrategyContext})
 * @param runs          number of independent runs, at least 1
 * @param seed          seed of the first run
 * @param budgetSeconds simulated training seconds per run (12,000 in the published protocol); the evaluation that
 *                      crosses the budget still counts
 * @param batchSize     proposals asked for at once ({@code propose(k)}), evaluated before any is observed, to mimic
 *                      k parallel workers; 1 = strictly sequential
 * @param minEpochs     lowest fidelity offered to multi-fidelity strategies
 * @param maxEpochs     full fidelity of the search (12 in the protocol: the search sees 12-epoch accuracy)
 * @param threads       runs executed in parallel (results do not depend on it)
 * @param resumePromotions when a strategy proposes a cell again at more epochs (a multi-fidelity promotion), pay only
 *                      the additional epochs, as if training resumed from the last checkpoint; false (default, like
 *                      the NB201 reference code) pays the whole {@code epochs/200 × train-all-time} again
 */
public record BenchConfig(String strategy, Map<String, Object> params, int runs, long seed, double budgetSeconds,
                          int batchSize, int minEpochs, int maxEpochs, int threads, boolean resumePromotions) {
    public static final double PROTOCOL_BUDGET_SECONDS = 12_000;

    public BenchConfig {
        Objects.requireNonNull(strategy, "strategy");
        params = params == null ? Map.of() : Map.copyOf(params);
        if (strategy.isBlank()) {
            throw new IllegalArgumentException("strategy: give a strategy name, e.g. --strategy rea");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs: need at least 1 run, got " + runs);
        }
        if (!(budgetSeconds > 0) || Double.isInfinite(budgetSeconds)) {
            throw new IllegalArgumentException("budget-seconds: must be a positive finite number, got "
                    + budgetSeconds);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size: must be at least 1, got " + batchSize);
        }
        if (minEpochs < 1 || maxEpochs > Nb201Table.FULL_EPOCHS || minEpochs > maxEpochs) {
            throw new IllegalArgumentException("epochs: need 1 <= min-epochs <= max-epochs <= "
                    + Nb201Table.FULL_EPOCHS + ", got min " + minEpochs + ", max " + maxEpochs);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
        }
    }

    /** The published protocol for a strategy: 12,000 s, 12-epoch fidelity, sequential, default parameters. */
    public static BenchConfig protocol(String strategy, int runs, long seed) {
        return new BenchConfig(strategy, Map.of(), runs, seed, PROTOCOL_BUDGET_SECONDS, 1, 1,
                Nb201Table.LOW_EPOCHS, defaultThreads(), false);
    }

    public BenchConfig withParams(Map<String, Object> p) {
        return new BenchConfig(strategy, p, runs, seed, budgetSeconds, batchSize, minEpochs, maxEpochs, threads,
                resumePromotions);
    }

    public BenchConfig withThreads(int t) {
        return new BenchConfig(strategy, params, runs, seed, budgetSeconds, batchSize, minEpochs, maxEpochs, t,
                resumePromotions);
    }

    public BenchConfig withBatchSize(int b) {
        return new BenchConfig(strategy, params, runs, seed, budgetSeconds, b, minEpochs, maxEpochs, threads,
                resumePromotions);
    }

    public BenchConfig withEpochs(int min, int max) {
        return new BenchConfig(strategy, params, runs, seed, budgetSeconds, batchSize, min, max, threads,
                resumePromotions);
    }

    public BenchConfig withBudgetSeconds(double s) {
        return new BenchConfig(strategy, params, runs, seed, s, batchSize, minEpochs, maxEpochs, threads,
                resumePromotions);
    }

    public BenchConfig withResumePromotions(boolean r) {
        return new BenchConfig(strategy, params, runs, seed, budgetSeconds, batchSize, minEpochs, maxEpochs, threads,
                r);
    }

    /** Threads for independent runs: the available cores, at most 2 by default (the project's machines). */
    public static int defaultThreads() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }
}
