package dev.nasflow.api;

import dev.nasflow.model.SearchEventType;
import dev.nasflow.model.SpecCheck;
import dev.nasflow.strategy.Proposal;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

import java.util.List;
import java.util.Map;

/** Side-effecting helpers of the search workflow (run as activities so the workflow stays deterministic). */
@ActivityInterface
public interface SearchActivities {
    /** Validate a raw spec JSON (schema + semantic checks) and apply defaults. */
    @ActivityMethod(name = "ValidateSpec")
    SpecCheck validateSpec(String specJson);

    /**
     * Validate a spec carried in a workflow's second argument (continue-as-new state, or one crafted by whoever
     * started the workflow) as strictly as a spec given as the first argument.
     */
    @ActivityMethod(name = "ValidateCarriedSpec")
    SpecCheck validateCarriedSpec(dev.nasflow.model.SearchSpec spec);

    /** Publish a search event (type + payload) to {@code nasflow.search-events}. Best effort, idempotent by key. */
    @ActivityMethod(name = "PublishSearchEvent")
    void publishSearchEvent(String searchId, SearchEventType type, Map<String, Object> payload);

    /**
     * Publish a stop decision made outside the stopper (a person, the Temporal CLI) to {@code nasflow.stop-decisions},
     * where the worker training the candidate reads it and ends the candidate at its next step.
     */
    @ActivityMethod(name = "PublishStopDecision")
    void publishStopDecision(String searchId, dev.nasflow.model.StopRequest request, long decidedAtMs);

    /**
     * The prior results of a warm-started search ({@code spec.warmStart}): read from the named searches (their result,
     * or the snapshot of a running one) and results files, checked (they exist, parse and share the space), marked
     * transferred when measured on another task, the best {@code warmStart.top} kept. Errors name the field and the
     * fix; run once, at the search's first start. Loaded priors are also published (with Kafka) as a
     * {@code WARM_START_PRIORS} search event, which pre-trains the live surrogate service's model of the search.
     */
    @ActivityMethod(name = "LoadPriors")
    PriorCheck loadPriors(String searchId, dev.nasflow.model.SearchSpec spec);

    /** Proposals from a strategy that needs the live surrogate (rebuilt by replaying the history). */
    @ActivityMethod(name = "Propose")
    List<Proposal> propose(ProposeRequest request);
}
