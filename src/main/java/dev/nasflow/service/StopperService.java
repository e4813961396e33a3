package dev.nasflow.service;

import dev.nasflow.stopping.CurvePoint;
import dev.nasflow.stopping.EarlyStopper;
import dev.nasflow.stopping.NoStopping;
import dev.nasflow.stopping.Num;
import dev.nasflow.stopping.Prediction;
import dev.nasflow.stopping.PredictionSource;
import dev.nasflow.stopping.StopVerdict;
import dev.nasflow.stopping.StoppingRule;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.StoppingSpec;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.SearchRuns;
import dev.nasflow.stream.TopicReader;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.PoisonHandler;
import dev.nasflow.stream.ReplayingConsumer;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.Topics;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.model.StopRequest;
import dev.nasflow.model.StopperAttach;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The early-stopping service: reads every partition of {@code nasflow.epoch-metrics} and {@code nasflow.search-events}
 * ({@link ReplayingConsumer}, offsets committed as group {@code nasflow-stopper}), keeps per-search learning curves,
 * and applies the search's stopping rule (read once per search from the workflow's {@code status} query, when the
 * search's STARTED event or first metric arrives). It then tells the search it is watched (the {@code stopperAttached}
 * signal, again after each restart of the service), so the search can say "stopper: live".
 *
 * <p>A decision is first published to {@code nasflow.stop-decisions} (the worker training the candidate reads it there
 * and ends the candidate at its next step: the fast path), then recorded durably with the {@code recordStop} signal
 * ({@code announced=true}); a decision for a candidate that completed meanwhile is a no-op there.
 *
 * <p>The {@code surrogate} rule reads the surrogate service's candidate predictions through a {@link PredictionFeed}
 * ({@link #predictionFeed}): a metric of such a search is recorded at once and judged when the prediction made from its
 * epoch arrives, or after {@link #PREDICTION_WAIT} without one (the rule then falls back to the median rule), without
 * blocking the consumer thread; the {@link EarlyStopper} is shared under its own lock.
 *
 * <p>Offsets are committed only after every decision of a poll batch was delivered. On (re)start the service rebuilds
 * the curves of the searches that were live at the last commit by re-reading their records up to the committed offset
 * without deciding (finished searches are not re-read), then decides from the committed offset on; a decision re-sent
 * after a crash is a no-op for the workflow (finished / already stopping), so decisions stay idempotent.
 */
public final class StopperService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StopperService.class);
    public static final String GROUP_ID = "nasflow-stopper";
    /**
     * Decisions delivered at once. A delivery blocks its thread for an update round trip, which returns only when
     * the workflow task that ran the handler completes, and candidates trained in lockstep produce bursts of
     * decisions (they reach the grace epoch together): with a few threads the tail of a burst waited for the head's
     * round trips (measured: 600-800 ms queued behind 16 threads with 50 candidates; docs/BENCHMARKS.md). Idle
     * threads end after 30 s.
     */
    static final int DELIVERY_THREADS = 64;

    private final KafkaClients kafka;
    private final WorkflowClient temporal;
    private final String groupId;
    private final EarlyStopper stopper = new EarlyStopper(NoStopping.INSTANCE);
    private final Map<String, SearchInfo> searches = new ConcurrentHashMap<>();
    private final Map<String, String> archHashes = new ConcurrentHashMap<>();
    private final PredictionSource predictions;
    private PredictionFeed feed;
    /**
     * Searches re-read after a restart whose rule reads predictions, with the time of their first re-read record:
     * their earlier predictions are read back from the topic before the first live record ({@link #readBack}).
     */
    private final Map<String, Long> toReadBack = new ConcurrentHashMap<>();
    private final AtomicLong predictionsReadBack = new AtomicLong();
    private final java.util.Set<String> readBackDone = ConcurrentHashMap.newKeySet();
    /** How long reading back a search's predictions may take before the rest is left to the live feed. */
    static final java.time.Duration READ_BACK_WITHIN = java.time.Duration.ofSeconds(30);
    private java.time.Duration predictionWait = PREDICTION_WAIT;
    /**
     * How long the surrogate rule waits, after an epoch's metric, for the surrogate service's prediction made from
     * that epoch (measured p99 of metric -> prediction: docs/BENCHMARKS.md); then it falls back to the median rule.
     */
    public static final java.time.Duration PREDICTION_WAIT = java.time.Duration.ofMillis(500);
    private final ExecutorService delivery = deliveryPool();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong decisions = new AtomicLong();
    private final AtomicLong metricsSeen = new AtomicLong();
    private final AtomicLong attached = new AtomicLong();
    /** Searches started and not ended (by their events), with how many checks found them closed without a word. */
    private final Map<String, Integer> live = new ConcurrentHashMap<>();
    /**
     * Searches whose final event was seen: a later search-level STARTED of the same id is a new run of that id (a
     * workflow id may be used again once its run closed), which is watched afresh.
     */
    private final java.util.Set<String> ended = ConcurrentHashMap.newKeySet();
    private java.util.concurrent.ScheduledExecutorService watcher;
    private java.time.Duration watchEvery = WATCH_EVERY;
    /** How often the watcher checks that live searches still run (a terminated one publishes nothing itself). */
    static final java.time.Duration WATCH_EVERY = java.time.Duration.ofSeconds(5);
    private final String stopperId = "stopper-" + java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
    private final StopperObserver observer;
    private MetricsPublisher publisher;
    private PoisonHandler poison;
    private ReplayingConsumer loop;

    private record SearchInfo(String ruleName, Objective watched, boolean active, boolean readsPredictions) {
        /** The prediction is of the metric this search's rule watches. */
        boolean judges(dev.nasflow.stream.SurrogatePrediction sp) {
            return watched != null && watched.metric().equals(sp.metric());
        }
    }

    public StopperService(KafkaClients kafka, WorkflowClient temporal, PredictionSource predictions,
                          StopperObserver observer) {
        this(kafka, temporal, predictions, observer, GROUP_ID);
    }

    public StopperService(KafkaClients kafka, WorkflowClient temporal, PredictionSource predictions,
                          StopperObserver observer, String groupId) {
        this.kafka = kafka;
        this.temporal = temporal;
        this.predictions = predictions == null ? NO_FEED : predictions;
        this.observer = observer == null ? StopperObserver.NONE : observer;
        this.groupId = groupId;
    }

    private static final PredictionSource NO_FEED = new PredictionSource() {
        @Override
        public Optional<Prediction> predict(String archHash) {
            return Optional.empty();
        }

        @Override
        public String whyNone(CurvePoint p) {
            return "this stopper reads no surrogate predictions";
        }
    };

    /**
     * The surrogate rule reads the surrogate service's candidate predictions from {@code feed} (latest per candidate),
     * waiting up to {@code wait} after each metric for the prediction made from that epoch; before {@link #start}.
     */
    public StopperService predictionFeed(PredictionFeed feed, java.time.Duration wait) {
        this.feed = feed;
        this.predictionWait = wait;
        feed.onPrediction(this::recordPrediction);
        return this;
    }

    /**
     * Keeps every candidate prediction of a search whose rule reads predictions in the search's curve store, when it
     * arrives (also after the wait for it ended): finished candidates' predictions from each epoch are what the
     * {@code pareto} rule with {@code estimate: surrogate} calibrates running candidates' predictions by.
     */
    private void recordPrediction(dev.nasflow.stream.SurrogatePrediction sp) {
        SearchInfo info = searches.get(sp.searchId());
        if (info == null || !info.readsPredictions() || sp.epoch() == null || !info.judges(sp)) {
            return;
        }
        double v = info.watched().direction().oriented(sp.mean());
        synchronized (stopper) {
            stopper.store(sp.searchId()).ifPresent(s -> s.putPrediction(sp.candidateId(), sp.epoch(), v));
        }
    }

    /**
     * After a restart, before the first live record: the predictions of the re-read searches whose rule reads them,
     * read back from {@code nasflow.surrogate-predictions} from a minute before each one's first re-read record (the
     * feed starts {@link PredictionFeed#LOOKBACK} before its start, so a longer search's finished candidates would
     * otherwise lack their predictions from each epoch, and the {@code pareto} rule with {@code estimate: surrogate}
     * would judge by curve fits until enough candidates finished anew). A compacted topic keeps at least the latest
     * prediction per candidate; the earlier ones stay until the broker compacts their segment.
     */
    private void readBack() {
        for (String searchId : List.copyOf(toReadBack.keySet())) {
            Long first = toReadBack.remove(searchId);
            if (first == null || !readBackDone.add(searchId)) {
                continue;
            }
            long since = first - SearchRuns.SKEW_MS;
            long t0 = System.nanoTime();
            long[] n = new long[1];
            String prefix = searchId + "-g";
            TopicReader.Read r;
            try {
                r = TopicReader.readEvents(kafka, Topics.SURROGATE_PREDICTIONS, since, READ_BACK_WITHIN,
                        k -> k.startsWith(prefix), EventSerde.SURROGATE_PREDICTION, sp -> {
                            if (sp.forCandidate() && searchId.equals(sp.searchId())
                                    && (sp.metricTimestamp() == null || sp.metricTimestamp() >= since)) {
                                recordPrediction(sp);
                                n[0]++;
                            }
                        });
            } catch (RuntimeException e) {
                log.warn("stopper: search {}: earlier predictions not read back: {}", searchId, e.toString());
                continue;
            }
            predictionsReadBack.addAndGet(n[0]);
            log.info("stopper: search {}: {} earlier predictions read back from {} ({} records polled, {} ms{})",
                    searchId, n[0], Topics.SURROGATE_PREDICTIONS, r.records(), (System.nanoTime() - t0) / 1_000_000,
                    r.complete() ? "" : "; not to the end in time: the rest from the live feed");
        }
    }

    /** Whether the records to re-read after the start were all re-read (so what follows is live on every partition). */
    private boolean caughtUp() {
        ReplayingConsumer l = loop;
        try {
            return l != null && l.awaitCaughtUp(java.time.Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Predictions read back from the topic after a restart ({@link #readBack}). */
    public long predictionsReadBack() {
        return predictionsReadBack.get();
    }

    /** The prediction source of the surrogate rule: the feed, judged against the search's watched metric. */
    private PredictionSource source() {
        if (feed == null) {
            return predictions;
        }
        return new PredictionSource() {
            @Override
            public Optional<Prediction> predict(String archHash) {
                return Optional.empty();
            }

            @Override
            public Optional<Prediction> predict(CurvePoint p) {
                SearchInfo info = searches.get(p.searchId());
                Optional<dev.nasflow.stream.SurrogatePrediction> latest = feed.latest(p.candidateId());
                if (info == null || latest.isEmpty() || latest.get().epoch() < p.epoch() || !info.judges(latest.get())) {
                    return Optional.empty();
                }
                dev.nasflow.stream.SurrogatePrediction sp = latest.get();
                SurrogatePredictionQuality q = SurrogatePredictionQuality.of(sp);
                String src = "surrogate prediction of " + sp.candidateId() + " after epoch " + sp.epoch() + " of "
                        + sp.fidelity() + ", model v" + sp.modelVersion() + " on " + sp.trainedOn() + " finished curves"
                        + q.text();
                return Optional.of(new Prediction(info.watched().direction().oriented(sp.mean()), sp.std(), src,
                        sp.dofOrInfinite(), sp.trainedOn() == null ? -1 : sp.trainedOn()));
            }

            @Override
            public Optional<Prediction> predictFrom(CurvePoint p) {
                Optional<dev.nasflow.stream.SurrogatePrediction> latest = feed.latest(p.candidateId());
                return latest.isPresent() && latest.get().epoch() == p.epoch() ? predict(p) : Optional.empty();
            }

            @Override
            public String whyNone(CurvePoint p) {
                SearchInfo info = searches.get(p.searchId());
                Optional<dev.nasflow.stream.SurrogatePrediction> latest = feed.latest(p.candidateId());
                if (latest.isPresent() && info != null && info.watched() != null
                        && !info.watched().metric().equals(latest.get().metric())) {
                    return "the surrogate predicts " + latest.get().metric() + ", the rule watches "
                            + info.watched().metric();
                }
                if (!feed.predicts(p.searchId(), p.targetEpochs())) {
                    return "the surrogate service has predicted no candidate of this search with " + p.targetEpochs()
                            + " epochs yet: it predicts once one has finished, or from a warm start's curves, if a "
                            + "surrogate service runs";
                }
                String last = latest.map(sp -> "; latest is from epoch " + sp.epoch()).orElse("");
                return "none from epoch " + p.epoch() + " within " + predictionWait.toMillis()
                        + " ms of the metric" + last;
            }
        };
    }

    /** The quality part of a cited prediction. */
    private record SurrogatePredictionQuality(String text) {
        static SurrogatePredictionQuality of(dev.nasflow.stream.SurrogatePrediction sp) {
            if (sp.quality() == null || sp.quality().n() < 2 || !Double.isFinite(sp.quality().kendallTau())) {
                return new SurrogatePredictionQuality("");
            }
            return new SurrogatePredictionQuality(", tau " + Num.fmt(sp.quality().kendallTau()) + " on "
                    + sp.quality().n() + " held-back predictions");
        }
    }

    /** Sets how often live searches are checked (tests; default {@link #WATCH_EVERY}); before {@link #start}. */
    public StopperService watchEvery(java.time.Duration every) {
        this.watchEvery = every;
        return this;
    }

    /**
     * Lifecycle watcher: a search that was terminated or timed out runs no more code and publishes no final event,
     * and one cancelled or failed publishes its own (CANCELLED / FAILED) unless Kafka was down. Every
     * {@link #watchEvery} the live searches are described; one that is closed TERMINATED or TIMED_OUT gets its final
     * event published here, one closed otherwise without its event seen after two checks gets it too. Every consumer
     * (this stopper, the surrogate, the metrics) then drops the search.
     */
    private void watchLifecycles() {
        for (String id : List.copyOf(live.keySet())) {
            if (!running.get()) {
                return;
            }
            io.temporal.api.enums.v1.WorkflowExecutionStatus status;
            try {
                status = temporal.newUntypedWorkflowStub(id).describe().getStatus();
            } catch (WorkflowNotFoundException gone) {
                live.remove(id);
                continue;
            } catch (RuntimeException e) {
                log.debug("stopper: cannot describe search {}: {}", id, e.toString());
                continue;
            }
            SearchEventType type = switch (status) {
                case WORKFLOW_EXECUTION_STATUS_TERMINATED -> SearchEventType.TERMINATED;
                case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> SearchEventType.TIMED_OUT;
                case WORKFLOW_EXECUTION_STATUS_CANCELED -> SearchEventType.CANCELLED;
                case WORKFLOW_EXECUTION_STATUS_FAILED -> SearchEventType.FAILED;
                case WORKFLOW_EXECUTION_STATUS_COMPLETED -> SearchEventType.COMPLETED;
                default -> null;
            };
            if (type == null) {
                continue;
            }
            boolean silent = type == SearchEventType.TERMINATED || type == SearchEventType.TIMED_OUT;
            int checks = live.merge(id, 1, Integer::sum);
            if (!silent && checks < 3) {
                continue; // the workflow publishes its own final event: give it time to arrive
            }
            try {
                publisher.publish(SearchEvent.of(id, type, null, null, Map.of("phase", type.name(),
                        "reportedBy", stopperId))).get(10, TimeUnit.SECONDS);
                log.info("stopper: search {} ended {} without a final event: published it", id, type);
                live.remove(id);
            } catch (Exception ex) {
                log.warn("stopper: could not publish the final event of search {}: {}", id, ex.toString());
            }
        }
    }

    public StopperService start() {
        publisher = kafka.publisher("nasflow-stopper");
        poison = new PoisonHandler(publisher.producer());
        loop = new ReplayingConsumer("nasflow-stopper", kafka, groupId,
                List.of(Topics.EPOCH_METRICS, Topics.SEARCH_EVENTS), this::handle)
                .retention(this::needed).start();
        watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stopper-lifecycle-watcher");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, watchEvery.toMillis());
        watcher.scheduleWithFixedDelay(() -> {
            try {
                watchLifecycles();
            } catch (RuntimeException e) {
                log.warn("stopper: lifecycle check failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    public long decisions() {
        return decisions.get();
    }

    public long metricsSeen() {
        return metricsSeen.get();
    }

    /** {@code stopperAttached} signals delivered since the start. */
    public long attachments() {
        return attached.get();
    }

    /** The id this instance attaches with ({@code stopper-PID@HOST}). */
    public String stopperId() {
        return stopperId;
    }

    /**
     * Whether a restart must re-read the search's records: yes while it may still decide (its rule acts and it has
     * not finished), or while it is not yet known.
     */
    private boolean needed(String searchId) {
        SearchInfo info = searches.get(searchId);
        return info == null || info.active();
    }

    private CompletableFuture<?> handle(ConsumerRecord<byte[], byte[]> rec, boolean replay) {
        if (!replay && !toReadBack.isEmpty() && caughtUp()) {
            readBack(); // every partition re-read: every re-read candidate is in the curve store
        }
        if (Topics.SEARCH_EVENTS.equals(rec.topic())) {
            SearchEvent e = poison.decode(rec, EventSerde.SEARCH_EVENT);
            if (e != null) {
                onSearchEvent(e);
            }
            return null;
        }
        EpochMetric m = poison.decode(rec, EventSerde.EPOCH_METRIC);
        if (m == null) {
            return null;
        }
        metricsSeen.incrementAndGet();
        SearchInfo info = searchInfo(m.searchId());
        if (info == null) {
            return null;
        }
        if (replay && feed != null && info.readsPredictions() && !readBackDone.contains(m.searchId())) {
            toReadBack.merge(m.searchId(), rec.timestamp(), Math::min);
        }
        if (!replay && toReadBack.containsKey(m.searchId())) {
            // a live metric while another partition is still re-read: recorded, not judged (the candidate is judged
            // again at its next epoch, once the search's earlier predictions are read back)
            replay = true;
        }
        double raw = m.metric(info.watched().metric());
        double value = info.watched().direction().oriented(raw);
        CurvePoint p = new CurvePoint(m.searchId(), m.candidateId(), m.epoch(), m.fidelity(), value,
                archHashes.get(m.candidateId()));
        if (feed != null && !replay && info.readsPredictions() && feed.predicts(m.searchId(), m.fidelity())) {
            // the surrogate service predicts from this same metric: wait (without blocking this thread) for that
            // prediction, or the wait's end, then judge; the batch's offsets are committed once that is done. Not
            // while the service has predicted no candidate of this search with this target: it has no model for it
            // yet (no such candidate finished), so nothing is coming and the rule's fallback judges at once
            try {
                synchronized (stopper) {
                    if (!stopper.record(p)) {
                        return null;
                    }
                }
            } catch (IllegalArgumentException bad) {
                log.warn("ignoring metric {}: {}", m.candidateId(), bad.getMessage());
                return null;
            }
            return feed.await(m.candidateId(), m.epoch(), predictionWait).thenCompose(ready -> {
                Optional<StopVerdict> v;
                synchronized (stopper) {
                    v = stopper.judge(p);
                }
                CompletableFuture<?> f = act(m, v);
                return f == null ? CompletableFuture.completedFuture(null) : f;
            });
        }
        Optional<StopVerdict> verdict;
        try {
            synchronized (stopper) {
                verdict = stopper.onEpoch(p);
            }
        } catch (IllegalArgumentException bad) {
            log.warn("ignoring metric {}: {}", m.candidateId(), bad.getMessage());
            return null;
        }
        if (replay) {
            return null;
        }
        return act(m, verdict);
    }

    /** Publishes and records a verdict on a live metric (null when there is none, or too late to save anything). */
    private CompletableFuture<?> act(EpochMetric m, Optional<StopVerdict> verdict) {
        if (verdict.isEmpty()) {
            return null;
        }
        if (m.epoch() >= m.fidelity() - 1) {
            // one epoch or less to go: stopping saves little and would race the candidate's own completion
            return null;
        }
        StopVerdict v = verdict.get();
        long decidedAt = System.currentTimeMillis();
        Map<String, Double> metrics = new LinkedHashMap<>(m.metrics());
        StopRequest request = new StopRequest(v.candidateId(), v.reason(), v.rule(), v.epoch(), metrics, true);
        StopDecision d = StopDecision.of(m.searchId(), m.candidateId(), v.epoch(), v.epoch(), v.rule(), v.reason(),
                decidedAt, m.timestamp());
        // the decision goes to the topic first (the worker acts on it from there: the fast path), then to the
        // workflow as its durable record; the batch's offsets are committed once both are done
        CompletableFuture<?> published;
        try {
            published = publisher.publish(d);
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e);
        }
        return published.handle((ok, err) -> {
            if (err != null) {
                log.warn("stop decision for {} not acknowledged by Kafka (recorded in the workflow only): {}",
                        m.candidateId(), rootMessage(err));
            }
            return null;
        }).thenRunAsync(() -> deliver(request, d), delivery);
    }

    private static ExecutorService deliveryPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(DELIVERY_THREADS, DELIVERY_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "stopper-delivery");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * The durable record of a decision already on the topic: the {@code recordStop} signal (no answer is needed: a
     * decision for a finished candidate is a no-op in the workflow). Signals, not updates: the in-process test server
     * of SDK 1.38 can fail to replay a history holding updates that completed within their workflow task, which stalled
     * searches under load; signals replay on every server.
     */
    private void deliver(StopRequest request, StopDecision d) {
        String outcome = null;
        for (int attempt = 1; outcome == null; attempt++) {
            try {
                WorkflowStub stub = temporal.newUntypedWorkflowStub(d.searchId());
                stub.signal("recordStop", request);
                outcome = "recorded";
            } catch (WorkflowNotFoundException gone) {
                outcome = "not delivered: " + rootMessage(gone);
            } catch (RuntimeException e) {
                if (attempt >= 5 || !running.get()) {
                    outcome = "not delivered: " + rootMessage(e);
                    log.warn("stop of {} not recorded by its search: {}", request.candidateId(), outcome);
                } else {
                    sleep(200L * attempt);
                }
            }
        }
        decisions.incrementAndGet();
        observer.decided(d, outcome);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable t) {
        String msg = t.getMessage();
        while (t.getCause() != null) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        return msg;
    }

    private void onSearchEvent(SearchEvent e) {
        try {
            observer.searchEvent(e);
        } catch (RuntimeException ex) {
            log.warn("stopper observer failed on {} of {}: {}", e.type(), e.searchId(), ex.toString());
        }
        if (e.candidateId() != null) {
            Object hash = e.payload().get("archHash");
            if (hash instanceof String h) {
                archHashes.put(e.candidateId(), h);
            }
            // the cost model's figures of the candidate (start / resume events; a completed one's final metrics hold
            // them too): the pareto rule compares candidates on them
            Map<String, Double> statics = statics(e.payload().get(
                    e.type() == SearchEventType.CANDIDATE_FINISHED ? "metrics" : "staticMetrics"));
            if (!statics.isEmpty()) {
                synchronized (stopper) {
                    stopper.onStatics(e.searchId(), e.candidateId(), statics);
                }
            }
            // A candidate that completed its fidelity becomes a reference curve. One that ended STOPPED_EARLY does not
            // (its curve is partial), and marking it finished here would also hide, after a restart, the decision
            // that stopped it when that decision was applied but not yet published: the re-read metric must be able
            // to decide again (the workflow then answers "already finished" and the decision is published).
            if (e.type() == SearchEventType.CANDIDATE_FINISHED && !"STOPPED_EARLY".equals(e.payload().get("outcome"))) {
                synchronized (stopper) {
                    stopper.onFinished(e.searchId(), e.candidateId());
                }
            }
            // One that ended any other way than COMPLETED (stopped early, diverged, infeasible) never reaches its final
            // value: the pareto rule must no longer count on it as a running reference.
            if (e.type() == SearchEventType.CANDIDATE_FINISHED && !"COMPLETED".equals(e.payload().get("outcome"))) {
                synchronized (stopper) {
                    stopper.onEnded(e.searchId(), e.candidateId());
                }
            }
        }
        if (e.type() == SearchEventType.STARTED && e.candidateId() == null && ended.remove(e.searchId())) {
            // the id of a finished search started again: forget the old run (its rule, curves, references and
            // decisions, all keyed by the same search and candidate ids) and its predictions, then look the new run up
            searches.remove(e.searchId());
            synchronized (stopper) {
                stopper.forget(e.searchId());
            }
            if (feed != null) {
                feed.forgetSearch(e.searchId(), e.timestamp());
            }
            log.info("stopper: search {} started again (a new run of a finished search's id): watching it afresh",
                    e.searchId());
        }
        if (e.type() == SearchEventType.STARTED && e.candidateId() == null) {
            if (e.payload().containsKey("supernetEpochs")) {
                searches.putIfAbsent(e.searchId(), INACTIVE); // a one-shot supernet search: nothing to stop
            } else {
                searchInfo(e.searchId()); // configure and attach now, not at the first metric
            }
        }
        if (e.type() == SearchEventType.STARTED && e.candidateId() == null) {
            live.put(e.searchId(), 0);
        }
        if (e.type().isFinal()) {
            ended.add(e.searchId());
            synchronized (stopper) {
                stopper.forget(e.searchId());
            }
            searches.put(e.searchId(), INACTIVE); // finished: ignore late metrics
            live.remove(e.searchId());
        }
    }

    /** The metrics known before training ({@link StoppingRules#STATIC_METRICS}) found in an event's metric map. */
    private static Map<String, Double> statics(Object metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (metrics instanceof Map<?, ?> m) {
            for (String name : StoppingRules.STATIC_METRICS) {
                if (m.get(name) instanceof Number n && Double.isFinite(n.doubleValue())) {
                    out.put(name, n.doubleValue());
                }
            }
        }
        return out;
    }

    /** A search this service does not act on (finished, rule none, unknown to Temporal, not a search). */
    private static final SearchInfo INACTIVE = new SearchInfo("none", null, false, false);

    /** The search's primary objective and stopping rule, from the workflow's status query (cached). */
    private SearchInfo searchInfo(String searchId) {
        SearchInfo known = searches.get(searchId);
        if (known != null) {
            return known.active() ? known : null;
        }
        try {
            SearchStatus status = temporal.newUntypedWorkflowStub(searchId).query("status", SearchStatus.class);
            SearchSpec spec = status.spec();
            if (spec == null) {
                return null;
            }
            if (TERMINAL.contains(status.phase())) {
                searches.put(searchId, INACTIVE); // seen again while re-reading after a restart: nothing to do
                return null;
            }
            StoppingSpec s = spec.stopping();
            StoppingRule rule = StoppingRules.create(s.rule(), s.params(), source(), spec.objectives(),
                    watched(spec).metric());
            synchronized (stopper) {
                stopper.configure(searchId, rule);
            }
            SearchInfo info = new SearchInfo(s.rule(), watched(spec), !"none".equals(s.rule()),
                    rule.readsPredictions());
            searches.put(searchId, info);
            log.info("stopper: search {} uses rule {}", searchId, s.rule());
            if (info.active()) {
                attach(searchId, s.rule());
            }
            return info.active() ? info : null;
        } catch (WorkflowNotFoundException gone) {
            // no such workflow on this Temporal (deleted after retention, or another cluster's search): remember it,
            // or every replayed metric of it would cost a query
            log.info("stopper: search {} is not on this Temporal server: ignoring its metrics", searchId);
            searches.put(searchId, INACTIVE);
            return null;
        } catch (RuntimeException e) {
            log.debug("no status for search {} yet: {}", searchId, e.toString());
            return null;
        }
    }

    private static final java.util.Set<String> TERMINAL = java.util.Set.of("COMPLETED", "STOPPED", "FAILED");

    /** Tells the search that this service watches it (off the consumer thread; a closed search ignores it). */
    private void attach(String searchId, String rule) {
        CompletableFuture.runAsync(() -> {
            try {
                temporal.newUntypedWorkflowStub(searchId).signal("stopperAttached", new StopperAttach(stopperId, rule));
                attached.incrementAndGet();
            } catch (RuntimeException e) {
                log.info("stopper: could not attach to search {}: {}", searchId, rootMessage(e));
            }
        }, delivery);
    }

    /** Waits until the state of the live searches was rebuilt and new records are acted on. */
    public boolean awaitCaughtUp(java.time.Duration timeout) throws InterruptedException {
        return loop != null && loop.awaitCaughtUp(timeout);
    }

    /** The service's consumer loop (restart figures: records re-read, time to rebuild). */
    public ReplayingConsumer consumer() {
        return loop;
    }

    /** Waits until the service's consumer has its partitions (see {@link ReplayingConsumer#awaitAssignment}). */
    public boolean awaitReady(java.time.Duration timeout) throws InterruptedException {
        return loop != null && loop.awaitAssignment(timeout);
    }

    /**
     * The per-epoch metric the search's rule watches ({@code stopping.metric}, e.g. validAccuracy or validLoss) and
     * which way is better: the direction of the objective on that metric if there is one, else losses are minimised
     * and accuracies maximised. (Not simply the primary objective: that may be a cost such as params, which no epoch
     * reports.)
     */
    static Objective watched(SearchSpec spec) {
        String metric = spec.stopping().metric();
        if (metric == null) {
            return spec.objectives().get(0);
        }
        for (Objective o : spec.objectives()) {
            if (o.metric().equals(metric)) {
                return o;
            }
        }
        return new Objective(metric, metric.endsWith("Loss") ? Direction.MINIMIZE : Direction.MAXIMIZE);
    }

    @Override
    public void close() {
        running.set(false);
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (loop != null) {
            loop.close();
        }
        delivery.shutdownNow();
        if (publisher != null) {
            publisher.close();
        }
    }

    /** Records skipped as poison (garbage, wrong schema version, missing fields) and sent to dead letters. */
    public PoisonHandler poison() {
        return poison;
    }
}
