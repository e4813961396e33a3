package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.ResumePoint;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.embedded.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.spec.BudgetSpec;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.strategy.Outcome;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.SearchEventType;
import dev.nasflow.workflow.CandidateResult;
import dev.nasflow.workflow.CandidateTask;
import dev.nasflow.workflow.SearchResult;
import dev.nasflow.workflow.SearchStatus;
import dev.nasflow.workflow.SearchWorkflow;
import dev.nasflow.workflow.SearchWorkflowImpl;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 1, worker crashes: training workers are separate {@code nasflow worker} processes; one of them is killed
 * with SIGKILL in the middle of an epoch 20 times during one search (a fresh worker process replaces each victim).
 * The search must complete with every proposed candidate recorded exactly once, every interrupted candidate resumed
 * from its last heartbeat (its checkpoint), and at most one epoch re-run per interruption.
 *
 * <p>The workflow itself runs on a worker in this JVM (task queue {@code fault-wf}), training on the worker processes
 * (queue {@code fault-train}). The in-process Temporal test server has no sticky-queue timeout: a workflow cached on a
 * SIGKILLed worker would wait for that worker forever (a real server moves it after 5 s), so only training workers are
 * killed here; docs/RELIABILITY.md records the limitation.
 */
@Tag("slow")
class WorkerCrashTest {
    static final int KILLS = 20;
    static final int WORKERS = 3;
    static final int SLOTS = 3;
    static final int PACING_MS = 150;
    static final String WF_QUEUE = "fault-wf";
    static final String TRAIN_QUEUE = "fault-train";

    record Victim(String candidateId, int heartbeatEpoch, int attempt) {
    }

    record Kill(long pid, List<Victim> victims, long atMillis) {
    }

