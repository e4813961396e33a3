package dev.nasflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.api.SearchResult;
import dev.nasflow.workflow.SearchState;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One timed search for the orchestration benchmarks ({@code nasflow bench overhead}, {@code nasflow bench scaling}):
 * a spec that does (almost) no training work, and a run of it through a real {@link SearchWorkflow} on a Temporal
 * client, from the start request to the workflow's result.
 *
 * <p>The "no-op" trainer is the NAS-Bench-201 table trainer ({@code trainer.type nb201}) at 1 epoch with pacing 0:
 * one table lookup per candidate, so what is measured is the orchestration (workflow tasks, activity round trips,
 * Kafka acknowledgements, search events), not training.
 */
public final class SearchRun {
    private SearchRun() {
    }

    /**
     * A no-work search spec: random search on the NB201 space, {@code evaluations} candidates proposed
     * {@code population} per generation, at most {@code maxConcurrent} at a time, {@code epochs} table epochs each
     * paced {@code pacingMillis} ms of real time, no early stopping.
     */
    public static ObjectNode spec(String name, int evaluations, int population, int maxConcurrent, int epochs,
                                  int pacingMillis, long seed, String taskQueue) {
        if (evaluations < 1 || population < 1 || maxConcurrent < 1 || epochs < 1 || pacingMillis < 0) {
            throw new IllegalArgumentException("evaluations, population, maxConcurrent and epochs must be >= 1 and "
                    + "pacing >= 0; got " + evaluations + ", " + population + ", " + maxConcurrent + ", " + epochs
                    + ", " + pacingMillis);
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode s = f.objectNode();
        s.put("name", name);
        s.put("seed", seed);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "random");
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", evaluations);
        b.put("populationSize", population);
        b.put("maxConcurrent", maxConcurrent);
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", epochs);
        s.putObject("stopping").put("rule", "none");
        ObjectNode t = s.putObject("trainer");
        t.put("type", "nb201");
        t.put("dataset", "cifar10");
        t.put("pacingMillisPerEpoch", pacingMillis);
        s.put("taskQueue", taskQueue);
        return s;
    }

    /**
     * What one search cost.
     *
     * @param candidates     candidates evaluated (the workflow's final count)
     * @param generations    generations run
     * @param wallSeconds    start request to result
     * @param historyLength  events in the last run's history (after the last continue-as-new)
     * @param continuedAsNew how many times the search continued as new
     * @param cpuSeconds     CPU time this JVM (and the processes named at the run) used meanwhile, all threads; NaN
     *                       when not measured. Unlike wall time it barely moves when other work shares the machine.
     */
    public record Measurement(int candidates, int generations, double wallSeconds, long historyLength,
                              int continuedAsNew, double cpuSeconds) {
        public Measurement(int candidates, int generations, double wallSeconds, long historyLength,
                           int continuedAsNew) {
            this(candidates, generations, wallSeconds, historyLength, continuedAsNew, Double.NaN);
        }

        public double candidatesPerSecond() {
            return wallSeconds <= 0 ? Double.NaN : candidates / wallSeconds;
        }

        public double secondsPerCandidate() {
            return candidates == 0 ? Double.NaN : wallSeconds / candidates;
        }

        public double secondsPerGeneration() {
            return generations == 0 ? Double.NaN : wallSeconds / generations;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("candidates", candidates);
            m.put("generations", generations);
            m.put("wallSeconds", Stats.round(wallSeconds, 4));
            m.put("candidatesPerSecond", Stats.round(candidatesPerSecond(), 2));
            m.put("msPerCandidate", Stats.round(secondsPerCandidate() * 1000, 3));
            if (!Double.isNaN(cpuSeconds)) {
                m.put("cpuSeconds", Stats.round(cpuSeconds, 3));
                m.put("cpuMsPerCandidate", Stats.round(cpuSeconds * 1000 / candidates, 3));
            }
            m.put("historyLength", historyLength);
            m.put("continuedAsNew", continuedAsNew);
            return m;
        }
    }

    /** Starts the search {@code spec} as workflow {@code workflowId} and waits (at most {@code timeoutSeconds}). */
    public static Measurement run(WorkflowClient client, ObjectNode spec, String workflowId, long timeoutSeconds)
            throws Exception {
        return run(client, spec, workflowId, timeoutSeconds, null);
    }

    /**
     * As {@link #run(WorkflowClient, ObjectNode, String, long)}, starting with {@code state} (e.g. a history limit),
     * counting the CPU time of this JVM and of the processes {@code cpuPids}.
     */
    public static Measurement run(WorkflowClient client, ObjectNode spec, String workflowId, long timeoutSeconds,
                                  SearchState state, long... cpuPids) throws Exception {
        String queue = spec.path("taskQueue").asText("nasflow");
        SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId).setTaskQueue(queue).build());
        long cpu0 = cpuNanos(cpuPids);
        long t0 = System.nanoTime();
        WorkflowClient.start(wf::run, spec, SearchState.json(state));
        WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
        SearchResult result = stub.getResultAsync(SearchResult.class).get(timeoutSeconds, TimeUnit.SECONDS);
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu1 = cpuNanos(cpuPids);
        double cpu = cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9;
        SearchStatus st = result.status();
        return new Measurement(st.evaluations(), st.generation() + 1, wall, st.historyLength(), st.continuedAsNew(),
                cpu);
    }

    /** CPU time of this JVM plus the given processes (nanoseconds), or -1 when the platform does not tell. */
    public static long cpuNanos(long... pids) {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
            return -1;
        }
        long total = sun.getProcessCpuTime();
        if (total < 0) {
            return -1;
        }
        for (long pid : pids) {
            Optional<Duration> d = ProcessHandle.of(pid).flatMap(ph -> ph.info().totalCpuDuration());
            if (d.isEmpty()) {
                return -1;
            }
            total += d.get().toNanos();
        }
        return total;
    }

    /** CPU time of process {@code pid} so far (nanoseconds), or -1 when the platform does not tell. */
    public static long processCpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(ph -> ph.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    /** The input of a run: its size and how many candidate results the carried {@link SearchState} holds. */
    public record StartInput(long bytes, int carriedResults) {
    }

    /**
     * The input of the latest run of {@code workflowId} (after continue-as-new: spec + the carried
     * {@link SearchState}), from its first history event, and the number of results it carries (compact
     * {@code results} or, from earlier versions, {@code generations} records).
     */
    public static StartInput startInput(WorkflowClient client, String workflowId) throws java.io.IOException {
        HistoryEvent first = client.fetchHistory(workflowId).getHistory().getEvents(0);
        var input = first.getWorkflowExecutionStartedEventAttributes().getInput();
        int results = 0;
        if (input.getPayloadsCount() > 1) {
            JsonNode state = new ObjectMapper().readTree(input.getPayloads(1).getData().toByteArray());
            for (JsonNode g : state.path("generations")) {
                results += g.path("results").size();
            }
            results += state.path("results").path("results").asInt(0);
        }
        return new StartInput(input.getSerializedSize(), results);
    }
}
