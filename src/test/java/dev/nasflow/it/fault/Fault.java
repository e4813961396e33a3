package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.PoisonRecordException;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.StreamEvent;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.workflow.SearchState;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the fault-injection tests share: search specs, reading a whole topic back, counting what reached Kafka, and
 * writing each scenario's figures to {@code target/reliability/<scenario>.json} (collected into docs/RELIABILITY.md by
 * {@code ops/scripts/reliability.sh}).
 */
final class Fault {
    static final ObjectMapper JSON = TemporalClients.objectMapper();
    static final Path FIGURES = Path.of("target", "reliability");

    private Fault() {
    }

    /**
     * Starts a one-slot workflow worker on {@code queue} in this JVM for the stack's Temporal: the workflow type and
     * the search activities (publishing to {@code events}, may be null). The stack closes it.
     */
    static void startWorkflowWorker(dev.nasflow.wiring.DevStack stack, String queue, Class<?> workflowImpl,
                                    dev.nasflow.stream.MetricsPublisher events) {
        io.temporal.worker.WorkerFactory factory = stack.temporal().newWorkerFactory();
        io.temporal.worker.Worker wf = factory.newWorker(queue, TemporalClients.workerOptions(1));
        wf.registerWorkflowImplementationTypes(workflowImpl);
        wf.registerActivitiesImplementations(new dev.nasflow.activity.SearchActivitiesImpl(
                new dev.nasflow.spec.SpecValidator(), events, null));
        factory.start();
    }

    /**
     * Each call starts one more {@code nasflow worker} process for the stack on {@code taskQueue}, named
     * {@code prefix-N}, with metrics on a free port, work dir {@code dir/wN} and the given further options.
     */
    static java.util.function.Supplier<NasflowProcess> workerProcesses(String prefix, Path logs,
                                                                       dev.nasflow.wiring.DevStack stack, Path dir,
                                                                       String taskQueue, String... options) {
        int[] serial = {0};
        return () -> {
            int n = ++serial[0];
            List<String> args = new ArrayList<>(List.of("worker", "--temporal", stack.temporal().address(),
                    "--kafka", stack.kafkaBootstrap(), "--task-queue", taskQueue, "--metrics-port", "0",
                    "--work-dir", dir.resolve("w" + n).toString()));
            args.addAll(List.of(options));
            return NasflowProcess.start(prefix + "-" + n, logs, args);
        };
    }

