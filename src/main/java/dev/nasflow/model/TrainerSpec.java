package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Which backend trains candidates ({@link Trainers}, each backend's facts and defaults in its descriptor):
 * <ul>
 *   <li>{@code nb201}: the NAS-Bench-201 table (lookup, simulated clock). {@code dataset} picks the table column
 *       ({@code cifar10}, {@code cifar100}, {@code imagenet16-120}); {@code pacingMillisPerEpoch} &gt; 0 makes each
 *       epoch also take that much real time (demos, stop-latency tests); {@code pacing} {@code tabulated} scales it
 *       per architecture by its tabulated training time (mean kept), {@code uniform} (default) does not.</li>
 *   <li>{@code djl}: real training with DJL on {@code device} ({@code cpu}, {@code gpu}, {@code auto}) following the
 *       {@code recipe} file under {@code activities/} (null = the trainer's built-in recipe); needs {@code data}.</li>
 * </ul>
 * {@code heartbeatTimeoutSeconds} (both types, optional): how long a training attempt may go without a heartbeat
 * before Temporal counts it as lost (its worker died) and retries it from its last checkpoint; null = the backend's
 * default ({@link #DEFAULT_TABLE_HEARTBEAT_SECONDS}, {@link #DEFAULT_DJL_HEARTBEAT_SECONDS}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "dataset", "pacingMillisPerEpoch", "pacing", "recipe", "device",
        "heartbeatTimeoutSeconds"})
public record TrainerSpec(String type, String dataset, Integer pacingMillisPerEpoch, String recipe, String device,
                          Integer heartbeatTimeoutSeconds, String pacing) {
    /** Every epoch takes {@code pacingMillisPerEpoch} (the default). */
    public static final String PACING_UNIFORM = "uniform";
    /**
     * Each epoch takes {@code pacingMillisPerEpoch} scaled by the architecture's tabulated training time
     * (NAS-Bench-201 {@code train-all-time}) over the table's mean, so candidates differ in duration as real ones do
     * (542 s to 3,461 s on CIFAR-10: 6.4x) while the mean epoch stays {@code pacingMillisPerEpoch}.
     */
    public static final String PACING_TABULATED = "tabulated";

    /** A trainer section with uniform pacing. */
    public TrainerSpec(String type, String dataset, Integer pacingMillisPerEpoch, String recipe, String device,
                       Integer heartbeatTimeoutSeconds) {
        this(type, dataset, pacingMillisPerEpoch, recipe, device, heartbeatTimeoutSeconds, null);
    }

    @JsonIgnore
    public boolean tabulatedPacing() {
        return PACING_TABULATED.equals(pacing);
    }

    /** Heartbeat timeout of table-trainer attempts when the spec sets none. */
    public static final int DEFAULT_TABLE_HEARTBEAT_SECONDS = Trainers.NB201.heartbeatSeconds();
    /** Heartbeat timeout of DJL attempts when the spec sets none (data loading and latency measurement are quiet). */
    public static final int DEFAULT_DJL_HEARTBEAT_SECONDS = Trainers.DJL.heartbeatSeconds();

    /** A trainer section with the backend's default heartbeat timeout. */
    public TrainerSpec(String type, String dataset, Integer pacingMillisPerEpoch, String recipe, String device) {
        this(type, dataset, pacingMillisPerEpoch, recipe, device, null);
    }

    /** The heartbeat timeout of a training attempt: the spec's, else the backend's default. */
    @JsonIgnore
    public int heartbeatSeconds() {
        if (heartbeatTimeoutSeconds != null) {
            return heartbeatTimeoutSeconds;
        }
        TrainerDescriptor d = Trainers.descriptor(type);
        return (d == null ? Trainers.DJL : d).heartbeatSeconds();
    }

    @JsonIgnore
    public boolean isTable() {
        return Trainers.NB201.name().equals(type);
    }

    @JsonIgnore
    public boolean isDjl() {
        return Trainers.DJL.name().equals(type);
    }
}
