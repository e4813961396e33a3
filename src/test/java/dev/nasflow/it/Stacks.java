package dev.nasflow.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.StreamEvent;
import dev.nasflow.api.SearchResult;
import dev.nasflow.workflow.SearchState;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Helpers of the integration tests: specs, starting searches, reading whole topics. */
public final class Stacks {
    public static final ObjectMapper JSON = TemporalClients.objectMapper();

    private Stacks() {
    }

    /** A small NB201 table search on task queue {@code nasflow}, no early stopping. */
    public static ObjectNode spec(String name, String strategy, int evaluations, int population, int pacingMs) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", name);
        s.put("seed", 3);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", strategy);
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", evaluations);
        b.put("populationSize", population);
        b.put("maxConcurrent", population);
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", 12);
        ObjectNode t = s.putObject("trainer");
        t.put("type", "nb201");
        t.put("dataset", "cifar10");
        t.put("pacingMillisPerEpoch", pacingMs);
        s.put("taskQueue", "nasflow");
        return s;
    }

    /**
     * A random NB201 table search with tabulated pacing and {@code rule: surrogate} (gracePeriod 2): {@code evaluations}
     * candidates, {@code concurrent} at a time.
     */
    public static ObjectNode surrogateSpec(String name, int evaluations, int concurrent) {
        ObjectNode spec = spec(name, "random", evaluations, concurrent, 100);
        ((ObjectNode) spec.get("trainer")).put("pacing", "tabulated");
        return stopping(spec, "surrogate", "gracePeriod", 2);
    }

    /**
     * The full stack in one JVM for the surrogate loop: {@code slots} worker slots with the NB201 table trainer, the
     * surrogate refitting every 5 results; returns once the stopper and the surrogate service are ready.
     */
    public static DevStack surrogateStack(Path dir, int slots) throws InterruptedException {
        DevStack stack = DevStack.builder(dir)
                .workerSlots(slots)
                .trainers(List.of(new TableCandidateTrainer()))
                .surrogateRetrainEvery(5)
                .start();
        try {
            stack.stopper().awaitReady(Duration.ofSeconds(60));
            stack.surrogate().awaitReady(Duration.ofSeconds(60));
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** Adds a stopping rule with integer parameters, e.g. {@code stopping(s, "median", "gracePeriod", 2)}. */
    public static ObjectNode stopping(ObjectNode spec, String rule, Object... params) {
        ObjectNode st = spec.putObject("stopping");
        st.put("rule", rule);
        for (int i = 0; i < params.length; i += 2) {
            st.put((String) params[i], ((Number) params[i + 1]).intValue());
        }
        return spec;
    }

    public static SearchWorkflow start(WorkflowClient client, String id, ObjectNode spec, SearchState state) {
        SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(id).setTaskQueue("nasflow").build());
        WorkflowClient.start(wf::run, spec, SearchState.json(state));
        return wf;
    }

    public static SearchResult result(WorkflowClient client, String id, Duration timeout) {
        try {
            return client.newUntypedWorkflowStub(id).getResult(timeout.toMillis(), TimeUnit.MILLISECONDS,
                    SearchResult.class);
        } catch (TimeoutException e) {
            throw new AssertionError("search " + id + " did not finish within " + timeout, e);
        }
    }

    /** A received record: its key and decoded value. */
    public record Rec<T>(String key, T value) {
    }

    /**
     * Every record of {@code topic} (all partitions, from the beginning to the end offsets at the time of the call)
     * whose value decodes and passes {@code filter}.
     */
    public static <T extends StreamEvent> List<Rec<T>> readAll(KafkaClients kafka, String topic, EventSerde<T> serde,
                                                             Predicate<T> filter) {
        List<Rec<T>> out = new ArrayList<>();
        try (Consumer<byte[], byte[]> c = kafka.consumer(null)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(topic)) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(100))) {
                    T v = serde.decode(rec.value());
                    if (filter.test(v)) {
                        out.add(new Rec<>(rec.key() == null ? null
                                : new String(rec.key(), StandardCharsets.UTF_8), v));
                    }
                }
            }
        }
        return out;
    }

    public static Path tempDir(String prefix) {
        try {
            Path d = Path.of("target", "test-work", prefix + "-" + System.nanoTime()).toAbsolutePath();
            Files.createDirectories(d);
            return d;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
