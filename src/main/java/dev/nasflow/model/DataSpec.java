package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The dataset of a {@code djl} search: {@code format} ({@link SpecVocabulary#DATA_FORMATS}), {@code path} (a file or
 * directory, confined by {@link PathPolicy}), {@code validationFraction} (0, 0.5] of the training set held out for
 * validation (seeded split), and {@code dataFraction} (0, 1] of the dataset loaded at all (a subset for quick runs;
 * {@code fidelity.dataFraction} then applies to the training split). Absent (null) for the {@code nb201} trainer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "path", "validationFraction", "dataFraction"})
public record DataSpec(String format, String path, Double validationFraction, Double dataFraction) {
}
