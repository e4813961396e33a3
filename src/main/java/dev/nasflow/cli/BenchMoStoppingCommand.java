package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.bench.MoStoppingBench;
import dev.nasflow.bench.Nb201Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench mo-stopping}: multi-objective early stopping (rule pareto), simulated. */
@Command(name = "mo-stopping", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Multi-objective early stopping, simulated (no training): searches for validation accuracy "
                + "against parameter count (random and NSGA-II on the NAS-Bench-201 CIFAR-10 table) run through the "
                + "stopping simulator without stopping and with the 'pareto' rule; reports epochs spent and the "
                + "hypervolume of the final front relative to no stopping.",
                "NB201 curves are tabulated at 12 and 200 epochs and modelled between them and below 12; "
                        + "--tabulated-only keeps the two tabulated epochs only. With --curves FILE it replays "
                        + "recorded real curves (random order of the file's architectures, their params).",
                "Default rules: pareto (its defaults), pareto-confidence1 (confidence=1) and pareto-finished "
                        + "(runningReferences=false)."})
public final class BenchMoStoppingCommand implements Callable<Integer> {
    @Option(names = "--candidates", paramLabel = "N",
            description = "Candidates per search (default: 100; with --curves: every curve of the file).")
    Integer candidates;

    @Option(names = "--epochs", paramLabel = "T",
            description = "Epochs of a full training (default: 200; with --curves: the file's shortest curve).")
    Integer epochs;

    @Option(names = "--strategy", paramLabel = "NAME", split = ",",
            description = "Strategies: random, nsga2 (default: both; with --curves: random).")
    List<String> strategies;

    @Option(names = "--tabulated-only",
            description = "NB201: only the tabulated epochs (12 and 200) carry a value; decisions use real figures.")
    boolean tabulatedOnly;

    @Option(names = "--curves", paramLabel = "FILE",
            description = "Replay the recorded learning curves of FILE (format nasflow-curves/1 with params per "
                    + "curve, written by 'nasflow bench record-curves') instead of the NB201 table.")
    Path curves;

    @Option(names = "--metric", defaultValue = "validAccuracy", paramLabel = "NAME",
            description = "With --curves: the recorded per-epoch metric watched; names ending in Loss are minimised "
                    + "(default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--concurrency", defaultValue = "8", paramLabel = "C",
            description = "Candidates trained at the same time (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--runs", defaultValue = "100", paramLabel = "R",
            description = "Searches per strategy; run i uses seed S+i (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rule", paramLabel = "LABEL[:K=V,...]",
            description = "A pareto rule configuration to compare (repeatable; replaces the defaults; no stopping is "
                    + "always the reference), e.g. --rule wide:margin=0.02,gracePeriod=6.")
    List<String> rules;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> report;
        try {
            int n = candidates == null ? 100 : candidates;
            int t = epochs == null ? Nb201Table.FULL_EPOCHS : epochs;
            if (curves != null) {
                dev.nasflow.bench.RecordedCurves file = dev.nasflow.bench.RecordedCurves.read(curves);
                n = candidates == null ? file.curves().size() : candidates;
                t = epochs == null ? file.minEpochs() : epochs;
            }
            MoStoppingBench.Config config = new MoStoppingBench.Config(n, t, concurrency, runs, seed, strategies,
                    parseRules(rules), tabulatedOnly, curves, metric);
            report = new MoStoppingBench(Nb201Table.cifar10()).run(config);
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench mo-stopping: " + e.getMessage());
            return 2;
        }
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(report));
        } else {
            BenchReports.print(System.out, report);
        }
        System.out.flush();
        return 0;
    }

    /** {@code LABEL[:K=V,...]} items (null: the defaults). */
    static List<MoStoppingBench.RuleConfig> parseRules(List<String> given) {
        if (given == null || given.isEmpty()) {
            return MoStoppingBench.defaultRules();
        }
        List<MoStoppingBench.RuleConfig> out = new ArrayList<>();
        for (String item : given) {
            int colon = item.indexOf(':');
            String label = (colon < 0 ? item : item.substring(0, colon)).trim();
            if (label.isEmpty()) {
                throw new IllegalArgumentException("--rule '" + item + "': expected LABEL[:K=V,...], e.g. "
                        + "wide:margin=0.02");
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (colon >= 0) {
                for (String kv : item.substring(colon + 1).split(",")) {
                    int e = kv.indexOf('=');
                    if (e <= 0) {
                        throw new IllegalArgumentException("--rule '" + item + "': parameter '" + kv
                                + "' is not K=V");
                    }
                    params.put(kv.substring(0, e).trim(), kv.substring(e + 1).trim());
                }
            }
            out.add(new MoStoppingBench.RuleConfig(label, new LinkedHashMap<>(BenchCommand.parseParams(params))));
        }
        return out;
    }
}
