package dev.nasflow.stream;

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
    /** A proposer asks the surrogate service to predict an architecture pool (payload "pool"). */
    SURROGATE_REQUEST
}
