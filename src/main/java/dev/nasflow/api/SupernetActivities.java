package dev.nasflow.api;

import dev.nasflow.model.SupernetDerivation;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetTask;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The supernet's side of a one-shot search. Both heartbeat every step. State lives in the artifact directory: an
 * epoch call opens the newest supernet checkpoint, trains up to {@code task.epoch()} and checkpoints, so a retry after
 * a crash resumes at the last finished epoch.
 */
@ActivityInterface
public interface SupernetActivities {
    @ActivityMethod(name = "TrainSupernetEpoch")
    SupernetEpoch trainEpoch(SupernetTask task);

    @ActivityMethod(name = "DeriveArchitecture")
    SupernetDerivation derive(SupernetTask task);
}
