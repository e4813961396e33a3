package dev.nasflow.workflow;

import java.util.Map;

/**
 * A request to stop one running candidate, sent by the early-stopping service (or a person) as the
 * {@code stopCandidate} update.
 *
 * @param epoch   the epoch the decision was made at (0 when unknown)
 * @param metrics the candidate's metrics at that epoch, as seen by the decider (used when the activity cannot report)
 */
public record StopRequest(String candidateId, String reason, String rule, int epoch, Map<String, Double> metrics) {
    public StopRequest {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        reason = reason == null ? "" : reason;
        rule = rule == null ? "manual" : rule;
    }
}
