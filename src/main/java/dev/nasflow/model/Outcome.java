package dev.nasflow.model;

/** How a candidate evaluation ended. */
public enum Outcome {
    /** Trained to its requested fidelity. */
    COMPLETED,
    /** Cancelled by the stopping service; metrics are those of its last finished epoch. */
    STOPPED_EARLY,
    /** Loss became NaN or infinite. */
    DIVERGED,
    /** Violated a hard constraint before training; never trained. */
    INFEASIBLE,
    /** Failed (bad data, crash after retries). */
    FAILED;

    /** Whether the metrics of such an observation are meaningful for ranking. */
    public boolean hasMetrics() {
        return this == COMPLETED || this == STOPPED_EARLY;
    }
}
