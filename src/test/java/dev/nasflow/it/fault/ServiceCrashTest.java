package dev.nasflow.it.fault;

import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.model.Outcome;
import dev.nasflow.service.StopperService;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import dev.nasflow.service.SurrogateObserver;
import dev.nasflow.service.SurrogateService;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Scenario 4, service crashes: the early-stopping service and the surrogate service run as their own processes
 * ({@code nasflow stopper}, {@code nasflow surrogate}); both are killed with SIGKILL mid-search and replaced by new
 * instances in the same consumer groups. The new instances start from the committed offsets, rebuild their state by
 * replaying each partition up to them (curves, decided candidates, the surrogate's training set), and decisions stay
 * idempotent: a decision re-sent after the crash is rejected or ignored by the workflow, no candidate is stopped
 * twice.
 *
 * <p>Runs on the real Temporal dev server: on the in-process test server a {@code stopCandidate} update whose cancel
 * races the activity's own completion can wedge the workflow (the test server rejects the workflow task with
 * ACTIVITY_UNKNOWN yet keeps the update accepted, then refuses every retry with "Already accepted update"); a
 * restarted stopper catching up sends exactly such late decisions. docs/RELIABILITY.md records the limitation.
 */
@Slow
class ServiceCrashTest {
    static final String QUEUE = "fault-services";

    @Test
    void stopperAndSurrogateKilledMidSearchResumeFromCommittedOffsets(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        Path logs = Path.of("target", "reliability", "logs", "service-crash");
        // a crashed member holds its partitions until its session times out: 6 s (the broker's minimum) instead of
        // the default 45 s, passed to the services like any other client property
        Path props = dir.resolve("client.properties");
        Files.writeString(props, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
        List<NasflowProcess> procs = new ArrayList<>();
        Path bin = TemporalDevServer.findBinary().orElse(null);
        if (bin == null) {
            System.err.println("!".repeat(100) + "\n!!! SKIPPING ServiceCrashTest: no `temporal` binary; run "
                    + "`bash ops/scripts/setup-python.sh`\n" + "!".repeat(100));
        }
        assumeTrue(bin != null, "no temporal binary: run bash ops/scripts/setup-python.sh");
        try (TemporalDevServer server = TemporalDevServer.builder().binary(bin).workDir(dir.resolve("temporal"))
                .start();
             DevStack stack = DevStack.builder(dir).temporal(server.settings()).taskQueues(List.of(QUEUE))
                     .workerSlots(6).trainers(List.of(new TableCandidateTrainer())).stopper(false).surrogate(false)
                     .start()) {
            List<String> kafkaArgs = List.of("--kafka", stack.kafkaBootstrap(), "--kafka-properties",
                    props.toString());
            List<String> stopperArgs = new ArrayList<>(List.of("stopper", "--temporal", stack.temporal().address(),
                    "--metrics-port", "0", "--work-dir", dir.resolve("stopper").toString()));
            stopperArgs.addAll(kafkaArgs);
            List<String> surrogateArgs = new ArrayList<>(List.of("surrogate", "--retrain-every", "3",
                    "--metrics-port", "0"));
            surrogateArgs.addAll(kafkaArgs);
            NasflowProcess stopper = NasflowProcess.start("stopper", logs, stopperArgs);
            NasflowProcess surrogate = NasflowProcess.start("surrogate", logs, surrogateArgs);
            procs.add(stopper);
            procs.add(surrogate);
            stopper.awaitLog("nasflow stopper: consuming", Duration.ofSeconds(120));
            surrogate.awaitLog("nasflow surrogate: consuming", Duration.ofSeconds(120));

            String id = "services-" + Long.toHexString(System.nanoTime());
            SearchWorkflow search = Fault.start(stack.client(), QUEUE, id,
                    Fault.spec("service-crash", "random", 36, 12, 6, 250, "median", QUEUE));
            // crash once the stopper has stopped something and the surrogate has published predictions
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                    search.status().stoppedEarly() >= 1 && search.status().evaluations() >= 6
                            && !predictions(stack, id).isEmpty());
            long crashAt = System.currentTimeMillis();
            stopper.kill();
            surrogate.kill();
            int evaluationsAtCrash = search.status().evaluations();
            long versionBeforeCrash = predictions(stack, id).stream().mapToLong(SurrogatePrediction::modelVersion)
                    .max().orElse(0);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(stack, StopperService.GROUP_ID);
            long committedMetrics = committed.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(Topics.EPOCH_METRICS))
                    .mapToLong(e -> e.getValue().offset()).sum();
            Fault.sleep(1000); // the search goes on without the services for a moment

            List<String[]> liveDecisions = new CopyOnWriteArrayList<>();
            AtomicInteger maxResults = new AtomicInteger();
            long restartAt = System.currentTimeMillis();
            SearchResult r;
            long replayedMetrics;
            try (StopperService stopper2 = new StopperService(stack.kafka(), stack.client(), null,
                    (d, outcome) -> liveDecisions.add(new String[]{d.candidateId(), outcome})).start();
                 SurrogateService surrogate2 = new SurrogateService(stack.kafka(), 3, new SurrogateObserver() {
                     @Override
                     public void retrained(String searchId, long version, int results, double tau, double rmse) {
                         if (searchId.equals(id)) {
                             maxResults.accumulateAndGet(results, Math::max);
                         }
                     }
                 }).start()) {
                r = Fault.result(stack.client(), id, Duration.ofMinutes(3));
                await().atMost(Duration.ofSeconds(30)).until(() -> stopper2.metricsSeen()
                        >= Fault.epochMetrics(stack.kafka(), id).size());
                replayedMetrics = stopper2.metricsSeen();
            }
            double restartSeconds = (System.currentTimeMillis() - restartAt) / 1000.0;

            List<CandidateResult> results = r.leaderboard();
            List<SearchEvent> events = Fault.searchEvents(stack.kafka(), id);
            List<StopDecision> decisions = Fault.stopDecisions(stack.kafka(), id);
            List<SurrogatePrediction> preds = predictions(stack, id);
            Set<String> proposed = Fault.proposedIds(id, events);
            Map<String, Long> perCandidate = Fault.resultsPerCandidate(results);
            Set<String> lost = new TreeSet<>(proposed);
            lost.removeAll(perCandidate.keySet());
            long duplicated = perCandidate.values().stream().mapToLong(n -> n - 1).sum();

            Map<String, Integer> accepted = new TreeMap<>();
            Map<String, Integer> perCandidateDecisions = new TreeMap<>();
            long afterCrash = 0;
            for (StopDecision d : decisions) {
                perCandidateDecisions.merge(d.candidateId(), 1, Integer::sum);
                // decisions carry no outcome suffix any more: a candidate with a decision on the topic was decided;
                // a stop is applied once by construction (the worker's StopBoard, one recorded outcome: duplicated=0)
                accepted.put(d.candidateId(), 1);
                if (d.decidedAtMs() >= restartAt) {
                    afterCrash++;
                }
            }
            long repeated = perCandidateDecisions.values().stream().mapToLong(n -> n - 1).sum();
            List<String> stoppedTwice = accepted.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey).toList();
            long liveAccepted = liveDecisions.stream().filter(d -> d[1].equals("stopping")).count();
            long completedFinished = events.stream().filter(e -> e.type() == SearchEventType.CANDIDATE_FINISHED
                    && "COMPLETED".equals(e.payload().get("outcome"))).count();
            long completedAfterCrash = events.stream().filter(e -> e.type() == SearchEventType.CANDIDATE_FINISHED
                    && "COMPLETED".equals(e.payload().get("outcome")) && e.timestamp() >= crashAt).count();
            long versionAfter = preds.stream().mapToLong(SurrogatePrediction::modelVersion).max().orElse(0);

            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("test", "ServiceCrashTest.stopperAndSurrogateKilledMidSearchResumeFromCommittedOffsets");
            fig.put("injected", "SIGKILL of the stopper and surrogate processes after " + evaluationsAtCrash
                    + " of 36 results; new instances in the same consumer groups 1 s later");
            fig.put("loaded", proposed.size());
            fig.put("results", results.size());
            fig.put("lost", lost.size());
            fig.put("duplicated", duplicated);
            fig.put("resumed", 2);
            fig.put("stopperMetricsReadAfterRestart", replayedMetrics);
            fig.put("committedMetricOffsetsAtCrash", committedMetrics);
            fig.put("stopDecisions", decisions.size());
            fig.put("decisionsAfterRestart", afterCrash);
            fig.put("stopsApplied", accepted.values().stream().mapToInt(i -> i).sum());
            fig.put("stopsAppliedAfterRestart", liveAccepted);
            fig.put("repeatedDecisions", repeated);
            fig.put("stoppedTwice", stoppedTwice.size());
            fig.put("stoppedEarly", r.status().stoppedEarly());
            fig.put("surrogateResultsRebuilt", maxResults.get() + "/" + completedFinished + " (" + completedAfterCrash
                    + " completed after the crash)");
            fig.put("surrogateVersionBeforeAfter", versionBeforeCrash + "->" + versionAfter);
            fig.put("searchSeconds", Fault.round1((System.nanoTime() - t0) / 1e9));
            fig.put("restartedServicesSeconds", Fault.round1(restartSeconds));
            Fault.figures("service-crash", fig);

