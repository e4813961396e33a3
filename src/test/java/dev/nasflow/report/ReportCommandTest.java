package dev.nasflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.cli.Main;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TestBackends;
import dev.nasflow.testing.Slow;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow report} against a real search on {@link TestBackends} (containers with Docker, the embedded stack
 * otherwise): the result comes from Temporal, the learning curves from Kafka; the saved JSON makes the same report
 * offline.
 */
@Slow
class ReportCommandTest {
    static final String SPEC = """
            {
              "name": "report-live",
              "seed": 5,
              "space": {"type": "nb201"},
              "strategy": {"type": "rea", "params": {"population": 4, "sampleSize": 2}},
              "budget": {"evaluations": 12, "populationSize": 4, "maxConcurrent": 4},
              "objectives": [{"metric": "validAccuracy", "direction": "maximize"}],
              "fidelity": {"epochs": 8},
              "stopping": {"rule": "median", "gracePeriod": 2, "minTrials": 2},
              "trainer": {"type": "nb201", "dataset": "cifar10", "pacingMillisPerEpoch": 100},
              "taskQueue": "nasflow"
            }
            """;

    @Test
    void reportOfALiveSearchWithCurvesFromKafkaThenOfflineFromTheSavedResult(@TempDir Path tmp) throws Exception {
        try (TestBackends backends = TestBackends.start();
             DevStack stack = backends.apply(DevStack.builder(tmp.resolve("stack")))
                     .trainers(List.of(new TableCandidateTrainer())).start()) {
            String id = "report-live-" + Long.toString(System.nanoTime(), 36);
            WorkflowClient client = stack.client();
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                    .setWorkflowId(id).setTaskQueue("nasflow").build());
            WorkflowClient.start(wf::run, TemporalClients.objectMapper().readTree(SPEC), null);
            SearchResult result = client.newUntypedWorkflowStub(id).getResultAsync(SearchResult.class)
                    .get(120, TimeUnit.SECONDS);

            Path html = tmp.resolve("report.html");
            Path saved = tmp.resolve("result.json");
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err));
            int code = cl.execute("report", id, "--temporal", stack.temporal().address(), "--kafka",
                    stack.kafkaBootstrap(), "--out", html.toString(), "--save-json", saved.toString());
            assertEquals(0, code, err.toString());
            JsonNode d = HtmlReportTest.embeddedData(Files.readString(html));
            assertEquals(id, d.path("searchId").asText());
            assertEquals(result.leaderboard().size(), d.path("candidates").size());
            assertEquals(result.status().evaluations(), d.path("curves").size(), "a curve per candidate from Kafka");
            assertEquals(0, d.path("notes").size(), d.path("notes").toString());
            assertTrue(d.path("source").asText().contains("completed search"), d.path("source").asText());
            for (JsonNode c : d.path("candidates")) {
                JsonNode curve = d.path("curves").path(c.path("id").asText());
                assertEquals(c.path("epochsTrained").asInt(), curve.path("e").size(), c.toString());
            }

            Path offline = tmp.resolve("offline.html");
            assertEquals(0, Main.commandLine().execute("report", "--from-json", saved.toString(), "--out",
                    offline.toString()));
            JsonNode o = HtmlReportTest.embeddedData(Files.readString(offline));
            assertEquals(withoutFinishTimes(d.path("candidates")), o.path("candidates"), "same candidates offline");
            assertTrue(o.path("notes").get(0).asText().contains("--kafka"));
        }
    }

    private static JsonNode withoutFinishTimes(JsonNode candidates) {
        JsonNode copy = candidates.deepCopy();
        copy.forEach(c -> ((com.fasterxml.jackson.databind.node.ObjectNode) c).remove("finishedAt"));
        return copy;
    }
}
