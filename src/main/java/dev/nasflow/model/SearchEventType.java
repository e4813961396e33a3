package dev.nasflow.model;

/** Kinds of {@link SearchEvent}. */
public enum SearchEventType {
    STARTED,
    GENERATION_STARTED,
    CANDIDATE_STARTED,
    CANDIDATE_RESUMED,
    CANDIDATE_FINISHED,
    GENERATION_FINISHED,
    CONTINUED_AS_NEW,
    PAUSED,
    RESUMED,
    BUDGET_CHANGED,
    STOP_REQUESTED,
    COMPLETED,
    FAILED,
    CANCELLED,
    /** Published on the search's behalf by the stopper's watcher: the workflow was terminated (it runs no code). */
    TERMINATED,
    /** Published on the search's behalf by the stopper's watcher: the workflow hit its execution timeout. */
    TIMED_OUT,
    /** A proposer asks the surrogate service to predict an architecture pool (payload "pool"). */
    SURROGATE_REQUEST,
    /**
     * The prior results of a warm start ({@code warmStart} in the spec), published by the {@code LoadPriors} activity
     * when it has loaded them (at the search's first start, before {@code STARTED}), key = search id. Payload:
     * {@code primaryMetric}, {@code direction}, {@code sameTaskPriors} and {@code transferredPriors} (counts of all
     * priors loaded), {@code chunk} / {@code chunks} (0-based; more than one event only when the priors would not fit
     * one record), {@code priors}: per prior that completed its full fidelity, {@code archHash}, {@code arch},
     * {@code encoding} (the architecture's path encoding, as in {@code CANDIDATE_STARTED}), {@code value} (its final
     * value of the primary metric) and {@code transferred} (measured on another data set or fidelity: another scale).
     * Not results of this search. An activity retry may publish it again: consumers de-duplicate by search and
     * architecture hash.
     */
    WARM_START_PRIORS;

    /** The search has ended (any way): services drop its state, gauges stop counting it. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == TERMINATED || this == TIMED_OUT;
    }
}
