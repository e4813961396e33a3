package dev.nasflow.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.workflow.SearchState;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One search with many candidates in flight at once, sharded over child workflows ({@code budget.shardSize}), served
 * by several {@code nasflow worker --in-process} processes: wall time, CPU per candidate (this JVM, the workers and
 * the Temporal dev server), the history length of every execution (each run of the search and each shard), and every
 * result counted once. Optionally SIGKILLs one worker once a number of results are in (a fresh one replaces it).
 */
public final class FanoutBench {
    /**
     * @param candidates     evaluations of the search
     * @param maxConcurrent  candidates in flight at once ({@code budget.maxConcurrent})
     * @param shardSize      {@code budget.shardSize}
     * @param workers        worker processes
     * @param slots          activity slots per worker process
     * @param epochs         table epochs per candidate
     * @param pacingMs       real milliseconds per epoch
     * @param rule           stopping rule ({@code none}, {@code median}, ...); a stopper runs in this JVM unless none
     * @param historyLimit   continue-as-new above this many events (0 = the workflow's default)
     * @param killAfter      SIGKILL one worker once this many results are in (0 = never)
     * @param server         {@code dev} (the real Temporal dev server, started here) or {@code in-process}
     */
    public record Config(int candidates, int maxConcurrent, int shardSize, int workers, int slots, int epochs,
                         int pacingMs, String rule, long historyLimit, int killAfter, String server, Path workDir,
                         String javaCommand, String classPath, Duration timeout) {
        public Config {
            if (candidates < 1 || maxConcurrent < 1 || workers < 1 || slots < 1 || epochs < 1 || pacingMs < 0) {
                throw new IllegalArgumentException("--candidates, --max-concurrent, --workers, --slots and --epochs "
                        + "must be >= 1 and --pacing-ms >= 0");
            }
            if (!server.equals("dev") && !server.equals("in-process")) {
                throw new IllegalArgumentException("--server must be dev or in-process, got '" + server + "'");
            }
            if (killAfter > 0 && server.equals("in-process")) {
                throw new IllegalArgumentException("--kill-after needs --server dev: the in-process test server has "
                        + "no sticky-queue timeout, so a workflow cached on a killed worker would wait for it forever");
            }
        }
    }

    private final Config config;
    private final Consumer<String> progress;

    public FanoutBench(Config config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
    }

