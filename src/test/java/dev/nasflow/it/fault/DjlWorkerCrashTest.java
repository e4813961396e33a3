package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.workflow.SearchWorkflowImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 1b, DJL worker crashes: a search with the {@code djl} trainer (a tiny chain network on a fifth of the
 * bundled Fashion-MNIST subset, a few seconds per epoch) trains on a separate {@code nasflow worker} process. Three
 * times, once the running candidate has checkpointed at least one epoch and is inside a later one, the worker is
 * killed with SIGKILL and a fresh worker process started; each of the three candidates is interrupted once. The search must complete with every candidate recorded
 * exactly once, and every interrupted attempt's successor must resume from the checkpoint of the last finished epoch
 * (not from zero), re-running at most one published epoch per crash.
 *
 * <p>Where the candidate is: its pending activity's last heartbeat (the resume point: last finished and
 * checkpointed epoch), as in {@link WorkerCrashTest}; what was published: the epoch-metrics topic; where the next
 * attempt resumed: its {@code CANDIDATE_RESUMED} event ({@code fromEpoch}, {@code attempt}) and the checkpoint
 * directories under the artifact root. The spec's {@code trainer.heartbeatTimeoutSeconds} (10 s) makes Temporal
 * retry a dead worker's attempt after 10 s instead of the DJL default of 120 s.
 */
@Slow
class DjlWorkerCrashTest {
    static final int KILLS = 3;
    static final int EPOCHS = 5;
    static final int CANDIDATES = 3;
    static final int HEARTBEAT_TIMEOUT_S = 10;
    static final String WF_QUEUE = "djl-crash-wf";
    static final String TRAIN_QUEUE = "djl-crash-train";
    static final String ARTIFACTS = "target/reliability/djl-artifacts";

    /** One kill: the attempt it interrupted, its last checkpointed epoch, the highest epoch published by then. */
    record Kill(long pid, String activityId, String candidateId, int attempt, int checkpointEpoch,
                int publishedEpoch, boolean checkpointOnDisk, long atMillis) {
    }

    static ObjectNode spec(String name) throws Exception {
        return (ObjectNode) Fault.JSON.readTree("""
                {"name": "%s", "seed": 3,
                 "space": {"type": "chain", "layers": 2, "ops": ["conv", "sepconv"], "kernels": [3],
                           "widths": [8, 12], "activations": ["relu"], "skip": true, "channels": 8, "stages": 2},
                 "strategy": {"type": "random"},
                 "budget": {"evaluations": %d, "populationSize": %d, "maxConcurrent": 1},
                 "objectives": [{"metric": "validAccuracy", "direction": "maximize"}],
                 "fidelity": {"epochs": %d},
                 "stopping": {"rule": "none"},
                 "trainer": {"type": "djl", "device": "cpu", "recipe": "recipes/fmnist-quick.json",
                             "heartbeatTimeoutSeconds": %d},
                 "data": {"format": "idx", "path": "activities/data/fashion-mnist-small",
                          "validationFraction": 0.1, "dataFraction": 0.2},
                 "taskQueue": "%s",
                 "artifacts": "%s"}
                """.formatted(name, CANDIDATES, CANDIDATES, EPOCHS, HEARTBEAT_TIMEOUT_S, TRAIN_QUEUE, ARTIFACTS));
    }

