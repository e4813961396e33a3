package dev.nasflow.workflow;

import dev.nasflow.spec.SearchSpec;

import java.util.List;

/** Answer of the {@code status} query. {@code stopper} is null until an early-stopping service attached. */
public record SearchStatus(String searchId, String phase, int generation, int evaluations, int completed,
                           int stoppedEarly, int failed, int diverged, int infeasible, List<String> running,
                           CandidateResult best, double simSeconds, long elapsedMillis, int continuedAsNew,
                           long historyLength, SearchSpec spec, StopperInfo stopper) {
    public SearchStatus {
        running = running == null ? List.of() : List.copyOf(running);
    }

    /** A status without stopper information (no stopper attached yet). */
    public SearchStatus(String searchId, String phase, int generation, int evaluations, int completed,
                        int stoppedEarly, int failed, int diverged, int infeasible, List<String> running,
                        CandidateResult best, double simSeconds, long elapsedMillis, int continuedAsNew,
                        long historyLength, SearchSpec spec) {
        this(searchId, phase, generation, evaluations, completed, stoppedEarly, failed, diverged, infeasible, running,
                best, simSeconds, elapsedMillis, continuedAsNew, historyLength, spec, null);
    }
}
