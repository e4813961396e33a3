package dev.nasflow.model;

/**
 * Sent by an early-stopping service as the {@code stopperAttached} signal when it starts watching a search (and again
 * after a restart of the service), so that the search can say its stopper is live.
 *
 * @param stopperId the service instance (host and process, or a configured name)
 * @param rule      the stopping rule it applies
 */
public record StopperAttach(String stopperId, String rule) {
}
