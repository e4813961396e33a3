package dev.nasflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.embedded.TemporalClients;
import io.temporal.client.WorkflowClient;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The no-worker case of {@code search start --wait}: a spec on a task queue nobody polls ends in 10 s, exit 7. */
public final class NoWorker {
    private NoWorker() {
    }

    public static void check(String address, Path dir, WorkflowClient client) throws Exception {
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
