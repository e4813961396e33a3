package dev.nasflow.model;

import java.util.List;

/** Results a shard sends back to its search: every candidate that finished since its previous report. */
public record ShardReport(String shardId, List<CandidateResult> results) {
    public ShardReport {
        results = results == null ? List.of() : List.copyOf(results);
    }
}
