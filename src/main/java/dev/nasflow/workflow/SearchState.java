package dev.nasflow.workflow;

import dev.nasflow.spec.SearchSpec;

import java.util.List;

/**
 * The compact state a search carries across continue-as-new: the validated spec (with any budget change applied), the
 * finished generations (from which the strategy is rebuilt by replay) and the control flags.
 *
 * @param historyLimit continue-as-new once the history has more events than this at a generation boundary (0 = only
 *                     when the server suggests it, or at 20,000 events)
 */
public record SearchState(SearchSpec spec, long historyLimit, List<GenerationRecord> generations, boolean paused,
                          boolean stopRequested, long startedAtMs, int continuedAsNew) {
    public SearchState {
        generations = generations == null ? List.of() : List.copyOf(generations);
    }

    /** Options for a fresh search (spec comes from the workflow's first argument). */
    public static SearchState withHistoryLimit(long historyLimit) {
        return new SearchState(null, historyLimit, List.of(), false, false, 0, 0);
    }
}