    public Map<String, Object> run() throws Exception {
        Path dir = config.workDir();
        Files.createDirectories(dir);
        TemporalDevServer dev = null;
        List<Process> procs = new ArrayList<>();
        double killedCpu = 0;
        try {
            TemporalSettings temporal = TemporalSettings.embedded();
            if (config.server().equals("dev")) {
                Path bin = TemporalDevServer.findBinary().orElseThrow(() -> new IllegalStateException(
                        "no temporal binary for --server dev (fix: bash ops/scripts/setup-python.sh)"));
                dev = TemporalDevServer.builder().binary(bin).workDir(dir.resolve("temporal")).start();
                temporal = dev.settings();
            }
            try (DevStack stack = DevStack.builder(dir.resolve("stack"))
                    .temporal(temporal)
                    .workerSlots(0)
                    .stopper(!"none".equals(config.rule()))
                    .surrogate(false)
                    .start()) {
                String address = config.server().equals("dev") ? dev.address() : stack.temporal().address();
                for (int i = 0; i < config.workers(); i++) {
                    procs.add(startWorker(dir, i, address, stack.kafkaBootstrap()));
                }
                WorkflowClient client = stack.client();
                String id = "fanout-" + Long.toString(System.currentTimeMillis(), 36);
                ObjectNode spec = SearchRun.spec(id, config.candidates(), Math.min(10_000, config.maxConcurrent()),
                        config.maxConcurrent(), config.epochs(), config.pacingMs(), 1, "nasflow");
                ((ObjectNode) spec.get("budget")).put("shardSize", config.shardSize());
                ObjectNode stopping = (ObjectNode) spec.get("stopping");
                stopping.put("rule", config.rule());
                if (!"none".equals(config.rule())) {
                    stopping.put("gracePeriod", 1);
                }
                long cpu0 = SearchRun.cpuNanos(pids(procs, dev));
                long t0 = System.nanoTime();
                SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                        .setWorkflowId(id).setTaskQueue("nasflow").build());
                WorkflowExecution first = WorkflowClient.start(wf::run, spec, SearchState.json(
                        config.historyLimit() > 0 ? SearchState.withHistoryLimit(config.historyLimit()) : null));
                progress.accept(String.format(Locale.ROOT, "fanout: search %s started: %d candidates, %d in flight, "
                                + "shards of %d, %d worker processes x %d slots", id, config.candidates(),
                        config.maxConcurrent(), config.shardSize(), config.workers(), config.slots()));
                int peak = 0;
                int kills = 0;
                long lastLine = 0;
                var result = client.newUntypedWorkflowStub(id).getResultAsync(SearchResult.class);
                long deadline = System.nanoTime() + config.timeout().toNanos();
                while (!result.isDone()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("search " + id + " not finished within " + config.timeout());
                    }
                    SearchStatus st;
                    try {
                        st = wf.status();
                    } catch (RuntimeException busy) {
                        Thread.sleep(500);
                        continue;
                    }
                    peak = Math.max(peak, st.running().size());
                    if (config.killAfter() > 0 && kills == 0 && st.evaluations() >= config.killAfter()) {
                        Process victim = procs.get(0);
                        killedCpu += SearchRun.processCpuNanos(victim.pid()) / 1e9;
                        victim.destroyForcibly();
                        victim.waitFor(10, TimeUnit.SECONDS);
                        kills++;
                        progress.accept("fanout: SIGKILLed worker 0 (pid " + victim.pid() + ") at "
                                + st.evaluations() + " results; starting a replacement");
                        procs.set(0, startWorker(dir, config.workers(), address, stack.kafkaBootstrap()));
                    }
                    if (System.nanoTime() - lastLine > 5e9) {
                        lastLine = System.nanoTime();
                        progress.accept(String.format(Locale.ROOT, "fanout: %5.1f s  %d results, %d running",
                                (System.nanoTime() - t0) / 1e9, st.evaluations(), st.running().size()));
                    }
                    Thread.sleep(1000);
                }
                SearchResult r = result.get();
                double wall = (System.nanoTime() - t0) / 1e9;
                long cpu1 = SearchRun.cpuNanos(pids(procs, dev));
                double cpu = cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9 + killedCpu;
                Map<String, Object> report = report(client, id, first, r, wall, cpu, peak, kills);
                stopWorkers(procs); // before the broker they publish to goes
                return report;
            }
        } finally {
            stopWorkers(procs);
            if (dev != null) {
                dev.close();
            }
        }
    }

    private static long[] pids(List<Process> procs, TemporalDevServer dev) {
        List<Long> ps = new ArrayList<>();
        procs.forEach(p -> ps.add(p.pid()));
        if (dev != null && dev.isRunning()) {
            ps.add(dev.pid());
        }
        return ps.stream().mapToLong(Long::longValue).toArray();
    }

    private Map<String, Object> report(WorkflowClient client, String id, WorkflowExecution first, SearchResult r,
                                       double wall, double cpu, int peak, int kills) {
        // every run of the search, and every shard it started
        List<Integer> runLengths = new ArrayList<>();
        List<String> shards = new ArrayList<>();
        String runId = first.getRunId();
        while (runId != null) {
            List<HistoryEvent> events = client.fetchHistory(id, runId).getHistory().getEventsList();
            runLengths.add(events.size());
            String next = null;
            for (HistoryEvent e : events) {
                if (e.hasStartChildWorkflowExecutionInitiatedEventAttributes()) {
                    shards.add(e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
                }
                if (e.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
                    next = e.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
                }
            }
            runId = next;
        }
        int shardMax = 0;
        long shardSum = 0;
        for (String s : shards) {
            int n = client.fetchHistory(s).getHistory().getEventsCount();
            shardMax = Math.max(shardMax, n);
            shardSum += n;
        }
        SearchStatus st = r.status();
        Set<String> ids = new HashSet<>();
        int duplicates = 0;
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (CandidateResult c : r.leaderboard()) {
            if (!ids.add(c.candidateId())) {
                duplicates++;
            }
            outcomes.merge(c.outcome(), 1, Integer::sum);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("setup", String.format(Locale.ROOT, "Temporal %s server; %d 'nasflow worker --in-process --slots %d' "
                        + "processes serving the search, its shards and the training; table trainer, %d epoch(s) paced "
                        + "%d ms; budget.maxConcurrent %d, shardSize %d; stopping %s%s",
                config.server(), config.workers(), config.slots(), config.epochs(), config.pacingMs(),
                config.maxConcurrent(), config.shardSize(), config.rule(),
                config.killAfter() > 0 ? "; one worker SIGKILLed after " + config.killAfter() + " results" : ""));
        out.put("candidates", config.candidates());
        out.put("maxConcurrent", config.maxConcurrent());
        out.put("peakRunning", peak);
        out.put("evaluations", st.evaluations());
        out.put("ranked", r.leaderboard().size());
        out.put("distinctRanked", ids.size());
        out.put("duplicates", duplicates);
        out.put("completed", st.completed());
        out.put("stoppedEarly", st.stoppedEarly());
        out.put("failed", st.failed());
        out.put("wallSeconds", Stats.round(wall, 2));
        out.put("candidatesPerSecond", Stats.round(st.evaluations() / wall, 1));
        if (!Double.isNaN(cpu)) {
            out.put("cpuSeconds", Stats.round(cpu, 1));
            out.put("cpuMsPerCandidate", Stats.round(cpu * 1000 / Math.max(1, st.evaluations()), 2));
        }
        out.put("continuedAsNew", st.continuedAsNew());
        out.put("searchRuns", runLengths.size());
        out.put("searchHistoryMax", runLengths.stream().mapToInt(Integer::intValue).max().orElse(0));
        out.put("searchHistoryPerRun", runLengths);
        out.put("shards", shards.size());
        out.put("shardHistoryMax", shardMax);
        out.put("shardHistoryMean", shards.isEmpty() ? 0 : Stats.round((double) shardSum / shards.size(), 1));
        out.put("kills", kills);
        progress.accept(String.format(Locale.ROOT, "fanout: %d results (%d distinct, %d duplicates) in %.1f s, peak "
                        + "%d running, CPU %.1f ms per candidate; %d search run(s), history max %d; %d shards, history "
                        + "max %d", st.evaluations(), ids.size(), duplicates, wall, peak, cpu * 1000
                        / Math.max(1, st.evaluations()), runLengths.size(), out.get("searchHistoryMax"), shards.size(),
                shardMax));
        return out;
    }

    private Process startWorker(Path dir, int i, String temporal, String kafka) throws IOException,
            InterruptedException {
        return WorkerProcesses.start(config.javaCommand(), List.of("-Xss512k"), config.classPath(), List.of(
                        "--temporal", temporal, "--kafka", kafka, "--slots", Integer.toString(config.slots()),
                        "--in-process", "--metrics-port", "0", "--work-dir", dir.resolve("worker-" + i).toString()),
                dir.resolve("worker-" + i + ".log"), "fanout: worker " + i, progress);
    }

    private static void stopWorkers(List<Process> procs) {
        WorkerProcesses.stopAll(procs);
    }
}
