package dev.nasflow.activity;

import dev.nasflow.model.SupernetDerivation;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetTask;

/**
 * A supernet backend (DJL: {@code dev.nasflow.train.DjlSupernetTrainer}). Errors that retrying cannot fix are thrown
 * as {@link NonRetryableTrainingException}.
 */
public interface SupernetTrainer {
    /**
     * Brings the supernet of {@code task.searchId()} to epoch {@code task.epoch()} from its newest checkpoint (normally
     * epoch − 1; nothing to train when that epoch is already checkpointed), checkpointing every epoch.
     */
    SupernetEpoch trainEpoch(SupernetTask task, int attempt, StepListener steps) throws Exception;

    /** Reads the architecture off the supernet checkpointed at {@code task.epoch()}. */
    SupernetDerivation derive(SupernetTask task, StepListener steps) throws Exception;
}
