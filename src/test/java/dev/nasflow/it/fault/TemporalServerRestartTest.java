package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Scenario 3, server restart: the real Temporal dev server ({@code temporal server start-dev}, SQLite file) is killed
 * with SIGKILL in the middle of a search and started again on the same database file and port. The search completes
 * with the same picks (leaderboard order, best architecture) as an uninterrupted run with the same seed (regularized
 * evolution on the table trainer, no early stopping, so the search is deterministic).
 */
@Slow
class TemporalServerRestartTest {
    static final String QUEUE = "fault-server";

    static ObjectNode spec(String name, int pacingMs, String scheduling) {
        ObjectNode s = Fault.spec(name, "rea", 30, 6, 6, pacingMs, "none", QUEUE);
        ((ObjectNode) s.get("strategy")).putObject("params").put("population", 8).put("sampleSize", 3);
        ((ObjectNode) s.get("budget")).put("scheduling", scheduling);
        return s;
    }

    /**
     * Both scheduling modes. Generational results do not depend on completion order, so the restarted search must
     * pick exactly what the uninterrupted one picked; asynchronous ones do (a strategy observes results as they
     * arrive), so there the search must complete with every candidate once, nothing lost or duplicated.
     */
    @ParameterizedTest
    @ValueSource(strings = {"generational", "async"})
    void serverKilledMidSearchCompletesWithTheSamePicks(String scheduling, @TempDir Path dir) {
        Path bin = TemporalDevServer.findBinary().orElse(null);
        if (bin == null) {
            System.err.println("!".repeat(100) + "\n!!! SKIPPING TemporalServerRestartTest: no `temporal` binary; run "
                    + "`bash ops/scripts/setup-python.sh`\n" + "!".repeat(100));
        }
        assumeTrue(bin != null, "no temporal binary: run bash ops/scripts/setup-python.sh");
        long t0 = System.nanoTime();
        try (TemporalDevServer server = TemporalDevServer.builder().binary(bin).workDir(dir.resolve("temporal"))
                .start();
             DevStack stack = DevStack.builder(dir).temporal(server.settings()).taskQueues(List.of(QUEUE))
                     .workerSlots(6).trainers(List.of(new TableCandidateTrainer())).start()) {
            Fault.start(stack.client(), QUEUE, "reference", spec("server-restart", 0, scheduling));
            SearchResult reference = Fault.result(stack.client(), "reference", Duration.ofMinutes(2));

            String id = "restarted";
            SearchWorkflow search = Fault.start(stack.client(), QUEUE, id, spec("server-restart", 120, scheduling));
            await().atMost(Duration.ofSeconds(60)).until(() -> search.status().evaluations() >= 8);
            int atKill = search.status().evaluations();
            long down = System.nanoTime();
            server.kill();
            Fault.sleep(1000);
            server.start();
            double outage = (System.nanoTime() - down) / 1e9;
            SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(3));

            List<CandidateResult> results = r.leaderboard();
            Set<String> proposed = Fault.proposedIds(id, Fault.searchEvents(stack.kafka(), id));
            Map<String, Long> perCandidate = Fault.resultsPerCandidate(results);
            Set<String> lost = new TreeSet<>(proposed);
            lost.removeAll(perCandidate.keySet());
            long duplicated = perCandidate.values().stream().mapToLong(n -> n - 1).sum();
            List<String> refOrder = Fault.archOrder(reference);
            List<String> order = Fault.archOrder(r);
            int samePositions = 0;
            for (int i = 0; i < Math.min(refOrder.size(), order.size()); i++) {
                samePositions += refOrder.get(i).equals(order.get(i)) ? 1 : 0;
            }

            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("test", "TemporalServerRestartTest.serverKilledMidSearchCompletesWithTheSamePicks["
                    + scheduling + "]");
            fig.put("injected", "real Temporal dev server (SQLite) killed with SIGKILL after " + atKill
                    + " of 30 results and restarted on the same db file and port");
            fig.put("loaded", proposed.size());
            fig.put("results", results.size());
            fig.put("lost", lost.size());
            fig.put("duplicated", duplicated);
            fig.put("resumed", results.stream().filter(c -> c.resumedFromEpoch() > 0).count());
            fig.put("retriedCandidates", results.stream().filter(c -> c.attempts() > 1).count());
            fig.put("samePicks", samePositions + "/" + refOrder.size());
            fig.put("bestArchSame", reference.status().best().arch().equals(r.status().best().arch()));
            fig.put("serverOutageSeconds", Fault.round1(outage));
            fig.put("serverStartSeconds", Fault.round1(server.lastStartTime().toMillis() / 1000.0));
            fig.put("searchSeconds", Fault.round1((System.nanoTime() - t0) / 1e9));
            Fault.figures("server-restart" + ("async".equals(scheduling) ? "-async" : ""), fig);

            assertEquals("COMPLETED", r.status().phase());
            assertTrue(atKill < 30, "killed mid-search");
            assertEquals(30, results.size(), r.status().toString());
            assertEquals(Set.of(), lost);
            assertEquals(0, duplicated);
            if ("generational".equals(scheduling)) {
                assertEquals(refOrder, order, "same leaderboard as the uninterrupted run");
                assertEquals(reference.status().best().arch(), r.status().best().arch());
                assertEquals(reference.status().best().metrics(), r.status().best().metrics());
            }
        }
    }
}
