package dev.nasflow.strategy;

import dev.nasflow.model.Objective;
import dev.nasflow.space.SearchSpace;

import java.util.List;
import java.util.Map;

/**
 * Everything a strategy is built from: the space, the objectives (first = primary), the seed, the algorithm's
 * parameters and the fidelity range in epochs ({@code minEpochs} for the cheapest rung, {@code maxEpochs} for a full
 * evaluation; single-fidelity strategies propose at {@code maxEpochs}).
 */
public record StrategyContext(SearchSpace space, List<Objective> objectives, long seed, Map<String, Object> params,
                              int minEpochs, int maxEpochs) {
    public StrategyContext {
        objectives = List.copyOf(objectives);
        params = params == null ? Map.of() : Map.copyOf(params);
        if (objectives.isEmpty()) {
            throw new IllegalArgumentException("at least one objective is required");
        }
    }

    public Objective primary() {
        return objectives.get(0);
    }

    public int intParam(String name, int def) {
        Object v = params.get(name);
        return v == null ? def : ((Number) v).intValue();
    }

    public double doubleParam(String name, double def) {
        Object v = params.get(name);
        return v == null ? def : ((Number) v).doubleValue();
    }
}
