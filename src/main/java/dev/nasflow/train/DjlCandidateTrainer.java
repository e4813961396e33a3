package dev.nasflow.train;

import dev.nasflow.model.Trainers;
import dev.nasflow.activity.CandidateTrainer;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.CandidateTask;

/**
 * The DJL (PyTorch engine) backend of the training activity, {@code trainer.type = "djl"}: builds the candidate's
 * network from its genome ({@link ModelBuilder}), trains it on the spec's data ({@link Datasets}) following the recipe
 * ({@link Recipe}), reports per-epoch metrics, checkpoints each epoch and resumes from a checkpoint on a retry. See
 * {@link DjlSession} and docs/TRAINING.md.
 */
public final class DjlCandidateTrainer implements CandidateTrainer {
    public static final String TYPE = Trainers.DJL.name();

    private final PathPolicy paths;

    public DjlCandidateTrainer() {
        this(PathPolicy.fromEnvironment());
    }

    public DjlCandidateTrainer(PathPolicy paths) {
        this.paths = paths;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TrainingSession open(CandidateTask task, ResumePoint resume) throws Exception {
        return DjlSession.open(task, resume, paths);
    }
}
