package dev.nasflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.embedded.TemporalClients;
import io.temporal.client.WorkflowClient;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nasflow search start --wait}: with a worker, and with none on the queue (any server). */
public final class SearchStartChecks {
    private SearchStartChecks() {
    }

    /** With a worker on the queue: the search runs to the end behind a progress bar, then its leaderboard; exit 0. */
    public static void waitsWithAProgressBar(String address, Path dir) throws Exception {
        ObjectNode spec = (ObjectNode) TemporalClients.objectMapper().readTree(Path.of("workflows/quickstart.json")
                .toFile());
        ((ObjectNode) spec.get("budget")).put("evaluations", 8);
        ((ObjectNode) spec.get("trainer")).put("pacingMillisPerEpoch", 50);
        Path file = dir.resolve("wait.json");
        Files.writeString(file, spec.toString());
        String id = "cli-wait-" + System.nanoTime();
        CliRun r = CliRun.of("search", "start", file.toString(), "--id", id, "--wait", "--temporal", address);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith(id + "\n"), r.toString());
        assertTrue(r.out().contains("COMPLETED") && r.out().contains("8 evaluated"), r.toString());
        assertTrue(r.out().contains("rank candidate"), r.toString());
        assertTrue(r.err().contains("] 8/8 evaluated"), "no progress bar: " + r);
        assertTrue(r.noStackTrace(), r.toString());
    }

    /** With no worker on the queue: ends after 10 s with exit 7, naming the queue and the command that serves it. */
    public static void noWorker(String address, Path dir, WorkflowClient client) throws Exception {
        ObjectNode spec = (ObjectNode) TemporalClients.objectMapper().readTree(Path.of("workflows/quickstart.json")
                .toFile());
        spec.put("taskQueue", "nobody-polls-this");
        Path file = dir.resolve("no-worker.json");
        Files.writeString(file, spec.toString());
        String id = "cli-no-worker-" + System.nanoTime();
        long t0 = System.nanoTime();
        CliRun r = CliRun.of("search", "start", file.toString(), "--id", id, "--wait", "--temporal", address);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        try {
            assertEquals(ExitCodes.NO_WORKER, r.exit(), r.toString());
            assertTrue(r.err().contains("no worker polls task queue 'nobody-polls-this'"), r.toString());
            assertTrue(r.err().contains("fix: start one: 'nasflow worker --task-queue nobody-polls-this --temporal "
                            + address + "'"),
                    r.toString());
            assertTrue(r.noStackTrace(), r.toString());
            assertTrue(ms < 30_000, "took " + ms + " ms");
        } finally {
            client.newUntypedWorkflowStub(id).terminate("test done");
        }
    }
}
