package dev.nasflow.activity;

import dev.nasflow.workflow.CandidateTask;

import java.util.Map;

/** Where a training activity reports to besides Temporal: the metric stream and search events. */
public interface TrainingEvents {
    /** One finished epoch (published to {@code nasflow.epoch-metrics}). */
    void epoch(CandidateTask task, EpochReport report, double simSecondsTotal);

    /** A candidate lifecycle event (published to {@code nasflow.search-events}). */
    void candidate(CandidateTask task, String type, Map<String, Object> payload);

    TrainingEvents NONE = new TrainingEvents() {
        @Override
        public void epoch(CandidateTask task, EpochReport report, double simSecondsTotal) {
        }

        @Override
        public void candidate(CandidateTask task, String type, Map<String, Object> payload) {
        }
    };
}