    @Test
    void killNineTwentyTimesDuringOneSearch(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        Path logs = Path.of("target", "reliability", "logs", "worker-crash");
        List<NasflowProcess> workers = new ArrayList<>();
        List<Kill> kills = new ArrayList<>();
        try (DevStack stack = DevStack.builder(dir).workerSlots(0).stopper(true).surrogate(true).start();
             MetricsPublisher events = stack.kafka().publisher("fault-wf")) {
            WorkerFactory factory = stack.temporal().newWorkerFactory();
            Worker wf = factory.newWorker(WF_QUEUE, TemporalClients.workerOptions(1));
            wf.registerWorkflowImplementationTypes(SearchWorkflowImpl.class);
            wf.registerActivitiesImplementations(new SearchActivitiesImpl(new SpecValidator(), events, null));
            factory.start();

            int[] serial = {0};
            java.util.function.Supplier<NasflowProcess> newWorker = () -> NasflowProcess.start(
                    "worker-" + (++serial[0]), logs, List.of("worker", "--temporal", stack.temporal().address(),
                            "--kafka", stack.kafkaBootstrap(), "--slots", Integer.toString(SLOTS),
                            "--task-queue", TRAIN_QUEUE, "--metrics-port", "0",
                            "--work-dir", dir.resolve("w" + serial[0]).toString()));
            for (int i = 0; i < WORKERS; i++) {
                workers.add(newWorker.get());
            }
            for (NasflowProcess w : workers) {
                w.awaitLog("nasflow worker: serving", Duration.ofSeconds(120));
            }
            long startupSeconds = Fault.secondsSince(t0);

            String id = "crash-" + Long.toHexString(System.nanoTime());
            int population = 18;
            int budget = 3 * population;
            ObjectNode spec = Fault.spec("worker-crash", "random", budget, population, WORKERS * SLOTS, PACING_MS,
                    "none", TRAIN_QUEUE);
            SearchWorkflow search = Fault.start(stack.client(), WF_QUEUE, id, spec);

            long lastKill = 0;
            Map<String, String> activityCandidates = new java.util.HashMap<>();
            Map<String, Integer> hits = new java.util.HashMap<>();
            while (kills.size() < KILLS) {
                SearchStatus st = search.status();
                if (!"RUNNING".equals(st.phase())) {
                    break;
                }
                // keep the search long enough for all the kills: extend the budget near its end
                if (st.evaluations() + st.running().size() >= budget - population) {
                    budget += population;
                    search.setBudget(new BudgetSpec(budget, null, null, null, null, null));
                }
                if (System.currentTimeMillis() - lastKill < 2000) {
                    Fault.sleep(50);
                    continue;
                }
                Map<Long, List<Victim>> busy = runningByPid(stack, id, activityCandidates);
                // the victim: a live worker training first attempts mid-way (heartbeat at epoch 1..10), none of its
                // candidates already interrupted twice (spreads the kills; 8 attempts is the retry limit)
                NasflowProcess victim = null;
                int best = 0;
                for (NasflowProcess w : workers) {
                    List<Victim> v = busy.getOrDefault(w.pid(), List.of());
                    long fresh = v.stream().filter(x -> x.attempt() == 1 && x.heartbeatEpoch() >= 1
                            && x.heartbeatEpoch() <= 10).count();
                    boolean spared = v.stream().anyMatch(x -> hits.getOrDefault(x.candidateId(), 0) >= 2);
                    if (w.isAlive() && !spared && fresh > best) {
                        victim = w;
                        best = (int) fresh;
                    }
                }
                if (victim == null) {
                    Fault.sleep(50);
                    continue;
                }
                // land inside an epoch (each lasts PACING_MS; the boundary work takes a few ms)
                Fault.sleep(PACING_MS / 3);
                victim.kill();
                lastKill = System.currentTimeMillis();
                kills.add(new Kill(victim.pid(), busy.get(victim.pid()), lastKill));
                busy.get(victim.pid()).forEach(x -> hits.merge(x.candidateId(), 1, Integer::sum));
                workers.remove(victim);
                workers.add(newWorker.get());
            }
            assertEquals(KILLS, kills.size(), "the search ended before " + KILLS + " kills");
            // no further generation after the current one
            search.setBudget(new BudgetSpec(Math.max(1, search.status().evaluations()), null, null, null, null,
                    null));
            SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(4));
            double searchSeconds = (System.nanoTime() - t0) / 1e9 - startupSeconds;

            // ---- what reached Temporal and Kafka ----
            List<CandidateResult> results = r.leaderboard();
            List<SearchEvent> evs = Fault.searchEvents(stack.kafka(), id);
            List<EpochMetric> metrics = Fault.epochMetrics(stack.kafka(), id);
            Set<String> proposed = Fault.proposedIds(id, evs);
            Map<String, Long> perCandidate = Fault.resultsPerCandidate(results);
            Set<String> lost = new TreeSet<>(proposed);
            lost.removeAll(perCandidate.keySet());
            long duplicateResults = perCandidate.values().stream().mapToLong(n -> n - 1).sum();
            Map<String, Integer> dupEpochs = Fault.duplicatesByCandidate(metrics);
            int dupEpochTotal = dupEpochs.values().stream().mapToInt(Integer::intValue).sum();
            Map<String, CandidateResult> byId = Fault.byId(results);

            Map<String, Integer> interruptions = new TreeMap<>();
            Map<String, Integer> lastSeenEpoch = new TreeMap<>();
            for (Kill k : kills) {
                for (Victim v : k.victims()) {
                    if (v.heartbeatEpoch() > 10) {
                        continue; // at least a full epoch was left: it may have finished before the kill landed
                    }
                    interruptions.merge(v.candidateId(), 1, Integer::sum);
                    lastSeenEpoch.put(v.candidateId(), v.heartbeatEpoch());
                }
            }
            int interruptedAttempts = interruptions.values().stream().mapToInt(Integer::intValue).sum();
            List<String> problems = new ArrayList<>();
            int resumedFromCheckpoint = 0;
            for (Map.Entry<String, Integer> e : interruptions.entrySet()) {
                CandidateResult c = byId.get(e.getKey());
                if (c == null) {
                    continue; // reported as lost below
                }
                if (c.attempts() < 1 + e.getValue()) {
                    problems.add(e.getKey() + ": interrupted " + e.getValue() + "x but " + c.attempts() + " attempt(s)");
                }
                if (c.resumedFromEpoch() < lastSeenEpoch.get(e.getKey())) {
                    problems.add(e.getKey() + ": heartbeat was at epoch " + lastSeenEpoch.get(e.getKey())
                            + " when killed, last attempt resumed from " + c.resumedFromEpoch());
                }
                if (c.resumedFromEpoch() > 0) {
                    resumedFromCheckpoint++;
                }
            }
            for (CandidateResult c : results) {
                int retries = c.attempts() - 1;
                int dups = dupEpochs.getOrDefault(c.candidateId(), 0);
                if (dups > retries) {
                    problems.add(c.candidateId() + ": " + dups + " epoch(s) re-run in " + retries + " retry(ies)");
                }
            }
            List<String> coverage = Fault.epochCoverageProblems(results, metrics);
            int retriedCandidates = (int) results.stream().filter(c -> c.attempts() > 1).count();
            long resumedEvents = evs.stream().filter(e -> e.type() == SearchEventType.CANDIDATE_RESUMED).count();

            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("test", "WorkerCrashTest.killNineTwentyTimesDuringOneSearch");
            fig.put("injected", KILLS + " x SIGKILL of a training worker process mid-epoch (" + WORKERS + " workers x "
                    + SLOTS + " slots, table trainer " + PACING_MS + " ms/epoch, 12 epochs)");
            fig.put("loaded", proposed.size());
            fig.put("results", results.size());
            fig.put("lost", lost.size());
            fig.put("duplicated", duplicateResults);
            fig.put("interrupted", interruptions.size());
            fig.put("interruptedAttempts", interruptedAttempts);
            fig.put("resumed", resumedFromCheckpoint);
            fig.put("retriedCandidates", retriedCandidates);
            fig.put("resumedEvents", resumedEvents);
            fig.put("epochMetrics", metrics.size());
            fig.put("epochsReRun", dupEpochTotal);
            fig.put("kills", kills.size());
            fig.put("searchSeconds", Fault.round1(searchSeconds));
            fig.put("workerStartSeconds", startupSeconds);
            fig.put("outcomes", Fault.outcomes(results));
            Fault.figures("worker-crash", fig);

            assertEquals("COMPLETED", r.status().phase());
            assertEquals(r.status().evaluations(), results.size(), "every result ranked: " + r.status());
            assertEquals(r.status().evaluations(), r.status().completed(), "all completed: " + r.status());
            assertEquals(Set.of(), lost, "lost candidates");
            assertEquals(0, duplicateResults, "duplicate result records");
            assertEquals(List.of(), coverage, "epoch coverage");
            assertEquals(List.of(), problems, "resume problems");
            assertTrue(interruptedAttempts >= KILLS, "each kill interrupted at least one candidate: " + interruptions);
            assertTrue(resumedFromCheckpoint >= KILLS / 2, "resumed from a checkpoint: " + resumedFromCheckpoint);
            assertTrue(dupEpochTotal <= interruptedAttempts, "at most one epoch re-run per interruption");
            for (CandidateResult c : results) {
                assertEquals(Outcome.COMPLETED, c.outcome());
                assertEquals(12, c.epochsTrained(), c.candidateId());
            }
        } finally {
            for (NasflowProcess w : workers) {
                w.kill();
            }
        }
    }

    /** Activity id → candidate id, from the ActivityTaskScheduled events of the workflow's history. */
    static void learnCandidates(DevStack stack, String workflowId, Map<String, String> known) {
        for (HistoryEvent e : stack.client().fetchHistory(workflowId).getHistory().getEventsList()) {
            if (e.getEventType() != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
                continue;
            }
            var a = e.getActivityTaskScheduledEventAttributes();
            if (known.containsKey(a.getActivityId()) || !a.hasInput()) {
                continue;
            }
            CandidateTask t = TemporalClients.dataConverter().fromPayloads(0, Optional.of(a.getInput()),
                    CandidateTask.class, CandidateTask.class);
            if (t != null) {
                known.put(a.getActivityId(), t.candidateId());
            }
        }
    }

    /** Started training attempts per worker process id, with the epoch of their last heartbeat the server holds. */
    static Map<Long, List<Victim>> runningByPid(DevStack stack, String workflowId, Map<String, String> candidates) {
        var d = stack.temporal().stubs().blockingStub().describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder().setNamespace(stack.temporal().namespace())
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
        Map<Long, List<Victim>> out = new LinkedHashMap<>();
        for (PendingActivityInfo a : d.getPendingActivitiesList()) {
            if (a.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) {
                continue;
            }
            String identity = a.getLastWorkerIdentity();
            int at = identity.indexOf('@');
            if (at <= 0) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(identity.substring(0, at));
            } catch (NumberFormatException e) {
                continue;
            }
            int epoch = 0;
            if (a.hasHeartbeatDetails()) {
                ResumePoint p = TemporalClients.dataConverter().fromPayloads(0,
                        Optional.of(a.getHeartbeatDetails()), ResumePoint.class, ResumePoint.class);
                epoch = p == null ? 0 : p.epoch();
            }
            if (!candidates.containsKey(a.getActivityId())) {
                learnCandidates(stack, workflowId, candidates);
            }
            String candidate = candidates.getOrDefault(a.getActivityId(), "activity-" + a.getActivityId());
            out.computeIfAbsent(pid, k -> new ArrayList<>()).add(new Victim(candidate, epoch,
                    a.getAttempt()));
        }
        return out;
    }
}
