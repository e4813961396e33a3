package dev.nasflow.workflow;

import dev.nasflow.carried.ScheduleLog;
import dev.nasflow.carried.CarriedResults;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.model.StopperInfo;
import dev.nasflow.carried.WarmStartPriors;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.model.SearchSpec;

import java.util.List;

/**
 * The compact state a search carries across continue-as-new: the validated spec (with any budget change applied), the
 * finished generations (from which the strategy is rebuilt by replay) and the control flags.
 *
 * <p>The finished generations travel as {@link CarriedResults} ({@code results}: compressed columns, 8–36 bytes per
 * result for table results). {@code generations} (a list of JSON records, about 530 bytes per result) is what earlier
 * versions carried; it is still read, so a search continued as new by an earlier worker goes on, but no longer
 * written.
 *
 * @param historyLimit continue-as-new once the history has more events than this at a generation boundary (0 = only
 *                     when the server suggests it, or at 20,000 events)
 * @param generations  finished generations as records (earlier versions; empty when {@code results} is set)
 * @param results      finished generations, compact (null in earlier versions and on a fresh start)
 * @param carryLimitBytes compressed size of {@code results} above which the search stops instead of continuing as
 *                     new (0 = the default, 1,000,000; smaller values are for tests)
 * @param priors       the warm-start priors loaded at the first start (null without {@code warmStart})
 */
public record SearchState(SearchSpec spec, long historyLimit,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<GenerationRecord> generations,
                          boolean paused, boolean stopRequested, long startedAtMs, int continuedAsNew,
                          @JsonInclude(JsonInclude.Include.NON_NULL) CarriedResults results,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) long carryLimitBytes,
                          @JsonInclude(JsonInclude.Include.NON_NULL) StopperInfo stopper,
                          @JsonInclude(JsonInclude.Include.NON_NULL) ScheduleLog schedule,
                          @JsonInclude(JsonInclude.Include.NON_NULL) WarmStartPriors priors) {
    public SearchState {
        generations = generations == null ? List.of() : List.copyOf(generations);
    }

    /** State without warm-start priors (the layout before {@code warmStart} existed). */
    public SearchState(SearchSpec spec, long historyLimit, List<GenerationRecord> generations, boolean paused,
                       boolean stopRequested, long startedAtMs, int continuedAsNew, CarriedResults results,
                       long carryLimitBytes, StopperInfo stopper, ScheduleLog schedule) {
        this(spec, historyLimit, generations, paused, stopRequested, startedAtMs, continuedAsNew, results,
                carryLimitBytes, stopper, schedule, null);
    }

    /** This state carrying the warm-start priors of the search (null: none). */
    public SearchState withPriors(WarmStartPriors p) {
        return new SearchState(spec, historyLimit, generations, paused, stopRequested, startedAtMs, continuedAsNew,
                results, carryLimitBytes, stopper, schedule, p);
    }

    /** State with the generations as records (the layout of earlier versions). */
    public SearchState(SearchSpec spec, long historyLimit, List<GenerationRecord> generations, boolean paused,
                       boolean stopRequested, long startedAtMs, int continuedAsNew) {
        this(spec, historyLimit, generations, paused, stopRequested, startedAtMs, continuedAsNew, null, 0, null, null);
    }

    /** State without stopper information (the layout before stoppers attached). */
    public SearchState(SearchSpec spec, long historyLimit, List<GenerationRecord> generations, boolean paused,
                       boolean stopRequested, long startedAtMs, int continuedAsNew, CarriedResults results,
                       long carryLimitBytes) {
        this(spec, historyLimit, generations, paused, stopRequested, startedAtMs, continuedAsNew, results,
                carryLimitBytes, null, null);
    }

    /** Options for a fresh search (spec comes from the workflow's first argument). */
    public static SearchState withHistoryLimit(long historyLimit) {
        return withLimits(historyLimit, 0);
    }

    /** Options for a fresh search: history limit and carried-size limit (0 = defaults). */
    public static SearchState withLimits(long historyLimit, long carryLimitBytes) {
        return new SearchState(null, historyLimit, List.of(), false, false, 0, 0, null, carryLimitBytes, null, null);
    }

    /** State to continue as new with: the generations compacted. */
    public static SearchState carry(String searchId, SearchSpec spec, SearchSpace space, long historyLimit,
                                    List<GenerationRecord> generations, boolean paused, boolean stopRequested,
                                    long startedAtMs, int continuedAsNew, long carryLimitBytes,
                                    StopperInfo stopper) {
        return carry(searchId, spec, space, historyLimit, generations, paused, stopRequested, startedAtMs,
                continuedAsNew, carryLimitBytes, stopper, null);
    }

    /** State to continue as new with, for an asynchronous search: also the order of its strategy calls. */
    public static SearchState carry(String searchId, SearchSpec spec, SearchSpace space, long historyLimit,
                                    List<GenerationRecord> generations, boolean paused, boolean stopRequested,
                                    long startedAtMs, int continuedAsNew, long carryLimitBytes,
                                    StopperInfo stopper, ScheduleLog schedule) {
        return new SearchState(spec, historyLimit, List.of(), paused, stopRequested, startedAtMs, continuedAsNew,
                CarriedResults.encode(searchId, space, generations), carryLimitBytes, stopper, schedule);
    }

    /** JSON as the data converter writes it (null stays null): the workflow's second argument. */
    public static com.fasterxml.jackson.databind.JsonNode json(SearchState state) {
        return state == null ? null : WorkflowJson.MAPPER.valueToTree(state);
    }

    /** The finished generations, whichever layout carried them. */
    public List<GenerationRecord> history(SearchSpace space) {
        if (results != null) {
            if (!generations.isEmpty()) {
                throw new IllegalArgumentException("search state carries both 'generations' and 'results'");
            }
            return results.decode(space);
        }
        return generations;
    }
}
