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
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;

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
 * pacing per epoch) under a median rule that stops many of them. For every decision that the workflow accepted:
 * <ul>
 *   <li>{@code total} = metric published (the triggering {@code EpochMetric.timestamp}) → the training loop saw the
 *       stop ({@code TrainingObserver.cancelled}); this is the figure the goal (p50 &lt; 100 ms, p99 &lt; 300 ms at 50
 *       concurrent candidates) is about;</li>
 *   <li>{@code decide} = metric published → the stopper decided (consumer lag + rule);</li>
 *   <li>{@code deliver} = decided → the decision is on {@code nasflow.stop-decisions} and recorded by the workflow;</li>
 *   <li>{@code cancel} = decided → the training loop saw the stop (topic → the worker's listener → next step).</li>
 * </ul>
 * Decisions whose candidate finished before the stop reached its loop count as {@code rejected} (no-ops).
 * All clocks are this JVM's wall clock (every part runs in this process).
 */
public final class StopLatencyBench {
    private static final ObjectMapper JSON = TemporalClients.objectMapper();

    /**
     * @param candidates  candidates trained concurrently (one generation)
     * @param epochs      epochs per candidate (fidelity)
     * @param pacingMs    real milliseconds per epoch
     * @param gracePeriod median rule: first epoch a candidate may be stopped
     * @param minTrials   median rule: references needed
     * @param temporal    Temporal server (embedded unless it names an address)
     * @param kafka       external Kafka, or null for the embedded broker
     * @param workDir     broker data
     * @param timeout     wall-clock limit of the search
     */
    public record Config(int candidates, int epochs, int pacingMs, int gracePeriod, int minTrials,
                         TemporalSettings temporal, KafkaSettings kafka, Path workDir, Duration timeout) {
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
        }
    }

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
    public record Result(Stats total, Stats decide, Stats deliver, Stats cancel, int decisions, int rejected,
                         int stoppedEarly, int candidates, double searchSeconds, String temporal, String kafka) {
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
                .surrogate(false)
                .trainingObserver(training)
                .stopperObserver(stopper)
                .start()) {
            if (!stack.stopper().awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the early-stopping service got no Kafka partitions within 60 s");
            }
            progress.accept(String.format(java.util.Locale.ROOT, "stack ready in %.1f s (Temporal %s, Kafka %s); "
                            + "training %d candidates x %d epochs at %d ms/epoch", (System.nanoTime() - t0) / 1e9,
                    stack.temporal().address(), stack.kafkaBootstrap(), c.candidates(), c.epochs(), c.pacingMs()));
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
            return result(r, searchSeconds, stack.temporal().address(), stack.kafkaBootstrap());
        }
    }

    private Result result(SearchResult r, double searchSeconds, String temporal, String kafka) {
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
                rejected, r.status().stoppedEarly(), r.status().evaluations(), searchSeconds, temporal, kafka);
    }

    /** One generation of {@code candidates} random NB201 architectures, all concurrent, median stopping. */
    static ObjectNode spec(Config c, String queue) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", "bench-stop-latency");
        s.put("seed", 1);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "random");
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", c.candidates());
        b.put("populationSize", c.candidates());
        b.put("maxConcurrent", c.candidates());
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", c.epochs());
        ObjectNode st = s.putObject("stopping");
        st.put("rule", "median");
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
