package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.testing.Slow;
import dev.nasflow.api.SearchResult;
import dev.nasflow.model.StopperInfo;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, "a stopper that is never silently idle": 20 quickstart-style runs one after another on ONE persisted data
 * directory (embedded Kafka keeps its topics and the services' committed offsets between runs, as
 * {@code work/quickstart} does), four of them right after a {@code nasflow quickstart} child process was killed with
 * SIGKILL mid-search. Every run must get at least one stop decision, and its search must say "stopper: live".
 *
 * <p>Before the fix, a run right after a kill got none: the killed process's stopper stayed a member of the consumer
 * group (persisted by the broker), and the new stopper waited for it through a rebalance until its 45 s session timed
 * out, longer than the whole search.
 */
@Slow
class PersistedRunsTest {
    static final int RUNS = 20;
    static final Set<Integer> AFTER_A_KILL = Set.of(1, 6, 11, 16);

    @Test
    void twentyRunsOnOneDataDirectoryEachGetDecisions(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("quickstart");
        Path logs = Path.of("target", "reliability", "logs", "persisted-runs");
        ObjectNode spec = Fault.spec("persisted", "rea", 16, 4, 4, 60, "median", "nasflow");
        Path specFile = dir.resolve("persisted.json");
        Files.writeString(specFile, Fault.JSON.writeValueAsString(spec));
        List<String> rows = new ArrayList<>();
        Map<Integer, Integer> decisionsPerRun = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (int run = 0; run < RUNS; run++) {
            if (AFTER_A_KILL.contains(run)) {
                NasflowProcess victim = NasflowProcess.start("killed-quickstart", logs, List.of("quickstart",
                        "--table", "--spec", specFile.toString(), "--work-dir", work.toString(), "--verbose"));
                try {
                    // killed mid-search, once its stopper is consuming and has configured the search (that log line
                    // reaches the terminal with --verbose; by default library and service logs go to a file)
                    victim.awaitLog("uses rule median", Duration.ofSeconds(120));
                    Fault.sleep(1500);
                } finally {
                    victim.kill();
                }
                victim.exitCode(Duration.ofSeconds(30));
            }
            long r0 = System.nanoTime();
            try (DevStack stack = DevStack.builder(work).workerSlots(4)
                    .trainers(List.of(new TableCandidateTrainer())).start()) {
                String id = "persisted-" + run + "-" + Long.toString(System.currentTimeMillis(), 36);
                Fault.start(stack.client(), "nasflow", id, spec);
                SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(2));
                List<StopDecision> decisions = Fault.stopDecisions(stack.kafka(), id);
                StopperInfo stopper = r.status().stopper();
                String row = String.format(java.util.Locale.ROOT, "run %2d%s: %d decision(s) on the topic, stopper %s, %.1f s",
                        run, AFTER_A_KILL.contains(run) ? " (after SIGKILL)" : "", decisions.size(),
                        stopper == null ? "NOT ATTACHED" : stopper.describe(), (System.nanoTime() - r0) / 1e9);
                System.out.println("PERSISTED " + row);
                rows.add(row);
                decisionsPerRun.put(run, decisions.size());
                assertEquals("COMPLETED", r.status().phase(), row);
                assertNotNull(stopper, "no stopper attached: " + row);
                assertEquals("median", stopper.rule());
                assertTrue(decisions.size() >= 1, "silently idle stopper: " + row);
                assertTrue(stopper.decisions() >= 1, "decisions recorded by the search: " + row);
            }
        }
        Map<String, Object> fig = new LinkedHashMap<>();
        fig.put("test", "PersistedRunsTest.twentyRunsOnOneDataDirectoryEachGetDecisions");
        fig.put("runs", RUNS);
        fig.put("afterSigkill", AFTER_A_KILL.size());
        fig.put("decisionsPerRun", decisionsPerRun.values());
        fig.put("runsWithoutDecisions", decisionsPerRun.values().stream().filter(n -> n == 0).count());
        fig.put("seconds", Fault.round1((System.nanoTime() - t0) / 1e9));
        Fault.figures("persisted-runs", fig);
    }
}
