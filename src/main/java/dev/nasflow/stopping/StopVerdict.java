package dev.nasflow.stopping;

/**
 * A decision to stop a candidate. It carries everything the delivery side needs: the search (workflow id), the
 * candidate, the epoch the decision was taken at, the rule and a human-readable reason with the numbers behind it
 * (for the {@code stopCandidate(id, reason)} update and the {@code nasflow.stop-decisions} topic).
 */
public record StopVerdict(String searchId, String candidateId, int epoch, String rule, String reason) {
    public StopVerdict {
        if (searchId == null || candidateId == null || rule == null || reason == null) {
            throw new IllegalArgumentException("StopVerdict: searchId, candidateId, rule and reason are required");
        }
    }

    /** The verdict's reason prefixed with the rule name, e.g. {@code "median: best 61.2 < median 70.4 ..."}. */
    public String describe() {
        return rule + ": " + reason;
    }
}
