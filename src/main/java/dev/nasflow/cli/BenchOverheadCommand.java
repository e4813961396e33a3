package dev.nasflow.cli;

import dev.nasflow.bench.OverheadBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench overhead}: orchestration cost per candidate with a no-work trainer. */
@Command(name = "overhead", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Orchestration cost per candidate: whole searches of no-work candidates (NB201 table trainer, "
                + "1 epoch, pacing 0) through the SearchWorkflow and training activity, timed from start to result "
                + "after a warm-up search.",
                "Stacks: inProcess (in-process Temporal test server + embedded Kafka), inProcessNoKafka (events "
                        + "dropped), devServer (real Temporal dev server with a SQLite file + embedded Kafka), "
                        + "devServerNoKafka (the dev server, events dropped)."})
public final class BenchOverheadCommand implements Callable<Integer> {
    @Option(names = "--mode", split = ",", paramLabel = "MODE",
            description = "Stacks to measure, comma-separated: IN_PROCESS, IN_PROCESS_NO_KAFKA, DEV_SERVER, "
                    + "DEV_SERVER_NO_KAFKA (default: all four).")
    List<OverheadBench.Mode> modes;

    @Option(names = "--candidates", defaultValue = "1000", paramLabel = "N",
            description = "Candidates per measured search (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--warmup", defaultValue = "300", paramLabel = "N",
            description = "Candidates of the warm-up search on each stack (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--population", defaultValue = "50", paramLabel = "P",
            description = "Candidates per generation (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--concurrency", defaultValue = "50", paramLabel = "C",
            description = "Candidates trained at the same time = worker activity slots (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--repeats", defaultValue = "1", paramLabel = "R",
            description = "Measured searches per stack; the report gives their median (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker and dev-server data (default "
            + "work/bench-overhead).")
    Path workDir;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<OverheadBench.Mode> which = modes == null || modes.isEmpty()
                ? List.of(OverheadBench.Mode.values()) : new ArrayList<>(modes);
        OverheadBench.Config config;
        try {
            config = new OverheadBench.Config(candidates, warmup, population, concurrency, repeats,
                    Services.workDir(workDir, "bench-overhead"));
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench overhead: " + e.getMessage());
            return 2;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("trainer", "nb201 table, 1 epoch, pacing 0 (no work)");
        report.putAll(new OverheadBench(config, s -> System.err.println("bench overhead: " + s)).run(which));
        return BenchReports.emit(json, report);
    }
}
