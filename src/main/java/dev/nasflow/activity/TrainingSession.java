package dev.nasflow.activity;

import dev.nasflow.model.EpochReport;
import java.util.Map;

/** One candidate's training in progress, opened by a {@link CandidateTrainer}. Close frees every resource. */
public interface TrainingSession extends AutoCloseable {
    /** Epochs already trained (after a resume, the resumed epoch). */
    int epochsDone();

    /** Train the next epoch, calling {@code steps.onStep()} after every step. */
    EpochReport trainEpoch(StepListener steps) throws Exception;

    /** Persist the state after the last epoch; returns its reference (path) or null when the trainer has no state. */
    String checkpoint() throws Exception;

    /**
     * Whether {@link #checkpoint()} persists state that a later attempt resumes from. When it does, the training
     * activity awaits an epoch's metrics (acknowledged by Kafka) before checkpointing that epoch: a resume starts after
     * the newest checkpoint on disk, so a checkpoint must never be ahead of the published epochs.
     */
    default boolean keepsCheckpoints() {
        return true;
    }

    /** Metrics known without training (params, flops, latencyMs...). */
    Map<String, Double> staticMetrics();

    @Override
    void close();
}
