package dev.nasflow.model;

import java.util.Map;

/** Metrics after one training epoch, its simulated cost (table trainer) and wall time. */
public record EpochReport(int epoch, Map<String, Double> metrics, double simSeconds, long wallMillis) {
    public EpochReport {
        metrics = Map.copyOf(metrics);
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
