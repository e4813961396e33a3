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

    TrainingObserver NONE = new TrainingObserver() {
    };
}