    @Test
    void killTheDjlWorkerMidEpochThreeTimes(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        Path logs = Path.of("target", "reliability", "logs", "djl-worker-crash");
        List<NasflowProcess> workers = new ArrayList<>();
        List<Kill> kills = new ArrayList<>();
        try (DevStack stack = DevStack.builder(dir).workerSlots(0).stopper(false).surrogate(false).start();
             MetricsPublisher events = stack.kafka().publisher("djl-crash-wf")) {
            Fault.startWorkflowWorker(stack, WF_QUEUE, SearchWorkflowImpl.class, events);
            java.util.function.Supplier<NasflowProcess> newWorker = Fault.workerProcesses("djl-worker", logs, stack,
                    dir, TRAIN_QUEUE, "--slots", "1");
            workers.add(newWorker.get());
            workers.get(0).awaitLog("nasflow worker: serving", Duration.ofSeconds(120));
            long startupSeconds = Fault.secondsSince(t0);

            String id = "djlcrash-" + Long.toHexString(System.nanoTime());
            SearchWorkflow search = Fault.start(stack.client(), WF_QUEUE, id, spec("djl-worker-crash"));
            long searchStart = System.currentTimeMillis();

            // candidates (activities) killed once already: the kills are spread over the candidates
            Map<String, Integer> killedAt = new HashMap<>();
            String seenKey = null;
            long seenAt = 0;
            long epochMillis = 3000;
            long lastEpochChange = 0;
            long lastStatus = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (kills.size() < KILLS && System.nanoTime() < deadline) {
                if (System.currentTimeMillis() - lastStatus > 3000) {
                    lastStatus = System.currentTimeMillis();
                    if (!"RUNNING".equals(search.status().phase())) {
                        break;
                    }
                }
                NasflowProcess w = workers.get(workers.size() - 1);
                List<WorkerCrashTest.Victim> running = WorkerCrashTest.runningByPid(stack, id)
                        .getOrDefault(w.pid(), List.of());
                if (running.isEmpty()) {
                    Fault.sleep(150);
                    continue;
                }
                WorkerCrashTest.Victim v = running.get(0);
                String key = v.activityId() + "@" + v.heartbeatEpoch();
                if (!key.equals(seenKey)) {
                    // a new resume point: the candidate just finished (and checkpointed) an epoch
                    long now = System.currentTimeMillis();
                    if (seenKey != null && seenKey.startsWith(v.activityId() + "@") && lastEpochChange > 0) {
                        epochMillis = Math.max(500, now - lastEpochChange);
                    }
                    lastEpochChange = now;
                    seenKey = key;
                    seenAt = now;
                }
                boolean checkpointed = v.heartbeatEpoch() >= 1 && v.heartbeatEpoch() < EPOCHS;
                boolean fresh = !killedAt.containsKey(v.activityId());
                // land inside the next epoch: a third of an epoch after the last one ended
                if (!checkpointed || !fresh || System.currentTimeMillis() - seenAt < epochMillis / 3) {
                    Fault.sleep(100);
                    continue;
                }
                w.kill();
                long at = System.currentTimeMillis();
                Map<String, String> known = new HashMap<>();
                WorkerCrashTest.learnCandidates(stack, id, known);
                String candidate = known.getOrDefault(v.activityId(), "activity-" + v.activityId());
                int published = publishedEpoch(stack, id, candidate);
                // the checkpoint the heartbeat names is on disk (the trainer keeps the newest two)
                Path ckpt = Path.of(ARTIFACTS, id, candidate, "epoch-" + v.heartbeatEpoch());
                boolean onDisk = Files.isRegularFile(ckpt.resolve("params.bin"))
                        && Files.isRegularFile(ckpt.resolve("optimizer.bin"))
                        && Files.isRegularFile(ckpt.resolve("state.json"));
                kills.add(new Kill(w.pid(), v.activityId(), candidate, v.attempt(), v.heartbeatEpoch(), published,
                        onDisk, at));
                killedAt.put(v.activityId(), v.heartbeatEpoch());
                System.out.printf("DJL-CRASH kill %d: worker %d, %s attempt %d, checkpoint epoch %d (on disk: %s), "
                                + "published up to epoch %d, %.1f s into the search%n", kills.size(), w.pid(),
                        candidate, v.attempt(), v.heartbeatEpoch(), onDisk, published, (at - searchStart) / 1000.0);
                seenKey = null;
                lastEpochChange = 0;
                NasflowProcess next = newWorker.get();
                workers.add(next);
                next.awaitLog("nasflow worker: serving", Duration.ofSeconds(120));
            }
            assertEquals(KILLS, kills.size(), "the search ended before " + KILLS + " kills");
            SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(4));
            double searchSeconds = (System.currentTimeMillis() - searchStart) / 1000.0;

            // ---- what reached Temporal, Kafka and the artifact directory ----
            List<CandidateResult> results = r.leaderboard();
            Map<String, String> activityCandidates = new HashMap<>();
            WorkerCrashTest.learnCandidates(stack, id, activityCandidates);
            List<EpochMetric> metrics = Fault.epochMetrics(stack.kafka(), id);
            List<SearchEvent> evs = Fault.searchEvents(stack.kafka(), id);
            Set<String> launched = new TreeSet<>(activityCandidates.values());
            Map<String, Long> perCandidate = Fault.resultsPerCandidate(results);
            Set<String> lost = new TreeSet<>(launched);
            lost.removeAll(perCandidate.keySet());
            long duplicated = perCandidate.values().stream().mapToLong(n -> n - 1).sum();
            Map<String, Integer> dupEpochs = Fault.duplicatesByCandidate(metrics);
            int dupEpochTotal = dupEpochs.values().stream().mapToInt(Integer::intValue).sum();
            List<String> coverage = Fault.epochCoverageProblems(results, metrics);
            Map<String, CandidateResult> byId = Fault.byId(results);

            List<String> problems = new ArrayList<>();
            List<String> resumes = new ArrayList<>();
            Map<String, Integer> killsPerCandidate = new TreeMap<>();
            int resumedFromCheckpoint = 0;
            int publishedReRun = 0;
            for (Kill k : kills) {
                String candidate = k.candidateId();
                if (!k.checkpointOnDisk()) {
                    problems.add(candidate + ": no complete checkpoint epoch-" + k.checkpointEpoch() + " on disk when "
                            + "killed");
                }
                killsPerCandidate.merge(candidate, 1, Integer::sum);
                // the next attempt of that candidate, and where it started
                SearchEvent resumed = evs.stream().filter(e -> candidate.equals(e.candidateId())
                                && e.type() == SearchEventType.CANDIDATE_RESUMED
                                && ((Number) e.payload().get("attempt")).intValue() > k.attempt())
                        .min((a, b) -> Integer.compare(((Number) a.payload().get("attempt")).intValue(),
                                ((Number) b.payload().get("attempt")).intValue()))
                        .orElse(null);
                if (resumed == null) {
                    problems.add(candidate + ": no CANDIDATE_RESUMED after the kill of attempt " + k.attempt()
                            + " (restarted from zero?)");
                    continue;
                }
                int from = ((Number) resumed.payload().get("fromEpoch")).intValue();
                int attempt = ((Number) resumed.payload().get("attempt")).intValue();
                resumes.add(candidate + ": killed in epoch " + (Math.max(k.checkpointEpoch(), k.publishedEpoch()) + 1)
                        + " (heartbeat checkpoint "
                        + k.checkpointEpoch() + ", published " + k.publishedEpoch() + ") -> attempt " + attempt
                        + " resumed from " + from);
                if (from < k.checkpointEpoch()) {
                    problems.add(candidate + ": checkpoint at epoch " + k.checkpointEpoch() + " when killed, resumed "
                            + "from " + from);
                }
                if (from >= 1) {
                    resumedFromCheckpoint++;
                }
                int reRun = Math.max(0, k.publishedEpoch() - from);
                publishedReRun += reRun;
                if (reRun > 1) {
                    problems.add(candidate + ": " + reRun + " published epochs re-run after one crash");
                }
            }
            for (Map.Entry<String, Integer> e : killsPerCandidate.entrySet()) {
                if (dupEpochs.getOrDefault(e.getKey(), 0) > e.getValue()) {
                    problems.add(e.getKey() + ": " + dupEpochs.get(e.getKey()) + " epoch records twice after "
                            + e.getValue() + " crash(es)");
                }
            }
            int resumeLogLines = 0;
            for (NasflowProcess w : workers) {
                resumeLogLines += w.count("resumed from checkpoint");
            }

            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("test", "DjlWorkerCrashTest.killTheDjlWorkerMidEpochThreeTimes");
            fig.put("injected", KILLS + " x SIGKILL of the DJL training worker process mid-epoch, after >= 1 "
                    + "checkpoint (1 worker x 1 slot, chain net on 20% of the Fashion-MNIST subset, " + EPOCHS
                    + " epochs, heartbeat timeout " + HEARTBEAT_TIMEOUT_S + " s)");
            fig.put("loaded", launched.size());
            fig.put("results", results.size());
            fig.put("lost", lost.size());
            fig.put("duplicated", duplicated);
            fig.put("resumed", resumedFromCheckpoint);
            fig.put("kills", kills.size());
            fig.put("interruptedCandidates", killsPerCandidate.size());
            fig.put("publishedEpochsReRun", publishedReRun);
            fig.put("epochRecordsTwice", dupEpochTotal);
            fig.put("epochMetrics", metrics.size());
            fig.put("resumeLogLines", resumeLogLines);
            fig.put("resumes", resumes);
            fig.put("epochSeconds", Fault.round1(epochMillis / 1000.0));
            fig.put("searchSeconds", Fault.round1(searchSeconds));
            fig.put("workerStartSeconds", startupSeconds);
            fig.put("outcomes", Fault.outcomes(results));
            Fault.figures("djl-worker-crash", fig);

            assertEquals("COMPLETED", r.status().phase());
            assertEquals(CANDIDATES, results.size(), "every candidate has a result");
            assertEquals(Set.of(), lost, "lost candidates");
            assertEquals(0, duplicated, "duplicate result records");
            assertEquals(List.of(), coverage, "epoch coverage");
            assertEquals(List.of(), problems, "resume problems");
            assertEquals(KILLS, resumedFromCheckpoint, "every interrupted attempt resumed from a checkpoint");
            assertTrue(resumeLogLines >= KILLS, "workers logged the checkpoint they resumed from: " + resumeLogLines);
            for (CandidateResult c : results) {
                assertEquals(Outcome.COMPLETED, c.outcome(), c.toString());
                assertEquals(EPOCHS, c.epochsTrained(), c.candidateId());
            }
            for (Map.Entry<String, Integer> e : killsPerCandidate.entrySet()) {
                CandidateResult c = byId.get(e.getKey());
                assertTrue(c != null && c.attempts() > e.getValue(), e.getKey() + " retried after each kill: " + c);
            }
        } finally {
            for (NasflowProcess w : workers) {
                w.kill();
            }
        }
    }

    /** The highest epoch of {@code candidate} on the epoch-metrics topic (0 = none). */
    private static int publishedEpoch(DevStack stack, String searchId, String candidate) {
        int max = 0;
        for (EpochMetric m : Fault.epochMetrics(stack.kafka(), searchId)) {
            if (m.candidateId().equals(candidate)) {
                max = Math.max(max, m.epoch());
            }
        }
        return max;
    }
}
