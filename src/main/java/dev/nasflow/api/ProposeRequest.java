package dev.nasflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.carried.CarriedResults;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.carried.WarmStartPriors;

import java.util.List;

/**
 * Ask a strategy that needs the surrogate for proposals: the spec, the finished generations, and how many. The
 * workflow sends the generations compact ({@code results}, as carried across continue-as-new) so the request stays far
 * below the payload limit; {@code history} (records) is still accepted.
 */
public record ProposeRequest(String searchId, SearchSpec spec,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<GenerationRecord> history,
                             int requested, @JsonInclude(JsonInclude.Include.NON_NULL) CarriedResults results,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<dev.nasflow.space.Genome> pending,
                             @JsonInclude(JsonInclude.Include.NON_NULL) WarmStartPriors priors) {
    public ProposeRequest {
        history = history == null ? List.of() : List.copyOf(history);
        pending = pending == null ? List.of() : List.copyOf(pending);
    }

    /** A request without warm-start priors (the layout before {@code warmStart} existed). */
    public ProposeRequest(String searchId, SearchSpec spec, List<GenerationRecord> history, int requested,
                          CarriedResults results, List<dev.nasflow.space.Genome> pending) {
        this(searchId, spec, history, requested, results, pending, null);
    }

    /** This request with the search's warm-start priors (null: none). */
    public ProposeRequest withPriors(WarmStartPriors p) {
        return new ProposeRequest(searchId, spec, history, requested, results, pending, p);
    }

    public ProposeRequest(String searchId, SearchSpec spec, List<GenerationRecord> history, int requested) {
        this(searchId, spec, history, requested, null, null);
    }

    public ProposeRequest(String searchId, SearchSpec spec, List<GenerationRecord> history, int requested,
                          CarriedResults results) {
        this(searchId, spec, history, requested, results, null);
    }

    public static ProposeRequest compact(String searchId, SearchSpec spec, SearchSpace space,
                                         List<GenerationRecord> history, int requested) {
        return compact(searchId, spec, space, history, requested, List.of());
    }

    /**
     * @param pending architectures proposed and still training (asynchronous search): never proposed again while
     *                their results are outstanding
     */
    public static ProposeRequest compact(String searchId, SearchSpec spec, SearchSpace space,
                                         List<GenerationRecord> history, int requested,
                                         List<dev.nasflow.space.Genome> pending) {
        return new ProposeRequest(searchId, spec, List.of(), requested,
                CarriedResults.encode(searchId, space, history), pending);
    }

    /** The finished generations, whichever layout carried them. */
    public List<GenerationRecord> generations(SearchSpace space) {
        return results == null ? history : results.decode(space);
    }
}
