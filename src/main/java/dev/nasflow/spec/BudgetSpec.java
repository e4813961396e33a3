package dev.nasflow.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How much a search may spend. The four limits ({@code evaluations}, {@code simulatedSeconds}, {@code realSeconds},
 * {@code generations}) are each optional (null = no such limit) but at least one must be set; the search ends at the
 * first limit reached. {@code populationSize} is the number of candidates proposed per generation and
 * {@code maxConcurrent} the number trained at the same time; both are always set after {@link Defaults}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"evaluations", "simulatedSeconds", "realSeconds", "generations", "populationSize",
        "maxConcurrent"})
public record BudgetSpec(Integer evaluations, Double simulatedSeconds, Double realSeconds, Integer generations,
                         Integer populationSize, Integer maxConcurrent) {

    /** True when at least one of the four limits is set. */
    @JsonIgnore
    public boolean hasLimit() {
        return evaluations != null || simulatedSeconds != null || realSeconds != null || generations != null;
    }
}
