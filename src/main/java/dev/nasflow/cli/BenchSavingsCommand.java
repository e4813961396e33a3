package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.bench.SavingsBench;
import dev.nasflow.bench.StoppingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench savings}: what early stopping saves in wall time and epochs on the running stack. */
@Command(name = "savings", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Measures what early stopping saves on the running stack (not a simulation): real Kafka, a Temporal "
                        + "server (in-process, or the dev server with --server dev), an in-process worker with "
                        + "--slots slots and the early-stopping service. Each run is one search of --candidates "
                        + "NB201 table candidates paced by their tabulated training time (mean --pacing-ms per "
                        + "epoch, 6.4x between the fastest and slowest cell), per stopping rule, scheduling mode and "
                        + "seed.",
                "Per rule and mode: wall seconds, epochs trained, slot utilization (busy slot-seconds / slots x "
                        + "wall), the pick's 200-epoch test accuracy, and the epoch and wall savings against none. "
                        + "With --json exactly one JSON object on stdout (progress on stderr)."})
public final class BenchSavingsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--candidates", defaultValue = "64", paramLabel = "N",
            description = "Candidates per search (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--slots", defaultValue = "8", paramLabel = "N",
            description = "Training slots = budget.maxConcurrent (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--epochs", defaultValue = "50", paramLabel = "E",
            description = "Epochs per candidate (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--pacing-ms", defaultValue = "20", paramLabel = "MS",
            description = "Mean real milliseconds per epoch (default: ${DEFAULT-VALUE}).")
    int pacingMs;

    @Option(names = "--strategy", defaultValue = "rea", paramLabel = "NAME",
            description = "Search strategy (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--population", defaultValue = "8", paramLabel = "N",
            description = "budget.populationSize (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--rules", defaultValue = "none,median,medianAvg,median25,medianAvg25,asha", split = ",",
            paramLabel = "RULE", description = "Rules, none first: names of the bench's rules, or LABEL=RULE:K=V;K=V "
                    + "(e.g. avg25=median:compare=average;percentile=25) (default: ${DEFAULT-VALUE}).")
    List<String> rules;

    @Option(names = "--modes", defaultValue = "async,generational", split = ",", paramLabel = "MODE",
            description = "Scheduling modes (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--seeds", defaultValue = "10", paramLabel = "N",
            description = "Seeds per rule and mode (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--queue-ahead", defaultValue = "0", paramLabel = "N",
            description = "budget.queueAhead of the asynchronous searches: candidates queued for the next free worker "
                    + "slot (default: ${DEFAULT-VALUE}).")
    int queueAhead;

    @Option(names = "--server", defaultValue = "in-process", paramLabel = "in-process|dev",
            description = "Temporal server when --temporal is not given: Temporal's in-process test server, or the "
                    + "real dev server started for the bench (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--timeout", defaultValue = "PT10M", paramLabel = "DURATION",
            description = "Limit for each search, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Broker data (default: a fresh work/bench-savings/run-* directory, deleted afterwards).")
    Path workDir;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = workDir != null ? workDir : Services.workDir(null, "bench-savings")
                .resolve("run-" + Long.toString(System.currentTimeMillis(), 36));
        SavingsBench.Config config;
        try {
            List<SavingsBench.RuleConfig> chosen = new ArrayList<>();
            for (String r : rules) {
                if (r.contains("=")) {
                    // LABEL=RULE[:K=V...], as bench stopping's --rule ('none' stays the reference)
                    for (StoppingBench.RuleConfig c : BenchStoppingCommand.parseRules(List.of(r.replace(';', ',')))) {
                        if (!c.label().equals("none")) {
                            chosen.add(new SavingsBench.RuleConfig(c.label(), c.rule(),
                                    c.params() == null ? Map.of() : c.params()));
                        }
                    }
                    continue;
                }
                chosen.add(SavingsBench.RULES.stream().filter(x -> x.name().equals(r)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("--rules: unknown rule '" + r + "' (fix: "
                                + "one of " + SavingsBench.RULES.stream().map(SavingsBench.RuleConfig::name).toList()
                                + ", or LABEL=RULE:K=V;K=V, e.g. avg25=median:compare=average;percentile=25)")));
            }
            config = new SavingsBench.Config(candidates, slots, epochs, pacingMs, strategy, population, chosen, modes,
                    seeds, seed, server, temporal.settings(), kafka.settings().orElse(null), dir, timeout, queueAhead);
        } catch (IllegalArgumentException e) {
            err.println("nasflow bench savings: " + e.getMessage());
            err.flush();
            return 2;
        }
        SavingsBench.Result r;
        try {
            r = new SavingsBench().run(config, line -> {
                err.println("bench savings: " + line);
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
            out.printf(Locale.ROOT, "%-12s %-10s %4s %9s %8s %8s %6s %9s %9s %9s%n", "scheduling", "rule", "runs",
                    "wall s", "epochs", "stopped", "util", "pick200", "epoch x", "wall x");
            for (SavingsBench.Row row : r.rows()) {
                out.printf(Locale.ROOT, "%-12s %-10s %4d %9.2f %8.1f %8.1f %6.2f %9.2f %9.2f %9.2f%n", row.mode(),
                        row.rule(), row.runs(), row.wallSeconds(), row.epochs(), row.stopped(), row.utilization(),
                        row.pickTest200(), row.epochSaving(), row.wallSaving());
            }
            out.printf(Locale.ROOT, "Temporal %s, Kafka %s, %.0f s in all%n", r.temporal(), r.kafka(), r.seconds());
        }
        out.flush();
        return 0;
    }
}
