package dev.nasflow.report;

import dev.nasflow.api.SearchResult;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a report shows: the search's result (status, leaderboard with every candidate that has metrics, Pareto
 * front), the learning curves read from Kafka (empty when Kafka was not read), notes for the reader, and where the
 * data came from.
 */
public record SearchReport(SearchResult result, Map<String, Curve> curves, List<String> notes, String source,
                           Instant generatedAt) {
    public SearchReport {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(result.status(), "result.status");
        Objects.requireNonNull(result.status().spec(), "result.status.spec (the search's spec)");
        curves = curves == null ? Map.of() : Map.copyOf(curves);
        notes = notes == null ? List.of() : List.copyOf(notes);
        source = source == null ? "" : source;
        generatedAt = generatedAt == null ? Instant.now() : generatedAt;
    }
}
