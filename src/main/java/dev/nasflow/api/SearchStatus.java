package dev.nasflow.api;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.StopperInfo;
import dev.nasflow.carried.WarmStartPriors;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Answer of the {@code status} query. {@code stopper} is null until an early-stopping service attached;
 * {@code warmStart} is null for a search that is not warm-started (or has not loaded its priors yet).
 */
public record SearchStatus(String searchId, String phase, int generation, int evaluations, int completed,
                           int stoppedEarly, int failed, int diverged, int infeasible, List<String> running,
                           CandidateResult best, double simSeconds, long elapsedMillis, int continuedAsNew,
                           long historyLength, SearchSpec spec, StopperInfo stopper,
                           @JsonInclude(JsonInclude.Include.NON_NULL) WarmStart warmStart) {
    public SearchStatus {
        running = running == null ? List.of() : List.copyOf(running);
    }

    /** A status without warm-start information. */
    public SearchStatus(String searchId, String phase, int generation, int evaluations, int completed,
                        int stoppedEarly, int failed, int diverged, int infeasible, List<String> running,
                        CandidateResult best, double simSeconds, long elapsedMillis, int continuedAsNew,
                        long historyLength, SearchSpec spec, StopperInfo stopper) {
        this(searchId, phase, generation, evaluations, completed, stoppedEarly, failed, diverged, infeasible, running,
                best, simSeconds, elapsedMillis, continuedAsNew, historyLength, spec, stopper, null);
    }

    /** A status without stopper information (no stopper attached yet). */
    public SearchStatus(String searchId, String phase, int generation, int evaluations, int completed,
                        int stoppedEarly, int failed, int diverged, int infeasible, List<String> running,
                        CandidateResult best, double simSeconds, long elapsedMillis, int continuedAsNew,
                        long historyLength, SearchSpec spec) {
        this(searchId, phase, generation, evaluations, completed, stoppedEarly, failed, diverged, infeasible, running,
                best, simSeconds, elapsedMillis, continuedAsNew, historyLength, spec, null, null);
    }

    /** This status with {@code w} as its warm-start information. */
    public SearchStatus withWarmStart(WarmStart w) {
        return new SearchStatus(searchId, phase, generation, evaluations, completed, stoppedEarly, failed, diverged,
                infeasible, running, best, simSeconds, elapsedMillis, continuedAsNew, historyLength, spec, stopper, w);
    }

    /**
     * What a warm-started search started from: {@code priors} prior results, {@code transferred} of them from another
     * task (ranking only), and where they came from.
     */
    public record WarmStart(int priors, int transferred, List<String> sources) {
        public WarmStart {
            sources = sources == null ? List.of() : List.copyOf(sources);
        }

        /** The information of loaded priors, or null without them. */
        public static WarmStart of(WarmStartPriors p) {
            return p == null ? null : new WarmStart(p.count(), p.transferred(), p.sources());
        }
    }
}