    /** A table-trainer search spec (NAS-Bench-201, 12 epochs) with the given budget, pacing and stopping rule. */
    static ObjectNode spec(String name, String strategy, int evaluations, int population, int maxConcurrent,
                           int pacingMs, String stoppingRule, String taskQueue) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", name);
        s.put("seed", 11);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", strategy);
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", evaluations);
        b.put("populationSize", population);
        b.put("maxConcurrent", maxConcurrent);
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", 12);
        ObjectNode stop = s.putObject("stopping").put("rule", stoppingRule);
        if (!"none".equals(stoppingRule)) {
            stop.put("gracePeriod", 2);
            stop.put("minTrials", 3);
        }
        ObjectNode t = s.putObject("trainer");
        t.put("type", "nb201");
        t.put("dataset", "cifar10");
        t.put("pacingMillisPerEpoch", pacingMs);
        s.put("taskQueue", taskQueue);
        return s;
    }

    static SearchWorkflow start(WorkflowClient client, String workflowQueue, String id, JsonNode spec) {
        SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(workflowQueue).build());
        WorkflowClient.start(wf::run, spec, (com.fasterxml.jackson.databind.JsonNode) null);
        return wf;
    }

    static SearchResult result(WorkflowClient client, String id, Duration timeout) {
        try {
            return client.newUntypedWorkflowStub(id).getResult(timeout.toMillis(), TimeUnit.MILLISECONDS,
                    SearchResult.class);
        } catch (TimeoutException e) {
            throw new AssertionError("search " + id + " did not finish within " + timeout, e);
        }
    }

    /** Every record of {@code topic} from the beginning up to its current end (group-less consumer). */
    static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaClients kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (Consumer<byte[], byte[]> c = kafka.consumer(null)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end in 60 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The records of {@code topic} that decode as {@code serde}'s type and belong to {@code searchId}. */
    static <T extends StreamEvent> List<T> events(KafkaClients kafka, EventSerde<T> serde, String searchId,
                                                  Function<T, String> searchOf) {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, serde.topic())) {
            try {
                T e = serde.decode(r.value());
                if (searchId.equals(searchOf.apply(e))) {
                    out.add(e);
                }
            } catch (PoisonRecordException poison) {
                // injected garbage: counted by the services under test, not here
            }
        }
        return out;
    }

    static List<EpochMetric> epochMetrics(KafkaClients kafka, String searchId) {
        return events(kafka, EventSerde.EPOCH_METRIC, searchId, EpochMetric::searchId);
    }

    static List<SearchEvent> searchEvents(KafkaClients kafka, String searchId) {
        return events(kafka, EventSerde.SEARCH_EVENT, searchId, SearchEvent::searchId);
    }

    static List<StopDecision> stopDecisions(KafkaClients kafka, String searchId) {
        return events(kafka, EventSerde.STOP_DECISION, searchId, StopDecision::searchId);
    }

    /** Epoch-metric records per candidate per epoch. */
    static Map<String, Map<Integer, Integer>> epochCounts(List<EpochMetric> metrics) {
        Map<String, Map<Integer, Integer>> out = new TreeMap<>();
        for (EpochMetric m : metrics) {
            out.computeIfAbsent(m.candidateId(), k -> new TreeMap<>()).merge(m.epoch(), 1, Integer::sum);
        }
        return out;
    }

    /** Records beyond the first per (candidate, epoch), per candidate. */
    static Map<String, Integer> duplicatesByCandidate(List<EpochMetric> metrics) {
        Map<String, Integer> out = new TreeMap<>();
        epochCounts(metrics).forEach((c, byEpoch) ->
                out.put(c, byEpoch.values().stream().mapToInt(n -> n - 1).sum()));
        return out;
    }

    /**
     * Problems with "every epoch metric seen exactly once per (candidate, epoch) after de-duplication": for each
     * result the distinct epochs on the topic must be exactly 1..epochsTrained, and no candidate on the topic may be
     * missing from the results.
     */
    static List<String> epochCoverageProblems(List<CandidateResult> results, List<EpochMetric> metrics) {
        Map<String, Map<Integer, Integer>> seen = epochCounts(metrics);
        List<String> problems = new ArrayList<>();
        Map<String, CandidateResult> byId = results.stream()
                .collect(Collectors.toMap(CandidateResult::candidateId, r -> r));
        for (CandidateResult r : results) {
            Map<Integer, Integer> epochs = seen.getOrDefault(r.candidateId(), Map.of());
            List<Integer> expected = new ArrayList<>();
            for (int e = 1; e <= r.epochsTrained(); e++) {
                expected.add(e);
            }
            List<Integer> got = new ArrayList<>(epochs.keySet());
            if (r.outcome().hasMetrics() && !got.equals(expected)) {
                problems.add(r.candidateId() + " (" + r.outcome() + ", " + r.epochsTrained() + " epochs): distinct "
                        + "epochs on the topic " + got);
            }
        }
        for (String c : seen.keySet()) {
            if (!byId.containsKey(c)) {
                problems.add(c + " has epoch metrics but no result");
            }
        }
        return problems;
    }

    /** Results per candidate id (a count above 1 would be a duplicate result record). */
    static Map<String, Long> resultsPerCandidate(List<CandidateResult> results) {
        return results.stream().collect(Collectors.groupingBy(CandidateResult::candidateId, TreeMap::new,
                Collectors.counting()));
    }

    /** Candidate ids announced on the search-events topic (started or resumed: every candidate that was trained). */
    static List<String> candidatesSeen(List<SearchEvent> events) {
        return events.stream().filter(e -> e.candidateId() != null).map(SearchEvent::candidateId).distinct()
                .sorted().toList();
    }

    /** Writes one scenario's figures (JSON object) for the reliability report and prints them. */
    static void figures(String scenario, Map<String, Object> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.putAll(values);
        try {
            Files.createDirectories(FIGURES);
            String json = JSON.writeValueAsString(m);
            Files.writeString(FIGURES.resolve(scenario + ".json"), json + "\n");
            System.out.println("RELIABILITY " + json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static long secondsSince(long t0Nanos) {
        return Math.round((System.nanoTime() - t0Nanos) / 1e9);
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static Map<String, Integer> outcomes(List<CandidateResult> results) {
        Map<String, Integer> m = new TreeMap<>();
        for (CandidateResult r : results) {
            m.merge(r.outcome().name(), 1, Integer::sum);
        }
        return m;
    }

    static List<String> archOrder(SearchResult r) {
        return r.leaderboard().stream().map(CandidateResult::arch).toList();
    }

    static Map<String, CandidateResult> byId(List<CandidateResult> results) {
        Map<String, CandidateResult> m = new HashMap<>();
        results.forEach(r -> m.put(r.candidateId(), r));
        return m;
    }

    static Comparator<CandidateResult> byCandidate() {
        return Comparator.comparing(CandidateResult::generation).thenComparing(CandidateResult::index);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Candidate ids the workflow launched, from its GENERATION_STARTED events (id = search-gG-cI). */
    static java.util.Set<String> proposedIds(String searchId, List<SearchEvent> events) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (SearchEvent e : events) {
            if (e.type() == dev.nasflow.model.SearchEventType.GENERATION_STARTED) {
                int g = ((Number) e.payload().get("generation")).intValue();
                int n = ((Number) e.payload().get("candidates")).intValue();
                for (int i = 0; i < n; i++) {
                    ids.add(searchId + "-g" + g + "-c" + i);
                }
            }
        }
        return new java.util.TreeSet<>(ids);
    }

    /**
     * The real Temporal dev server when its binary is installed (started under {@code dir}), else null: the caller
     * then uses the in-process test server. Scenarios with early stopping prefer the real server: on the test server
     * a stop decision racing its candidate's completion can wedge the workflow (see docs/RELIABILITY.md).
     */
    static dev.nasflow.embedded.TemporalDevServer devServerIfInstalled(Path dir) {
        Path bin = dev.nasflow.embedded.TemporalDevServer.findBinary().orElse(null);
        if (bin == null) {
            System.err.println("!!! no `temporal` binary (bash ops/scripts/setup-python.sh): using the in-process "
                    + "Temporal test server");
            return null;
        }
        return dev.nasflow.embedded.TemporalDevServer.builder().binary(bin).workDir(dir).start();
    }

    static dev.nasflow.embedded.TemporalSettings settingsOf(dev.nasflow.embedded.TemporalDevServer server) {
        return server == null ? dev.nasflow.embedded.TemporalSettings.embedded() : server.settings();
    }
}
