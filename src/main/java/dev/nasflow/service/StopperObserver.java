package dev.nasflow.service;

import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.StopDecision;

/** Hook for meters and tests: each decision after delivery, with the workflow's answer. */
public interface StopperObserver {
    void decided(StopDecision decision, String outcome);

    /**
     * Every search event the stopper's consumer reads, replayed ones included (so search-level gauges are rebuilt
     * after a restart). The stopper's group reads every event of every search, unlike any single worker.
     */
    default void searchEvent(SearchEvent event) {
    }

    StopperObserver NONE = (d, o) -> {
    };
}
