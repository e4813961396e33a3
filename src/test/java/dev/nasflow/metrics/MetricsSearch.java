package dev.nasflow.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TestBackends;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real nasflow search for the observability tests: a stack on {@link TestBackends} serving Prometheus metrics on a
 * free port (Temporal metrics and consumer lag every second), and a small paced NAS-Bench-201 search with median
 * stopping and surrogate retrains, so that every meter gets data within seconds.
 */
final class MetricsSearch {
    /**
     * 30 candidates of 8 epochs paced 250 ms (slow enough that stop decisions land while candidates still train), 6 at
     * a time; the median rule stops several of them. Enough finish for the surrogate's held-back quality (Kendall tau,
     * RMSE: candidates predicted when they started and finished later, at least 2): with 18 the median rule once
     * stopped 13, only 5 finished and the quality gauges stayed NaN.
     */
    static final String SPEC = """
            {
              "name": "obs-test",
              "seed": 3,
              "space": {"type": "nb201"},
              "strategy": {"type": "rea", "params": {"population": 6, "sampleSize": 3}},
              "budget": {"evaluations": 30, "populationSize": 6, "maxConcurrent": 6},
              "objectives": [{"metric": "validAccuracy", "direction": "maximize"}],
              "fidelity": {"epochs": 8},
              "stopping": {"rule": "median", "gracePeriod": 2, "minTrials": 3, "metric": "validAccuracy"},
              "trainer": {"type": "nb201", "dataset": "cifar10", "pacingMillisPerEpoch": 250},
              "taskQueue": "nasflow"
            }
            """;

    /** Two unpaced candidates: a search that ends within a second or two. */
    static final String WARM_UP = """
            {
              "name": "obs-warm-up",
              "seed": 1,
              "space": {"type": "nb201"},
              "strategy": {"type": "random"},
              "budget": {"evaluations": 2, "populationSize": 2, "maxConcurrent": 2},
              "objectives": [{"metric": "validAccuracy", "direction": "maximize"}],
              "fidelity": {"epochs": 2},
              "trainer": {"type": "nb201", "dataset": "cifar10"},
              "taskQueue": "nasflow"
            }
            """;

    private MetricsSearch() {
    }

    static DevStack start(TestBackends backends, Path dir) {
        return backends.apply(DevStack.builder(dir))
                .trainers(List.of(new TableCandidateTrainer()))
                .surrogateRetrainEvery(3)
                .serveMetrics("127.0.0.1", 0, "dev")
                .metricsInterval(Duration.ofSeconds(1))
                .start();
    }

    /** Runs {@link #SPEC} to the end and returns its result. */
    static SearchResult run(DevStack stack, String searchId) throws Exception {
        return run(stack, searchId, SPEC);
    }

    /** Runs a search to the end and returns its result. */
    static SearchResult run(DevStack stack, String searchId, String spec) throws Exception {
        JsonNode raw = TemporalClients.objectMapper().readTree(spec);
        WorkflowClient client = stack.client();
        SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(searchId).setTaskQueue("nasflow").build());
        WorkflowClient.start(wf::run, raw, null);
        CompletableFuture<SearchResult> done = client.newUntypedWorkflowStub(searchId)
                .getResultAsync(SearchResult.class);
        return done.get(120, TimeUnit.SECONDS);
    }
}
