package dev.nasflow.strategy;

import dev.nasflow.space.Genome;

import java.util.Map;

/**
 * The result of evaluating a {@link Proposal}: the epochs actually trained, the metrics at that point (e.g.
 * {@code validAccuracy}, {@code params}, {@code flops}) and the outcome.
 */
public record Observation(Genome genome, int epochs, Map<String, Double> metrics, Outcome outcome) {
    public Observation {
        metrics = Map.copyOf(metrics);
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
