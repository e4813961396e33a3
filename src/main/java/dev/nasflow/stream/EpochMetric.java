package dev.nasflow.stream;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finished epoch of one candidate, on {@link Topics#EPOCH_METRICS} (key = candidate id).
 *
 * @param schemaVersion always {@link StreamEvent#SCHEMA_VERSION}
 * @param searchId      the search
 * @param candidateId   {@code <searchId>-g<generation>-c<index>}
 * @param generation    generation the candidate belongs to (0-based)
 * @param epoch         the epoch just finished (1-based; 0 allowed for an initial evaluation)
 * @param fidelity      the number of epochs this candidate is meant to train (its target)
 * @param metrics       metric name → value (names as in the brief: validAccuracy, trainLoss, ...); NaN/Infinity
 *                      allowed (written as the strings "NaN", "Infinity")
 * @param wallTimeMs    wall-clock duration of this epoch in milliseconds
 * @param simSeconds    simulated training seconds of this epoch (table trainer; 0 when not simulated)
 * @param timestamp     publication time, epoch milliseconds, set by the publisher (0 = not yet published)
 */
public record EpochMetric(int schemaVersion, String searchId, String candidateId, int generation, int epoch,
                          int fidelity, Map<String, Double> metrics, long wallTimeMs, double simSeconds,
                          long timestamp) implements StreamEvent {

    public EpochMetric {
        StreamEvent.checkSchemaVersion(schemaVersion);
        StreamEvent.requireText(searchId, "searchId");
        StreamEvent.requireText(candidateId, "candidateId");
        StreamEvent.requireNonNegative(generation, "generation");
        StreamEvent.requireNonNegative(epoch, "epoch");
        if (fidelity < 1) {
            throw new IllegalArgumentException("fidelity must be >= 1 (target epochs), got " + fidelity);
        }
        if (metrics == null) {
            throw new IllegalArgumentException("metrics must be an object (may be empty)");
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        StreamEvent.requireNonNegative(wallTimeMs, "wallTimeMs");
        if (Double.isNaN(simSeconds) || simSeconds < 0) {
            throw new IllegalArgumentException("simSeconds must be >= 0, got " + simSeconds);
        }
        StreamEvent.requireNonNegative(timestamp, "timestamp");
    }

    /** A metric not yet published (timestamp 0: the publisher sets it). */
    public static EpochMetric of(String searchId, String candidateId, int generation, int epoch, int fidelity,
                                 Map<String, Double> metrics, long wallTimeMs, double simSeconds) {
        return new EpochMetric(SCHEMA_VERSION, searchId, candidateId, generation, epoch, fidelity, metrics,
                wallTimeMs, simSeconds, 0L);
    }

    public EpochMetric withTimestamp(long epochMillis) {
        return new EpochMetric(schemaVersion, searchId, candidateId, generation, epoch, fidelity, metrics,
                wallTimeMs, simSeconds, epochMillis);
    }

    /** The value of {@code name}, or NaN when absent or null. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }

    @Override
    public String key() {
        return candidateId;
    }
}
