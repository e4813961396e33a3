package dev.nasflow.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.model.StopRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * 1,000 stop decisions raced against completions: each candidate (3 epochs of 15 ms) gets one decision at a random
 * moment between its start and well after its end, so many arrive just before, during or after the completion. The
 * search must finish (no stall: the in-process test server used to reject a cancel of a completed activity and hang
 * the search), no decision may fail, and every candidate's outcome must be recorded exactly once.
 * <ul>
 *   <li>{@code stopper} path, on the in-process server and on the dev server: what the early-stopping service does —
 *       publish the decision on {@code nasflow.stop-decisions} (the worker's listener reads it), then the
 *       {@code recordStop} signal;</li>
 *   <li>{@code update} path, on the dev server: what a person does — the {@code stopCandidate} update, answered
 *       "stopping" or "already finished", never an error.</li>
 * </ul>
 */
@Slow
class StopRaceTest {
    static final ObjectMapper JSON = TemporalClients.objectMapper();
    static final int CANDIDATES = 1000;

    @Test
    void thousandStopperDecisionsRaceCompletionsOnTheInProcessServer() throws Exception {
        race(TemporalSettings.embedded(), dir("in-process"), false);
    }

    @Test
    void thousandStopperDecisionsRaceCompletionsOnTheDevServer() throws Exception {
        Path d = dir("dev");
        try (TemporalDevServer dev = TemporalDevServer.builder().binary(devBinary()).workDir(d.resolve("temporal"))
                .start()) {
            race(dev.settings(), d, false);
        }
    }

    @Test
    void thousandStopUpdatesRaceCompletionsOnTheDevServer() throws Exception {
        Path d = dir("dev-update");
        try (TemporalDevServer dev = TemporalDevServer.builder().binary(devBinary()).workDir(d.resolve("temporal"))
                .start()) {
            race(dev.settings(), d, true);
        }
    }

    static Path devBinary() {
        Path bin = TemporalDevServer.findBinary().orElse(null);
        assumeTrue(bin != null || System.getenv("CI") != null,
                "no temporal binary: run bash ops/scripts/setup-python.sh");
        assertTrue(bin != null, "CI must have the temporal binary (ops/scripts/setup-python.sh)");
        return bin;
    }

    static Path dir(String name) throws Exception {
        Path d = Path.of("target", "test-work", "stop-race", name + "-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(d);
        return d;
    }

    private void race(TemporalSettings temporal, Path dir, boolean viaUpdate) throws Exception {
        String queue = "stop-race-" + System.nanoTime();
        String searchId = "stop-race-" + Long.toString(System.currentTimeMillis(), 36);
        ScheduledExecutorService stops = Executors.newScheduledThreadPool(16);
        Map<String, String> answers = new ConcurrentHashMap<>();
        Set<String> errors = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        Map<String, AtomicInteger> finishedTimes = new ConcurrentHashMap<>();
        WorkflowClient[] client = new WorkflowClient[1];
        MetricsPublisher[] topic = new MetricsPublisher[1];
        TrainingObserver observer = new TrainingObserver() {
            @Override
            public void started(CandidateTask task) {
                if (!answers.containsKey(task.candidateId()) && sent.get() < CANDIDATES) {
                    // candidates train 12 epochs of 60 ms and the stops spread over 0-1,500 ms, for the race to hit
                    // both sides whether a stop takes 100 ms or 600 ms to arrive: an update waits for the workflow's
                    // next task (with 4 epochs and 0-400 ms, a dev server answering in about 370 ms once had 996 of
                    // 1,000 candidates complete first), and a slower machine delays the topic's stops and the
                    // completions differently (with 3 epochs of 15 ms and 0-120 ms, 964 stopped and 36 completed
                    // first on a 2-core machine with steal time)
                    long delay = ThreadLocalRandom.current().nextLong(0, 1500);
                    stops.schedule(() -> stop(client[0], topic[0], viaUpdate, searchId, task.candidateId(), answers,
                            errors, sent), delay, TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void finished(CandidateTask task, Outcome outcome, int epochs) {
                finishedTimes.computeIfAbsent(task.candidateId(), k -> new AtomicInteger()).incrementAndGet();
            }
        };
        try (DevStack stack = DevStack.builder(dir)
                .temporal(temporal)
                .taskQueues(List.of(queue))
                .workerSlots(24)
                .trainers(List.of(new TableCandidateTrainer()))
                .stopper(false)
                .surrogate(false)
                .trainingObserver(observer)
                .start()) {
            client[0] = stack.client();
            topic[0] = stack.kafka().publisher("stop-race");
            SearchWorkflow wf = client[0].newWorkflowStub(SearchWorkflow.class,
                    WorkflowOptions.newBuilder().setWorkflowId(searchId).setTaskQueue(queue).build());
            WorkflowClient.start(wf::run, spec(queue, 12, 60), null);
            SearchResult r;
            try {
                r = client[0].newUntypedWorkflowStub(searchId).getResult(300, TimeUnit.SECONDS, SearchResult.class);
            } catch (TimeoutException e) {
                throw new AssertionError("the search stalled: not finished in 300 s (" + sent.get()
                        + " stops sent, " + answers.size() + " answered)", e);
            }
            stops.shutdown();
            assertTrue(stops.awaitTermination(60, TimeUnit.SECONDS), "stop senders did not finish");
            assertEquals(Set.of(), errors, "every decision is recorded, none is an error");
            assertEquals(CANDIDATES, sent.get(), "one decision per candidate");
            assertEquals(CANDIDATES, answers.size());
            assertEquals(CANDIDATES, r.status().evaluations());
            assertEquals(CANDIDATES, r.status().completed() + r.status().stoppedEarly(),
                    "every candidate completed or stopped: " + r.status());
            assertEquals(r.leaderboard().size(),
                    r.leaderboard().stream().map(CandidateResult::candidateId).distinct().count(),
                    "no candidate twice on the leaderboard (stops before epoch 1 have no metric and no rank)");
            assertEquals(CANDIDATES, finishedTimes.size(), "every candidate's training ended");
            assertEquals(Set.of(1), new java.util.HashSet<>(finishedTimes.values().stream().map(AtomicInteger::get)
                    .toList()), "every candidate's outcome recorded exactly once (one finished training each)");
            long stopped = r.status().stoppedEarly();
            long completed = r.status().completed();
            System.out.printf("stop race (%s) on %s: %d decisions, %d stopped early, %d completed first, answers %s%n",
                    viaUpdate ? "update" : "stopper: topic + recordStop signal", temporal.address(), answers.size(),
                    stopped, completed, new java.util.TreeMap<>(answers.values().stream().collect(
                            java.util.stream.Collectors.groupingBy(a -> a, java.util.stream.Collectors.counting()))));
            assertTrue(stopped > 50 && completed > 50, "the race hit both sides: " + stopped + " stopped, "
                    + completed + " completed first");
            if (viaUpdate) {
                Set<String> allowed = Set.of("stopping", "already finished", "already stopping", "search finished");
                for (Map.Entry<String, String> a : answers.entrySet()) {
                    assertTrue(allowed.contains(a.getValue()), a.getKey() + " answered " + a.getValue());
                }
            }
            for (CandidateResult c : r.leaderboard()) {
                if (c.outcome() == Outcome.STOPPED_EARLY) {
                    assertTrue(c.reason().contains("race"), c.candidateId() + ": " + c.reason());
                    assertTrue(c.epochsTrained() < c.epochsRequested(), c.candidateId() + " trained "
                            + c.epochsTrained());
                } else {
                    assertEquals(Outcome.COMPLETED, c.outcome(), c.candidateId());
                }
            }
        } finally {
            stops.shutdownNow();
            if (topic[0] != null) {
                topic[0].close();
            }
        }
    }

    private static void stop(WorkflowClient client, MetricsPublisher topic, boolean viaUpdate, String searchId,
                             String candidate, Map<String, String> answers, Set<String> errors, AtomicInteger sent) {
        if (answers.containsKey(candidate)) {
            return;
        }
        sent.incrementAndGet();
        try {
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, searchId);
            if (viaUpdate) {
                answers.put(candidate, wf.stopCandidate(new StopRequest(candidate, "race", "manual", 1, Map.of())));
                return;
            }
            // as the stopper: the decision on the topic first (the worker acts on it), then the durable record
            long now = System.currentTimeMillis();
            topic.publish(StopDecision.of(searchId, candidate, 1, null, "race", "race", now, now))
                    .get(10, TimeUnit.SECONDS);
            wf.recordStop(new StopRequest(candidate, "race", "race", 1, Map.of(), true));
            answers.put(candidate, "signalled");
        } catch (io.temporal.client.WorkflowNotFoundException finished) {
            // the decision came after the search itself completed (its last candidates): a no-op, as the stopper
            // counts it ("not delivered: workflow execution already completed")
            answers.put(candidate, "search finished");
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            errors.add(candidate + ": " + e.getClass().getSimpleName() + ": " + root);
            answers.put(candidate, "error");
        }
    }

    static ObjectNode spec(String queue, int epochs, int pacingMs) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", "stop-race");
        s.put("seed", 3);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "random");
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", CANDIDATES);
        b.put("populationSize", 50);
        b.put("maxConcurrent", 20);
        s.putObject("fidelity").put("epochs", epochs);
        ObjectNode t = s.putObject("trainer");
        t.put("type", "nb201");
        t.put("pacingMillisPerEpoch", pacingMs);
        s.put("taskQueue", queue);
        return s;
    }
}
