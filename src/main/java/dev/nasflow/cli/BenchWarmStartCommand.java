package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.bench.BenchConfig;
import dev.nasflow.nb201.Nb201Dataset;
import dev.nasflow.nb201.Nb201TableException;
import dev.nasflow.bench.StrategyFactory;
import dev.nasflow.bench.WarmStartBench;
import dev.nasflow.strategy.Strategies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench warm-start}: warm-started against cold searches on NAS-Bench-201, a simulation on the tables. */
@Command(name = "warm-start", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Warm start on NAS-Bench-201 (a simulation on the tables): per seed, a finished CIFAR-10 "
                + "search (--source-strategy, the published protocol) gives its results as priors (another data set: "
                + "ranking only); each --strategies search on each --datasets target then runs cold and "
                + "warm-started, searching on the target's 12-epoch validation accuracy (cifar100-val, "
                + "imagenet-val: only 12-epoch figures ship for them) and paying the shipped CIFAR-10 12-epoch "
                + "time per evaluation.",
                "Reports the 12-epoch test accuracy (cifar100-test, imagenet-test) of the pick (best validation "
                        + "accuracy measured by the search itself) at 25 %, 50 % and 100 % of --budget-seconds, mean "
                        + "\u00b1 std over --runs seeds, and whether warm at 50 % reaches cold at 100 %."})
public final class BenchWarmStartCommand implements Callable<Integer> {
    @Option(names = "--strategies", defaultValue = "rea,bananas,random", split = ",", paramLabel = "LIST",
            description = "Target strategies (default: ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--datasets", defaultValue = "cifar100,imagenet16-120", split = ",", paramLabel = "LIST",
            description = "Target data sets (default: ${DEFAULT-VALUE}).")
    List<String> datasets;

    @Option(names = "--source-strategy", defaultValue = "rea", paramLabel = "NAME",
            description = "Strategy of the finished CIFAR-10 search (default: ${DEFAULT-VALUE}).")
    String sourceStrategy;

    @Option(names = "--runs", defaultValue = "100", paramLabel = "R",
            description = "Seeds per strategy, data set and mode; run i uses seed S+i (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--budget-seconds", defaultValue = "12000", paramLabel = "SECONDS",
            description = "Simulated seconds of the full budget, source and targets (default: ${DEFAULT-VALUE}, the "
                    + "published protocol).")
    double budgetSeconds;

    @Option(names = "--top", defaultValue = "200", paramLabel = "N",
            description = "Best source results used as priors, like warmStart.top (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--threads", paramLabel = "N",
            description = "Seeds run in parallel (default: the cores, at most 2). Results do not depend on it.")
    Integer threads;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    private final StrategyFactory factory;

    public BenchWarmStartCommand() {
        this(Strategies::create);
    }

    BenchWarmStartCommand(StrategyFactory factory) {
        this.factory = factory;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> report;
        try {
            List<Nb201Dataset> ds = new ArrayList<>();
            for (String d : datasets) {
                ds.add(Nb201Dataset.of(d));
            }
            for (String s : strategies) {
                Strategies.create(s, new dev.nasflow.strategy.StrategyContext(dev.nasflow.nb201.Nb201Table.space(),
                        dev.nasflow.bench.BenchRunner.OBJECTIVES, 0, Map.of(), 12, 12));
            }
            WarmStartBench.Config config = new WarmStartBench.Config(strategies, ds, sourceStrategy, runs, seed,
                    budgetSeconds, top, threads == null ? BenchConfig.defaultThreads() : threads);
            report = new WarmStartBench(factory).run(config);
        } catch (IllegalArgumentException | Nb201TableException e) {
            throw new CliException(ExitCodes.USAGE, "nasflow bench warm-start: " + e.getMessage(),
                    "see nasflow bench warm-start --help");
        }
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(report));
        } else {
            print(System.out, report);
        }
        System.out.flush();
        return 0;
    }

    @SuppressWarnings("unchecked")
    static void print(PrintStream out, Map<String, Object> r) {
        out.printf(Locale.ROOT, "nasflow bench warm-start (simulation on the NAS-Bench-201 tables): %s runs, seeds %s, "
                        + "budget %.0f simulated s; source: %s on cifar10 (%.1f evaluations), top %s priors%n",
                r.get("runs"), r.get("seeds"), (double) r.get("budgetSeconds"), r.get("sourceStrategy"),
                (double) r.get("sourceEvaluationsMean"), r.get("top"));
        out.printf(Locale.ROOT, "%-15s %-9s %-5s %18s %18s %18s  %s%n", "dataset", "strategy", "mode", "25 %", "50 %",
                "100 %", "evaluations at 25/50/100 %");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("results")) {
            for (String mode : List.of("cold", "warm")) {
                List<Map<String, Object>> fr = (List<Map<String, Object>>) row.get(mode);
                StringBuilder b = new StringBuilder();
                StringBuilder e = new StringBuilder();
                StringBuilder v = new StringBuilder();
                for (Map<String, Object> f : fr) {
                    v.append(v.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f",
                            (double) f.get("validMean")));
                    b.append(String.format(Locale.ROOT, " %9.2f \u00b1 %5.2f ", (double) f.get("mean"),
                            (double) f.get("std")));
                    e.append(e.length() == 0 ? "" : " / ").append(f.get("evaluations"));
                }
                out.printf(Locale.ROOT, "%-15s %-9s %-5s%s  %s  (pick's validation accuracy %s)%n", row.get("dataset"),
                        row.get("strategy"), mode, b, e, v);
            }
            out.printf(Locale.ROOT, "%-15s %-9s warm at 50 %% reaches cold at 100 %%: %s (paired difference %+.3f "
                            + "\u00b1 %.3f SE; best %s %.2f, its test %.2f)%n", row.get("dataset"), row.get("strategy"),
                    row.get("warmAtHalfReachesColdAtFull"), (double) row.get("warmHalfMinusColdFull"),
                    (double) row.get("warmHalfMinusColdFullSe"), row.get("searchColumn"),
                    (double) row.get("bestValid"), (double) row.get("testOfBestValid"));
        }
        out.printf(Locale.ROOT, "pick scored by %s; wall %.1f s on %s threads%n",
                "the 12-epoch test accuracy (cifar100-test / imagenet-test)", (double) r.get("wallSeconds"),
                r.get("threads"));
    }
}
