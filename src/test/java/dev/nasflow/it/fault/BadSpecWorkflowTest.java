package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingEvents;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.embedded.EmbeddedTemporal;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.api.SearchResult;
import dev.nasflow.workflow.SearchWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 5/6, bad input through Temporal: malformed specs from the bad-spec corpus (wrong types, unknown ops,
 * contradictory constraints, oversized budgets, path traversal in data and artifact paths, class names, commands,
 * URLs) started directly as {@code SearchWorkflow} executions with the raw JSON, through the SDK and through the
 * official {@code temporal workflow start --input-file} CLI when its binary is installed. Each workflow fails fast
 * with the validator's message naming the field, and nothing trains.
 */
class BadSpecWorkflowTest {
    static final Path CORPUS = Path.of("src", "test", "resources", "bad-specs");
    static final String QUEUE = "fault-bad-specs";
    /** Valid JSON, invalid specs: one or more per kind of mistake. */
    static final List<String> SPECS = List.of("013-unknown-top-field.json", "026-seed-string.json",
            "033-unknown-op-cell.json", "046-unknown-strategy.json", "056-budget-no-limit.json",
            "057-budget-evaluations-huge.json", "066-unknown-metric.json", "072-constraint-min-above-max.json",
            "078-params-below-smallest-network.json", "083-nb201-too-many-epochs.json",
            "089-table-trainer-chain-space.json", "107-data-path-traversal.json",
            "108-artifacts-path-traversal.json", "109-data-path-url.json", "111-data-path-outside-roots.json",
            "113-recipe-traversal.json", "117-task-queue-class-name.json", "119-strategy-type-class-name.json",
            "122-task-queue-command.json", "127-task-queue-jndi.json", "128-task-queue-template.json");
    /** Started through the temporal CLI as well. */
    static final List<String> CLI_SPECS = List.of("033-unknown-op-cell.json", "107-data-path-traversal.json",
            "117-task-queue-class-name.json", "122-task-queue-command.json");

    @Test
    void badSpecsStartedAsWorkflowsFailFastNamingTheFieldAndNothingTrains() throws Exception {
        Map<String, String[]> expected = expectations();
        AtomicInteger trained = new AtomicInteger();
        TrainingObserver counting = new TrainingObserver() {
            @Override
            public void started(CandidateTask task) {
                trained.incrementAndGet();
            }
        };
        Path bin = TemporalDevServer.findBinary().orElse(null);
        List<String> failures = new ArrayList<>();
        int viaSdk = 0;
        int viaCli = 0;
        long maxMillis = 0;
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker w = factory.newWorker(QUEUE, TemporalClients.workerOptions(2));
            w.registerWorkflowImplementationTypes(SearchWorkflowImpl.class);
            w.registerActivitiesImplementations(new TrainingActivitiesImpl(List.of(new TableCandidateTrainer()),
                    TrainingEvents.NONE, counting), new SearchActivitiesImpl(new SpecValidator(), null, null));
            factory.start();
            WorkflowClient client = temporal.client();
            for (String file : SPECS) {
                String[] exp = expected.get(file);
                JsonNode spec = Fault.JSON.readTree(Files.readString(CORPUS.resolve(file)));
                String id = "bad-sdk-" + file.substring(0, 3);
                long t = System.nanoTime();
                WorkflowClient.start(client.newWorkflowStub(dev.nasflow.api.SearchWorkflow.class,
                        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build())::run, spec, null);
                check(client, id, file, exp, failures);
                maxMillis = Math.max(maxMillis, (System.nanoTime() - t) / 1_000_000);
                viaSdk++;
            }
            if (bin == null) {
                System.err.println("!".repeat(100) + "\n!!! BadSpecWorkflowTest: no `temporal` binary, CLI path "
                        + "skipped; run `bash ops/scripts/setup-python.sh`\n" + "!".repeat(100));
            } else {
                for (String file : CLI_SPECS) {
                    String id = "bad-cli-" + file.substring(0, 3);
                    String out = cli(bin, temporal, "workflow", "start", "--task-queue", QUEUE, "--type",
                            "SearchWorkflow", "--workflow-id", id, "--input-file",
                            CORPUS.resolve(file).toAbsolutePath().toString());
                    assertTrue(out.contains(id) || out.toLowerCase().contains("running"), out);
                    check(client, id, file, expected.get(file), failures);
                    viaCli++;
                }
            }
        }
        Fault.figures("bad-spec-workflows", Fault.map(
                "test", "BadSpecWorkflowTest.badSpecsStartedAsWorkflowsFailFastNamingTheFieldAndNothingTrains",
                "injected", viaSdk + " malformed specs started as SearchWorkflow through the SDK, " + viaCli
                        + " through `temporal workflow start --input-file`",
                "loaded", viaSdk + viaCli,
                "rejected", viaSdk + viaCli - failures.size(),
                "trained", trained.get(),
                "lost", 0,
                "duplicated", 0,
                "slowestRejectionMillis", maxMillis));
        assertEquals(List.of(), failures);
        assertEquals(0, trained.get(), "nothing trains");
    }

    private static void check(WorkflowClient client, String id, String file, String[] exp, List<String> failures) {
        try {
            client.newUntypedWorkflowStub(id).getResult(30, TimeUnit.SECONDS, SearchResult.class);
            failures.add(file + ": the workflow did not fail");
        } catch (WorkflowFailedException e) {
            if (!(e.getCause() instanceof ApplicationFailure af) || !"InvalidSearchSpec".equals(af.getType())) {
                failures.add(file + ": failed with " + e.getCause());
                return;
            }
            String msg = af.getOriginalMessage();
            if (!msg.contains(exp[0]) || !msg.contains(exp[1])) {
                failures.add(file + ": message lacks '" + exp[0] + "' / '" + exp[1] + "': " + msg);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            failures.add(file + ": no answer in 30 s");
        }
    }

    /** file → {JSON pointer, message fragment} from the corpus's expected.tsv. */
    static Map<String, String[]> expectations() throws IOException {
        Map<String, String[]> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS.resolve("expected.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            m.put(f[0], new String[]{f[1], f[2]});
        }
        return m;
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
