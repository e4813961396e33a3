package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.train.TableCandidateTrainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.service.StopperObserver;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Stop latency of the streaming early-stopping path, end to end: a real Kafka broker (embedded, or external), a real
 * Temporal server (the in-process one, or external), an in-process worker and the early-stopping service. One search
 * trains {@code candidates} NB201 table candidates at once (one generation, every candidate concurrently, real-time
 * pacing per epoch) under a median rule that stops many of them; or, with rule {@code surrogate}, {@code evaluations}
 * candidates, {@code candidates} at a time, with the surrogate service in the stack and the stopper judging by its
 * predictions. For every decision that the workflow accepted:
 * <ul>
 *   <li>{@code total} = metric published (the triggering {@code EpochMetric.timestamp}) → the training loop saw the
 *       stop ({@code TrainingObserver.cancelled}); this is the figure the goal (p50 &lt; 100 ms, p99 &lt; 300 ms at 50
 *       concurrent candidates) is about;</li>
 *   <li>{@code decide} = metric published → the stopper decided (consumer lag + rule);</li>
 *   <li>{@code deliver} = decided → the decision is on {@code nasflow.stop-decisions} and recorded by the workflow;</li>
 *   <li>{@code cancel} = decided → the training loop saw the stop (topic → the worker's listener → next step).</li>
 * </ul>
 * Decisions whose candidate finished before the stop reached its loop count as {@code rejected} (no-ops). With the
 * surrogate rule also, per candidate prediction on {@code nasflow.surrogate-predictions}: its metric published → the
 * prediction published (its record's timestamp), the "metric → prediction" latency.
 * All clocks are this JVM's wall clock (every part runs in this process).
 */
public final class StopLatencyBench {
    private static final ObjectMapper JSON = TemporalClients.objectMapper();

    /**
     * @param candidates  candidates trained concurrently (one generation)
     * @param epochs      epochs per candidate (fidelity)
     * @param pacingMs    real milliseconds per epoch
     * @param gracePeriod the rule's first epoch at which a candidate may be stopped
     * @param minTrials   the rule's references needed
     * @param temporal    Temporal server (embedded unless it names an address)
     * @param kafka       external Kafka, or null for the embedded broker
     * @param workDir     broker data
     * @param timeout     wall-clock limit of the search
     * @param rule        {@code median} or {@code surrogate} (the surrogate service runs in the stack)
     * @param evaluations candidates trained in all, {@code candidates} at a time (at least {@code candidates})
     */
    public record Config(int candidates, int epochs, int pacingMs, int gracePeriod, int minTrials,
                         TemporalSettings temporal, KafkaSettings kafka, Path workDir, Duration timeout, String rule,
                         int evaluations) {
        /** The median rule, one generation of {@code candidates}. */
        public Config(int candidates, int epochs, int pacingMs, int gracePeriod, int minTrials,
                      TemporalSettings temporal, KafkaSettings kafka, Path workDir, Duration timeout) {
            this(candidates, epochs, pacingMs, gracePeriod, minTrials, temporal, kafka, workDir, timeout, MEDIAN,
                    candidates);
        }

        public Config {
            if (candidates < 2) {
                throw new IllegalArgumentException("--candidates must be at least 2, got " + candidates);
            }
            if (epochs < 2 || epochs > Nb201Table.FULL_EPOCHS) {
                throw new IllegalArgumentException("--epochs must be in 2.." + Nb201Table.FULL_EPOCHS + ", got " + epochs);
            }
            if (pacingMs < 10) {
                throw new IllegalArgumentException("--pacing-ms must be at least 10 (real-time epochs), got " + pacingMs);
            }
            if (gracePeriod < 1 || gracePeriod >= epochs) {
                throw new IllegalArgumentException("--grace-period must be in 1.." + (epochs - 1) + ", got "
                        + gracePeriod);
            }
            if (minTrials < 1 || minTrials >= candidates) {
                throw new IllegalArgumentException("--min-trials must be in 1.." + (candidates - 1) + ", got "
                        + minTrials);
            }
            if (!MEDIAN.equals(rule) && !SURROGATE.equals(rule)) {
                throw new IllegalArgumentException("--rule must be median or surrogate, got '" + rule + "'");
            }
            if (evaluations < candidates) {
                throw new IllegalArgumentException("--evaluations must be at least --candidates (" + candidates
                        + "), got " + evaluations);
            }
        }

        boolean surrogate() {
            return SURROGATE.equals(rule);
        }
    }

    public static final String MEDIAN = "median";
    public static final String SURROGATE = "surrogate";

    /** Percentiles (nearest rank) of one latency, in milliseconds. */
    public record Stats(int n, long p50, long p90, long p99, long max) {
        static Stats of(List<Long> values) {
            long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Stats(v.length, pct(v, 0.50), pct(v, 0.90), pct(v, 0.99), v.length == 0 ? 0 : v[v.length - 1]);
        }

        static long pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /**
     * @param decisions     decisions the workflow accepted and whose activity saw the cancellation (measured)
     * @param rejected      decisions the workflow rejected (the candidate had finished meanwhile)
     * @param stoppedEarly  candidates the search reports as stopped early
     */
    /**
     * @param predictions metric published → prediction published, per candidate prediction (null: rule median)
     */
    public record Result(Stats total, Stats decide, Stats deliver, Stats cancel, int decisions, int rejected,
                         int stoppedEarly, int candidates, double searchSeconds, String temporal, String kafka,
                         String rule, Stats predictions) {
        /** The one JSON object {@code nasflow bench stop-latency --json} prints. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("p50Ms", total.p50());
            m.put("p99Ms", total.p99());
            m.put("decisions", decisions);
            m.put("p90Ms", total.p90());
            m.put("maxMs", total.max());
            m.put("decideP50Ms", decide.p50());
            m.put("decideP99Ms", decide.p99());
            m.put("deliverP50Ms", deliver.p50());
            m.put("deliverP99Ms", deliver.p99());
            m.put("cancelP50Ms", cancel.p50());
            m.put("cancelP99Ms", cancel.p99());
            m.put("rejected", rejected);
            m.put("stoppedEarly", stoppedEarly);
            m.put("candidates", candidates);
            m.put("searchSeconds", Math.round(searchSeconds * 10) / 10.0);
            m.put("temporal", temporal);
            m.put("kafka", kafka);
            m.put("rule", rule);
            if (predictions != null) {
                m.put("predictions", predictions.n());
                m.put("predictionP50Ms", predictions.p50());
                m.put("predictionP90Ms", predictions.p90());
                m.put("predictionP99Ms", predictions.p99());
                m.put("predictionMaxMs", predictions.max());
            }
            return m;
        }
    }

    private record Decided(StopDecision decision, String outcome, long deliveredAtMs) {
    }

    private final Map<String, Long> cancelSeenAt = new ConcurrentHashMap<>();
    private final Map<String, Decided> decided = new ConcurrentHashMap<>();

    /** Runs the benchmark; {@code progress} gets human-readable lines (for stderr). */
    public Result run(Config c, Consumer<String> progress) throws Exception {
        String queue = "nasflow-bench-" + Long.toString(System.nanoTime(), 36);
        TrainingObserver training = new TrainingObserver() {
            @Override
            public void cancelled(CandidateTask task, int epoch) {
                cancelSeenAt.putIfAbsent(task.candidateId(), System.currentTimeMillis());
            }
        };
        StopperObserver stopper = (d, outcome) ->
                decided.putIfAbsent(d.candidateId(), new Decided(d, outcome, System.currentTimeMillis()));
        long t0 = System.nanoTime();
        try (DevStack stack = DevStack.builder(c.workDir())
                .kafka(c.kafka())
                .temporal(c.temporal())
                .taskQueues(List.of(queue))
                .workerSlots(c.candidates() + 4)
                .trainers(List.of(new TableCandidateTrainer()))
                .surrogate(c.surrogate())
                .surrogateRetrainEvery(5)
                .trainingObserver(training)
                .stopperObserver(stopper)
                .start()) {
            if (!stack.stopper().awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the early-stopping service got no Kafka partitions within 60 s");
            }
            if (c.surrogate() && !stack.surrogate().awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the surrogate service got no Kafka partitions within 60 s");
            }
            progress.accept(String.format(java.util.Locale.ROOT, "stack ready in %.1f s (Temporal %s, Kafka %s); "
                            + "training %d candidates (%d at a time) x %d epochs at %d ms/epoch, rule %s",
                    (System.nanoTime() - t0) / 1e9, stack.temporal().address(), stack.kafkaBootstrap(),
                    c.evaluations(), c.candidates(), c.epochs(), c.pacingMs(), c.rule()));
            String searchId = "bench-stop-latency-" + Long.toString(System.currentTimeMillis(), 36);
            WorkflowClient client = stack.client();
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                    .setWorkflowId(searchId).setTaskQueue(queue).build());
            long s0 = System.nanoTime();
            WorkflowClient.start(wf::run, spec(c, queue), null);
            SearchResult r;
            try {
                r = client.newUntypedWorkflowStub(searchId).getResult(c.timeout().toMillis(), TimeUnit.MILLISECONDS,
                        SearchResult.class);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the search did not finish within " + c.timeout(), e);
            }
            double searchSeconds = (System.nanoTime() - s0) / 1e9;
            // decisions are recorded after their publication; the last ones may trail the workflow's completion
            long deadline = System.currentTimeMillis() + 5_000;
            while (decided.size() < r.status().stoppedEarly() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Stats predictions = c.surrogate() ? Stats.of(predictionLatencies(stack.kafka(), searchId)) : null;
            return result(r, searchSeconds, stack.temporal().address(), stack.kafkaBootstrap(), c.rule(),
                    predictions);
        }
    }

    /** When a candidate prediction was published (its record's timestamp) and when the metric it answers was. */
    public record PredictionTime(long publishedMs, long metricMs) {
        public long latencyMs() {
            return publishedMs - metricMs;
        }
    }

    /** Metric published → prediction published (ms) of every candidate prediction of {@code searchId}. */
    public static List<Long> predictionLatencies(KafkaClients kafka, String searchId) {
        return predictionTimes(kafka, searchId).stream().map(PredictionTime::latencyMs).toList();
    }

    /**
     * Every candidate prediction of {@code searchId} on {@code nasflow.surrogate-predictions} with the publication
     * time of its metric ({@code metricTimestamp}), read from the beginning of the topic up to its end now (at most
     * 30 s).
     */
    public static List<PredictionTime> predictionTimes(KafkaClients kafka, String searchId) {
        List<PredictionTime> out = new ArrayList<>();
        try (org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c = kafka.consumer(null)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(Topics.SURROGATE_PREDICTIONS)) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(100))) {
                    SurrogatePrediction p;
                    try {
                        p = EventSerde.SURROGATE_PREDICTION.decode(rec.value());
                    } catch (RuntimeException undecodable) {
                        continue; // not ours to judge: the services send such records to the dead letters
                    }
                    if (p.forCandidate() && searchId.equals(p.searchId()) && p.metricTimestamp() != null
                            && p.metricTimestamp() > 0) {
                        out.add(new PredictionTime(rec.timestamp(), p.metricTimestamp()));
                    }
                }
            }
        }
        return out;
    }

    private Result result(SearchResult r, double searchSeconds, String temporal, String kafka, String rule,
                          Stats predictions) {
        List<Long> total = new ArrayList<>();
        List<Long> decide = new ArrayList<>();
        List<Long> deliver = new ArrayList<>();
        List<Long> cancel = new ArrayList<>();
        int rejected = 0;
        for (Map.Entry<String, Decided> e : decided.entrySet()) {
            Decided d = e.getValue();
            Long seen = cancelSeenAt.get(e.getKey());
            if (seen == null) {
                // the candidate finished before the decision reached its training loop (a no-op decision)
                rejected++;
                continue;
            }
            StopDecision s = d.decision();
            total.add(seen - s.metricPublishedAtMs());
            decide.add(s.decidedAtMs() - s.metricPublishedAtMs());
            deliver.add(d.deliveredAtMs() - s.decidedAtMs());
            cancel.add(seen - s.decidedAtMs());
        }
        return new Result(Stats.of(total), Stats.of(decide), Stats.of(deliver), Stats.of(cancel), total.size(),
                rejected, r.status().stoppedEarly(), r.status().evaluations(), searchSeconds, temporal, kafka, rule,
                predictions);
    }

    /**
     * {@code evaluations} random NB201 architectures, {@code candidates} at a time (median: one generation, all
     * concurrent), stopped by the rule.
     */
    static ObjectNode spec(Config c, String queue) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", "bench-stop-latency");
        s.put("seed", 1);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "random");
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", c.evaluations());
        b.put("populationSize", c.candidates());
        b.put("maxConcurrent", c.candidates());
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", c.epochs());
        ObjectNode st = s.putObject("stopping");
        st.put("rule", c.rule());
        st.put("gracePeriod", c.gracePeriod());
        st.put("minTrials", c.minTrials());
        ObjectNode t = s.putObject("trainer");
        t.put("type", "nb201");
        t.put("dataset", "cifar10");
        t.put("pacingMillisPerEpoch", c.pacingMs());
        s.put("taskQueue", queue);
        return s;
    }
}
