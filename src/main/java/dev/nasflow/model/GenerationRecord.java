package dev.nasflow.model;

import java.util.List;

/**
 * One finished generation: how many proposals the strategy was asked for and the results in candidate order. Replaying
 * the records (propose(requested), then observe each result in order) rebuilds a strategy exactly.
 */
public record GenerationRecord(int generation, int requested, List<CandidateResult> results) {
    public GenerationRecord {
        results = List.copyOf(results);
    }
}
