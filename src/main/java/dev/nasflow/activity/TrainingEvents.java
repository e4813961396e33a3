package dev.nasflow.activity;

import dev.nasflow.model.EpochReport;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.model.SearchEventType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a training activity reports to besides Temporal: the metric stream and search events.
 *
 * <p>A training attempt sends, in this order: {@link #startedAsync} (its start or resume), one {@link #epochAsync}
 * per trained epoch, and {@link #finishedAsync} with its {@link TrainingOutcome}, the one place a candidate's end is
 * published whatever the outcome. Candidate events get the candidate's {@link SearchSpace}, resolved once by the
 * activity, so that none is looked up per event.
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

    /**
     * A candidate lifecycle event (published to {@code nasflow.search-events}); returns once it is durable.
     *
     * @param space the candidate's space ({@code task.genome().space()}), already resolved
     */
    void candidate(CandidateTask task, SearchSpace space, SearchEventType type, Map<String, Object> payload);

    /** As {@link #epoch}, without waiting: the event is durable once the returned handle's await returns. */
    default Pending epochAsync(CandidateTask task, EpochReport report, double simSecondsTotal) {
        epoch(task, report, simSecondsTotal);
        return Pending.DONE;
    }

    /** As {@link #candidate}, without waiting: the event is durable once the returned handle's await returns. */
    default Pending candidateAsync(CandidateTask task, SearchSpace space, SearchEventType type,
                                   Map<String, Object> payload) {
        candidate(task, space, type, payload);
        return Pending.DONE;
    }

    /**
     * The attempt begins: {@code CANDIDATE_STARTED} when it trains from scratch ({@code resumedFrom == 0}), else
     * {@code CANDIDATE_RESUMED}. The static metrics (the cost model's params, flops, latencyMs) travel with it: the
     * multi-objective stopping rule compares candidates on them before any epoch is trained.
     */
    default Pending startedAsync(CandidateTask task, SearchSpace space, int resumedFrom, int attempt,
                                 Map<String, Double> staticMetrics) {
        Map<String, Object> p = new LinkedHashMap<>();
        SearchEventType type;
        if (resumedFrom == 0) {
            type = SearchEventType.CANDIDATE_STARTED;
            p.put("epochs", task.epochs());
        } else {
            type = SearchEventType.CANDIDATE_RESUMED;
            p.put("fromEpoch", resumedFrom);
        }
        p.put("attempt", attempt);
        p.put("staticMetrics", staticMetrics);
        return candidateAsync(task, space, type, p);
    }

    /** The attempt ended with {@code outcome}: its {@code CANDIDATE_FINISHED} event, for any outcome. */
    default Pending finishedAsync(CandidateTask task, SearchSpace space, TrainingOutcome outcome) {
        return candidateAsync(task, space, SearchEventType.CANDIDATE_FINISHED, outcome.finishPayload());
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
        public void candidate(CandidateTask task, SearchSpace space, SearchEventType type,
                              Map<String, Object> payload) {
        }

        @Override
        public Pending startedAsync(CandidateTask task, SearchSpace space, int resumedFrom, int attempt,
                                    Map<String, Double> staticMetrics) {
            return Pending.DONE;
        }

        @Override
        public Pending finishedAsync(CandidateTask task, SearchSpace space, TrainingOutcome outcome) {
            return Pending.DONE;
        }
    };
}
