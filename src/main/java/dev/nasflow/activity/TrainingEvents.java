package dev.nasflow.activity;

import dev.nasflow.model.EpochReport;
import dev.nasflow.model.CandidateTask;

import java.util.Map;

/**
 * Where a training activity reports to besides Temporal: the metric stream and search events.
 *
 * <p>The blocking methods return once the event is durable (for Kafka: acknowledged). The {@code ...Async} variants
 * hand the event over and return a {@link Pending} whose {@link Pending#await()} returns once it is durable, so that
 * several events of one candidate (e.g. its start event, its only epoch and its finish event) travel together
 * instead of costing one acknowledgement round trip each. Callers that use them must await every pending event
 * before the heartbeat that records it and before the activity returns (see {@link TrainingActivitiesImpl}).
 */
public interface TrainingEvents {
    /** One finished epoch (published to {@code nasflow.epoch-metrics}); returns once it is durable. */
    void epoch(CandidateTask task, EpochReport report, double simSecondsTotal);

    /** A candidate lifecycle event (published to {@code nasflow.search-events}); returns once it is durable. */
    void candidate(CandidateTask task, String type, Map<String, Object> payload);

    /** As {@link #epoch}, without waiting: the event is durable once the returned handle's await returns. */
    default Pending epochAsync(CandidateTask task, EpochReport report, double simSecondsTotal) {
        epoch(task, report, simSecondsTotal);
        return Pending.DONE;
    }

    /** As {@link #candidate}, without waiting: the event is durable once the returned handle's await returns. */
    default Pending candidateAsync(CandidateTask task, String type, Map<String, Object> payload) {
        candidate(task, type, payload);
        return Pending.DONE;
    }

    /** An event on its way; {@link #await()} returns once it is durable, or throws when it cannot be. */
    @FunctionalInterface
    interface Pending {
        Pending DONE = () -> { };

        void await();
    }

    TrainingEvents NONE = new TrainingEvents() {
        @Override
        public void epoch(CandidateTask task, EpochReport report, double simSecondsTotal) {
        }

        @Override
        public void candidate(CandidateTask task, String type, Map<String, Object> payload) {
        }
    };
}
