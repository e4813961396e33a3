package dev.nasflow.stopping;

import java.util.Optional;

/**
 * An early-stopping rule: pure, deterministic decision logic over the learning curves of one search.
 *
 * <p>Contract: {@link #onEpoch} is called once per new (candidate, epoch) <em>after</em> the point has been recorded
 * in {@code store}, and never for a candidate that is already stopped (see {@link EarlyStopper}, which enforces this
 * and records the verdict). A rule keeps no state of its own: everything it needs is in the store, so a rule
 * instance may be shared between searches and a restarted service that replays the same points in the same order
 * takes the same decisions. Rules never stop a candidate at or after its target epoch (nothing left to save).
 */
public interface StoppingRule {
    /** The rule's name as written in specs ({@code median}, {@code asha}, {@code curve}, {@code surrogate}, {@code none}). */
    String name();

    /** The decision for this point: a verdict to stop {@code p.candidateId()}, or empty to let it continue. */
    Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store);

    /**
     * Whether the rule judges a point by the surrogate's prediction made from that point's epoch: a stopper fed by
     * the surrogate service then waits (briefly) for that prediction before judging the point.
     */
    default boolean readsPredictions() {
        return false;
    }
}
