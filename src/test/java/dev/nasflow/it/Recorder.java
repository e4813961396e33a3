package dev.nasflow.it;

import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.service.StopperObserver;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.service.SurrogateObserver;
import dev.nasflow.model.CandidateTask;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the in-process worker, stopper and surrogate of a {@link dev.nasflow.wiring.DevStack} did, as seen through
 * their observer hooks (one recorder per stack; candidate ids carry the search id, so searches do not mix).
 */
public final class Recorder implements TrainingObserver, StopperObserver, SurrogateObserver {
    /** A cancellation the training activity saw: after {@code epoch} epochs, at {@code atMs} (wall clock). */
    public record Cancel(int epoch, long atMs) {
    }

    /** A stop decision after delivery, with the workflow's answer. */
    public record Decision(StopDecision decision, String outcome, long deliveredAtMs) {
    }

    public final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
    public final Map<String, Integer> epochs = new ConcurrentHashMap<>();
    public final Map<String, Cancel> cancelled = new ConcurrentHashMap<>();
    public final Map<String, Outcome> finished = new ConcurrentHashMap<>();
    public final List<Decision> decisions = new CopyOnWriteArrayList<>();
    public final AtomicInteger retrains = new AtomicInteger();
    public final AtomicInteger predictionsPublished = new AtomicInteger();

    @Override
    public void started(CandidateTask task) {
        started.computeIfAbsent(task.candidateId(), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void epoch(CandidateTask task, EpochReport report) {
        epochs.merge(task.candidateId(), report.epoch(), Math::max);
    }

    @Override
    public void cancelled(CandidateTask task, int epoch) {
        cancelled.put(task.candidateId(), new Cancel(epoch, System.currentTimeMillis()));
    }

    @Override
    public void finished(CandidateTask task, Outcome outcome, int epochs) {
        finished.put(task.candidateId(), outcome);
    }

    @Override
    public void decided(StopDecision decision, String outcome) {
        decisions.add(new Decision(decision, outcome, System.currentTimeMillis()));
    }

    @Override
    public void retrained(String searchId, long version, int results, double kendallTau, double rmse) {
        retrains.incrementAndGet();
    }

    @Override
    public void published(int predictions) {
        predictionsPublished.addAndGet(predictions);
    }

    /** Candidates of {@code searchId} whose activity started at least once. */
    public long startedIn(String searchId) {
        return started.keySet().stream().filter(id -> id.startsWith(searchId + "-g")).count();
    }

    public List<Decision> decisionsOf(String searchId) {
        return decisions.stream().filter(d -> d.decision().searchId().equals(searchId)).toList();
    }
}
