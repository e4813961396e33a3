package dev.nasflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every user error at the CLI ends with one or two plain lines (the problem, then "fix: ..."), its documented exit
 * code ({@link ExitCodes}, README "Exit codes") and no stack trace unless --verbose. Against the embedded stack (an
 * in-process Temporal server reachable over gRPC, a table-trainer worker); the no-worker case needs DescribeTaskQueue,
 * which only the real server implements: {@code TemporalCliSurfaceTest} checks it there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliErrorsTest {
    Path dir;
    DevStack stack;
    String address;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "cli-errors");
        stack = DevStack.builder(dir).workerSlots(4).trainers(List.of(new TableCandidateTrainer()))
                .stopper(false).surrogate(false).start();
        address = stack.temporal().address();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static void assertPlain(CliRun r, int exit, String... phrases) {
        assertEquals(exit, r.exit(), r.toString());
        for (String p : phrases) {
            assertTrue((r.out() + r.err()).contains(p), "'" + p + "' missing in\n" + r);
        }
        assertTrue(r.noStackTrace(), "stack trace in\n" + r);
    }

    @Test
    void unknownSearchId() {
        CliRun r = CliRun.of("search", "status", "nosuch", "--temporal", address);
        assertPlain(r, ExitCodes.NOT_FOUND, "nasflow search status: no search 'nosuch' on the Temporal server at "
                + address, "fix: check the id");
        assertTrue(r.ownErr().lines().count() <= 2, r.toString());
        CliRun signal = CliRun.of("search", "pause", "nosuch", "--temporal", address);
        assertPlain(signal, ExitCodes.NOT_FOUND, "no search 'nosuch'");
    }

    @Test
    void verboseShowsTheStackTrace() {
        CliRun r = CliRun.of("search", "status", "nosuch", "--temporal", address, "--verbose");
        assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
        assertTrue(r.err().contains("no search 'nosuch'"), r.toString());
        assertTrue(r.err().contains("\tat ") && r.err().contains("WorkflowNotFoundException"), r.toString());
    }

    @Test
    void duplicateIdBudgetAndRejectedUpdates() throws Exception {
        String id = "cli-dup-" + System.nanoTime();
        CliRun first = CliRun.of("search", "start", "workflows/quickstart.json", "--id", id, "--temporal", address);
        assertEquals(0, first.exit(), first.toString());
        try {
            CliRun again = CliRun.of("search", "start", "workflows/quickstart.json", "--id", id,
                    "--temporal", address);
            assertPlain(again, ExitCodes.ALREADY_EXISTS, "a search with id '" + id + "' already exists",
                    "fix: give another --id");

            CliRun budget = CliRun.of("search", "budget", id, "--evaluations", "40", "--max-concurrent", "3",
                    "--temporal", address, "--json");
            assertEquals(0, budget.exit(), budget.toString());
            ObjectNode b = (ObjectNode) TemporalClients.objectMapper().readTree(budget.out());
            assertEquals(40, b.get("evaluations").asInt(), budget.toString());
            assertEquals(3, b.get("maxConcurrent").asInt(), budget.toString());

            CliRun badBudget = CliRun.of("search", "budget", id, "--evaluations", "0", "--temporal", address);
            assertPlain(badBudget, ExitCodes.REJECTED, "rejected the setBudget update",
                    "budget.evaluations: must be > 0, got 0");

            CliRun noChange = CliRun.of("search", "budget", id, "--temporal", address);
            assertPlain(noChange, ExitCodes.USAGE, "nothing to change");

            CliRun badStop = CliRun.of("search", "stop-candidate", id, "no-such-candidate", "--temporal", address);
            assertPlain(badStop, ExitCodes.REJECTED, "rejected the stopCandidate update", "no-such-candidate");
        } finally {
            stack.client().newUntypedWorkflowStub(id).terminate("test done");
        }
    }

    @Test
    void unreachableTemporalServer() {
        CliRun r = CliRun.of("search", "status", "x", "--temporal", "127.0.0.1:1");
        assertPlain(r, ExitCodes.UNREACHABLE, "cannot reach the Temporal server at 127.0.0.1:1",
                "fix: start one");
    }

    @Test
    void unreachableKafkaBroker() {
        CliRun r = CliRun.of("tail", "epoch-metrics", "--kafka", "127.0.0.1:1", "--timeout", "2s");
        assertPlain(r, ExitCodes.UNREACHABLE, "cannot reach the Kafka broker at 127.0.0.1:1",
                "fix: check that the broker runs");
    }

    /**
     * quickstart / dev with an unreachable --kafka fail after the admin client's 60 s timeout (measured by hand: exit 6
     * after 61 s); the mapping of that timeout is checked here without the wait.
     */
    @Test
    void aKafkaTimeoutFromTheStackIsUnreachable() {
        CommandLine cl = Main.commandLine();
        cl.parseArgs("quickstart", "--kafka", "127.0.0.1:1");
        CommandLine quickstart = cl.getSubcommands().get("quickstart");
        CliErrors.Verdict v = CliErrors.classify(new IllegalStateException("broker", new org.apache.kafka.common
                .errors.TimeoutException("Timed out waiting for a node assignment. Call: listTopics")), quickstart);
        assertEquals(ExitCodes.UNREACHABLE, v.exitCode(), v.toString());
        assertTrue(v.problem().startsWith("cannot reach the Kafka broker at 127.0.0.1:1"), v.problem());
        assertTrue(v.fix().contains("--kafka HOST:PORT"), v.fix());
    }

    /** A training that cannot run (data missing or corrupt), thrown by a command that trains in its own process. */
    @Test
    void aTrainingThatCannotRunSaysWhyWithItsFix() {
        CommandLine cl = Main.commandLine();
        CliErrors.Verdict v = CliErrors.classify(new RuntimeException("wrapped", new dev.nasflow.activity
                .NonRetryableTrainingException("labels file is truncated (fix: download the data set again)")), cl);
        assertEquals(ExitCodes.FAILED, v.exitCode(), v.toString());
        assertEquals("training cannot run: labels file is truncated", v.problem());
        assertEquals("download the data set again", v.fix());
        v = CliErrors.classify(new dev.nasflow.activity.NonRetryableTrainingException("a kernel of 7 on 4 pixels"),
                cl);
        assertEquals("training cannot run: a kernel of 7 on 4 pixels", v.problem());
        assertTrue(v.fix().contains("data and trainer sections"), v.fix());
    }

    @Test
    void aSpecTheCommandCannotRun() {
        CliRun q = CliRun.of("quickstart", "--spec", "workflows/darts-fmnist-small.json");
        assertPlain(q, ExitCodes.USAGE, "one-shot (darts) spec", "fix: run it with 'nasflow supernet start "
                + "workflows/darts-fmnist-small.json'");
        CliRun s = CliRun.of("search", "start", "workflows/darts-fmnist-small.json", "--temporal", address);
        assertPlain(s, ExitCodes.USAGE, "fix: run it with 'nasflow supernet start");
        CliRun n = CliRun.of("supernet", "start", "workflows/nb201-rea.json");
        assertPlain(n, ExitCodes.USAGE, "is not a one-shot method", "nasflow search start");
        CliRun t = CliRun.of("retrain", "--spec", "workflows/quickstart.json", "--arch", "x");
        assertPlain(t, ExitCodes.USAGE, "retraining needs the djl trainer");
    }

    @Test
    void usageErrorsAreShort() {
        CliRun r = CliRun.of("search", "status", "--temporal", address);
        assertPlain(r, ExitCodes.USAGE, "Missing required parameter", "fix: see 'nasflow search status --help'");
        assertTrue(r.ownErr().lines().count() <= 2, r.toString());
        CliRun noServer = CliRun.of("search", "status", "x");
        assumeTrue(System.getenv("TEMPORAL_ADDRESS") == null);
        assertPlain(noServer, ExitCodes.USAGE, "no Temporal server given");
    }

    @Test
    void theStackTraceCheckSeesATraceButNotABackgroundLogRecord() {
        assertFalse(new CliRun(1, "", "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n").noStackTrace());
        assertFalse(new CliRun(1, "", "nasflow x: y\nio.temporal.client.WorkflowNotFoundException\n").noStackTrace());
        assertTrue(new CliRun(4, "", "12:00:00.000 [worker] WARN x - failed\nio.grpc.StatusRuntimeException: NOT_FOUND"
                + "\n\tat a.B.c(B.java:1)\nnasflow search status: no search 'x'\n  fix: check\n").noStackTrace());
    }

    /**
     * The in-process test server (what `nasflow dev` runs) cannot list pollers: there the check is whether a worker
     * picked up the search's first workflow task. TemporalCliSurfaceTest checks the pollers on the real dev server.
     */
    @Test
    void noWorkerOnTheTaskQueue() throws Exception {
        assertEquals(-1, TaskQueues.pollers(stack.client(), "nasflow"), "the in-process server lists no pollers");
        SearchStartChecks.noWorker(address, dir, stack.client());
    }
}
