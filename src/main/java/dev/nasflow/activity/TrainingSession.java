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

    /** Metrics known without training (params, flops, latencyMs...). */
    Map<String, Double> staticMetrics();

    @Override
    void close();
}
