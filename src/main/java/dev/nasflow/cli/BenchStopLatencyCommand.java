package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.bench.StopLatencyBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code nasflow bench stop-latency}: metric published → training loop stopped, under many concurrent candidates. */
@Command(name = "stop-latency", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Measures the streaming early-stopping path end to end on a real Kafka broker and a real Temporal "
                        + "server (embedded unless --kafka / --temporal name external ones), with an in-process "
                        + "worker and early-stopping service: one generation of --candidates NB201 table candidates "
                        + "trains concurrently in real time under a median rule that stops many of them. With --rule "
                        + "surrogate, --evaluations candidates train, --candidates at a time, the surrogate service "
                        + "runs in the stack and the stopper judges by its predictions.",
                "Per accepted decision: metric published (EpochMetric.timestamp) -> the training activity saw the "
                        + "cancellation. Prints p50/p99; with --json exactly one JSON object "
                        + "{\"p50Ms\", \"p99Ms\", \"decisions\", ...} on stdout (progress goes to stderr). With "
                        + "--rule surrogate also per candidate prediction: metric published -> prediction published "
                        + "(\"predictionP50Ms\", \"predictionP99Ms\", \"predictions\")."})
public final class BenchStopLatencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--candidates", defaultValue = "50", paramLabel = "N",
            description = "Candidates training at once (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--epochs", defaultValue = "12", paramLabel = "E",
            description = "Epochs per candidate (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--pacing-ms", defaultValue = "200", paramLabel = "MS",
            description = "Real milliseconds per epoch (default: ${DEFAULT-VALUE}).")
    int pacingMs;

    @Option(names = "--rule", defaultValue = "median", paramLabel = "RULE",
            description = "Stopping rule: median, or surrogate (the surrogate service in the stack, the stopper "
                    + "judging by its predictions; the rule's other settings its defaults) (default: "
                    + "${DEFAULT-VALUE}).")
    String rule;

    @Option(names = "--evaluations", paramLabel = "N",
            description = "Candidates trained in all, --candidates at a time (default: --candidates with the median "
                    + "rule; 3 x --candidates with the surrogate rule, which predicts once candidates finished).")
    Integer evaluations;

    @Option(names = "--grace-period", defaultValue = "2", paramLabel = "E",
            description = "The rule's first epoch at which a candidate may be stopped (default: ${DEFAULT-VALUE}).")
    int gracePeriod;

    @Option(names = "--min-trials", defaultValue = "3", paramLabel = "N",
            description = "The rule's references needed (median: other candidates at an epoch; surrogate: finished "
                    + "candidates) (default: ${DEFAULT-VALUE}).")
    int minTrials;

    @Option(names = "--timeout", defaultValue = "PT5M", paramLabel = "DURATION",
            description = "Limit for the search, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Broker data (default: a fresh work/bench-stop-latency/run-* directory, deleted afterwards).")
    Path workDir;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StopLatencyBench.Config config;
        // a fresh broker directory per run (unless given): runs must not replay each other's streams
        Path dir = workDir != null ? workDir : Services.workDir(null, "bench-stop-latency")
                .resolve("run-" + Long.toString(System.currentTimeMillis(), 36));
        try {
            int total = evaluations != null ? evaluations
                    : StopLatencyBench.SURROGATE.equals(rule) ? 3 * candidates : candidates;
            config = new StopLatencyBench.Config(candidates, epochs, pacingMs, gracePeriod, minTrials,
                    temporal.settings(), kafka.settings().orElse(null), dir, timeout, rule, total);
        } catch (IllegalArgumentException e) {
            err.println("nasflow bench stop-latency: " + e.getMessage());
            err.flush();
            return 2;
        }
        StopLatencyBench.Result r;
        try {
            r = new StopLatencyBench().run(config, line -> {
                err.println("bench stop-latency: " + line);
                err.flush();
            });
        } finally {
            if (workDir == null) {
                Services.deleteTree(dir);
            }
        }
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(r.toJson()));
        } else {
            out.printf(Locale.ROOT, "stop latency (metric published -> training loop stopped) over %d decisions: "
                            + "p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n", r.decisions(), r.total().p50(),
                    r.total().p90(), r.total().p99(), r.total().max());
            out.printf(Locale.ROOT, "  metric -> decision   p50 %4d ms  p99 %4d ms%n", r.decide().p50(),
                    r.decide().p99());
            out.printf(Locale.ROOT, "  decision -> update returned + published   p50 %4d ms  p99 %4d ms%n",
                    r.deliver().p50(), r.deliver().p99());
            out.printf(Locale.ROOT, "  decision -> activity saw the cancellation  p50 %4d ms  p99 %4d ms%n",
                    r.cancel().p50(), r.cancel().p99());
            out.printf(Locale.ROOT, "%d candidates, %d stopped early, %d decisions rejected (finished first); "
                            + "search %.1f s; rule %s; Temporal %s, Kafka %s%n", r.candidates(), r.stoppedEarly(),
                    r.rejected(), r.searchSeconds(), r.rule(), r.temporal(), r.kafka());
            if (r.predictions() != null) {
                out.printf(Locale.ROOT, "surrogate predictions (metric published -> prediction published) over %d "
                                + "predictions: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n", r.predictions().n(),
                        r.predictions().p50(), r.predictions().p90(), r.predictions().p99(), r.predictions().max());
            }
        }
        out.flush();
        return r.decisions() > 0 ? 0 : 1;
    }
}
