package dev.nasflow.workflow;

import java.util.List;

/** What a finished search returns: its final status, the leaderboard (best first) and the Pareto front. */
public record SearchResult(SearchStatus status, List<CandidateResult> leaderboard, List<CandidateResult> paretoFront) {
    public SearchResult {
        leaderboard = List.copyOf(leaderboard);
        paretoFront = List.copyOf(paretoFront);
    }
}
