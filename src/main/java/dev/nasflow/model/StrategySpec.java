package dev.nasflow.model;

import java.util.Map;

/** Which search algorithm to run and its parameters (validated per algorithm). */
public record StrategySpec(String type, Map<String, Object> params) {
    public StrategySpec {
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
