package dev.nasflow.activity;

import dev.nasflow.model.ResumePoint;
import dev.nasflow.model.CandidateTask;

/**
 * A training backend (the NAS-Bench-201 table, DJL...). {@link #open} prepares one candidate, resuming from
 * {@code resume} when it is not null (an activity retry). Errors that retrying cannot fix (bad data, shape mismatch)
 * are thrown as {@link NonRetryableTrainingException}.
 */
public interface CandidateTrainer {
    /** The {@code trainer.type} of specs this backend serves. */
    String type();

    TrainingSession open(CandidateTask task, ResumePoint resume) throws Exception;
}
