package dev.nasflow.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The streaming early-stopping rule ({@link SpecVocabulary#STOPPING_RULES}):
 * <ul>
 *   <li>{@code none}: never stop a candidate early.</li>
 *   <li>{@code median}: after {@code gracePeriod} epochs and once {@code minTrials} candidates reported that epoch,
 *       stop a candidate whose best {@code metric} so far is worse than the median of the running averages of the
 *       others at the same epoch (Vizier).</li>
 *   <li>{@code asha}: rungs at {@code gracePeriod × eta^k} epochs; at each rung only the top 1/{@code eta} go on.</li>
 *   <li>{@code curve}: after {@code gracePeriod} epochs, extrapolate the learning curve and stop when the predicted
 *       final value is below best × {@code threshold}.</li>
 *   <li>{@code surrogate}: like {@code curve} with the surrogate service's prediction.</li>
 * </ul>
 * Only the fields of the chosen rule are set (the schema rejects the others).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rule", "gracePeriod", "minTrials", "eta", "threshold", "metric"})
public record StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Double eta, Double threshold,
                           String metric) {

    public static StoppingSpec none() {
        return new StoppingSpec("none", null, null, null, null, null);
    }

    @JsonIgnore
    public boolean isNone() {
        return rule == null || "none".equals(rule);
    }
}
