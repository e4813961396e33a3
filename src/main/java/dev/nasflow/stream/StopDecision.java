package dev.nasflow.stream;

/**
 * An early-stopping decision, on {@link Topics#STOP_DECISIONS} (key = candidate id).
 *
 * @param schemaVersion       always {@link StreamEvent#SCHEMA_VERSION}
 * @param searchId            the search
 * @param candidateId         the candidate to stop
 * @param epoch               the epoch whose metric triggered the decision
 * @param rung                the ASHA rung (or other rule's step) the decision belongs to; null when the rule has none
 * @param rule                the rule that decided (e.g. {@code median}, {@code asha}, {@code curve}, {@code surrogate})
 * @param reason              human-readable reason (values compared)
 * @param decidedAtMs         when the stopper decided, epoch milliseconds
 * @param metricPublishedAtMs {@link EpochMetric#timestamp()} of the metric that triggered it (for stop latency)
 */
public record StopDecision(int schemaVersion, String searchId, String candidateId, int epoch, Integer rung,
                           String rule, String reason, long decidedAtMs, long metricPublishedAtMs)
        implements StreamEvent {

    public StopDecision {
        StreamEvent.checkSchemaVersion(schemaVersion);
        StreamEvent.requireText(searchId, "searchId");
        StreamEvent.requireText(candidateId, "candidateId");
        StreamEvent.requireNonNegative(epoch, "epoch");
        if (rung != null && rung < 0) {
            throw new IllegalArgumentException("rung must be >= 0 when given, got " + rung);
        }
        StreamEvent.requireText(rule, "rule");
        StreamEvent.requireText(reason, "reason");
        StreamEvent.requireNonNegative(decidedAtMs, "decidedAtMs");
        StreamEvent.requireNonNegative(metricPublishedAtMs, "metricPublishedAtMs");
    }

    public static StopDecision of(String searchId, String candidateId, int epoch, Integer rung, String rule,
                                  String reason, long decidedAtMs, long metricPublishedAtMs) {
        return new StopDecision(SCHEMA_VERSION, searchId, candidateId, epoch, rung, rule, reason, decidedAtMs,
                metricPublishedAtMs);
    }

    /** Milliseconds from the triggering metric's publication to the decision (0 when unknown). */
    public long latencyMs() {
        return metricPublishedAtMs > 0 ? Math.max(0, decidedAtMs - metricPublishedAtMs) : 0;
    }

    @Override
    public String key() {
        return candidateId;
    }
}
