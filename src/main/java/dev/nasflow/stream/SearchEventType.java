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
    /** Published on the search's behalf by the stopper's watcher: the workflow was terminated (it runs no code). */
    TERMINATED,
    /** Published on the search's behalf by the stopper's watcher: the workflow hit its execution timeout. */
    TIMED_OUT,
    /** A proposer asks the surrogate service to predict an architecture pool (payload "pool"). */
    SURROGATE_REQUEST;

    /** The search has ended (any way): services drop its state, gauges stop counting it. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == TERMINATED || this == TIMED_OUT;
    }
}
