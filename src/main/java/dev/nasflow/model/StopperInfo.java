package dev.nasflow.model;

/**
 * What a search knows of its early-stopping service: null in {@link SearchStatus#stopper()} until a stopper attached.
 *
 * @param rule         the rule the stopper applies
 * @param stopperId    the last stopper instance that attached
 * @param attachedAtMs workflow time of the last attachment
 * @param decisions    stop decisions recorded by the search (stopCandidate updates from a stopper, no-ops included)
 */
public record StopperInfo(String rule, String stopperId, long attachedAtMs, int decisions) {
    public StopperInfo withDecision() {
        return new StopperInfo(rule, stopperId, attachedAtMs, decisions + 1);
    }

    /** "live (rule median, 3 decisions)". */
    public String describe() {
        return "live (rule " + rule + ", " + decisions + (decisions == 1 ? " decision)" : " decisions)");
    }
}
