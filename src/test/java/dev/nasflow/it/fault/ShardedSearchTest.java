package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.bench.FanoutBench;
import dev.nasflow.bench.SearchRun;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.Outcome;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One search above Temporal's 2,000 pending activities per execution, sharded over child workflows, on the real
 * Temporal dev server (sized for CI's 2 cores; {@code nasflow bench fanout} runs 10,000): several worker processes,
 * the stopper stopping candidates, continue-as-new, a worker SIGKILLed mid-search, every result counted once and every
 * execution's history bounded. Then queries, signals, updates and a terminated shard on a small sharded search.
 */
@Slow
class ShardedSearchTest {
    /** Temporal's history warning: no execution may come near it. */
    static final int HISTORY_WARNING = 10_240;

    static Path devBinary() {
        Path bin = TemporalDevServer.findBinary().orElse(null);
        assumeTrue(bin != null || System.getenv("CI") != null,
                "no temporal binary: run bash ops/scripts/setup-python.sh");
        assertTrue(bin != null, "CI must have the temporal binary (ops/scripts/setup-python.sh)");
        return bin;
    }

    static Path dir(String name) throws Exception {
        Path d = Path.of("target", "test-work", "sharded", name + "-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(d);
        return d;
    }

    @Test
    void moreCandidatesInFlightThanOneExecutionMayHoldCompleteOnceEachThroughAKill() throws Exception {
        devBinary();
        FanoutBench.Config config = new FanoutBench.Config(2_400, 2_100, 500, 2, 60, 3, 100, "median", 300, 700,
                "dev", dir("fanout"), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                NasflowProcess.classPath(), Duration.ofMinutes(8));
        Map<String, Object> r = new FanoutBench(config, System.out::println).run();
        System.out.println("sharded search: " + r);
        assertEquals(2_400, r.get("evaluations"), "every candidate evaluated: " + r);
        assertEquals(2_100, r.get("peakRunning"), "2,100 in flight at once (Temporal: 2,000 per execution)");
        assertEquals(0, r.get("duplicates"));
        assertEquals(r.get("ranked"), r.get("distinctRanked"));
        assertEquals(0, r.get("failed"), "the killed worker's candidates were retried, none lost: " + r);
        assertEquals(1, r.get("kills"));
        assertTrue((Integer) r.get("stoppedEarly") > 0, "the stopper stopped sharded candidates: " + r);
        assertTrue((Integer) r.get("continuedAsNew") >= 1, "continued as new with shards: " + r);
        assertTrue((Integer) r.get("shards") >= 5, "shards: " + r);
        assertTrue((Integer) r.get("searchHistoryMax") < HISTORY_WARNING, "search history bounded: " + r);
        assertTrue((Integer) r.get("shardHistoryMax") < HISTORY_WARNING, "shard history bounded: " + r);
    }

    @Test
    void aShardedSearchAnswersQueriesSignalsAndUpdatesAndSurvivesATerminatedShard() throws Exception {
        Path d = dir("control");
        try (TemporalDevServer dev = TemporalDevServer.builder().binary(devBinary()).workDir(d.resolve("temporal"))
                .start();
             DevStack stack = DevStack.builder(d.resolve("stack")).temporal(dev.settings()).workerSlots(40)
                     .trainers(List.of(new TableCandidateTrainer())).stopper(false).surrogate(false).start()) {
            WorkflowClient client = stack.client();
            String id = "sharded-ctl-" + Long.toString(System.currentTimeMillis(), 36);
            ObjectNode spec = SearchRun.spec(id, 60, 20, 20, 12, 150, 3, "nasflow");
            ((ObjectNode) spec.get("budget")).put("shardSize", 10);
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class,
                    WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue("nasflow").build());
            WorkflowClient.start(wf::run, spec, null);
            await().atMost(Duration.ofSeconds(60)).until(() -> wf.status().running().size() == 20);
            // a shard dies: its candidates are recorded as failed, naming it; the search goes on
            // the search knows its candidates before the server has started the shard: terminate once it exists
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                client.newUntypedWorkflowStub(id + "-r0-s0").terminate("test kills a shard");
                return true;
            });
            wf.pause();
            await().atMost(Duration.ofSeconds(60)).until(() -> "PAUSED".equals(wf.status().phase())
                    && wf.status().running().isEmpty());
            int paused = wf.status().evaluations();
            Thread.sleep(500);
            assertEquals(paused, wf.status().evaluations(), "no launches while paused");
            assertEquals(50, wf.setBudget(new BudgetSpec(50, null, null, null, null, null)).evaluations());
            wf.resume();
            SearchResult r = client.newUntypedWorkflowStub(id).getResult(120, TimeUnit.SECONDS, SearchResult.class);
            assertEquals(50, r.status().evaluations());
            assertTrue(r.status().failed() >= 1 && r.status().failed() <= 10, "failed with the shard: " + r.status());
            assertEquals(50 - r.status().failed(), r.leaderboard().size());
            assertEquals(r.leaderboard().size(),
                    r.leaderboard().stream().map(CandidateResult::candidateId).distinct().count());
            assertTrue(r.leaderboard().stream().allMatch(c -> c.outcome() == Outcome.COMPLETED));
        }
    }
}
