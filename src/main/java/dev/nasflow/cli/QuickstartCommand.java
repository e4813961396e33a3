package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.report.HtmlReport;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.strategy.OneShot;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.TopicReader;
import dev.nasflow.stream.Topics;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code nasflow quickstart}: the embedded stack runs a search to the end — by default
 * {@code workflows/quickstart-djl.json} (real DJL training on the bundled Fashion-MNIST subset), with {@code --table}
 * {@code workflows/quickstart.json} (the NAS-Bench-201 table trainer, about 20 s).
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Start the embedded stack (Kafka, Temporal, worker, stopper, surrogate), run a search to the "
                + "end with a progress bar, and print its leaderboard and the stop decisions seen on Kafka.")
public final class QuickstartCommand implements Callable<Integer> {
    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MetricsOptions metrics;

    @Option(names = "--spec", paramLabel = "FILE",
            description = "Search spec (default workflows/quickstart-djl.json; with --table workflows/quickstart.json).")
    Path specFile;

    @Option(names = "--djl", description = "Train real networks with DJL on the bundled Fashion-MNIST subset "
            + "(workflows/quickstart-djl.json; the default, kept for scripts).")
    boolean djl;

    @Option(names = "--table", description = "Use the NAS-Bench-201 table trainer instead of DJL "
            + "(workflows/quickstart.json: 30 candidates, about 20 s).")
    boolean table;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker data and logs (default work/quickstart).")
    Path workDir;

    @Option(names = "--json", description = "End with one JSON line: searchId, trainer, candidates, stoppedEarly, "
            + "best {arch, metrics}, stopDecisions, stopper.")
    boolean json;

    @Option(names = "--top", defaultValue = "10", description = "Leaderboard rows (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write the search's self-contained HTML report (learning curves from the stack's Kafka).")
    Path reportFile;

    @Override
    public Integer call() throws Exception {
        if (djl && table) {
            System.err.println("nasflow quickstart: --djl and --table exclude each other: give one "
                    + "(DJL training is the default)");
            return 2;
        }
        Path file = specFile != null ? specFile
                : home().resolve(table ? "workflows/quickstart.json" : "workflows/quickstart-djl.json");
        SearchSpec spec = ValidSpec.orReport(file);
        if (spec == null) {
            return 1;
        }
        if (OneShot.isOneShot(spec.strategy().type())) {
            throw new CliException(ExitCodes.USAGE, file + " is a one-shot (" + spec.strategy().type() + ") spec: "
                    + "the quickstart runs a SearchWorkflow, which cannot run it",
                    "run it with 'nasflow supernet start " + file + "'");
        }
        ObjectMapper mapper = TemporalClients.objectMapper();
        JsonNode raw = mapper.readTree(Files.readString(file));
        PrintStream err = System.err;
        long t0 = System.nanoTime();
        err.println("nasflow quickstart: starting Kafka (KRaft) and Temporal...");
        try (DevStack stack = metrics.apply(DevStack.builder(Services.workDir(workDir, "quickstart")), 0,
                "quickstart")
                .kafka(kafka.settings().orElse(null))
                .temporal(temporal.settings())
                .taskQueues(List.of(spec.taskQueue()))
                .workerSlots(workerSlots(spec))
                .trainers(Services.trainers())
                .start()) {
            err.printf(Locale.ROOT, "  ready in %.1f s: Temporal %s, Kafka %s%n", (System.nanoTime() - t0) / 1e9,
                    stack.temporal().address(), stack.kafkaBootstrap());
            if (stack.metricsServer() != null) {
                err.println("  metrics: " + MetricsOptions.describe(stack));
            }
            String searchId = spec.name() + "-" + Long.toString(System.currentTimeMillis(), 36);
            WorkflowClient client = stack.client();
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                    .setWorkflowId(searchId).setTaskQueue(spec.taskQueue()).build());
            WorkflowClient.start(wf::run, raw, null);
            err.println("  search " + searchId + " started (" + spec.strategy().type() + ", " + spec.trainer().type()
                    + " trainer, stopping: " + spec.stopping().rule() + ")");
            WorkflowStub stub = client.newUntypedWorkflowStub(searchId);
            CompletableFuture<SearchResult> done = stub.getResultAsync(SearchResult.class);
            Integer budget = spec.budget().evaluations();
            Progress progress = new Progress(err, budget == null ? 0 : budget);
            StopperLine.Watch stopperWatch = new StopperLine.Watch(err);
            while (!done.isDone()) {
                try {
                    stopperWatch.check(progress.show(wf.status()));
                } catch (RuntimeException ignored) {
                    // status not available for a moment (e.g. continue-as-new): try again
                }
                try {
                    done.get(300, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException ignored) {
                    // keep polling
                }
            }
            SearchResult result = done.get();
            progress.show(result.status());
            progress.finish();
            PrintStream out = System.out;
            LeaderboardView.printStatus(out, result.status());
            out.println();
            LeaderboardView.printLeaderboard(out, result.leaderboard(), top, spec.primary().metric());
            StopperLine.print(out, stopperWatch.warned() ? new PrintStream(OutputStream.nullOutputStream()) : err,
                    result.status());
            List<StopDecision> decisions = stopDecisions(stack.kafka(), searchId);
            out.println();
            out.println(Topics.STOP_DECISIONS + ": " + decisions.size() + " decision(s) for " + searchId);
            for (StopDecision d : decisions.subList(0, Math.min(5, decisions.size()))) {
                out.println("  " + d.candidateId() + " @ epoch " + d.epoch() + " (" + d.rule() + "): " + d.reason());
            }
            if (reportFile != null) {
                HtmlReport.write(ReportCommand.build(result, java.util.Optional.of(stack.kafka().settings()),
                        "nasflow quickstart (result of the completed search)", Duration.ofSeconds(30)), reportFile);
                out.println("report: " + reportFile);
            }
            out.printf(Locale.ROOT, "finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            if (json) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("searchId", searchId);
                line.put("trainer", spec.trainer().type());
                line.put("candidates", result.status().evaluations());
                line.put("stoppedEarly", result.status().stoppedEarly());
                CandidateResult best = result.status().best();
                if (best != null) {
                    Map<String, Object> b = new LinkedHashMap<>();
                    b.put("candidateId", best.candidateId());
                    b.put("arch", best.arch());
                    b.put("metrics", best.metrics());
                    line.put("best", b);
                } else {
                    line.put("best", null);
                }
                line.put("stopDecisions", decisions.size());
                line.put("stopper", StopperLine.describe(result.status()));
                out.println(mapper.writeValueAsString(line));
            }
            out.flush();
        }
        return 0;
    }

