package dev.nasflow.activity;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stop decisions known to this worker process, by candidate id: fed by {@link StopDecisionListener} (the
 * {@code nasflow.stop-decisions} topic) and by in-process posts, read by the training activity at every step. This is
 * how a stop reaches the training loop: the workflow records the decision but never cancels the activity, so a stop
 * cannot cross a completion.
 *
 * <p>A decision applies to an attempt only when it was posted at or after the activity was first scheduled: a search
 * run again under the same id reuses candidate ids, and the first run's late decisions must not stop the second's.
 */
public final class StopBoard {
    /** The board of this JVM (the worker's activities and the listener share it unless a test injects its own). */
    public static final StopBoard PROCESS = new StopBoard();
    /** Decisions kept at most this long (a decision matters only while its candidate trains). */
    static final long KEEP_MILLIS = 6 * 3600_000L;
    static final int MAX_ENTRIES = 200_000;

    /** One decision as posted. */
    public record Posted(String candidateId, String rule, String reason, int epoch, long postedAtMs) {
        public String describe() {
            return rule + ": " + reason;
        }
    }

    private final Map<String, Posted> byCandidate = new ConcurrentHashMap<>();

    /** Record a decision; a later one for the same candidate replaces an earlier. */
    public void post(String candidateId, String rule, String reason, int epoch, long postedAtMs) {
        byCandidate.merge(candidateId, new Posted(candidateId, rule, reason, epoch, postedAtMs),
                (old, now) -> now.postedAtMs() >= old.postedAtMs() ? now : old);
        if (byCandidate.size() > MAX_ENTRIES) {
            prune(postedAtMs - KEEP_MILLIS);
        }
    }

    /** The decision that stops this candidate's attempt, if one was posted at or after {@code notBeforeMs}. */
    public Optional<Posted> stopFor(String candidateId, long notBeforeMs) {
        Posted p = byCandidate.get(candidateId);
        return p != null && p.postedAtMs() >= notBeforeMs ? Optional.of(p) : Optional.empty();
    }

    /** Forget a candidate once its activity has returned. */
    public void forget(String candidateId) {
        byCandidate.remove(candidateId);
    }

    int size() {
        return byCandidate.size();
    }

    private void prune(long olderThan) {
        for (Iterator<Posted> it = byCandidate.values().iterator(); it.hasNext(); ) {
            if (it.next().postedAtMs() < olderThan) {
                it.remove();
            }
        }
    }
}
