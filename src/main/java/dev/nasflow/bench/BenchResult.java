package dev.nasflow.bench;

import java.util.List;

/**
 * All runs of a benchmark, in seed order, with the mean and the population standard deviation (numpy's default,
 * ddof = 0) of the picks' 200-epoch validation accuracy, and the wall time the runs took.
 */
public record BenchResult(BenchConfig config, List<RunResult> runs, double mean, double std, double wallSeconds) {
    public BenchResult {
        runs = List.copyOf(runs);
    }

    static BenchResult of(BenchConfig config, List<RunResult> runs, double wallSeconds) {
        double sum = 0;
        for (RunResult r : runs) {
            sum += r.valid200();
        }
        double mean = sum / runs.size();
        double ss = 0;
        for (RunResult r : runs) {
            ss += (r.valid200() - mean) * (r.valid200() - mean);
        }
        return new BenchResult(config, runs, mean, Math.sqrt(ss / runs.size()), wallSeconds);
    }

    public double min() {
        return runs.stream().mapToDouble(RunResult::valid200).min().orElse(Double.NaN);
    }

    public double max() {
        return runs.stream().mapToDouble(RunResult::valid200).max().orElse(Double.NaN);
    }
}
