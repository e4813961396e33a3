package dev.nasflow.activity;

import dev.nasflow.model.EpochReport;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.model.CandidateTask;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes training events to Kafka. An epoch metric is acknowledged (acks=all, idempotent producer) before the
 * activity heartbeats past that epoch, so a crash can only cause a re-published epoch (de-duplicated downstream by
 * (candidate, epoch)), never a lost one. The {@code ...Async} variants send at once and wait for the acknowledgement
 * only in {@link Pending#await()}, so that the events of a short candidate share one produce round trip; the
 * activity awaits them before its next heartbeat and before it returns.
 */
public final class KafkaTrainingEvents implements TrainingEvents {
    private final MetricsPublisher publisher;
    private final long ackTimeoutMs;

    public KafkaTrainingEvents(MetricsPublisher publisher) {
        this(publisher, 15_000);
    }

    public KafkaTrainingEvents(MetricsPublisher publisher, long ackTimeoutMs) {
        this.publisher = publisher;
        this.ackTimeoutMs = ackTimeoutMs;
    }

    @Override
    public void epoch(CandidateTask task, EpochReport report, double simSecondsTotal) {
        epochAsync(task, report, simSecondsTotal).await();
    }

    @Override
    public Pending epochAsync(CandidateTask task, EpochReport report, double simSecondsTotal) {
        EpochMetric m = EpochMetric.of(task.searchId(), task.candidateId(), task.generation(), report.epoch(),
                task.epochs(), report.metrics(), report.wallMillis(), report.simSeconds());
        return pending(publisher.publish(m), "epoch metric " + task.candidateId() + "@" + report.epoch());
    }

    @Override
    public void candidate(CandidateTask task, SearchSpace space, SearchEventType type, Map<String, Object> payload) {
        candidateAsync(task, space, type, payload).await();
    }

    /**
     * Sends {@code payload} plus the candidate's own fields ({@code arch}, {@code archHash}, {@code genome},
     * {@code space}, {@code encoding} from the given, already resolved space, and {@code primaryMetric}).
     */
    @Override
    public Pending candidateAsync(CandidateTask task, SearchSpace space, SearchEventType type,
                                 Map<String, Object> payload) {
        Map<String, Object> p = new LinkedHashMap<>(payload);
        p.put("arch", task.arch());
        p.put("archHash", task.archHash());
        p.put("genome", task.genome().choices());
        p.put("space", task.genome().space());
        p.put("encoding", space.pathEncoding(task.genome()));
        p.put("primaryMetric", task.spec().objectives().get(0).metric());
        SearchEvent e = SearchEvent.of(task.searchId(), type, task.candidateId(), task.generation(), p);
        return pending(publisher.publish(e), type + " " + task.candidateId());
    }

    /** The acknowledgement of {@code f}, awaited for at most the ack timeout from when it is first awaited. */
    private Pending pending(CompletableFuture<?> f, String what) {
        return () -> await(f, what);
    }

    private void await(CompletableFuture<?> f, String what) {
        try {
            f.get(ackTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge " + what + " within " + ackTimeoutMs
                    + " ms: " + e, e);
        }
    }
}
