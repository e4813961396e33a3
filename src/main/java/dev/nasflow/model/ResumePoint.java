package dev.nasflow.model;

import java.util.Map;

/**
 * Heartbeat details of a training activity = where a retry resumes: the last finished epoch, its checkpoint reference
 * (a path; null for trainers without state), the best primary metric so far, the last metrics and simulated seconds.
 */
public record ResumePoint(int epoch, String checkpoint, double bestMetric, Map<String, Double> lastMetrics,
                          double simSeconds) {
    public ResumePoint {
        lastMetrics = lastMetrics == null ? Map.of() : Map.copyOf(lastMetrics);
    }
}
