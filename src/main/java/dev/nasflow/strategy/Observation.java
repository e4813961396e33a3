package dev.nasflow.strategy;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.Outcome;
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

    /** What a finished candidate tells its strategy: the epochs it trained (requested, when it has no metrics). */
    public static Observation of(CandidateResult r) {
        return new Observation(r.genome(), r.outcome().hasMetrics() ? r.epochsTrained() : r.epochsRequested(),
                r.metrics(), r.outcome());
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
