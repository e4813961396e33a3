package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How hard each candidate is trained. {@code epochs} is a full evaluation; the multi-fidelity strategies (ASHA,
 * Hyperband) start candidates at {@code minEpochs}. {@code dataFraction} (0, 1] is the share
 * of the training split a candidate trains on, {@code widthMultiplier} (0, 4] scales every layer's channels during
 * the search, {@code resolution} is the side of the (square) input images. All set after {@link Defaults}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"epochs", "minEpochs", "dataFraction", "widthMultiplier", "resolution"})
public record FidelitySpec(Integer epochs, Integer minEpochs, Double dataFraction, Double widthMultiplier,
                           Integer resolution) {
}
