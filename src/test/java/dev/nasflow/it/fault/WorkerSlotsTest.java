package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.workflow.SearchWorkflowImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow worker --slots 2} as a real process: it supervises two child worker JVMs (one training slot each,
 * identities {@code pid@host}) that train at the same time; its metrics endpoint merges both; a child killed with
 * SIGKILL mid-candidate is restarted by the supervisor and its candidate resumes elsewhere; SIGTERM to the supervisor
 * stops both children. The workflow runs in this JVM (see {@link WorkerCrashTest} for why).
 */
@Slow
class WorkerSlotsTest {
    static final String WF_QUEUE = "slots-wf";
    static final String TRAIN_QUEUE = "slots-train";
    static final int CANDIDATES = 16;

    @Test
    void slotsTwoIsTwoSupervisedProcessesAndAKilledOneComesBack(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        Path logs = Path.of("target", "reliability", "logs", "worker-slots");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (DevStack stack = DevStack.builder(dir).workerSlots(0).stopper(false).surrogate(false).start();
             MetricsPublisher events = stack.kafka().publisher("slots-wf")) {
            Fault.startWorkflowWorker(stack, WF_QUEUE, SearchWorkflowImpl.class, events);

            NasflowProcess sup = NasflowProcess.start("worker-slots", logs, List.of("worker", "--temporal",
                    stack.temporal().address(), "--kafka", stack.kafkaBootstrap(), "--slots", "2", "--task-queue",
                    TRAIN_QUEUE, "--metrics-port", Integer.toString(port), "--metrics-bind", "127.0.0.1",
                    "--work-dir", dir.resolve("w").toString()));
            try {
                sup.awaitLog("nasflow worker: supervising 2 worker processes", Duration.ofSeconds(60));
                sup.awaitLog("[slot-0] nasflow worker: serving", Duration.ofSeconds(120));
                sup.awaitLog("[slot-1] nasflow worker: serving", Duration.ofSeconds(120));
                long startupSeconds = Fault.secondsSince(t0);

                String id = "slots-" + Long.toHexString(System.nanoTime());
                ObjectNode spec = Fault.spec("worker-slots", "random", CANDIDATES, CANDIDATES, 4, 250, "none",
                        TRAIN_QUEUE);
                ((ObjectNode) spec.get("trainer")).put("heartbeatTimeoutSeconds", 4);
                Fault.start(stack.client(), WF_QUEUE, id, spec);

                // both children train at the same time, each one candidate (one slot per process)
                Map<Long, List<WorkerCrashTest.Victim>> busy = Map.of();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (System.nanoTime() < deadline) {
                    busy = WorkerCrashTest.runningByPid(stack, id);
                    if (busy.size() >= 2 && busy.values().stream().anyMatch(v -> v.stream()
                            .anyMatch(x -> x.heartbeatEpoch() >= 1))) {
                        break;
                    }
                    Fault.sleep(100);
                }
                assertEquals(2, busy.size(), "two worker processes training at once: " + busy);
                for (Map.Entry<Long, List<WorkerCrashTest.Victim>> e : busy.entrySet()) {
                    assertNotEquals(sup.pid(), e.getKey(), "training happens in the children, not the supervisor");
                    assertEquals(sup.pid(), ProcessHandle.of(e.getKey()).flatMap(ProcessHandle::parent)
                            .map(ProcessHandle::pid).orElse(-1L), "pid " + e.getKey() + " is a child");
                    assertEquals(1, e.getValue().size(), "one slot per process: " + e.getValue());
                }

                // one Prometheus target: the supervisor merges both children's scrapes
                String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                assertTrue(scrape.contains("worker_slot=\"0\"") && scrape.contains("worker_slot=\"1\""), scrape);
                assertTrue(scrape.contains("nasflow_worker_processes{role=\"worker\",state=\"scraped\"} 2"), scrape);

                // SIGKILL one child mid-candidate (heartbeat at epoch 1..10 of 12): the supervisor starts a new one
                long victim = -1;
                String victimActivity = null;
                int victimEpoch = -1;
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (victim < 0 && System.nanoTime() < deadline) {
                    for (Map.Entry<Long, List<WorkerCrashTest.Victim>> e : WorkerCrashTest.runningByPid(stack, id)
                            .entrySet()) {
                        WorkerCrashTest.Victim x = e.getValue().get(0);
                        if (x.heartbeatEpoch() >= 1 && x.heartbeatEpoch() <= 10 && x.attempt() == 1) {
                            victim = e.getKey();
                            victimActivity = x.activityId();
                            victimEpoch = x.heartbeatEpoch();
                            break;
                        }
                    }
                    if (victim < 0) {
                        Fault.sleep(50);
                    }
                }
                assertTrue(victim > 0, "a child training a candidate mid-way");
                ProcessHandle.of(victim).orElseThrow().destroyForcibly();
                ProcessHandle.of(victim).ifPresent(h -> h.onExit().join());
                long killedAt = System.nanoTime();
                sup.awaitLog("worker process " + victim + " exited unexpectedly", Duration.ofSeconds(30));
                deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (sup.count("] nasflow worker: serving") < 3 && System.nanoTime() < deadline) {
                    Fault.sleep(100);
                }
                assertEquals(3, sup.count("] nasflow worker: serving"), "the killed slot is served again:\n"
                        + sup.tail(4000));
                double restartSeconds = Fault.round1((System.nanoTime() - killedAt) / 1e9);
                Set<Long> children = new TreeSet<>();
                ProcessHandle.of(sup.pid()).orElseThrow().children().forEach(h -> children.add(h.pid()));
                assertEquals(2, children.size(), "two children again: " + children);
                assertFalse(children.contains(victim));

                SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(3));
                Map<String, String> activities = new HashMap<>();
                WorkerCrashTest.learnCandidates(stack, id, activities);
                List<CandidateResult> results = r.leaderboard();
                Map<String, Long> perCandidate = Fault.resultsPerCandidate(results);
                Set<String> lost = new TreeSet<>(activities.values());
                lost.removeAll(perCandidate.keySet());
                long duplicated = perCandidate.values().stream().mapToLong(n -> n - 1).sum();
                CandidateResult hit = Fault.byId(results).get(activities.get(victimActivity));

                // SIGTERM to the supervisor reaches both children: all three exit
                sup.close();
                int exit = sup.exitCode(Duration.ofSeconds(45));
                for (long pid : children) {
                    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                            "child " + pid + " stopped with the supervisor");
                }

                Map<String, Object> fig = new LinkedHashMap<>();
                fig.put("test", "WorkerSlotsTest.slotsTwoIsTwoSupervisedProcessesAndAKilledOneComesBack");
                fig.put("injected", "1 x SIGKILL of one child of 'nasflow worker --slots 2' mid-candidate (table "
                        + "trainer 250 ms/epoch, 12 epochs, heartbeat timeout 4 s)");
                fig.put("loaded", activities.size());
                fig.put("lost", lost.size());
                fig.put("duplicated", duplicated);
                fig.put("resumed", hit != null && hit.resumedFromEpoch() > 0 ? 1 : 0);
                fig.put("concurrentChildren", busy.size());
                fig.put("restartSeconds", restartSeconds);
                fig.put("victimHeartbeatEpoch", victimEpoch);
                fig.put("victimResumedFromEpoch", hit == null ? -1 : hit.resumedFromEpoch());
                fig.put("supervisorExit", exit);
                fig.put("workerStartSeconds", startupSeconds);
                Fault.figures("worker-slots", fig);

                assertEquals("COMPLETED", r.status().phase());
                assertEquals(CANDIDATES, results.size());
                assertEquals(Set.of(), lost, "lost candidates");
                assertEquals(0, duplicated, "duplicate results");
                assertTrue(hit != null && hit.attempts() >= 2, "the victim's candidate was retried: " + hit);
                assertTrue(hit.resumedFromEpoch() >= victimEpoch, "resumed from its heartbeat: " + hit);
                assertTrue(exit == 0 || exit == 143, "supervisor exit status after SIGTERM: " + exit);
            } finally {
                if (sup.isAlive()) {
                    ProcessHandle.of(sup.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
                    sup.kill();
                }
            }
        }
    }
}
