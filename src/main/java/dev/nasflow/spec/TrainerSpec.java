package dev.nasflow.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Which backend trains candidates ({@link SpecVocabulary#TRAINER_TYPES}):
 * <ul>
 *   <li>{@code nb201}: the NAS-Bench-201 table (lookup, simulated clock). {@code dataset} picks the table column
 *       ({@code cifar10}, {@code cifar100}, {@code imagenet16-120}); {@code pacingMillisPerEpoch} &gt; 0 makes each
 *       epoch also take that much real time (demos, stop-latency tests).</li>
 *   <li>{@code djl}: real training with DJL on {@code device} ({@code cpu}, {@code gpu}, {@code auto}) following the
 *       {@code recipe} file under {@code activities/} (null = the trainer's built-in recipe); needs {@code data}.</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "dataset", "pacingMillisPerEpoch", "recipe", "device"})
public record TrainerSpec(String type, String dataset, Integer pacingMillisPerEpoch, String recipe, String device) {

    @JsonIgnore
    public boolean isTable() {
        return "nb201".equals(type);
    }

    @JsonIgnore
    public boolean isDjl() {
        return "djl".equals(type);
    }
}
