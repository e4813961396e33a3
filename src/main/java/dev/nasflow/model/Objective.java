package dev.nasflow.model;

/**
 * One objective of a search: a metric name (e.g. {@code validAccuracy}, {@code params}, {@code flops},
 * {@code latencyMs}) and a direction. The first objective is the primary one (leaderboard order).
 */
public record Objective(String metric, Direction direction) {
    /** The objective of a spec that names none: {@code validAccuracy}, maximized. */
    public static final Objective DEFAULT = new Objective("validAccuracy", Direction.MAXIMIZE);
}
