package dev.nasflow.api;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Trains one candidate. Heartbeats every epoch with its resume point; on cancellation stops, keeps its checkpoint and
 * returns {@code STOPPED_EARLY} with its last metrics; on retry resumes from the last heartbeat.
 */
@ActivityInterface
public interface TrainingActivities {
    @ActivityMethod(name = "TrainCandidate")
    CandidateResult train(CandidateTask task);
}
