package dev.nasflow.it.fault;

import dev.nasflow.activity.CandidateTrainer;
import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.PoisonHandler;
import dev.nasflow.stream.PoisonReason;
import dev.nasflow.stream.Topics;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.history.v1.HistoryEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 5, bad input at run time: a training backend whose loss turns NaN or infinite (candidates end DIVERGED),
 * whose data is missing or corrupt (non-retryable failure, candidate FAILED with the reason after one attempt), and
 * poison records injected into {@code nasflow.epoch-metrics} and {@code nasflow.search-events} mid-search (garbage
 * bytes, schemaVersion 99, missing fields): skipped, counted by the stopper and the surrogate, copied to
 * {@code nasflow.dead-letters}. The search goes on and completes its budget.
 */
@Slow
class BadRuntimeInputTest {
    static final String QUEUE = "fault-runtime";
    // no early stopping, so that every faulty candidate reaches its fault; the stopper still reads every record

    /** Wraps the table trainer; candidate index 1..4 of generation 0 misbehave. */
    static final class FaultyTrainer implements CandidateTrainer {
        final TableCandidateTrainer table = new TableCandidateTrainer();
        final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();

        @Override
        public String type() {
            return table.type();
        }

        @Override
        public TrainingSession open(CandidateTask task, ResumePoint resume) {
            opens.computeIfAbsent(task.candidateId(), k -> new AtomicInteger()).incrementAndGet();
            int fault = task.generation() == 0 ? task.index() : 0;
            if (fault == 3) {
                throw new NonRetryableTrainingException("training data /data/cifar10/batch_3.bin is missing "
                        + "(fix: restore the dataset under the data root)");
            }
            TrainingSession inner = table.open(task, resume);
            return new TrainingSession() {
                @Override
                public int epochsDone() {
                    return inner.epochsDone();
                }

                @Override
                public EpochReport trainEpoch(StepListener steps) throws Exception {
                    EpochReport r = inner.trainEpoch(steps);
                    Map<String, Double> m = new LinkedHashMap<>(r.metrics());
                    if (fault == 1 && r.epoch() == 3) {
                        m.put("trainLoss", Double.NaN);
                    } else if (fault == 2 && r.epoch() == 5) {
                        m.put("validLoss", Double.POSITIVE_INFINITY);
                    } else if (fault == 4 && r.epoch() == 4) {
                        throw new NonRetryableTrainingException("corrupt record 1712 in training batch 2 (CRC "
                                + "mismatch); fix: re-download the dataset");
                    }
                    return new EpochReport(r.epoch(), m, r.simSeconds(), r.wallMillis());
                }

                @Override
                public String checkpoint() throws Exception {
                    return inner.checkpoint();
                }

                @Override
                public Map<String, Double> staticMetrics() {
                    return inner.staticMetrics();
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }

    @Test
    void nanLossDivergesBadDataFailsOncePoisonIsSkippedAndTheSearchGoesOn(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        FaultyTrainer trainer = new FaultyTrainer();
        try (DevStack stack = DevStack.builder(dir).taskQueues(List.of(QUEUE)).workerSlots(6)
                .trainers(List.of(trainer)).surrogateRetrainEvery(3).start()) {
            String id = "runtime-" + Long.toHexString(System.nanoTime());
            SearchWorkflow search = Fault.start(stack.client(), QUEUE, id,
                    Fault.spec("bad-runtime", "rea", 24, 6, 6, 60, "none", QUEUE));
            await().atMost(Duration.ofSeconds(60)).until(() -> search.status().evaluations() >= 3);
            int injected = injectPoison(stack.kafka(), id);
            SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(3));
            SearchStatus st = r.status();

            List<String> failedActivities = new ArrayList<>();
            int retriedFailures = 0;
            for (HistoryEvent e : stack.client().fetchHistory(id).getHistory().getEventsList()) {
                if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) {
                    var a = e.getActivityTaskFailedEventAttributes();
                    var cause = a.getFailure();
                    failedActivities.add(cause.getApplicationFailureInfo().getType() + ": " + cause.getMessage()
                            + " [" + a.getRetryState() + "]");
                    if (a.getRetryState() != RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE) {
                        retriedFailures++;
                    }
                }
            }
            int opensOfFailed = trainer.opens.getOrDefault(id + "-g0-c3", new AtomicInteger()).get()
                    + trainer.opens.getOrDefault(id + "-g0-c4", new AtomicInteger()).get();
            // the services may still be working through the last records
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.stopper().poison().total() >= injected
                    && stack.surrogate().poison().total() >= injected / 2);
            stack.stopper().poison().flush();
            stack.surrogate().poison().flush();
            List<ConsumerRecord<byte[], byte[]>> dead = Fault.readAll(stack.kafka(), Topics.DEAD_LETTERS);
            long deadFromMetrics = dead.stream().filter(d -> Topics.EPOCH_METRICS.equals(header(d,
                    PoisonHandler.HEADER_TOPIC))).count();
            long deadFromEvents = dead.stream().filter(d -> Topics.SEARCH_EVENTS.equals(header(d,
                    PoisonHandler.HEADER_TOPIC))).count();
            Map<PoisonReason, Long> stopperCounts = stack.stopper().poison().counts();

            Fault.figures("bad-runtime-input", Fault.map(
                    "test", "BadRuntimeInputTest.nanLossDivergesBadDataFailsOncePoisonIsSkippedAndTheSearchGoesOn",
                    "injected", "NaN trainLoss (1 candidate), +Inf validLoss (1), missing data file (1), corrupt "
                            + "batch mid-training (1); " + injected + " poison records (garbage bytes, "
                            + "schemaVersion 99, missing fields) on epoch-metrics and search-events",
                    "loaded", st.evaluations(),
                    "lost", 0,
                    "duplicated", 0,
                    "diverged", st.diverged(),
                    "failed", st.failed(),
                    "completedOrStopped", st.completed() + st.stoppedEarly(),
                    "failedAttempts", opensOfFailed,
                    "poisonSkippedByStopper", stack.stopper().poison().total(),
                    "poisonSkippedBySurrogate", stack.surrogate().poison().total(),
                    "deadLetters", dead.size(),
                    "searchSeconds", Fault.round1((System.nanoTime() - t0) / 1e9)));

            assertEquals("COMPLETED", st.phase());
            assertEquals(24, st.evaluations(), "the search went on to its budget: " + st);
            assertEquals(2, st.diverged(), st.toString());
            assertEquals(2, st.failed(), st.toString());
            assertEquals(20, st.completed() + st.stoppedEarly());
            assertEquals(2, failedActivities.size(), failedActivities.toString());
            assertEquals(0, retriedFailures, "data errors are not retried: " + failedActivities);
            assertTrue(failedActivities.stream().anyMatch(f -> f.startsWith("InvalidData: training data")
                    && f.contains("is missing")), failedActivities.toString());
            assertTrue(failedActivities.stream().anyMatch(f -> f.startsWith("InvalidData: corrupt record")),
                    failedActivities.toString());
            assertEquals(2, opensOfFailed, "one attempt each");
            assertEquals(Map.of(PoisonReason.NOT_JSON, 2L, PoisonReason.WRONG_SCHEMA_VERSION, 2L,
                    PoisonReason.MISSING_FIELD, 2L, PoisonReason.INVALID_FIELD, 0L), stopperCounts,
                    "stopper: one of each kind on each topic");
            assertEquals(injected, stack.surrogate().poison().total(),
                    "surrogate: both topics (it learns from epoch metrics too)");
            assertEquals(injected, deadFromMetrics, "epoch-metrics poison dead-lettered by both services");
            assertEquals(injected, deadFromEvents, "search-events poison dead-lettered by both services");
        }
    }

    /** Garbage bytes, a future schema version and a record missing fields, on each of the two topics. */
    static int injectPoison(KafkaClients kafka, String searchId) throws Exception {
        String wrongVersion = "{\"schemaVersion\":99,\"searchId\":\"" + searchId + "\",\"candidateId\":\"x\"}";
        String missing = "{\"schemaVersion\":1,\"searchId\":\"" + searchId + "\"}";
        byte[][] values = {{(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x00, 0x7f},
                wrongVersion.getBytes(StandardCharsets.UTF_8), missing.getBytes(StandardCharsets.UTF_8)};
        int n = 0;
        try (Producer<byte[], byte[]> p = kafka.producer("fault-poison")) {
            for (String topic : List.of(Topics.EPOCH_METRICS, Topics.SEARCH_EVENTS)) {
                for (byte[] v : values) {
                    p.send(new ProducerRecord<>(topic, ("poison-" + n).getBytes(StandardCharsets.UTF_8), v))
                            .get(30, TimeUnit.SECONDS);
                    n++;
                }
            }
        }
        return n;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
