package dev.nasflow.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.metrics.NasflowMetrics;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.Topics;
import dev.nasflow.testing.Slow;
import dev.nasflow.workflow.SearchState;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way a search ends publishes a final search event, and the stopper and the metrics then drop it
 * ({@code nasflow_searches_running} back to zero): cancelled and failed searches publish their own (CANCELLED,
 * FAILED), terminated and timed-out ones run no code, so the stopper's lifecycle watcher publishes TERMINATED and
 * TIMED_OUT for them. A crafted second argument fails the workflow at once, non-retryably, naming the field.
 */
@Slow
class LifecycleEventsTest {
    static final String QUEUE = "lifecycle";
    static DevStack stack;
    static NasflowMetrics metrics;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Path.of("target", "test-work", "lifecycle-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(dir);
        metrics = NasflowMetrics.prometheus("dev");
        stack = DevStack.builder(dir).taskQueues(List.of(QUEUE)).workerSlots(8)
                .trainers(List.of(new TableCandidateTrainer())).surrogate(false).metrics(metrics)
                .stopperWatchEvery(Duration.ofMillis(500)).start();
        assertTrue(stack.stopper().awaitReady(Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static ObjectNode spec() {
        ObjectNode s = TemporalClients.objectMapper().createObjectNode();
        s.put("name", "lifecycle");
        s.put("seed", 5);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "random");
        s.putObject("budget").put("evaluations", 400).put("populationSize", 8).put("maxConcurrent", 4);
        s.putObject("fidelity").put("epochs", 12);
        s.putObject("stopping").put("rule", "median");
        s.putObject("trainer").put("type", "nb201").put("pacingMillisPerEpoch", 200);
        s.put("taskQueue", QUEUE);
        return s;
    }

    WorkflowStub startLong(String id, Duration executionTimeout) {
        WorkflowOptions.Builder o = WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE);
        if (executionTimeout != null) {
            o.setWorkflowExecutionTimeout(executionTimeout);
        }
        SearchWorkflow wf = stack.client().newWorkflowStub(SearchWorkflow.class, o.build());
        WorkflowClient.start(wf::run, spec(), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !wf.status().running().isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> running() >= 1);
        return stack.client().newUntypedWorkflowStub(id);
    }

    double running() {
        var g = metrics.prometheusRegistry().find("nasflow.searches.running").gauge();
        return g == null ? -1 : g.value();
    }

    static SearchEvent finalEvent(String id, Duration within) {
        long deadline = System.currentTimeMillis() + within.toMillis();
        try (Consumer<byte[], byte[]> c = stack.kafka().consumer(null)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.SEARCH_EVENTS).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    SearchEvent e = EventSerde.SEARCH_EVENT.decode(r.value());
                    if (e.searchId().equals(id) && e.candidateId() == null && e.type().isFinal()) {
                        return e;
                    }
                }
            }
        }
        throw new AssertionError("no final event for " + id + " within " + within);
    }

    void assertDropped(String id, SearchEventType expected, long endedAtMs) {
        SearchEvent e = finalEvent(id, Duration.ofSeconds(15));
        assertEquals(expected, e.type(), e.toString());
        assertTrue(e.timestamp() - endedAtMs < 10_000, "final event within 10 s: " + (e.timestamp() - endedAtMs));
        await().atMost(Duration.ofSeconds(10)).until(() -> running() == 0);
    }

    @Test
    void cancelledSearchPublishesCancelled() {
        WorkflowStub s = startLong("lc-cancel", null);
        long t = System.currentTimeMillis();
        s.cancel();
        assertDropped("lc-cancel", SearchEventType.CANCELLED, t);
    }

    @Test
    void terminatedSearchGetsTerminatedFromTheWatcher() {
        WorkflowStub s = startLong("lc-terminate", null);
        long t = System.currentTimeMillis();
        s.terminate("test says so");
        assertDropped("lc-terminate", SearchEventType.TERMINATED, t);
    }

    @Test
    void timedOutSearchGetsTimedOutFromTheWatcher() {
        startLong("lc-timeout", Duration.ofSeconds(4));
        long t = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                stack.client().newUntypedWorkflowStub("lc-timeout").getResult(100, TimeUnit.MILLISECONDS, Object.class);
                return true;
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                return false;
            } catch (RuntimeException ended) {
                return true;
            }
        });
        assertDropped("lc-timeout", SearchEventType.TIMED_OUT, t);
    }

    /** A crafted second argument (as through `temporal workflow start --input-file spec --input-file state`). */
    @Test
    void craftedSecondArgumentFailsAtOnceNamingTheFieldAndPublishesFailed() {
        WorkflowStub wf = stack.client().newUntypedWorkflowStub("SearchWorkflow",
                WorkflowOptions.newBuilder().setWorkflowId("lc-crafted").setTaskQueue(QUEUE).build());
        long t = System.currentTimeMillis();
        wf.start(spec(), SearchState.withLimits(-5, 0));
        WorkflowFailedException f = assertThrows(WorkflowFailedException.class,
                () -> wf.getResult(20, TimeUnit.SECONDS, Object.class));
        ApplicationFailure cause = (ApplicationFailure) f.getCause();
        assertEquals("InvalidSearchState", cause.getType());
        assertTrue(cause.getOriginalMessage().contains("historyLimit: must be >= 0"), cause.getOriginalMessage());
        assertTrue(cause.isNonRetryable());
        SearchEvent e = finalEvent("lc-crafted", Duration.ofSeconds(10));
        assertEquals(SearchEventType.FAILED, e.type());
        assertTrue(String.valueOf(e.payload().get("reason")).contains("historyLimit"), e.payload().toString());
        assertTrue(e.timestamp() - t < 10_000);
    }

    /** A crafted spec inside the second argument is validated like a first argument (paths, missing fields). */
    @Test
    void craftedCarriedSpecIsValidatedLikeAFirstArgument() throws Exception {
        ObjectNode state = TemporalClients.objectMapper().createObjectNode();
        ObjectNode spec = spec();
        ((ObjectNode) spec.get("trainer")).put("type", "djl").remove("pacingMillisPerEpoch");
        spec.putObject("data").put("format", "idx").put("path", "/etc");
        spec.putObject("fidelity").put("epochs", 2);
        ((ObjectNode) spec.get("space")).put("type", "chain");
        state.set("spec", spec);
        state.put("historyLimit", 0);
        WorkflowStub wf = stack.client().newUntypedWorkflowStub("SearchWorkflow",
                WorkflowOptions.newBuilder().setWorkflowId("lc-crafted-spec").setTaskQueue(QUEUE).build());
        wf.start(spec(), TemporalClients.objectMapper().treeToValue(state, Map.class));
        WorkflowFailedException f = assertThrows(WorkflowFailedException.class,
                () -> wf.getResult(20, TimeUnit.SECONDS, Object.class));
        ApplicationFailure cause = (ApplicationFailure) f.getCause();
        assertEquals("InvalidSearchState", cause.getType(), cause.getOriginalMessage());
        assertTrue(cause.getOriginalMessage().contains("carried spec /data/path"), cause.getOriginalMessage());
    }
}