            assertEquals("COMPLETED", r.status().phase());
            assertEquals(r.status().evaluations(), results.size(), r.status().toString());
            assertEquals(Set.of(), lost);
            assertEquals(0, duplicated);
            assertEquals(List.of(), stoppedTwice, "no candidate stopped twice");
            for (CandidateResult c : results) {
                if (c.outcome() == Outcome.STOPPED_EARLY) {
                    assertTrue(accepted.containsKey(c.candidateId()), c.candidateId() + " stopped without a decision");
                }
            }
            assertTrue(committedMetrics > 0, "the crashed stopper had committed offsets");
            assertTrue(replayedMetrics >= committedMetrics, "the new stopper re-read the committed part: "
                    + replayedMetrics + " < " + committedMetrics);
            assertTrue(afterCrash > 0, "the restarted stopper kept deciding");
            // retrains come every 3 results: the model's size at its last retrain is within 3 of all completed ones,
            // far more than those completed after the restart (its state was rebuilt from the replay)
            assertTrue(maxResults.get() > completedFinished - 3 && maxResults.get() > completedAfterCrash,
                    "surrogate learned " + maxResults.get() + " of " + completedFinished + " completed candidates ("
                            + completedAfterCrash + " completed after the crash)");
            assertTrue(versionAfter >= versionBeforeCrash, "model version continues after the restart");
        } finally {
            procs.forEach(NasflowProcess::kill);
        }
    }

    static List<SurrogatePrediction> predictions(DevStack stack, String searchId) {
        return Fault.events(stack.kafka(), EventSerde.SURROGATE_PREDICTION, searchId, SurrogatePrediction::searchId);
    }

    static Map<TopicPartition, OffsetAndMetadata> committed(DevStack stack, String group) throws Exception {
        try (Admin admin = stack.kafka().admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }
}
