package dev.nasflow.model;

import java.util.Map;

/**
 * A request to stop one running candidate, sent by the early-stopping service (or a person) as the
 * {@code stopCandidate} update. The update records the decision durably; it never cancels the candidate's activity
 * (a cancel can cross the activity's completion). The worker training the candidate learns of the stop from the
 * {@code nasflow.stop-decisions} topic and ends its loop at the next step.
 *
 * @param epoch     the epoch the decision was made at (0 when unknown)
 * @param metrics   the candidate's metrics at that epoch, as seen by the decider (used when the activity cannot report)
 * @param announced true when the sender already published the decision on {@code nasflow.stop-decisions} (the
 *                  stopper does); false (a person, the Temporal CLI) makes the workflow publish it
 */
public record StopRequest(String candidateId, String reason, String rule, int epoch, Map<String, Double> metrics,
                          boolean announced) {
    public StopRequest {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        reason = reason == null ? "" : reason;
        rule = rule == null ? "manual" : rule;
    }

    /** A request whose decision is not yet on the topic (the workflow publishes it). */
    public StopRequest(String candidateId, String reason, String rule, int epoch, Map<String, Double> metrics) {
        this(candidateId, reason, rule, epoch, metrics, false);
    }
}
