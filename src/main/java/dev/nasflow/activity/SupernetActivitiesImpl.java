package dev.nasflow.activity;

import dev.nasflow.api.SupernetActivities;
import dev.nasflow.model.SupernetDerivation;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetTask;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The supernet activities over a {@link SupernetTrainer} backend: heartbeats every step, maps errors to failures. */
public class SupernetActivitiesImpl implements SupernetActivities {
    private static final Logger log = LoggerFactory.getLogger(SupernetActivitiesImpl.class);

    private final SupernetTrainer trainer;

    public SupernetActivitiesImpl(SupernetTrainer trainer) {
        this.trainer = trainer;
    }

    @Override
    public SupernetEpoch trainEpoch(SupernetTask task) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        int attempt = ctx.getInfo().getAttempt();
        try {
            ctx.heartbeat(task.epoch()); // alive while the session opens (data, supernet, checkpoint)
            SupernetEpoch r = trainer.trainEpoch(task, attempt, () -> ctx.heartbeat(task.epoch()));
            if (r.resumedFrom() > 0 && attempt > 1) {
                log.info("{}: supernet epoch {} attempt {} resumed from checkpoint epoch {}", task.searchId(),
                        task.epoch(), attempt, r.resumedFrom());
            }
            return r;
        } catch (NonRetryableTrainingException e) {
            throw ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), "InvalidData", e);
        } catch (ActivityCompletionException | ApplicationFailure e) {
            throw e;
        } catch (Exception e) {
            throw Activity.wrap(e);
        }
    }

    @Override
    public SupernetDerivation derive(SupernetTask task) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        try {
            ctx.heartbeat(task.epoch());
            return trainer.derive(task, () -> ctx.heartbeat(task.epoch()));
        } catch (NonRetryableTrainingException e) {
            throw ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), "InvalidData", e);
        } catch (ActivityCompletionException | ApplicationFailure e) {
            throw e;
        } catch (Exception e) {
            throw Activity.wrap(e);
        }
    }
}
