package dev.nasflow.workflow;

import dev.nasflow.spec.SearchSpec;

import java.util.List;

/** Answer of the {@code status} query. */
public record SearchStatus(String searchId, String phase, int generation, int evaluations, int completed,
                           int stoppedEarly, int failed, int diverged, int infeasible, List<String> running,
                           CandidateResult best, double simSeconds, long elapsedMillis, int continuedAsNew,
                           long historyLength, SearchSpec spec) {
    public SearchStatus {
        running = running == null ? List.of() : List.copyOf(running);
    }
}
