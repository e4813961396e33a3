package dev.nasflow.cli;

import dev.nasflow.bench.CarriedStateBench;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.bench.ScalingBench;
import dev.nasflow.nb201.TableTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench scaling}: throughput with 1..N worker processes, and time per generation vs population. */
@Command(name = "scaling", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scaling: candidates/s with 1, 2, 4 'nasflow worker' processes against one Temporal server and "
                + "Kafka broker (table trainer paced in real time), and seconds per generation for population sizes "
                + "10, 50, 200 (no-work candidates) with a linear fit and the workflow history length / "
                + "continue-as-new count; the state carried across continue-as-new at 5,000-20,000 results (bytes, results "
                + "under the 2 MB payload limit, strategy replay time)."})
public final class BenchScalingCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "1,2,4", paramLabel = "N,...",
            description = "Worker-process counts, ascending (default: ${DEFAULT-VALUE}; 'none' skips this part).")
    String workers;

    @Option(names = "--slots", defaultValue = "2", paramLabel = "S",
            description = "Activity slots per worker process (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--pacing-ms", defaultValue = "100", paramLabel = "MS",
            description = "Real-time pacing per epoch in the worker part (default: ${DEFAULT-VALUE}).")
    int pacing;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "E",
            description = "Epochs per candidate in the worker part (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--candidates-per-slot", defaultValue = "25", paramLabel = "K",
            description = "Candidates per measured search, per slot (default: ${DEFAULT-VALUE}).")
    int candidatesPerSlot;

    @Option(names = "--population-per-slot", defaultValue = "5", paramLabel = "K",
            description = "Worker part: population (= maxConcurrent) per slot (default: ${DEFAULT-VALUE}).")
    int populationPerSlot;

    @Option(names = "--populations", defaultValue = "10,50,200", paramLabel = "P,...",
            description = "Population sizes (default: ${DEFAULT-VALUE}; 'none' skips this part).")
    String populations;

    @Option(names = "--generations", defaultValue = "10", paramLabel = "G",
            description = "Generations per population size (default: ${DEFAULT-VALUE}).")
    int generations;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "R",
            description = "Searches per population size; the report gives medians (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--in-process-slots", defaultValue = "50", paramLabel = "S",
            description = "Activity slots of the in-process worker in the population part (default: ${DEFAULT-VALUE}).")
    int inProcessSlots;

    @Option(names = "--history-limit", defaultValue = "2000", paramLabel = "EVENTS",
            description = "Continue-as-new above this many history events in the population part (default: "
                    + "${DEFAULT-VALUE}).")
    long historyLimit;

    @Option(names = "--carried", defaultValue = "5000,10000,20000", paramLabel = "N,...",
            description = "Carried-state part: result counts at which the state carried across continue-as-new is "
                    + "measured and the strategy replay timed, per strategy (default: ${DEFAULT-VALUE}; 'none' "
                    + "skips this part).")
    String carried;

    @Option(names = "--carried-strategies", defaultValue = "random,grid,rea,local,nsga2,asha,hyperband,bananas",
            paramLabel = "S,...", description = "Strategies of the carried-state part (default: ${DEFAULT-VALUE}).")
    String carriedStrategies;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker data and worker logs (default "
            + "work/bench-scaling).")
    Path workDir;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ScalingBench.Config config;
        try {
            config = new ScalingBench.Config(ints("--workers", workers), slots, pacing, epochs, candidatesPerSlot,
                    populationPerSlot, ints("--populations", populations), generations, repeats, inProcessSlots,
                    historyLimit,
                    Services.workDir(workDir, "bench-scaling"),
                    ProcessHandle.current().info().command().orElse("java"), System.getProperty("java.class.path"));
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench scaling: " + e.getMessage());
            return 2;
        }
        List<Integer> carriedSizes;
        try {
            carriedSizes = ints("--carried", carried);
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench scaling: " + e.getMessage());
            return 2;
        }
        Map<String, Object> report = new ScalingBench(config, s -> System.err.println("bench scaling: " + s)).run();
        if (!carriedSizes.isEmpty()) {
            report.put("carried", new CarriedStateBench(new TableTrainer(Nb201Table.cifar10()),
                    s -> System.err.println("bench scaling: carried " + s))
                    .run(List.of(carriedStrategies.split(",")), carriedSizes, 100));
        }
        return BenchReports.emit(json, report);
    }

    /** "1,2,4" -> [1, 2, 4]; "none" or "" -> []. */
    static List<Integer> ints(String option, String value) {
        List<Integer> out = new ArrayList<>();
        String v = value == null ? "" : value.trim();
        if (v.isEmpty() || v.equalsIgnoreCase("none")) {
            return out;
        }
        for (String part : v.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + part.trim() + "' is not an integer (give e.g. "
                        + "1,2,4 or none)");
            }
        }
        return out;
    }
}
