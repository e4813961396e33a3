package dev.nasflow.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.embedded.TestFlows.EchoWorkflowImpl;
import dev.nasflow.embedded.TestFlows.JobResult;
import dev.nasflow.embedded.TestFlows.StepActivitiesImpl;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The official {@code temporal} CLI, another process, reaches the in-process server at its advertised address. */
class EmbeddedTemporalCliTest {
    @Test
    void temporalCliStartsAndDescribesAWorkflowOnTheInProcessServer() throws Exception {
        Path bin = TemporalDevServer.findBinary().orElse(null);
        if (bin == null) {
            System.err.println("!".repeat(100) + "\n!!! SKIPPING EmbeddedTemporalCliTest: no `temporal` binary; run "
                    + "`bash ops/scripts/setup-python.sh`\n" + "!".repeat(100));
        }
        assumeTrue(bin != null, "no temporal binary: run bash ops/scripts/setup-python.sh");
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-embedded-cli", 2);
            worker.registerWorkflowImplementationTypes(EchoWorkflowImpl.class);
            worker.registerActivitiesImplementations(new StepActivitiesImpl());
            factory.start();

            cli(bin, temporal, "workflow", "start", "--task-queue", "tq-embedded-cli", "--type", "EchoWorkflow",
                    "--workflow-id", "embedded-cli-1", "--input",
                    "{\"name\":\"cli\",\"steps\":1,\"genome\":{\"space\":\"nb201\",\"choices\":[0,0,0,0,0,0]},"
                            + "\"metrics\":{},\"xs\":[2]}");
            JobResult r = temporal.client().newUntypedWorkflowStub("embedded-cli-1")
                    .getResult(30, TimeUnit.SECONDS, JobResult.class);
            assertEquals("cli", r.name());
            JsonNode d = new ObjectMapper().readTree(cli(bin, temporal, "workflow", "describe", "--workflow-id",
                    "embedded-cli-1", "-o", "json"));
            assertEquals("WORKFLOW_EXECUTION_STATUS_COMPLETED", d.at("/workflowExecutionInfo/status").asText(),
                    d.toString());
        }
    }

    private static String cli(Path bin, EmbeddedTemporal t, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--address", t.address(), "--namespace", t.namespace()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "temporal CLI hung");
        assertEquals(0, p.exitValue(), "temporal " + String.join(" ", args) + ":\n" + out);
        return out;
    }
}
