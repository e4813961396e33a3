package dev.nasflow.stopping;

import dev.nasflow.stream.StopDecision;

/** Hook for meters and tests: each decision after delivery, with the workflow's answer. */
public interface StopperObserver {
    void decided(StopDecision decision, String outcome);

    StopperObserver NONE = (d, o) -> {
    };
}
