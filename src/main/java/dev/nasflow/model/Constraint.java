package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A hard constraint on a metric ({@link SpecVocabulary#OBJECTIVE_METRICS}): a candidate is feasible when
 * {@code min <= value <= max} (either bound optional, at least one set). Example: {@code params <= 1e6},
 * {@code latencyMs <= 5}. Infeasible candidates end as {@code INFEASIBLE} and never lead the leaderboard.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"metric", "max", "min"})
public record Constraint(String metric, Double max, Double min) {

    /** True when {@code value} satisfies both bounds. */
    @JsonIgnore
    public boolean admits(double value) {
        return (max == null || value <= max) && (min == null || value >= min);
    }
}
