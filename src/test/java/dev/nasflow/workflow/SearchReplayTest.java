package dev.nasflow.workflow;

import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.api.SearchResult;
import dev.nasflow.model.StopRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingEvents;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.embedded.EmbeddedTemporal;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Determinism guard: replays the recorded history of a completed search ({@code src/test/resources/histories/
 * search-nb201-rea.json}: workflows/nb201-rea.json cut to 3 generations of 4, one candidate stopped through the
 * {@code stopCandidate} update) against the current {@link SearchWorkflowImpl}. A change to the workflow that would
 * break running searches (different commands or order on replay) fails here.
 *
 * <p>When such a change is intended (and running searches are drained or versioned with {@code Workflow.getVersion}),
 * re-record the history with
 * <pre>mvn -o test -Dtest=SearchReplayTest -Dnasflow.recordHistory=true</pre>
 * and commit the new file (the first run still replays the old copy in target/test-classes; run once more). It is
 * recorded on the real dev server ({@code temporal server start-dev}, from {@code bash ops/scripts/setup-python.sh}):
 * the in-process Java test server writes update histories that the SDK's replayer rejects (an update whose handler
 * cancels an activity replays as a mismatch of event ACTIVITY_TASK_CANCEL_REQUESTED against a protocol message), so
 * a history recorded there would not guard anything.
 */
class SearchReplayTest {
    static final String RESOURCE = "/histories/search-nb201-rea.json";
    static final String ID = "search-nb201-rea";
    static final ObjectMapper JSON = TemporalClients.objectMapper();

    @Test
    void replaysTheRecordedSearch() throws Exception {
        String json = resource();
        assertTrue(json.contains("\"WORKFLOW_EXECUTION_COMPLETED\"") || json.contains("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"),
                "the recorded search completed");
        assertTrue(json.contains("stopCandidate"), "the recording exercises the stopCandidate update");
        WorkflowReplayer.replayWorkflowExecution(json, SearchWorkflowImpl.class);
    }

    static String resource() throws IOException {
        try (InputStream in = SearchReplayTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is missing: record it (see the class comment)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Re-records the history (only with {@code -Dnasflow.recordHistory=true}). */
    @Test
    @EnabledIfSystemProperty(named = "nasflow.recordHistory", matches = "true")
    void recordHistory() throws Exception {
        ObjectNode spec = (ObjectNode) JSON.readTree(Path.of("workflows/nb201-rea.json").toFile());
        ObjectNode budget = spec.putObject("budget");
        budget.put("evaluations", 12);
        budget.put("populationSize", 4);
        budget.put("maxConcurrent", 4);
        ((ObjectNode) spec.get("trainer")).put("pacingMillisPerEpoch", 60);
        Path binary = TemporalDevServer.findBinary().orElseThrow(() -> new IllegalStateException(
                "recording needs the real dev server: run bash ops/scripts/setup-python.sh"));
        Path work = Files.createTempDirectory("nasflow-record");
        try (TemporalDevServer dev = TemporalDevServer.builder().binary(binary).workDir(work)
                .dbFile(work.resolve("temporal.db")).start();
             EmbeddedTemporal temporal = EmbeddedTemporal.start(dev.settings())) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker w = factory.newWorker("nasflow", TemporalClients.workerOptions(4));
            w.registerWorkflowImplementationTypes(SearchWorkflowImpl.class);
            w.registerActivitiesImplementations(
                    new TrainingActivitiesImpl(List.of(new TableCandidateTrainer()), TrainingEvents.NONE,
                            TrainingObserver.NONE),
                    new SearchActivitiesImpl(new SpecValidator(), null, null));
            factory.start();
            WorkflowClient client = temporal.client();
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                    .setWorkflowId(ID).setTaskQueue("nasflow").build());
            WorkflowClient.start(wf::run, spec, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> wf.status().running().size() == 4);
            assertEquals("stopping", wf.stopCandidate(new StopRequest(ID + "-g0-c1", "recorded stop", "manual", 1,
                    Map.of())));
            SearchResult r = client.newUntypedWorkflowStub(ID).getResult(60, TimeUnit.SECONDS, SearchResult.class);
            assertEquals(12, r.status().evaluations());
            assertEquals(Outcome.STOPPED_EARLY, r.leaderboard().stream()
                    .filter(c -> c.candidateId().equals(ID + "-g0-c1")).findFirst().orElseThrow().outcome());
            String history = client.fetchHistory(ID).toJson(true);
            Path out = Path.of("src/test/resources" + RESOURCE);
            Files.createDirectories(out.getParent());
            Files.writeString(out, history + "\n");
            System.out.println("recorded " + out.toAbsolutePath() + " (" + history.length() + " chars)");
        }
    }
}
