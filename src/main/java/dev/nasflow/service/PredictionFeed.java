package dev.nasflow.service;

import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import dev.nasflow.stream.TopicReader;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stopper's view of {@code nasflow.surrogate-predictions}: the latest candidate prediction (key = candidate id) of
 * every running candidate, read by one consumer without a group (every partition; it starts {@link #LOOKBACK} before
 * now, so a restarted stopper has the predictions of the candidates still running). Architecture predictions (key =
 * architecture hash) are skipped. {@link #await} lets the stopper wait, without blocking a thread, until the
 * prediction made from a given epoch has arrived.
 */
public final class PredictionFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PredictionFeed.class);
    static final Duration LOOKBACK = Duration.ofMinutes(10);
    /** Candidates remembered at most (the least recently updated go first). */
    static final int MAX_CANDIDATES = 100_000;

    private final Consumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "prediction-feed-timer");
        t.setDaemon(true);
        return t;
    });
    private final LinkedHashMap<String, SurrogatePrediction> latest = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, List<Waiter>> waiters = new HashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final List<java.util.function.Consumer<SurrogatePrediction>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private record Waiter(int epoch, CompletableFuture<Void> done) {
    }

    /**
     * The (search, target epochs) pairs of which a candidate prediction was read, oldest first: the surrogate service
     * predicts a candidate once it has a model for its target (a candidate with that target finished, or a warm
     * start's curves were learnt), so until one was read, none is coming and the stopper does not wait for one.
     */
    private final LinkedHashMap<String, Boolean> predicting = new LinkedHashMap<>(16, 0.75f, true);

    private final Duration lookback;

    private PredictionFeed(KafkaClients kafka, Duration lookback) {
        this.lookback = lookback;
        this.consumer = kafka.consumer(null, Map.of("fetch.max.wait.ms", 20, "max.poll.records", 1000));
        this.thread = new Thread(this::loop, "prediction-feed");
        this.thread.setDaemon(true);
    }

    public static PredictionFeed start(KafkaClients kafka) {
        return start(kafka, LOOKBACK);
    }

    /** A feed that starts {@code lookback} before now (tests: what a restarted stopper no longer reads this way). */
    public static PredictionFeed start(KafkaClients kafka, Duration lookback) {
        PredictionFeed f = new PredictionFeed(kafka, lookback);
        f.thread.start();
        return f;
    }

    /** Waits until the partitions are assigned and positioned (predictions published from then on are read). */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Tells {@code listener} of every candidate prediction read from now on (on the feed's thread, in the order read;
     * it must not block): the stopper records each one for the rules that calibrate predictions on finished candidates.
     */
    public void onPrediction(java.util.function.Consumer<SurrogatePrediction> listener) {
        listeners.add(listener);
    }

    /** Candidate predictions read so far. */
    public long received() {
        return received.get();
    }

    /**
     * Drops the predictions of search {@code searchId} that answer metrics published before {@code beforeMillis}: the
     * id of a finished search was started again, and its new run's candidates have the same ids as the old run's.
     */
    public synchronized void forgetSearch(String searchId, long beforeMillis) {
        latest.values().removeIf(p -> p.searchId().equals(searchId)
                && (p.metricTimestamp() == null || p.metricTimestamp() < beforeMillis));
        predicting.keySet().removeIf(k -> k.startsWith(searchId + KEY_SEPARATOR));
        for (SurrogatePrediction p : latest.values()) {
            if (p.searchId().equals(searchId)) {
                predicting.put(predictingKey(p.searchId(), p.fidelity()), Boolean.TRUE);
            }
        }
    }

    private static final String KEY_SEPARATOR = "\u0000";

    private static String predictingKey(String searchId, int target) {
        return searchId + KEY_SEPARATOR + target;
    }

    /**
     * Whether a candidate prediction of search {@code searchId} for a target of {@code target} epochs has been read:
     * the surrogate service has a model for that target, so it predicts every epoch of such candidates and a wait for
     * one is worth it. False before the first candidate with that target finished (a cold start): the service
     * predicts nothing then, and waiting would only delay each decision by the whole wait.
     */
    public synchronized boolean predicts(String searchId, int target) {
        return predicting.containsKey(predictingKey(searchId, target));
    }

    /**
     * {@code p} is the candidate's later state than {@code old}: it answers a metric published no earlier, even from an
     * earlier epoch (the candidate trains again: a new run of the search's id, or a resume from an earlier
     * checkpoint); without the metrics' publication times, the later epoch.
     */
    static boolean isNewer(SurrogatePrediction p, SurrogatePrediction old) {
        if (p.metricTimestamp() != null && old.metricTimestamp() != null) {
            return p.metricTimestamp() >= old.metricTimestamp();
        }
        return old.epoch() <= p.epoch();
    }

    /** The latest candidate prediction of {@code candidateId}, if one was read. */
    public synchronized Optional<SurrogatePrediction> latest(String candidateId) {
        return Optional.ofNullable(latest.get(candidateId));
    }

    /**
     * Completes when a prediction of {@code candidateId} made from epoch {@code epoch} or later has been read, or
     * after {@code wait}, whichever comes first (never exceptionally).
     */
    public CompletableFuture<Void> await(String candidateId, int epoch, Duration wait) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            SurrogatePrediction p = latest.get(candidateId);
            if (p != null && p.epoch() >= epoch) {
                f.complete(null);
                return f;
            }
            waiters.computeIfAbsent(candidateId, k -> new ArrayList<>()).add(new Waiter(epoch, f));
        }
        timer.schedule(() -> {
            synchronized (this) {
                List<Waiter> ws = waiters.get(candidateId);
                if (ws != null) {
                    ws.removeIf(w -> w.done() == f);
                    if (ws.isEmpty()) {
                        waiters.remove(candidateId);
                    }
                }
            }
            f.complete(null);
        }, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
        return f;
    }

    private void accept(SurrogatePrediction p) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            SurrogatePrediction old = latest.get(p.candidateId());
            if (old == null || isNewer(p, old)) {
                latest.put(p.candidateId(), p);
            }
            predicting.put(predictingKey(p.searchId(), p.fidelity()), Boolean.TRUE);
            if (predicting.size() > MAX_CANDIDATES) {
                Iterator<String> it = predicting.keySet().iterator();
                it.next();
                it.remove();
            }
            if (latest.size() > MAX_CANDIDATES) {
                Iterator<String> it = latest.keySet().iterator();
                it.next();
                it.remove();
            }
            List<Waiter> ws = waiters.get(p.candidateId());
            if (ws != null) {
                ws.removeIf(w -> {
                    if (w.epoch() <= p.epoch()) {
                        ready.add(w.done());
                        return true;
                    }
                    return false;
                });
                if (ws.isEmpty()) {
                    waiters.remove(p.candidateId());
                }
            }
        }
        received.incrementAndGet();
        for (java.util.function.Consumer<SurrogatePrediction> l : listeners) {
            try {
                l.accept(p);
            } catch (RuntimeException e) {
                log.warn("prediction listener failed on {}: {}", p.candidateId(), e.toString());
            }
        }
        ready.forEach(f -> f.complete(null));
    }

    private void loop() {
        try {
            position();
            assigned.countDown();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    SurrogatePrediction p;
                    try {
                        p = EventSerde.SURROGATE_PREDICTION.decode(r.value());
                    } catch (RuntimeException bad) {
                        continue;
                    }
                    if (p.forCandidate()) {
                        accept(p);
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.warn("prediction feed woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("prediction feed failed: the surrogate stopping rule falls back to the median rule", e);
        } finally {
            assigned.countDown();
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void position() {
        TopicReader.assignFrom(consumer, Topics.SURROGATE_PREDICTIONS, System.currentTimeMillis() - lookback.toMillis(), () -> running);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        timer.shutdownNow();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
