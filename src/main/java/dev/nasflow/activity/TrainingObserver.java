package dev.nasflow.activity;

import dev.nasflow.strategy.Outcome;
import dev.nasflow.workflow.CandidateTask;

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

    TrainingObserver NONE = new TrainingObserver() {
    };
}
