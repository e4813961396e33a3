package dev.nasflow.cli;

import dev.nasflow.bench.FanoutBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench fanout}: one search with thousands of candidates in flight, sharded over child workflows. */
@Command(name = "fanout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One search with many candidates in flight at once (budget.maxConcurrent up to 100,000), run in "
                + "shards (child workflows of budget.shardSize candidates) by several 'nasflow worker --in-process' "
                + "processes against the real Temporal dev server: wall time, CPU per candidate (bench JVM, workers, "
                + "dev server), history length of every run of the search and of every shard, every result counted "
                + "once. --kill-after N SIGKILLs one worker after N results (a fresh one replaces it)."})
public final class BenchFanoutCommand implements Callable<Integer> {
    @Option(names = "--candidates", defaultValue = "10000", paramLabel = "N",
            description = "Evaluations of the search (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--max-concurrent", defaultValue = "10000", paramLabel = "N",
            description = "budget.maxConcurrent: candidates in flight at once (default: ${DEFAULT-VALUE}).")
    int maxConcurrent;

    @Option(names = "--shard-size", defaultValue = "500", paramLabel = "N",
            description = "budget.shardSize (default: ${DEFAULT-VALUE}).")
    int shardSize;

    @Option(names = "--workers", defaultValue = "3", paramLabel = "N",
            description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--slots", defaultValue = "200", paramLabel = "S",
            description = "Activity slots per worker process (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "E",
            description = "Table epochs per candidate (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--pacing-ms", defaultValue = "20", paramLabel = "MS",
            description = "Real milliseconds per epoch (default: ${DEFAULT-VALUE}).")
    int pacingMs;

    @Option(names = "--rule", defaultValue = "none", paramLabel = "RULE",
            description = "Stopping rule; a stopper runs in the bench JVM unless none (default: ${DEFAULT-VALUE}).")
    String rule;

    @Option(names = "--history-limit", defaultValue = "0", paramLabel = "EVENTS",
            description = "Continue-as-new above this many history events (default: the workflow's, 20,000).")
    long historyLimit;

    @Option(names = "--kill-after", defaultValue = "0", paramLabel = "N",
            description = "SIGKILL one worker once N results are in (default: never).")
    int killAfter;

    @Option(names = "--server", defaultValue = "dev", paramLabel = "dev|in-process",
            description = "Temporal server (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--timeout", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "Limit for the search, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Server, broker and worker data and logs "
            + "(default: work/bench-fanout).")
    Path workDir;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FanoutBench.Config config;
        try {
            config = new FanoutBench.Config(candidates, maxConcurrent, shardSize, workers, slots, epochs, pacingMs,
                    rule, historyLimit, killAfter, server,
                    Services.workDir(workDir, "bench-fanout").resolve("run-"
                            + Long.toString(System.currentTimeMillis(), 36)),
                    ProcessHandle.current().info().command().orElse("java"), System.getProperty("java.class.path"),
                    timeout);
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench fanout: " + e.getMessage());
            return 2;
        }
        Map<String, Object> report = new FanoutBench(config, s -> System.err.println("bench " + s)).run();
        return BenchReports.emit(json, report);
    }
}
