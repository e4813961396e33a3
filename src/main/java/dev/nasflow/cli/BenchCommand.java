package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.bench.BenchConfig;
import dev.nasflow.bench.BenchResult;
import dev.nasflow.bench.BenchRunner;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.Nb201TableException;
import dev.nasflow.nb201.Nb201TableSource;
import dev.nasflow.bench.RunResult;
import dev.nasflow.bench.StrategyFactory;
import dev.nasflow.strategy.Strategies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code nasflow bench}: runs a search strategy on the NAS-Bench-201 table under the published protocol (the search
 * sees 12-epoch validation accuracy, pays simulated 12-epoch time, stops at 12,000 simulated seconds; each run reports
 * its pick's 200-epoch validation accuracy) for R runs with seeds S, S+1, ... Further benchmarks are subcommands.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs a search strategy on the NAS-Bench-201 table under the published protocol: the search sees the "
                        + "12-epoch validation accuracy, pays simulated 12-epoch training time, stops at "
                        + "--budget-seconds of simulated time (the evaluation crossing it counts), and each run "
                        + "reports the 200-epoch validation accuracy of its pick.",
                "Prints one line per run and mean \u00b1 std; with --json exactly one JSON object on stdout."},
        subcommands = {
                BenchFanoutCommand.class,
                BenchMemoryCommand.class,
                BenchMoStoppingCommand.class,
                BenchOverheadCommand.class,
                BenchRecordCurvesCommand.class,
                BenchSavingsCommand.class,
                BenchScalingCommand.class,
                BenchStopLatencyCommand.class,
                BenchStoppingCommand.class,
                BenchTrainCommand.class,
                BenchWarmStartCommand.class,
        })
public final class BenchCommand implements Callable<Integer> {
    private static final Pattern INT = Pattern.compile("[-+]?\\d+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    @Spec
    CommandSpec spec;

    @Option(names = "--strategy", defaultValue = "rea", paramLabel = "NAME",
            description = "Strategy type (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--runs", defaultValue = "100", paramLabel = "R",
            description = "Independent runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the first run; run i uses S+i (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--budget-seconds", defaultValue = "12000", paramLabel = "SECONDS",
            description = "Simulated training seconds per run (default: ${DEFAULT-VALUE}, the published protocol).")
    double budgetSeconds;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "Strategy parameter, repeatable (numbers, true/false, or text), e.g. --param population=20.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--batch-size", defaultValue = "1", paramLabel = "K",
            description = "Proposals per propose(k) call, evaluated before any is observed, like K parallel workers "
                    + "(default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--min-epochs", defaultValue = "1", paramLabel = "E",
            description = "Lowest fidelity for multi-fidelity strategies (default: ${DEFAULT-VALUE}); epochs other "
                    + "than 12 and 200 come from the interpolated curve model (docs/BENCHMARKS.md).")
    int minEpochs;

    @Option(names = "--max-epochs", defaultValue = "12", paramLabel = "E",
            description = "Full fidelity of the search (default: ${DEFAULT-VALUE}, the protocol's 12 epochs).")
    int maxEpochs;

    @Option(names = "--resume-promotions",
            description = "A cell proposed again at more epochs (multi-fidelity promotion) pays only the new epochs, "
                    + "as if resumed from its checkpoint; by default every evaluation pays all its epochs, like the "
                    + "NB201 reference code.")
    boolean resumePromotions;

    @Option(names = "--threads", paramLabel = "N",
            description = "Runs executed in parallel (default: the cores, at most 2). Results do not depend on it.")
    Integer threads;

    @Option(names = "--json", description = "Print exactly one JSON object: {strategy, mean, std, runs: [...]}.")
    boolean json;

    @Mixin
    Nb201TableOptions tables;

    private final StrategyFactory factory;

    public BenchCommand() {
        this(Strategies::create);
    }