    /**
     * Activity slots of the in-process worker: the spec's concurrency, but 1 for the djl trainer — DJL's PyTorch
     * engine runs one gradient collection per JVM, so one process trains one candidate at a time (more parallelism =
     * more worker processes, {@code nasflow worker}).
     */
    static int workerSlots(SearchSpec spec) {
        int slots = Math.max(1, spec.budget().maxConcurrent());
        return spec.trainer().isDjl() ? Math.min(slots, 1) : slots;
    }

    static Path home() {
        String h = System.getenv("NASFLOW_HOME");
        return Path.of(h == null ? "." : h);
    }

    /** Every decision for the search on the stop-decisions topic (read from the beginning to the end offsets). */
    static List<StopDecision> stopDecisions(KafkaClients kafka, String searchId) {
        return TopicReader.readToEnd(kafka, Topics.STOP_DECISIONS, EventSerde.STOP_DECISION, Duration.ofSeconds(10),
                d -> searchId.equals(d.searchId()));
    }

    /** The search's progress bar ({@link ProgressBar}): evaluations of the budget, running, stopped early, best. */
    static final class Progress {
        private final int total;
        private final ProgressBar bar;

        Progress(PrintStream err, int total) {
            this.total = total;
            this.bar = new ProgressBar(err, total, "evaluated");
        }

        SearchStatus show(SearchStatus s) {
            int n = s.evaluations();
            String best = s.best() == null ? "-" : String.format(Locale.ROOT, "%.2f",
                    s.best().metric(s.spec().primary().metric()));
            String line = String.format(Locale.ROOT, "  %s %d/%s evaluated, %d running, %d stopped early, "
                            + "generation %d, best %s", ProgressBar.bar(n, total), n,
                    total > 0 ? Integer.toString(total) : "?", s.running().size(), s.stoppedEarly(), s.generation(),
                    best);
            bar.showLine(line);
            return s;
        }

        void finish() {
            bar.finish();
        }
    }
}
