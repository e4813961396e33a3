package dev.nasflow.activity;

import dev.nasflow.model.EpochReport;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateTask;

/** Hooks for meters and tests: what a worker's training activities did. */
public interface TrainingObserver {
    default void started(CandidateTask task) {
    }

    default void epoch(CandidateTask task, EpochReport report) {
    }

    default void cancelled(CandidateTask task, int epoch) {
    }

    default void finished(CandidateTask task, Outcome outcome, int epochs) {
    }

    /**
     * The attempt ended with {@code outcome} (called once, before its finish event is sent): {@link #cancelled} when
     * it was stopped early, then {@link #finished}.
     */
    default void ended(CandidateTask task, TrainingOutcome outcome) {
        if (outcome.stopped()) {
            cancelled(task, outcome.epochs());
        }
        finished(task, outcome.kind(), outcome.epochs());
    }

    TrainingObserver NONE = new TrainingObserver() {
    };
}