    /** For tests: a command that builds strategies with {@code factory} instead of the registry. */
    BenchCommand(StrategyFactory factory) {
        this.factory = factory;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchConfig config;
        Nb201Table table;
        long t0 = System.nanoTime();
        try {
            config = new BenchConfig(strategy, parseParams(params), runs, seed, budgetSeconds, batchSize, minEpochs,
                    maxEpochs, threads == null ? BenchConfig.defaultThreads() : threads, resumePromotions);
            Nb201TableSource source = tables.source();
            // the shipped tables are immutable: load them once per JVM; files given by path are read afresh
            table = source.table200() == null && source.table12() == null
                    ? Nb201Table.shared(source) : Nb201Table.load(source);
        } catch (Nb201TableException | IllegalArgumentException e) {
            err.println("nasflow bench: " + e.getMessage());
            err.flush();
            return 2;
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        BenchResult result;
        try {
            ProgressBar bar = new ProgressBar(System.err, config.runs(), "runs");
            long started = System.nanoTime();
            boolean[] shown = {false};
            result = new BenchRunner(table, factory).run(config, done -> {
                synchronized (bar) {
                    if (System.nanoTime() - started > 3_000_000_000L) { // only runs longer than a few seconds
                        bar.show(done, "");
                        shown[0] = true;
                    }
                }
            });
            synchronized (bar) {
                if (shown[0]) {
                    bar.finish();
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("nasflow bench: " + e.getMessage());
            err.flush();
            return 2;
        } catch (IllegalStateException | Nb201TableException e) {
            err.println("nasflow bench: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(toJson(result, loadSeconds)));
        } else {
            printTable(out, table, result, loadSeconds);
        }
        out.flush();
        return 0;
    }

    static Map<String, Object> toJson(BenchResult r, double loadSeconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", r.config().strategy());
        m.put("mean", r.mean());
        m.put("std", r.std());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (RunResult run : r.runs()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("seed", run.seed());
            o.put("arch", run.arch());
            o.put("valid200", run.valid200());
            o.put("evaluations", run.evaluations());
            o.put("simSeconds", run.simSeconds());
            runs.add(o);
        }
        m.put("runs", runs);
        m.put("params", r.config().params());
        m.put("budgetSeconds", r.config().budgetSeconds());
        m.put("wallSeconds", r.wallSeconds() + loadSeconds);
        return m;
    }

    private static void printTable(PrintWriter out, Nb201Table table, BenchResult r, double loadSeconds) {
        BenchConfig c = r.config();
        out.printf(Locale.ROOT, "nasflow bench: strategy %s%s, %d runs (seeds %d..%d), budget %.0f simulated s, "
                        + "dataset %s, batch %d%n", c.strategy(), c.params().isEmpty() ? "" : " " + c.params(),
                c.runs(), c.seed(), c.seed() + c.runs() - 1, c.budgetSeconds(), table.dataset(), c.batchSize());
        out.printf(Locale.ROOT, "%6s  %8s  %5s  %10s  %s%n", "seed", "valid200", "evals", "simSeconds", "arch");
        for (RunResult run : r.runs()) {
            out.printf(Locale.ROOT, "%6d  %8.2f  %5d  %10.1f  %s%n", run.seed(), run.valid200(), run.evaluations(),
                    run.simSeconds(), run.arch());
        }
        double mean = r.runs().stream().mapToInt(RunResult::evaluations).average().orElse(0);
        out.printf(Locale.ROOT, "valid200 mean %.2f \u00b1 %.2f over %d runs (min %.2f, max %.2f; optimum %.2f); "
                        + "%.1f evaluations per run%n", r.mean(), r.std(), r.runs().size(), r.min(), r.max(),
                table.valid200(table.bestValid200()), mean);
        out.printf(Locale.ROOT, "wall %.2f s (table load %.2f s, runs %.2f s on %d threads)%n",
                r.wallSeconds() + loadSeconds, loadSeconds, r.wallSeconds(), Math.min(c.threads(), c.runs()));
    }

    /** {@code --param} values: integers, decimals, true/false, or text. */
    static Map<String, Object> parseParams(Map<String, String> raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("--param needs KEY=VALUE, got an empty key");
            }
            String s = v == null ? "" : v.trim();
            Object value;
            if (INT.matcher(s).matches()) {
                long l = Long.parseLong(s);
                value = l == (int) l ? (Object) (int) l : (Object) l;
            } else if (NUMBER.matcher(s).matches()) {
                value = Double.parseDouble(s);
            } else if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                value = Boolean.parseBoolean(s);
            } else {
                value = s;
            }
            m.put(k.trim(), value);
        });
        return m;
    }
}
