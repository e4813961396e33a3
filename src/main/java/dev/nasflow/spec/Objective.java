package dev.nasflow.spec;

/**
 * One objective of a search: a metric name (e.g. {@code validAccuracy}, {@code params}, {@code flops},
 * {@code latencyMs}) and a direction. The first objective is the primary one (leaderboard order).
 */
public record Objective(String metric, Direction direction) {
}
