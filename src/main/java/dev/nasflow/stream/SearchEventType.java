package dev.nasflow.stream;

/** Kinds of {@link SearchEvent}. */
public enum SearchEventType {
    STARTED,
    GENERATION_STARTED,
    CANDIDATE_STARTED,
    CANDIDATE_FINISHED,
    GENERATION_FINISHED,
    CONTINUED_AS_NEW,
    PAUSED,
    RESUMED,
    BUDGET_CHANGED,
    STOP_REQUESTED,
    COMPLETED,
    FAILED,
    CANCELLED
}
