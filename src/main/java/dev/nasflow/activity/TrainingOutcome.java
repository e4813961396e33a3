package dev.nasflow.activity;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.Outcome;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one training attempt ended, computed once when training ends: the activity's {@link CandidateResult}, the
 * observer's hooks ({@link TrainingObserver#ended}) and the candidate's finish event
 * ({@link TrainingEvents#finishedAsync}) are all derived from this one value.
 *
 * @param kind         the outcome
 * @param epochs       epochs trained (0 when infeasible)
 * @param metrics      the last metrics (the static metrics when infeasible)
 * @param reason       why it ended other than by completing ("" when completed or cancelled by the workflow)
 * @param simSeconds   simulated training seconds in total
 * @param resumedFrom  the epoch this attempt resumed from (0 = from scratch, and always 0 when infeasible)
 * @param stopRule     the stopping rule whose decision ended it, when a stop decision did; else null
 * @param stopSeenAtMs when the stop (decision or cancellation) was seen, epoch ms; 0 unless stopped early
 */
public record TrainingOutcome(Outcome kind, int epochs, Map<String, Double> metrics, String reason,
                              double simSeconds, int resumedFrom, String stopRule, long stopSeenAtMs) {

    /** A hard constraint is violated by the metrics known before training: never trained. */
    public static TrainingOutcome infeasible(Map<String, Double> staticMetrics, String violation) {
        return new TrainingOutcome(Outcome.INFEASIBLE, 0, staticMetrics, violation, 0, 0, null, 0);
    }

    /** The loss went non-finite at epoch {@code epochs}. */
    public static TrainingOutcome diverged(int epochs, Map<String, Double> last, double sim, int resumedFrom) {
        return new TrainingOutcome(Outcome.DIVERGED, epochs, last, "loss is not finite at epoch " + epochs, sim,
                resumedFrom, null, 0);
    }

    /** Trained to the requested fidelity. */
    public static TrainingOutcome completed(int epochs, Map<String, Double> last, double sim, int resumedFrom) {
        return new TrainingOutcome(Outcome.COMPLETED, epochs, last, "", sim, resumedFrom, null, 0);
    }

    /** Stopped early by the workflow cancelling the activity (stopCandidate), seen at {@code seenAtMs}. */
    public static TrainingOutcome cancelled(int epochs, Map<String, Double> last, double sim, int resumedFrom,
                                            long seenAtMs) {
        return new TrainingOutcome(Outcome.STOPPED_EARLY, epochs, last, "", sim, resumedFrom, null, seenAtMs);
    }

    /** Stopped early by a stop decision that reached this worker (the normal way a stop lands). */
    public static TrainingOutcome stoppedBy(StopBoard.Posted decision, int epochs, Map<String, Double> last,
                                            double sim, int resumedFrom, long seenAtMs) {
        return new TrainingOutcome(Outcome.STOPPED_EARLY, epochs, last, decision.describe(), sim, resumedFrom,
                decision.rule(), seenAtMs);
    }

    /** Stopped early, by a decision or a cancellation. */
    public boolean stopped() {
        return kind == Outcome.STOPPED_EARLY;
    }

    /**
     * Whether the activity drops the candidate's stop decision from the {@link StopBoard} once it is over: after a
     * completion and after a stop decision ended it.
     */
    boolean forgetsStop() {
        return kind == Outcome.COMPLETED || stopRule != null;
    }

    /**
     * The outcome's own fields of the {@code CANDIDATE_FINISHED} event (the events side adds the candidate's):
     * {@code outcome} always, then {@code reason} (infeasible, diverged), {@code metrics} (completed), or
     * {@code epoch}, {@code rule} (when a decision stopped it) and {@code cancelSeenAtMs} (stopped early).
     */
    public Map<String, Object> finishPayload() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("outcome", kind.name());
        switch (kind) {
            case INFEASIBLE, DIVERGED -> p.put("reason", reason);
            case COMPLETED -> p.put("metrics", metrics);
            case STOPPED_EARLY -> {
                p.put("epoch", epochs);
                if (stopRule != null) {
                    p.put("rule", stopRule);
                }
                p.put("cancelSeenAtMs", stopSeenAtMs);
            }
            default -> throw new IllegalStateException("no finish event for outcome " + kind);
        }
        return p;
    }

    /** The activity's result for {@code task}. */
    public CandidateResult result(CandidateTask t, long wallMillis, int attempt) {
        return new CandidateResult(t.candidateId(), t.generation(), t.index(), t.genome(), t.arch(), t.archHash(),
                t.epochs(), epochs, kind, metrics, reason, simSeconds, wallMillis, resumedFrom, attempt);
    }
}
